"""The corpus stage as one call: load, filter, split, count and write the stage's tables."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from stancebook import catalog
from stancebook.corpus.filters import filter_documents
from stancebook.corpus.load import file_hashes, load_documents
from stancebook.corpus.summary import corpus_summary, problem_counts
from stancebook.corpus.units import add_paragraph_numbers, split_units
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
    ``unit`` units numbered by paragraph, and writes the catalog's
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
        metadata_file=p["metadata_file"], on_problem=p["on_problem"], years=years,
        countries=p["countries"] or None, year_column=p["year_column"])
    documents = filter_documents(documents, actors=p["actors"] or None, actor_column=p["holder_column"])
    units = add_paragraph_numbers(split_units(documents, unit=p["unit"], n_jobs=p["n_jobs"]), documents)
    tables = CorpusTables(documents=documents, units=units, problems=problems,
                          summary=corpus_summary(documents, units, problems),
                          input_files=file_hashes(source, metadata_file=p["metadata_file"]))
    write_corpus_tables(tables, paths)
    problems_file = catalog.entry("corpus_problems").file
    for kind, count in problem_counts(problems).items():
        warnings.warn(f"{count} input problem(s) of kind '{kind}' (see {problems_file}).", UserWarning, stacklevel=2)
    return tables


def write_corpus_tables(tables: CorpusTables, paths) -> None:
    """Write the stage's artefacts and tables through :mod:`stancebook.catalog`."""
    catalog.write(tables.documents, paths, "documents")
    catalog.write(tables.units, paths, "units")
    catalog.write(tables.summary, paths, "corpus_summary")
    catalog.write(tables.problems, paths, "corpus_problems")
    catalog.write(tables.units.drop(columns=["offset_breaks"]), paths, "units_table")
