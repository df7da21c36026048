"""The corpus tables' columns and problem kinds, and the errors that name a missing column.

The catalog (:mod:`stancebook.catalog`) lists the columns a later stage may
rely on; the constants here are the exact columns this stage writes, in
order, and include them.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import pandas as pd

from stancebook.errors import CorpusError

#: The units of analysis :func:`~stancebook.corpus.split_units` can make.
UNITS = ("document", "paragraph", "sentence")
#: Columns of the documents table, before its metadata columns.
DOCUMENT_COLUMNS = ["doc_id", "source", "text"]
#: Columns of the units table, before its metadata columns.
UNIT_COLUMNS = ["unit_id", "doc_id", "unit_index", "text", "orig_start", "orig_end", "offset_breaks"]
#: Columns of the problems table.
PROBLEM_COLUMNS = ["source", "problem", "detail"]
#: Metadata columns with these names are renamed ``meta_<name>``.
RESERVED = tuple(DOCUMENT_COLUMNS)

#: Every kind of problem :func:`~stancebook.corpus.load_documents` reports, in report order.
PROBLEM_KINDS = ("empty", "encoding", "missing", "bad_name", "duplicate", "unlisted")
# Problems that make a document unusable: they stop a load with
# on_problem="stop" and drop the document with on_problem="skip".
BLOCKING = frozenset({"empty", "encoding", "missing", "bad_name"})

#: One row of the problems table: ``(source, problem, detail)``.
Problem = tuple[str, str, str]


def problems_frame(rows: list[Problem]) -> pd.DataFrame:
    """The problems table of ``rows``, sorted.

    Examples
    --------
    >>> problems_frame([("b.txt", "empty", "..."), ("a.txt", "empty", "...")])["source"].tolist()
    ['a.txt', 'b.txt']
    """
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS, dtype="str")
    return frame.sort_values(PROBLEM_COLUMNS, kind="stable").reset_index(drop=True)


def nearest(name: str, options: Sequence[str]) -> str:
    """`` Did you mean 'x'?`` naming the option closest to ``name``, or an empty string.

    Examples
    --------
    >>> nearest("bodyy", ["body", "year"])
    " Did you mean 'body'?"
    """
    match = difflib.get_close_matches(name, [str(o) for o in options], n=1, cutoff=0.0)
    return f" Did you mean {match[0]!r}?" if match else ""


def missing_column(name: str, parameter: str, where: str, columns: Sequence[str]) -> CorpusError:
    """The error for a column a parameter names but a corpus file lacks.

    Parameters
    ----------
    name : str
        The column asked for.
    parameter : str
        The parameter that named it (``"text_column"``).
    where : str
        The file or table, as the user knows it.
    columns : sequence of str
        The columns it has; the nearest one is suggested.

    Returns
    -------
    CorpusError
        To be raised by the caller.

    See Also
    --------
    metadata_column : The same check for a metadata column a filter reads.
    """
    listed = ", ".join(repr(str(c)) for c in columns) or "(none)"
    return CorpusError(
        f"{where} has no column {name!r} ({parameter}). Available columns: {listed}."
        f"{nearest(name, columns)} Pass {parameter}= with one of them."
    )


def metadata_column(frame: pd.DataFrame, name: str, parameter: str) -> pd.Series:
    """The metadata column ``name`` of a corpus table, or an error naming ``parameter`` and the nearest column.

    See Also
    --------
    missing_column : The error for a column of a corpus file.
    """
    if name not in frame.columns:
        raise CorpusError(
            f"The corpus has no metadata column {name!r} ({parameter}). Available columns: "
            f"{', '.join(repr(str(c)) for c in frame.columns)}.{nearest(name, list(frame.columns))} "
            f"Add it to the metadata or pass {parameter}= with another column."
        )
    return frame[name]
