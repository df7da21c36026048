"""The corpus stage as one call: load, filter, split, count and write the stage's tables."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from stancebook import catalog
from stancebook.errors import CorpusError
from stancebook.corpus.filters import filter_documents
from stancebook.corpus.load import file_hashes, load_documents
from stancebook.corpus.summary import corpus_summary, problem_counts
from stancebook.corpus.units import add_paragraph_numbers, split_units
from stancebook.engine import open_engine
from stancebook.params import defaults
from stancebook.paths import resolve_input


@dataclass(frozen=True)
class CorpusTables:
    """What the corpus stage made, as the notebook shows it.

    Attributes
    ----------
    documents, units, problems, summary : pandas.DataFrame
        The tables written as the catalog's ``documents``, ``units``,
        ``corpus_problems`` and ``corpus_summary`` (``units_table`` is the
        units without ``offset_breaks``).
    input_files : dict of str to str
        SHA-256 of every input file read (:func:`~stancebook.corpus.file_hashes`),
        for ``Stage.record_inputs``.
    """

    documents: pd.DataFrame
    units: pd.DataFrame
    problems: pd.DataFrame
    summary: pd.DataFrame
    input_files: dict[str, str]


def prepare_corpus(params: Mapping, paths) -> CorpusTables:
    """Load the corpus the run parameters name, split it into units and write the stage's tables.

    Loads ``corpus_path`` (filtered by ``year_min``/``year_max``,
    ``countries`` and ``actors`` of ``holder_column``), splits it into
    ``unit`` units numbered by paragraph (on the ``engine``: local
    processes or a Dask cluster, with ``n_jobs`` and ``dask_scheduler``), and writes the catalog's
    ``documents``, ``units``, ``corpus_summary``, ``corpus_problems`` and
    ``units_table``. Each kind of input problem is announced by a
    ``UserWarning``, which ``Stage.notes_from_warnings`` turns into a note.

    Parameters
    ----------
    params : mapping
        Run parameters (:mod:`stancebook.params`); those missing take their
        declared defaults.
    paths : stancebook.paths.RunPaths
        The run's folders.

    Returns
    -------
    CorpusTables

    See Also
    --------
    load_documents, filter_documents, split_units, add_paragraph_numbers, corpus_summary

    Examples
    --------
    >>> with stage.notes_from_warnings("Corpus"):  # doctest: +SKIP
    ...     tables = prepare_corpus(stage.params, stage.paths)
    """
    p = {**defaults(), **params}
    source = resolve_input(p["corpus_path"])
    years = (p["year_min"] or None, p["year_max"] or None) if (p["year_min"] or p["year_max"]) else None
    documents, problems = load_documents(
        source, format=p["corpus_format"], text_column=p["text_column"], id_column=p["id_column"],
        metadata_file=p["metadata_file"], file_column=p["file_column"], encoding=p["encoding"],
        on_problem=p["on_problem"], years=years, countries=p["countries"] or None, year_column=p["year_column"],
        date_column=p["date_column"])
    check_documents_left(documents, p, source)
    check_document_lengths(documents, p["max_document_chars"])
    documents = filter_documents(documents, actors=p["actors"] or None, actor_column=p["holder_column"])
    check_documents_left(documents, p, source, after="actors")
    with open_engine(p["engine"], n_jobs=p["n_jobs"], scheduler=p["dask_scheduler"]) as engine:
        units = add_paragraph_numbers(split_units(documents, unit=p["unit"], engine=engine), documents)
    tables = CorpusTables(documents=documents, units=units, problems=problems,
                          summary=corpus_summary(documents, units, problems),
                          input_files=file_hashes(source, metadata_file=p["metadata_file"],
                                                  file_column=p["file_column"], encoding=p["encoding"]))
    write_corpus_tables(tables, paths)
    problems_file = catalog.entry("corpus_problems").file
    for kind, count in problem_counts(problems).items():
        warnings.warn(f"{count} input problem(s) of kind '{kind}' (see {problems_file}).", UserWarning, stacklevel=2)
    return tables


def check_documents_left(documents: pd.DataFrame, params: Mapping, source, *, after: str = "years") -> None:
    """Stop at stage 0, naming the culprit, when no document is left or a named column is missing.

    Later stages would otherwise fail far from the cause ("dtm: 0 unit(s)").

    Raises
    ------
    CorpusError
        Naming the filter that removed every document, or the parameter whose column is missing.
    """
    columns = [c for c in documents.columns if c not in ("doc_id", "source", "text")]
    for parameter in ("holder_column", "label_column"):
        column = params.get(parameter, "")
        if column and column not in documents.columns:
            raise CorpusError(f"{parameter}={column!r}: the corpus {source} has no metadata column {column!r}; "
                              f"its metadata columns are {columns or '(none)'}.")
    if len(documents):
        return
    if after == "actors":
        raise CorpusError(f"actors={list(params['actors'])!r} removed every document: no value of holder_column "
                          f"{params['holder_column']!r} is one of them.")
    if params.get("year_min") or params.get("year_max"):
        raise CorpusError(f"year_min={params['year_min']} / year_max={params['year_max']} removed every document "
                          f"of {source} (column {params['year_column']!r}); widen the years.")
    if params.get("countries"):
        raise CorpusError(f"countries={list(params['countries'])!r} removed every document of {source}.")
    raise CorpusError(f"The corpus {source} holds no document (corpus_path={params['corpus_path']!r}): "
                      "give a folder of .txt/.md files or a table with a text column.")


def check_document_lengths(documents: pd.DataFrame, max_chars: int) -> None:
    """Refuse documents longer than ``max_chars`` before they are normalised, split and tokenised.

    One line of tens of megabytes would otherwise run for minutes with
    memory growing with it; the researcher is told which file and what to do.
    """
    lengths = documents["text"].str.len()
    too_long = documents.loc[lengths > max_chars]
    if len(too_long):
        first = too_long.iloc[0]
        raise CorpusError(f"{first['source']} has {len(first['text']):,} characters, more than "
                          f"max_document_chars={max_chars:,} ({len(too_long)} document(s) in all). Split it into "
                          "several files, or raise max_document_chars if this machine has the memory for it.")


def write_corpus_tables(tables: CorpusTables, paths) -> None:
    """Write the stage's artefacts and tables through :mod:`stancebook.catalog`."""
    catalog.write(tables.documents, paths, "documents")
    catalog.write(tables.units, paths, "units")
    catalog.write(tables.summary, paths, "corpus_summary")
    catalog.write(tables.problems, paths, "corpus_problems")
    catalog.write(tables.units.drop(columns=["offset_breaks"]), paths, "units_table")
