"""prepare_corpus: the stage as the notebook runs it, writing its tables through the catalog."""

import warnings

import pytest

from stancebook import catalog
from stancebook.corpus import prepare_corpus
from stancebook.paths import RunPaths


@pytest.fixture
def paths(tmp_path):
    return RunPaths.for_run("test", run_dir=tmp_path / "run", figures_dir=tmp_path / "figures").ensure()


def test_prepare_corpus_writes_every_table_of_the_stage_and_warns_of_each_kind_of_problem(paths):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = prepare_corpus({"corpus_path": "seeds", "unit": "sentence"}, paths)
    assert [str(w.message) for w in caught if issubclass(w.category, UserWarning)] == [
        "1 input problem(s) of kind 'unlisted' (see corpus_problems.csv)."]
    assert tables.units["unit_id"].str.contains(":s").all() and "paragraph" in tables.units.columns
    assert sorted(tables.input_files) == ["000_e71531e8ba892e2d.txt", "metadata.csv"]
    units = catalog.read(paths, "units")
    assert units["unit_id"].tolist() == tables.units["unit_id"].tolist()
    assert catalog.read(paths, "documents")["doc_id"].tolist() == tables.documents["doc_id"].tolist()
    assert catalog.read(paths, "corpus_summary")["value"].tolist() == tables.summary["value"].tolist()
    assert catalog.read(paths, "corpus_problems")["problem"].tolist() == ["unlisted"]
    assert "offset_breaks" not in catalog.read(paths, "units_table").columns


def test_prepare_corpus_takes_the_declared_defaults_and_applies_the_filters(tmp_path, paths, write):
    write(tmp_path / "c" / "a.txt", "One.\n\nTwo.")
    write(tmp_path / "c" / "b.txt", "Three.")
    write(tmp_path / "c" / "metadata.csv", "file,year,speaker\na.txt,2001,X\nb.txt,1999,Y\n")
    tables = prepare_corpus({"corpus_path": str(tmp_path / "c"), "year_min": 2000, "holder_column": "speaker",
                             "actors": ["X", "Y"]}, paths)
    assert tables.documents["doc_id"].tolist() == ["a"]
    assert tables.units["unit_id"].tolist() == ["a"]  # unit defaults to "document"
    assert tables.problems.empty
