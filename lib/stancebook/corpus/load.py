"""Loading a corpus in any registered format into the documents and problems tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from stancebook.artefacts import file_sha256
from stancebook.corpus.filters import filter_documents, year_bounds, year_from_dates
from stancebook.corpus.readers import READERS, Reader, ReadOptions, detect_format
from stancebook.corpus.readers.common import relative_key, text_files
from stancebook.corpus.readers.folder import find_metadata, listed_files
from stancebook.corpus.readers.ungdc import GET_UNGDC, archive_in
from stancebook.corpus.schema import BLOCKING, Problem, problems_frame
from stancebook.errors import CorpusError, ParameterError


def load_documents(path, *, format="auto", text_column="text", id_column="", metadata_file="",
                   file_column="file", encoding="utf-8", on_problem="stop", years=None, countries=None, year_column="year",
                   country_column="iso3", date_column="") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load a corpus into the documents table, reporting every problem found; input files are only read.

    Parameters
    ----------
    path : str or Path
        A folder of ``.txt``/``.md`` files (:func:`~stancebook.corpus.readers.folder.read_folder`), a
        ``.csv``/``.tsv``/``.jsonl``/``.parquet`` table (one document per row), or the UN General Debate
        Corpus (:func:`~stancebook.corpus.readers.ungdc.read_ungdc`): its ``.tgz``, read as a stream, the
        folder it unpacks to, or a folder holding it such as ``../shared/corpora/ungdc``.
    format : {"auto", "ungdc", "folder", "csv", "tsv", "jsonl", "parquet"}, default "auto"
        A key of :data:`~stancebook.corpus.readers.READERS`. "auto": an archive, or a folder holding
        ``Session NN - YYYY`` folders, is "ungdc"; another folder "folder"; a table by its suffix.
    text_column : str, default "text"
        Tables: the column of the text.
    id_column : str, default ""
        The column of unique document ids (folders: of the metadata). Empty: file stems for folders
        (:func:`~stancebook.corpus.readers.folder.folder_ids`), ``row-00001`` (1-based) for tables.
    metadata_file : str or Path, default ""
        Folders: a CSV/TSV/JSONL table with a ``file`` column and metadata; the documents are the files
        it lists. Empty: ``metadata.csv``/``.tsv``/``.jsonl`` in the folder, if there is one.
    file_column : str, default "file"
        Folders: the metadata column naming each document's file, with or without its extension.
    encoding : str, default "utf-8"
        Text encoding of the files; a byte-order mark (UTF-8, UTF-16) wins, binary files are reported.
    on_problem : {"stop", "skip"}, default "stop"
        "stop" raises listing every empty, undecodable, missing or badly named document; "skip" drops
        them and reports them in ``problems``. Duplicates and unlisted files are reported, never dropped.
    years : tuple of (int or None, int or None), optional
        Keep documents whose ``year_column`` lies in this inclusive range (None on a side: open). With
        "ungdc" other speeches are never decoded (nor their problems reported); other formats are
        filtered after loading (:func:`~stancebook.corpus.filter_documents`).
    countries : list of str, optional
        Keep documents whose ``country_column`` is one of these (any case); with "ungdc", ISO3 codes
        checked against the country table and applied while reading, like ``years``.
    year_column, country_column : str, default "year", "iso3"
        Other formats: the metadata columns ``years`` and ``countries`` filter on.
    date_column : str, default ""
        A metadata column of ISO dates from which ``year_column`` is derived
        (:func:`~stancebook.corpus.filters.year_from_dates`); empty: ``date``
        when there is a ``date`` column and no ``year_column``.

    Returns
    -------
    documents : pandas.DataFrame
        ``doc_id, source, text`` then the metadata columns (those named ``doc_id``, ``source`` or ``text``
        renamed ``meta_<name>``), sorted by ``doc_id``; ``text`` exactly as read. For "ungdc",
        ``attrs["line_paragraphs"]`` tells :func:`~stancebook.corpus.split_units` to rebuild paragraphs.
    problems : pandas.DataFrame
        ``source, problem, detail`` sorted; ``problem`` is one of ``PROBLEM_KINDS``: "empty",
        "encoding" (detail: byte offset and what to do), "missing", "bad_name", "duplicate" (detail
        names the first doc_id with the same text), "unlisted".

    Raises
    ------
    CorpusError
        Missing path, unreadable table, missing column (the nearest one is suggested), repeated ids, or
        a blocking problem with ``on_problem="stop"``.

    See Also
    --------
    stancebook.corpus.split_units, file_hashes

    Examples
    --------
    >>> documents, problems = load_documents("seeds")  # doctest: +SKIP
    >>> documents[["doc_id", "title"]].to_dict("records")  # doctest: +SKIP
    [{'doc_id': '000_e71531e8ba892e2d', 'title': 'Putin-Kim alliance and global peace'}]
    """
    if on_problem not in ("stop", "skip"):
        raise ParameterError(f"on_problem={on_problem!r} is not supported; expected 'stop' or 'skip'.")
    kind, reader, path = _reader_for(Path(path), format)
    year_bounds(years)
    options = ReadOptions(encoding=encoding, file_column=file_column, text_column=text_column, id_column=id_column,
                          metadata_file=metadata_file, years=years, countries=countries)
    documents, problems = reader.read(path, kind, options)
    documents = _usable(documents, problems, on_problem=on_problem, path=path)
    documents = year_from_dates(documents, date_column=date_column, year_column=year_column)
    if not reader.filters and (years is not None or countries is not None):
        documents = filter_documents(documents, years=years, countries=countries,
                                     year_column=year_column, country_column=country_column)
    problems = problems + _duplicates(documents)
    if reader.line_paragraphs:
        documents.attrs["line_paragraphs"] = True
    return documents, problems_frame(problems)


def _reader_for(path: Path, format: str) -> tuple[str, Reader, Path]:
    """The format of an existing ``path``, its reader and the path the reader reads (``Reader.locate``)."""
    if not path.exists():
        hint = f" {GET_UNGDC}" if format == "ungdc" or "ungdc" in path.name.lower() else ""
        raise CorpusError(f"Corpus path {path} does not exist (resolved: {path.resolve()}). "
                          f"Check the spelling, or give the path relative to where you run.{hint}")
    kind = detect_format(path, format)
    reader = READERS[kind]
    return kind, reader, reader.locate(path)


def _usable(documents: pd.DataFrame, problems: list[Problem], *, on_problem: str, path: Path) -> pd.DataFrame:
    """Stop on blocking problems, or drop their documents; sort by ``doc_id``."""
    blocking = [p for p in problems if p[1] in BLOCKING]
    if blocking and on_problem == "stop":
        lines = "\n".join(f"  {s}: {p} - {d}" for s, p, d in sorted(blocking))
        raise CorpusError(
            f"{len(blocking)} problem(s) in corpus {path}:\n{lines}\n"
            "Fix the files, or pass on_problem='skip' to leave these documents out and get a problems table."
        )
    bad_sources = {p[0] for p in blocking}
    if bad_sources:
        documents = documents.loc[~documents["source"].isin(bad_sources)]
    if not documents["doc_id"].is_monotonic_increasing:  # sorting copies every column
        documents = documents.sort_values("doc_id", kind="stable")
    return documents.reset_index(drop=True)


def _duplicates(documents: pd.DataFrame) -> list[Problem]:
    """A "duplicate" problem for every document whose text an earlier document already has."""
    # hash-based first: only texts that occur twice are compared in Python
    repeated = _repeated(documents["text"])
    first_with: dict[str, str] = {}
    problems = []
    for doc_id, source, text in zip(documents["doc_id"][repeated], documents["source"][repeated],
                                    documents["text"][repeated]):
        first = first_with.setdefault(str(text), str(doc_id))
        if first != doc_id:
            problems.append((str(source), "duplicate", f"same text as {first}; kept, remove it if unintended"))
    return problems


def _repeated(texts: pd.Series) -> np.ndarray:
    """``texts.duplicated(keep=False)`` as a bool array, hashed by Arrow when the column holds no missing value."""
    try:
        array = pa.array(texts)
    except (pa.ArrowException, TypeError, ValueError):
        array = None
    if array is None or array.null_count or not (pa.types.is_string(array.type)
                                                 or pa.types.is_large_string(array.type)):
        return texts.duplicated(keep=False).to_numpy()
    codes = pc.dictionary_encode(array).indices.to_numpy(zero_copy_only=False)
    return np.bincount(codes, minlength=1)[codes] > 1 if codes.size else np.zeros(0, dtype=bool)


def file_hashes(path, *, metadata_file="", file_column="file", encoding="utf-8") -> dict[str, str]:
    """SHA-256 of every input file :func:`load_documents` reads.

    Parameters
    ----------
    path : str or Path
        The corpus folder or table file.
    metadata_file : str or Path, default ""
        As in :func:`load_documents`.
    encoding : str, default "utf-8"
        Encoding of the metadata file, as in :func:`load_documents`.

    Returns
    -------
    dict of str to str
        File path relative to the corpus folder (``/``-separated; for a
        table, its file name) to hex digest, sorted by path. For a folder:
        the metadata file and the files it lists that exist, or every
        ``.txt``/``.md`` file when there is no metadata file.

    See Also
    --------
    load_documents : Reads these files.

    Examples
    --------
    >>> sorted(file_hashes("seeds"))  # doctest: +SKIP
    ['000_e71531e8ba892e2d.txt', 'metadata.csv']
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"Corpus path {path} does not exist (resolved: {path.resolve()}).")
    archive = archive_in(path, named_only=True)
    if archive is not None:
        return {archive.name: file_sha256(archive)}
    if path.is_file():
        return {path.name: file_sha256(path)}
    metadata_path = find_metadata(path, metadata_file)
    files = text_files(path)
    hashes = {}
    if metadata_path is not None:
        names = set(listed_files(path, metadata_path, encoding=encoding, file_column=file_column)["file"])
        files = [f for f in sorted(names) if f and (path / f).is_file()]
        hashes[relative_key(metadata_path, path)] = file_sha256(metadata_path)
    hashes.update({f: file_sha256(path / f) for f in files})
    return dict(sorted(hashes.items()))
