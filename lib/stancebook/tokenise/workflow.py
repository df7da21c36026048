"""The stage's workflow, as notebook 01 runs it: from the units artefact to every artefact and table of the stage.

Everything is read and written through :mod:`stancebook.catalog`. What a
researcher should know about (no mentions, no tokens kept, no keyness
group) is raised as a ``UserWarning``, which the notebook turns into a note
of the run with ``stage.notes_from_warnings("Tokenise")``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stancebook import catalog
from stancebook.artefacts import Dtm, file_sha256
from stancebook.engine import open_engine
from stancebook.paths import resolve_input
from stancebook.resources.actors import ActorDictionary, load_actor_dictionary
from stancebook.resources.stopwords import load_stopwords
from stancebook.tokenise.collocations import find_collocations
from stancebook.tokenise.keyness import keyness, keyness_group, top_terms
from stancebook.tokenise.mentions import mention_counts
from stancebook.tokenise.pipeline import TokeniseResult, tokenise_corpus

__all__ = ["StageOutputs", "stage_dictionary", "tokenise_and_write"]


def stage_dictionary(actor_dictionary: str = "", actor_dictionary_extend: str = "") -> ActorDictionary:
    """The actor dictionary a run asks for: the shipped one, a replacement, and/or an extension.

    Parameters
    ----------
    actor_dictionary : str
        A YAML file replacing the shipped dictionary; empty keeps the shipped one.
    actor_dictionary_extend : str
        A YAML file whose targets add to (or override) those of the dictionary.
        Relative paths are looked up from the working directory, then the
        repository root (:func:`stancebook.paths.resolve_input`).

    Returns
    -------
    ActorDictionary

    Examples
    --------
    >>> "russia" in stage_dictionary().targets
    True
    """
    return load_actor_dictionary(resolve_input(actor_dictionary) if actor_dictionary else None,
                                 extend=resolve_input(actor_dictionary_extend) if actor_dictionary_extend else None)


@dataclass(frozen=True, eq=False)
class StageOutputs:
    """What :func:`tokenise_and_write` computed (and wrote), for the notebook's figures.

    Attributes
    ----------
    dictionary : ActorDictionary
        The actor dictionary used.
    result : TokeniseResult
        Sentences, mentions, tokens and DTM.
    collocations : pandas.DataFrame or None
        Proposed collocations; None without tokens.
    mention_counts, top_terms : pandas.DataFrame
        The tables of the same names.
    keyness_target : str
        The target whose units the keyness table contrasts; "" for none.
    keyness_mask : numpy.ndarray of bool
        Those units, in DTM row order.
    keyness : pandas.DataFrame or None
        The keyness table; None when no target splits the corpus.
    """

    dictionary: ActorDictionary
    result: TokeniseResult
    collocations: pd.DataFrame | None
    mention_counts: pd.DataFrame
    top_terms: pd.DataFrame
    keyness_target: str
    keyness_mask: np.ndarray
    keyness: pd.DataFrame | None

    @property
    def mentions(self) -> pd.DataFrame:
        return self.result.mentions

    @property
    def dtm(self) -> Dtm:
        return self.result.dtm

    @property
    def n_units(self) -> int:
        """Rows of the DTM (every unit, with or without terms)."""
        return self.result.dtm.matrix.shape[0]

    @property
    def keyness_label(self) -> str:
        """The dictionary label of the keyness target ("" for none)."""
        return self.dictionary.labels[self.keyness_target] if self.keyness_target else ""

    @property
    def input_hashes(self) -> dict[str, str]:
        """``{"actor dictionary: <file>": sha256}`` of the dictionary files read, for ``stage.record_inputs``."""
        return {f"actor dictionary: {path.name}": file_sha256(path) for path in self.dictionary.paths}

    def summary(self) -> str:
        """One line: sentences, mentions and the shape of the DTM."""
        dtm = self.result.dtm
        return (f"{len(self.result.sentences)} sentences, {len(self.result.mentions)} target mentions, "
                f"DTM {dtm.matrix.shape[0]} units x {dtm.matrix.shape[1]} terms ({dtm.matrix.sum()} term occurrences)")


def _tokenise(units, *, dictionary, stopwords, engine, keep_tokens, min_df, max_df, collocation_min_count,
              collocations_as_terms, passage_words=0):
    """The tables, and the collocations of the tokens; with ``collocations_as_terms`` a second pass makes them terms."""
    options = dict(dictionary=dictionary, stopwords=stopwords, engine=engine, keep_tokens=keep_tokens,
                   min_df=min_df, max_df=max_df, passage_words=passage_words)
    result = tokenise_corpus(units, **options)
    collocations = find_collocations(result.tokens, min_count=collocation_min_count) if keep_tokens else None
    if collocations_as_terms and collocations is not None and len(collocations):
        result = tokenise_corpus(units, mwes=list(zip(collocations["first"], collocations["second"])), **options)
    return result, collocations


def _write(paths, result: TokeniseResult, collocations, dictionary: ActorDictionary, stopwords) -> None:
    catalog.write(result.sentences, paths, "sentences")
    catalog.write(result.mentions, paths, "mentions")
    if result.tokens is not None:
        catalog.write(result.tokens, paths, "tokens")
        catalog.write(collocations, paths, "collocations")
    else:
        warnings.warn("keep_tokens is false, so the token table and collocations are not kept.", UserWarning,
                      stacklevel=3)
    catalog.write(result.dtm, paths, "dtm")
    if result.passage_dtm is not None:
        catalog.write(result.passage_dtm, paths, "passage_dtm")
    catalog.write(dictionary.to_dict(), paths, "actor_dictionary")
    catalog.write(sorted(stopwords), paths, "stopwords")
    catalog.write(result.mentions, paths, "mentions_table")


def tokenise_and_write(paths, *, actor_dictionary: str = "", actor_dictionary_extend: str = "",
                       stopwords_extra=(), domain_stopwords: bool = True, min_df=1, max_df=1.0,
                       keep_tokens: bool = True, collocation_min_count: int = 2, collocations_as_terms: bool = False,
                       keyness_target: str = "", n_top_terms: int = 20, n_jobs: int = 1,
                       topic_unit: str = "document", topic_passage_words: int = 150, engine="local",
                       dask_scheduler: str = "") -> StageOutputs:
    """Tokenise a run's units and write every artefact and table of the stage.

    Reads ``units``; writes ``sentences``, ``mentions``, ``tokens`` and
    ``collocations`` (with ``keep_tokens``), ``dtm``, ``actor_dictionary``,
    ``stopwords``, ``passage_dtm`` (with ``topic_unit="passage"``), ``mentions_table``, ``mention_counts``, ``top_terms`` and
    (when a target splits the corpus) ``keyness`` (names of
    :mod:`stancebook.catalog`).

    Parameters
    ----------
    paths : stancebook.paths.RunPaths
        The run's folders.
    actor_dictionary, actor_dictionary_extend, stopwords_extra, domain_stopwords, min_df, max_df, keep_tokens, \
collocation_min_count, collocations_as_terms, keyness_target, n_top_terms, n_jobs
        The run parameters of the same names (``python -m stancebook params``
        explains each; the defaults are theirs).
    topic_unit, topic_passage_words : str and int, default "document" and 150
        With ``topic_unit="passage"``, also write the ``passage_dtm``: the
        terms per passage of ``topic_passage_words`` words, for the topics stage.
    engine, dask_scheduler : str, default "local" and ""
        Where the chunks are tokenised: local processes (``n_jobs``) or a
        Dask cluster (a LocalCluster of ``n_jobs`` workers, or the scheduler
        at ``dask_scheduler``); see :func:`stancebook.engine.open_engine`.
        An open :class:`~stancebook.engine.Engine` may be passed as ``engine``.

    Returns
    -------
    StageOutputs

    Warns
    -----
    UserWarning
        No target of the dictionary is mentioned; tokens are not kept; no
        target is mentioned in some units but not all (no keyness table).

    See Also
    --------
    tokenise_corpus : the tables without the run folder.

    Examples
    --------
    >>> with stage.notes_from_warnings("Tokenise"):  # doctest: +SKIP
    ...     out = tokenise_and_write(stage.paths, n_top_terms=20)
    """
    dictionary = stage_dictionary(actor_dictionary, actor_dictionary_extend)
    stopwords = load_stopwords(extra=stopwords_extra, domain=domain_stopwords)
    with open_engine(engine, n_jobs=n_jobs, scheduler=dask_scheduler) as running:
        result, collocations = _tokenise(
            catalog.read(paths, "units"), dictionary=dictionary, stopwords=stopwords, engine=running,
            keep_tokens=keep_tokens, min_df=min_df, max_df=max_df, collocation_min_count=collocation_min_count,
            collocations_as_terms=collocations_as_terms,
            passage_words=topic_passage_words if topic_unit == "passage" else 0)
    counts = mention_counts(result.mentions, dictionary)
    if result.mentions.empty:
        warnings.warn("no target of the actor dictionary is mentioned; stance needs mentions "
                      "(extend the dictionary with actor_dictionary_extend).", UserWarning, stacklevel=2)
    _write(paths, result, collocations, dictionary, stopwords)
    catalog.write(counts, paths, "mention_counts")
    top = top_terms(result.dtm, n=n_top_terms)
    catalog.write(top, paths, "top_terms")
    target, mask = keyness_group(result.dtm.unit_ids, result.mentions, counts, target=keyness_target)
    key = keyness(result.dtm, mask, n=n_top_terms) if target else None
    if key is not None:
        catalog.write(key, paths, "keyness")
    else:
        warnings.warn("no keyness figure: no target is mentioned in some units but not all.", UserWarning,
                      stacklevel=2)
    return StageOutputs(dictionary=dictionary, result=result, collocations=collocations, mention_counts=counts,
                        top_terms=top, keyness_target=target, keyness_mask=mask, keyness=key)
