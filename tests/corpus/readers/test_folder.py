"""Folder corpora: text files, the metadata table beside them, ids from file names."""

import json

import pytest

from stancebook.corpus import load_documents
from stancebook.errors import CorpusError


def test_folder_with_metadata_holds_exactly_the_listed_files(folder_with_metadata):
    documents, problems = load_documents(folder_with_metadata)
    assert documents.columns.tolist() == ["doc_id", "source", "text", "year", "actor"]
    assert documents["doc_id"].tolist() == ["a", "b"]
    assert documents["source"].tolist() == ["a.txt", "b.md"]
    assert documents["year"].tolist() == [1999, 2022]
    assert documents["actor"].tolist() == ["PRK", "RUS"]
    assert documents["text"].tolist()[0] == "First text.\n\nIts second paragraph.\n"
    assert problems[["source", "problem"]].values.tolist() == [["notes.txt", "unlisted"]]


def test_folder_without_metadata_reads_every_text_file_recursively(tmp_path, write):
    write(tmp_path / "2022" / "speech.txt", "Hello.")
    write(tmp_path / "a.md", "A note.")
    write(tmp_path / "table.csv", "not,a,document\n")
    write(tmp_path / ".ipynb_checkpoints" / "a-checkpoint.md", "Hidden.")
    documents, problems = load_documents(tmp_path)
    assert documents["doc_id"].tolist() == ["a", "speech"]
    assert documents["source"].tolist() == ["a.md", "2022/speech.txt"]
    assert documents.columns.tolist() == ["doc_id", "source", "text"]
    assert problems.empty and problems.columns.tolist() == ["source", "problem", "detail"]


def test_folder_ids_fall_back_to_relative_paths_when_stems_collide(tmp_path, write):
    write(tmp_path / "2021" / "speech.txt", "One.")
    write(tmp_path / "2022" / "speech.txt", "Two.")
    write(tmp_path / "other.txt", "Three.")
    documents, _ = load_documents(tmp_path)
    assert documents["doc_id"].tolist() == ["2021/speech", "2022/speech", "other"]


def test_listed_but_absent_file_stops_the_load_and_is_reported_when_skipping(folder_with_metadata, write):
    write(folder_with_metadata / "metadata.csv", "file,year\na.txt,1999\ngone.txt,2000\n")
    with pytest.raises(CorpusError, match=r"gone\.txt: missing"):
        load_documents(folder_with_metadata)
    documents, problems = load_documents(folder_with_metadata, on_problem="skip")
    assert documents["doc_id"].tolist() == ["a"]
    assert ["gone.txt", "missing"] in problems[["source", "problem"]].values.tolist()


def test_metadata_entry_outside_the_folder_is_a_bad_name(folder_with_metadata, write):
    write(folder_with_metadata / "metadata.csv", "file\na.txt\n../escape.txt\n")
    _, problems = load_documents(folder_with_metadata, on_problem="skip")
    assert ["../escape.txt", "bad_name"] in problems[["source", "problem"]].values.tolist()


def test_metadata_file_without_file_column_names_the_metadata_file(folder_with_metadata, write):
    write(folder_with_metadata / "metadata.csv", "files,year\na.txt,1999\n")
    with pytest.raises(CorpusError, match=r"metadata\.csv.*'file'.*Did you mean 'files'"):
        load_documents(folder_with_metadata)


def test_metadata_source_column_is_kept_as_meta_source(tmp_path, write):
    write(tmp_path / "a.txt", "Text.")
    write(tmp_path / "metadata.jsonl", json.dumps({"file": "a.txt", "source": "Reuters"}) + "\n")
    documents, _ = load_documents(tmp_path)
    assert documents["source"].tolist() == ["a.txt"]
    assert documents["meta_source"].tolist() == ["Reuters"]
