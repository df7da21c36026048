"""The registry of corpus formats: detection, explicit formats, and a new format as one registry line."""

from pathlib import Path

import pandas as pd
import pytest

from stancebook.corpus import load_documents
from stancebook.corpus.readers import READERS, Reader, detect_format, formats
from stancebook.errors import CorpusError, ParameterError


def test_unknown_file_suffix_asks_for_a_format(tmp_path, write):
    path = write(tmp_path / "corpus.xml", "<doc/>")
    with pytest.raises(CorpusError, match=r"corpus\.xml.*format="):
        load_documents(path)


def test_auto_detection_reads_each_kind_of_path(tmp_path, write, ungdc):
    folder, archive = ungdc
    assert detect_format(archive) == "ungdc"
    assert detect_format(folder) == "ungdc"
    assert detect_format(write(tmp_path / "plain" / "a.txt", "A.").parent) == "folder"
    for suffix in ("csv", "tsv", "jsonl", "parquet"):
        assert detect_format(write(tmp_path / f"t.{suffix.upper()}", "")) == suffix


@pytest.mark.parametrize(("format", "kind", "message"), [
    ("folder", "file", r"format='folder' but .*a\.csv is a file"),
    ("csv", "folder", r"format='csv' but .* is a folder"),
    ("ungdc", "file", r"format='ungdc' but .*a\.csv is neither a folder nor a \.tgz"),
])
def test_a_named_format_that_cannot_apply_names_the_path(tmp_path, write, format, kind, message):
    path = write(tmp_path / "a.csv", "text\nOne.\n")
    with pytest.raises(CorpusError, match=message):
        load_documents(path if kind == "file" else tmp_path, format=format)


def test_unknown_format_lists_every_registered_format(tmp_path, write):
    write(tmp_path / "a.txt", "A.")
    with pytest.raises(ParameterError, match="format='xlsx'.*auto, ungdc, folder, csv, tsv, jsonl, parquet"):
        load_documents(tmp_path, format="xlsx")


def read_lines(path: Path, kind: str, options) -> tuple[pd.DataFrame, list]:
    """A toy format: every line of a .lines file is a document; a blank line is an "empty" problem."""
    lines = path.read_text(encoding=options.encoding).split("\n")
    sources = [f"{path.name}:line {i}" for i in range(1, len(lines) + 1)]
    documents = pd.DataFrame({"doc_id": [f"l{i:02d}" for i in range(len(lines), 0, -1)], "source": sources,
                              "text": lines, "year": [2000 + i for i in range(len(lines))]})
    return documents, [(s, "empty", "blank line") for s, line in zip(sources, lines) if not line.strip()]


def test_a_new_format_is_one_reader_and_one_registry_line(tmp_path, write, monkeypatch):
    monkeypatch.setitem(READERS, "lines", Reader("lines", read_lines, lambda path: path.suffix == ".lines"))
    path = write(tmp_path / "speeches.lines", "We stand.\nWe stand.\n\nWe fall.")
    assert "lines" in formats() and detect_format(path) == "lines"
    with pytest.raises(CorpusError, match=r"speeches\.lines:line 3: empty"):
        load_documents(path)
    # the stage does the rest: blocking problems dropped, ids sorted, duplicates found, filters applied
    documents, problems = load_documents(path, format="lines", on_problem="skip", years=(2000, 2001))
    assert documents["doc_id"].tolist() == ["l03", "l04"]
    # line 1 (l04) repeats line 2 (l03), which comes first in doc_id order
    assert problems.values.tolist() == [
        ["speeches.lines:line 1", "duplicate", "same text as l03; kept, remove it if unintended"],
        ["speeches.lines:line 3", "empty", "blank line"]]
