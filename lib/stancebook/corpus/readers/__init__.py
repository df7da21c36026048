"""The registry of corpus formats: one :class:`Reader` per format, in :data:`READERS`.

A new format is a module here with a read function ``read(path, kind,
options) -> (documents, problems)`` and a test ``recognises(path)``, plus
one line in :data:`READERS`. :func:`~stancebook.corpus.load_documents`
then reads it, reports its problems, sorts, filters and checks duplicates
like every other format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stancebook.corpus.readers import folder, tables, ungdc
from stancebook.corpus.readers.common import ReadOptions, expect_file, expect_folder
from stancebook.corpus.schema import Problem
from stancebook.errors import CorpusError, ParameterError

__all__ = ["READERS", "ReadOptions", "Reader", "detect_format", "formats"]


def _same(path: Path) -> Path:
    return path


@dataclass(frozen=True)
class Reader:
    """How to read one corpus format.

    Attributes
    ----------
    name : str
        The value of ``format=`` (and of the ``corpus_format`` parameter).
    read : callable
        ``read(path, kind, options)`` returns the documents table
        (``doc_id, source, text`` then metadata, in any order) and a list of
        ``(source, problem, detail)`` problems; ``options`` is a
        :class:`~stancebook.corpus.readers.common.ReadOptions`.
    recognises : callable
        ``recognises(path)``: is this existing path in this format? Used by
        ``format="auto"``, which takes the first reader that says yes.
    check : callable
        ``check(path, kind)`` raises :class:`~stancebook.errors.CorpusError`
        when the format was named explicitly but cannot apply to ``path``.
    locate : callable
        ``locate(path)``: the path actually read (e.g. the archive inside a
        download folder); the identity by default.
    filters : bool
        True when ``read`` applies ``options.years`` and ``options.countries``
        itself; otherwise the loaded documents are filtered afterwards.
    line_paragraphs : bool
        True when the texts are PDF-extracted lines whose paragraphs
        :func:`~stancebook.corpus.split_units` should rebuild.
    """

    name: str
    read: Callable[[Path, str, ReadOptions], tuple[pd.DataFrame, list[Problem]]]
    recognises: Callable[[Path], bool]
    check: Callable[[Path, str], None] = expect_file
    locate: Callable[[Path], Path] = _same
    filters: bool = False
    line_paragraphs: bool = False


#: Every corpus format by name. Order matters for ``format="auto"``: the
#: UNGDC layout is a folder too, so it is tried before the generic folder.
READERS: dict[str, Reader] = {reader.name: reader for reader in (
    Reader("ungdc", ungdc.read_ungdc, ungdc.recognises, check=ungdc.check, locate=ungdc.locate, filters=True,
           line_paragraphs=True),
    Reader("folder", folder.read_folder, Path.is_dir, check=expect_folder),
    Reader("csv", tables.read_table_corpus, tables.has_suffix("csv")),
    Reader("tsv", tables.read_table_corpus, tables.has_suffix("tsv")),
    Reader("jsonl", tables.read_table_corpus, tables.has_suffix("jsonl")),
    Reader("parquet", tables.read_table_corpus, tables.has_suffix("parquet")),
)}


def formats() -> tuple[str, ...]:
    """Every value ``format=`` accepts: ``"auto"`` and the name of each reader.

    Examples
    --------
    >>> formats()
    ('auto', 'ungdc', 'folder', 'csv', 'tsv', 'jsonl', 'parquet')
    """
    return ("auto", *READERS)


def detect_format(path: Path, format: str = "auto") -> str:
    """The format to read ``path`` in: ``format`` checked against the path, or the first reader recognising it.

    Parameters
    ----------
    path : Path
        An existing corpus path.
    format : str, default "auto"
        One of :func:`formats`.

    Returns
    -------
    str
        A key of :data:`READERS`.

    Raises
    ------
    ParameterError
        ``format`` is unknown.
    CorpusError
        The named format cannot apply to ``path``, or no reader recognises it.
    """
    if format not in formats():
        raise ParameterError(f"format={format!r} is not supported; expected one of {', '.join(formats())}.")
    if format != "auto":
        READERS[format].check(path, format)
        return format
    for name, reader in READERS.items():
        if reader.recognises(path):
            return name
    raise CorpusError(
        f"Cannot tell the format of {path} from its suffix {path.suffix!r}. Point to a folder of "
        ".txt/.md files, a .csv/.tsv/.jsonl/.parquet file or a UNGDC .tgz, or pass format=."
    )
