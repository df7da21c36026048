"""Units of analysis: documents normalised and split into documents, paragraphs or sentences, with stable ids."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

from stancebook.checks import require_columns
from stancebook.corpus.schema import DOCUMENT_COLUMNS, UNIT_COLUMNS, UNITS
from stancebook.engine import Engine, as_engine
from stancebook.errors import ParameterError
from stancebook.text.normalise import normalise_text, to_original
from stancebook.text.segment import split_paragraphs, split_sentences, strip_spans
from stancebook.figures import short_unit_labels  # noqa: F401  (public here too)

# Documents per chunk: small enough that the normalised Python strings of
# one chunk are transient, large enough to keep per-chunk overhead low.
_CHUNK = 256

# (doc_ids, texts, unit, line_paragraphs): the work of one chunk
_Chunk = tuple[list[str], list, str, bool]


def _unit_spans(normalised: str, unit: str) -> list[tuple[int, int]]:
    if unit == "paragraph":
        spans = split_paragraphs(normalised)
    elif unit == "sentence":
        spans = [(int(a), int(b)) for a, b in split_sentences(normalised)]
    else:
        spans = [(0, len(normalised))]
    return strip_spans(normalised, spans)


def _document_units(doc_id: str, text, unit: str, line_paragraphs: bool) -> list[tuple]:
    """The unit rows of one document (module level so worker processes can run it)."""
    tag = {"paragraph": "p", "sentence": "s"}.get(unit)
    normalised, breaks = normalise_text(text if isinstance(text, str) else "", line_paragraphs=line_paragraphs)
    bu, bo = breaks[:, 0], breaks[:, 1]
    rows = []
    for index, (start, end) in enumerate(_unit_spans(normalised, unit), start=1):
        orig_start, orig_last = to_original([start, end - 1], breaks).tolist()
        inside = (bu > start) & (bu < end)
        flat = [0, orig_start]
        flat += np.column_stack((bu[inside] - start, bo[inside])).ravel().tolist()
        unit_id = doc_id if tag is None else f"{doc_id}:{tag}{index:03d}"
        rows.append((unit_id, doc_id, index, normalised[start:end], orig_start, orig_last + 1, flat))
    return rows


def _units_of_chunk(chunk: _Chunk) -> tuple[pd.DataFrame, list[int]]:
    """Units of a run of documents as a small frame, and how many units each document gave."""
    doc_ids, texts, unit, line_paragraphs = chunk
    per_document = [_document_units(d, t, unit, line_paragraphs) for d, t in zip(doc_ids, texts)]
    frame = pd.DataFrame([row for rows in per_document for row in rows], columns=UNIT_COLUMNS)
    frame = frame.astype({"unit_id": "str", "doc_id": "str", "text": "str",
                          "unit_index": "int64", "orig_start": "int64", "orig_end": "int64"})
    return frame, [len(rows) for rows in per_document]


def _chunks(documents: pd.DataFrame, unit: str, line_paragraphs: bool) -> Iterator[_Chunk]:
    # texts become Python strings one chunk at a time, so memory stays near
    # the documents table plus the units table
    doc_ids = [str(d) for d in documents["doc_id"]]
    text_column = documents["text"]
    for i in range(0, len(doc_ids), _CHUNK):
        yield doc_ids[i:i + _CHUNK], text_column.iloc[i:i + _CHUNK].tolist(), unit, line_paragraphs


def _describe_chunk(chunk: _Chunk) -> str:
    doc_ids = chunk[0]
    return f"documents {doc_ids[0]!r} to {doc_ids[-1]!r}" if doc_ids else "no documents"


def _run_chunks(chunks: Iterator[_Chunk], engine: Engine) -> list[tuple[pd.DataFrame, list[int]]]:
    """Every chunk's units, in document order whatever the engine or ``n_jobs``."""
    # the engine keeps at most 2 chunks in flight per worker and yields them in document order
    return list(engine.map(_units_of_chunk, chunks, describe=_describe_chunk))


def split_units(documents, *, unit="document", line_paragraphs=None, n_jobs=1, engine=None) -> pd.DataFrame:
    """Normalise each document and split it into units of analysis.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table from :func:`~stancebook.corpus.load_documents`.
    unit : {"document", "paragraph", "sentence"}, default "document"
        Paragraphs are separated by blank lines of the normalised text;
        sentences come from :func:`stancebook.text.split_sentences`.
    line_paragraphs : bool, optional
        Passed to :func:`~stancebook.text.normalise_text`: read the texts as
        PDF-extracted lines (page furniture dropped, paragraphs rebuilt from
        the line layout). None: ``documents.attrs["line_paragraphs"]``, which
        :func:`~stancebook.corpus.load_documents` sets for the UNGDC layout
        (and :func:`~stancebook.corpus.filter_documents` keeps), else False.
    n_jobs : int, default 1
        Worker processes normalising documents in parallel (-1: one per
        CPU). The output is identical for every value; parallel work pays
        off from some thousands of documents.
    engine : stancebook.engine.Engine, optional
        Where the chunks of documents are normalised and split
        (:func:`stancebook.engine.open_engine`: local processes or a Dask
        cluster); None: local processes from ``n_jobs``. Same output on every engine.

    Returns
    -------
    pandas.DataFrame
        The units table: ``unit_id`` (``doc_id``, ``doc_id:p001`` or
        ``doc_id:s001``), ``doc_id``, ``unit_index`` (1-based),
        ``text`` (normalised, no leading or trailing whitespace),
        ``orig_start``, ``orig_end`` (span in the document's original
        text), ``offset_breaks`` (flat ``[u0, o0, u1, o1, ...]`` for
        :func:`~stancebook.text.to_original`), then every metadata column of
        the document. Units holding only whitespace are dropped.

    See Also
    --------
    add_paragraph_numbers : The paragraph each unit starts in.
    short_unit_labels : Short display names of unit ids.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["a.txt"], "text": ["One.\\n\\n  Two\\tthree."]})
    >>> split_units(docs, unit="paragraph")[["unit_id", "text", "orig_start"]].values.tolist()
    [['a:p001', 'One.', 0], ['a:p002', 'Two three.', 8]]
    """
    if unit not in UNITS:
        raise ParameterError(f"unit={unit!r} is not supported; expected one of {', '.join(UNITS)}.")
    require_columns(documents, DOCUMENT_COLUMNS, "documents", hint="Build it with stancebook.corpus.load_documents.")
    if line_paragraphs is None:
        line_paragraphs = bool(documents.attrs.get("line_paragraphs", False))
    results = _run_chunks(_chunks(documents, unit, line_paragraphs), as_engine(engine, n_jobs))
    counts = [count for _, part in results for count in part]
    if results:
        units = pd.concat([frame for frame, _ in results], ignore_index=True)
    else:
        units = _units_of_chunk(([], [], unit, line_paragraphs))[0]
    del results
    owners = np.repeat(np.arange(len(counts)), counts)
    metadata_columns = [c for c in documents.columns if c not in DOCUMENT_COLUMNS]
    metadata = documents[metadata_columns].iloc[owners].reset_index(drop=True)
    units = pd.concat([units, metadata], axis=1)
    units.attrs = {}
    return units


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def add_paragraph_numbers(units: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Add ``paragraph``: the 1-based paragraph of its document each unit starts in.

    Paragraphs are separated by blank lines in the original text, so sentence
    units of one article can be grouped by paragraph (e.g. topic prevalence
    through the article).

    Parameters
    ----------
    units : pandas.DataFrame
        From :func:`split_units` (needs ``doc_id`` and ``orig_start``).
    documents : pandas.DataFrame
        The documents the units came from (``doc_id``, ``text``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``units`` with an int ``paragraph`` column.

    See Also
    --------
    split_units : Makes the units.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["d"], "text": ["Title\\n\\nOne. Two.\\n\\nThree."]})
    >>> units = pd.DataFrame({"doc_id": ["d"] * 4, "orig_start": [0, 7, 12, 18]})
    >>> add_paragraph_numbers(units, docs)["paragraph"].tolist()
    [1, 2, 2, 3]
    """
    hint = "Build them with load_documents/split_units."
    require_columns(units, ("doc_id", "orig_start"), "units", hint=hint)
    require_columns(documents, ("doc_id", "text"), "documents", hint=hint)
    breaks = {str(doc): np.array([m.end() for m in _BLANK_LINE.finditer(str(text))], dtype=np.int64)
              for doc, text in zip(documents["doc_id"], documents["text"])}
    paragraph = [int(np.searchsorted(breaks.get(str(doc), np.zeros(0, dtype=np.int64)), start, side="right")) + 1
                 for doc, start in zip(units["doc_id"], units["orig_start"])]
    return units.assign(paragraph=np.asarray(paragraph, dtype=np.int64))
