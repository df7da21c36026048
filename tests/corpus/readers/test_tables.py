"""Table corpora: one document per row of a CSV, TSV, JSONL or Parquet file."""

import pytest

from stancebook.corpus import load_documents
from stancebook.errors import CorpusError


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_table_rows_become_documents_with_id_and_metadata_columns(tmp_path, suffix, table, write_table):
    path = write_table(table, tmp_path / f"speeches{suffix}")
    documents, problems = load_documents(path, text_column="body", id_column="speech_id")
    assert documents.columns.tolist() == ["doc_id", "source", "text", "year", "actor"]
    assert documents["doc_id"].tolist() == ["PRK_77", "RUS_77", "USA_77"]
    # a text that reads "NA" is a text, not a missing value
    assert documents["text"].tolist() == table["body"].tolist()
    assert documents["source"].tolist() == [f"speeches{suffix}:row {i}" for i in (1, 2, 3)]
    assert documents["year"].tolist() == [2022] * 3
    assert problems.empty


def test_table_rows_without_id_column_are_numbered_from_one(tmp_path, table, write_table):
    path = write_table(table.iloc[::-1], tmp_path / "speeches.csv")
    documents, _ = load_documents(path, text_column="body")
    assert documents["doc_id"].tolist() == ["row-00001", "row-00002", "row-00003"]
    assert documents["speech_id"].tolist() == ["USA_77", "RUS_77", "PRK_77"]


def test_wrong_text_column_names_the_column_the_file_and_the_nearest_column(tmp_path, table, write_table):
    path = write_table(table, tmp_path / "speeches.csv")
    with pytest.raises(CorpusError) as error:
        load_documents(path, text_column="bodyy")
    message = str(error.value)
    assert "'bodyy'" in message and "speeches.csv" in message
    assert "Did you mean 'body'" in message and "'actor'" in message


def test_repeated_ids_are_an_error_naming_them(tmp_path, table, write_table):
    path = write_table(table.assign(speech_id=["A", "B", "A"]), tmp_path / "speeches.csv")
    with pytest.raises(CorpusError, match=r"speech_id.*unique.*: A\b"):
        load_documents(path, text_column="body", id_column="speech_id")


def test_empty_table_cell_is_an_empty_problem_with_its_row(tmp_path, table, write_table):
    path = write_table(table.assign(body=["Text.", "", "More."]), tmp_path / "speeches.csv")
    with pytest.raises(CorpusError, match=r"speeches\.csv:row 2: empty"):
        load_documents(path, text_column="body")
    documents, problems = load_documents(path, text_column="body", on_problem="skip")
    assert documents["doc_id"].tolist() == ["row-00001", "row-00003"]
    assert problems["problem"].tolist() == ["empty"]
