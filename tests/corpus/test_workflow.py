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


# ---------------------------------------------------------------- a year from a date column

def test_a_date_column_gives_each_unit_its_year_and_the_year_filter_uses_it(tmp_path, paths, write):
    write(tmp_path / "c" / "a.txt", "One.")
    write(tmp_path / "c" / "b.txt", "Two.")
    write(tmp_path / "c" / "d.txt", "Three.")
    write(tmp_path / "c" / "metadata.csv", "file,date\na.txt,2019-12-31\nb.txt,2020-01-01\nd.txt,2021-06-30T09:00\n")
    tables = prepare_corpus({"corpus_path": str(tmp_path / "c"), "year_min": 2020}, paths)
    assert dict(zip(tables.units["doc_id"], tables.units["year"])) == {"b": 2020, "d": 2021}
    assert catalog.read(paths, "units")["year"].tolist() == [2020, 2021]


def test_a_named_date_column_is_used_and_an_existing_year_column_is_kept_otherwise(tmp_path, paths, write):
    write(tmp_path / "c" / "a.txt", "One.")
    write(tmp_path / "c" / "metadata.csv", "file,year,date,published\na.txt,1990,2001-01-01,2022-02-24\n")
    kept = prepare_corpus({"corpus_path": str(tmp_path / "c")}, paths)
    assert kept.units["year"].tolist() == [1990]  # a year column wins over the default date column
    named = prepare_corpus({"corpus_path": str(tmp_path / "c"), "date_column": "published"}, paths)
    assert named.units["year"].tolist() == [2022]


@pytest.mark.parametrize("params, message", [
    ({}, r"date_column 'date': 1 value\(s\) are not ISO dates .*b \('24/02/2022'\)"),
    ({"date_column": "when"}, r"no metadata column 'when' \(date_column\)"),
])
def test_unparsable_dates_and_a_missing_date_column_stop_stage_0_naming_the_column(tmp_path, paths, write, params,
                                                                                   message):
    from stancebook.errors import CorpusError

    write(tmp_path / "c" / "a.txt", "One.")
    write(tmp_path / "c" / "b.txt", "Two.")
    write(tmp_path / "c" / "metadata.csv", "file,date\na.txt,2022-02-24\nb.txt,24/02/2022\n")
    with pytest.raises(CorpusError, match=message):
        prepare_corpus({"corpus_path": str(tmp_path / "c"), **params}, paths)
