"""load_documents: problems stop or are skipped, duplicates, filters after loading, the seed; file_hashes."""

import hashlib
from pathlib import Path

import pytest

from stancebook.corpus import file_hashes, filter_documents, load_documents, split_units
from stancebook.errors import CorpusError, ParameterError

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_ID = "000_e71531e8ba892e2d"


def tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- problems

def test_stop_mode_raises_naming_every_bad_file(folder_with_bad_files):
    with pytest.raises(CorpusError) as error:
        load_documents(folder_with_bad_files)
    message = str(error.value)
    assert "empty.txt: empty" in message
    assert "latin.txt: encoding" in message
    assert "on_problem='skip'" in message


def test_skip_mode_returns_the_good_documents_and_both_problems(folder_with_bad_files):
    documents, problems = load_documents(folder_with_bad_files, on_problem="skip")
    assert documents["doc_id"].tolist() == ["good"]
    assert problems[["source", "problem"]].values.tolist() == [
        ["empty.txt", "empty"], ["latin.txt", "encoding"]]
    detail = problems.loc[problems["problem"] == "encoding", "detail"].item()
    assert "byte 3" in detail and "encoding=" in detail


def test_exact_duplicates_are_reported_and_kept(tmp_path, write):
    write(tmp_path / "a.txt", "Same words.")
    write(tmp_path / "b.txt", "Same words.")
    write(tmp_path / "c.txt", "Same words. ")
    documents, problems = load_documents(tmp_path)
    assert documents["doc_id"].tolist() == ["a", "b", "c"]
    assert problems[["source", "problem"]].values.tolist() == [["b.txt", "duplicate"]]
    assert "same text as a" in problems["detail"].item()


def test_missing_path_names_the_path(tmp_path):
    with pytest.raises(CorpusError, match="no_such_corpus"):
        load_documents(tmp_path / "no_such_corpus")


@pytest.mark.parametrize("bad", [{"format": "xlsx"}, {"on_problem": "ignore"}])
def test_bad_parameters_name_the_parameter(folder_with_metadata, bad):
    with pytest.raises(ParameterError, match=next(iter(bad))):
        load_documents(folder_with_metadata, **bad)


def test_years_and_countries_filter_other_formats_after_loading(tmp_path, table, write_table):
    table = table.assign(iso3=["PRK", "RUS", "USA"], year=[2021, 2022, 2022])
    path = write_table(table, tmp_path / "speeches.csv")
    documents, _ = load_documents(path, text_column="body", id_column="speech_id",
                                  years=(2022, 2022), countries=["usa", "RUS"])
    assert documents["doc_id"].tolist() == ["RUS_77", "USA_77"]
    assert filter_documents(table, countries="prk")["speech_id"].tolist() == ["PRK_77"]


# ---------------------------------------------------------------- the seed

def test_seed_loads_with_its_metadata_and_leaves_the_files_untouched():
    before = tree_hashes(SEEDS)
    documents, problems = load_documents(SEEDS)
    units = split_units(documents, unit="paragraph")
    assert tree_hashes(SEEDS) == before
    assert documents["doc_id"].tolist() == [SEED_ID]
    record = documents.drop(columns="text").iloc[0].to_dict()
    assert record == {"doc_id": SEED_ID, "source": f"{SEED_ID}.txt",
                      "title": "Putin-Kim alliance and global peace", "genre": "opinion",
                      "language": "en", "event_date": "2023-09-13", "outlet": "unknown"}
    assert documents["text"].item() == (SEEDS / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    assert problems[["source", "problem"]].values.tolist() == [["README.md", "unlisted"]]
    assert units["text"].iloc[0] == "Putin-Kim alliance and global peace"
    assert len(units) == 4 and (units["title"] == "Putin-Kim alliance and global peace").all()


# ---------------------------------------------------------------- file hashes

def test_seed_file_hashes_cover_the_document_and_its_metadata():
    hashes = file_hashes(SEEDS)
    assert list(hashes) == [f"{SEED_ID}.txt", "metadata.csv"]
    expected = hashlib.sha256((SEEDS / "metadata.csv").read_bytes()).hexdigest()
    assert hashes["metadata.csv"] == expected


def test_file_hashes_of_a_table_is_one_entry(tmp_path, table, write_table):
    path = write_table(table, tmp_path / "speeches.csv")
    assert file_hashes(path) == {"speeches.csv": hashlib.sha256(path.read_bytes()).hexdigest()}
