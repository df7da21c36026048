"""Table corpora: one document per row of a CSV, TSV, JSONL or Parquet file."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from stancebook.corpus.readers.common import ReadOptions, apply_id_column, decode, is_blank, metadata_columns
from stancebook.corpus.schema import Problem, missing_column
from stancebook.errors import CorpusError, ParameterError

#: Table formats by file suffix.
TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".parquet": "parquet"}

# pandas' default missing-value markers, applied to metadata columns only:
# a text that reads "NA" or "null" is a text, not a missing value.
_NA_VALUES = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
]


def _check_jsonl_lines(path: Path, encoding: str) -> None:
    """Name the first line of a JSONL file that is not one JSON object (pandas only gives a character position)."""
    with open(path, encoding=encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusError(f"{path}, line {number}: not a JSON object ({error.msg}, column {error.colno}). "
                                  "Each line of a .jsonl corpus holds one object such as {\"text\": \"...\"}.") from None
            if not isinstance(value, dict):
                raise CorpusError(f"{path}, line {number}: expected a JSON object, got {type(value).__name__}.")


def has_suffix(kind: str):
    """A test of whether a path is a file of table format ``kind`` (``"csv"``), by its suffix."""
    return lambda path: not path.is_dir() and TABLE_SUFFIXES.get(path.suffix.lower()) == kind


def read_table(path: Path, kind: str, *, encoding: str, text_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV/TSV/JSONL/Parquet table; ``text_columns`` are read as raw strings.

    Raises
    ------
    CorpusError
        Naming the file, when it cannot be decoded or parsed.
    """
    try:
        if kind in ("csv", "tsv"):
            sep = "," if kind == "csv" else "\t"
            header = pd.read_csv(path, sep=sep, nrows=0, encoding=encoding).columns
            keep = [c for c in text_columns if c in header]
            return pd.read_csv(
                path, sep=sep, encoding=encoding, keep_default_na=False,
                na_values={c: _NA_VALUES for c in header if c not in keep},
                dtype={c: "str" for c in keep},
            )
        if kind == "jsonl":
            _check_jsonl_lines(path, encoding)
            return pd.read_json(path, lines=True, dtype=False, encoding=encoding)
        return pd.read_parquet(path)
    except UnicodeDecodeError:
        _, detail = decode(path.read_bytes(), encoding, path.name)
        raise CorpusError(f"{path} is not valid {encoding} text: {detail}.") from None
    except (ValueError, OSError, pd.errors.ParserError) as error:
        raise CorpusError(f"{path} could not be read as {kind.upper()}: {error}") from None


def _cell_text(value) -> str:
    # numbers in a JSON text field are text; missing cells are empty texts
    if isinstance(value, str):
        return value
    return "" if value is None or (np.isscalar(value) and pd.isna(value)) else str(value)


_NUMBER = re.compile(r"\s*[-+]?(?:\d+(?:[.,]\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*")


def _refuse_numbers(texts: list[str], text_column: str, path: Path, others: list[str]) -> None:
    """A text column holding only numbers is the wrong column (scores, ids), not a corpus."""
    filled = [t for t in texts if t.strip()]
    if filled and all(_NUMBER.fullmatch(t) for t in filled):
        raise CorpusError(f"text_column {text_column!r} of {path.name} holds numbers, not text (e.g. "
                          f"{', '.join(filled[:3])}). Pass text_column= with the column of the documents' text; "
                          f"the other columns are {others or '(none)'}.")


def read_table_corpus(path: Path, kind: str, options: ReadOptions) -> tuple[pd.DataFrame, list[Problem]]:
    """Documents from the rows of a table: ``text_column`` is the text, every other column metadata.

    Ids are ``row-00001`` (1-based, zero-padded to sort in row order) or
    the values of ``id_column``. An empty text cell is an "empty" problem.

    See Also
    --------
    stancebook.corpus.load_documents : Which dispatches here for csv, tsv, jsonl and parquet.
    """
    text_column, id_column = options.text_column, options.id_column
    if options.metadata_file:
        raise ParameterError(f"metadata_file is only used with format='folder'; {path.name} is a {kind} table "
                             "whose other columns are the metadata. Leave metadata_file empty.")
    frame = read_table(path, kind, encoding=options.encoding, text_columns=[text_column, id_column])
    if text_column not in frame.columns:
        raise missing_column(text_column, "text_column", str(path), list(frame.columns))
    n = len(frame)
    width = max(5, len(str(n)))
    sources = [f"{path.name}:row {i}" for i in range(1, n + 1)]
    texts = [_cell_text(t) for t in frame[text_column]]
    _refuse_numbers(texts, text_column, path, [c for c in frame.columns if c != text_column])
    problems: list[Problem] = [
        (source, "empty", f"the {text_column!r} cell is empty; fill it or remove the row")
        for source, text in zip(sources, texts) if is_blank(text)]
    documents = pd.DataFrame({
        "doc_id": [f"row-{i:0{width}d}" for i in range(1, n + 1)],
        "source": sources,
        "text": texts,
    }, dtype="str")
    others = frame.drop(columns=text_column).reset_index(drop=True)
    if id_column:
        if id_column not in others.columns:
            raise missing_column(id_column, "id_column", str(path), list(frame.columns))
        documents = apply_id_column(pd.concat([documents, others[[id_column]]], axis=1), id_column, str(path))
        others = others.drop(columns=id_column)
    documents = pd.concat([documents, metadata_columns(others, str(path))], axis=1)
    return documents, problems
