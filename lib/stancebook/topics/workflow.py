"""The topics stage of a run: fit the model selection, describe the topics, write every table.

The notebook ``02_topics`` calls :func:`fit_and_describe` with the run's
folders and parameters; it reads the DTM, the units (and, for sliding-window
coherence, the tokens) through :mod:`stancebook.catalog` and writes the
stage's tables there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from stancebook import catalog
from stancebook.errors import ParameterError, StancebookError
from stancebook.resources.actors import ActorDictionary
from stancebook.resources.place_names import load_place_words
from stancebook.topics.describe import (
    distinctive_terms,
    representative_units,
    topic_label_table,
    topic_labels,
    topic_terms,
    unit_topic_table,
)
from stancebook.topics.mapping import topic_map
from stancebook.topics.effects import topic_effects
from stancebook.topics.passages import document_shares, passage_units
from stancebook.topics.prevalence import topic_prevalence
from stancebook.topics.selection import TopicModelSelection
from stancebook.topics.vocabulary import place_term_mask, without_columns

__all__ = ["TopicsResult", "effect_columns", "selection_from_params", "fit_and_describe", "topic_counts"]

# Representative units per topic, and how much of their text the table keeps.
_REPRESENTATIVE_UNITS = 3
_REPRESENTATIVE_CHARS = 600


@dataclass
class TopicsResult:
    """What :func:`fit_and_describe` computed (and wrote), for the figures of the notebook.

    Attributes
    ----------
    selection : TopicModelSelection
        Fitted; ``reason_`` says which model was kept and why.
    labels : list of str
        One label per topic, by relevance.
    terms : pandas.DataFrame
        The ``topic_terms`` table.
    label_table : pandas.DataFrame
        The ``topic_labels`` table.
    topic_map : pandas.DataFrame
        The ``topic_map`` table.
    prevalence : dict of str to pandas.DataFrame
        The ``topic_prevalence`` table of each grouping column, in the order of ``prevalence_by``.
    notes : list of str
        Plain-words notes for the report: what was cut or not computed, the
        choice of model, the grouping columns skipped.
    effects : tuple of (pandas.DataFrame, pandas.DataFrame) or None
        The ``topic_effects`` and ``topic_effect_differences`` tables
        (``topic_effects`` parameter), or None.
    effect_fits : int
        Fits of the chosen model whose shares the effects' bootstrap composes
        (1: the kept fit only; the topic model's uncertainty is then not included).
    """

    selection: TopicModelSelection
    labels: list[str]
    terms: pd.DataFrame
    label_table: pd.DataFrame
    topic_map: pd.DataFrame
    prevalence: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    effects: tuple | None = None
    effect_fits: int = 1

    @property
    def k(self) -> int:
        """Number of topics of the chosen model."""
        return self.selection.k_

    @property
    def model_name(self) -> str:
        """``"LDA"`` or ``"NMF"``."""
        return self.selection.model_name_.upper()


def selection_from_params(params: dict[str, Any]) -> TopicModelSelection:
    """Return the (unfitted) model selection a run's parameters ask for.

    Parameters
    ----------
    params : dict
        Run parameters (:mod:`stancebook.params`): ``topic_models``,
        ``k_grid``, ``n_topics``, ``n_top_words``, ``random_state``,
        ``n_jobs``, ``topic_seeds``, ``topic_stability_sample``,
        ``topic_min_stability``, ``topic_coherence``, ``topic_window``,
        ``topic_holdout``, ``lda_alpha``, ``lda_eta``.

    Returns
    -------
    TopicModelSelection

    Examples
    --------
    >>> from stancebook.params import defaults
    >>> selection_from_params(defaults()).n_seeds
    3
    """
    return TopicModelSelection(
        models=tuple(params["topic_models"]), k_grid=params["k_grid"] or None, n_topics=params["n_topics"],
        n_top_words=params["n_top_words"], random_state=params["random_state"], n_jobs=params["n_jobs"],
        n_seeds=params["topic_seeds"], stability_sample=params["topic_stability_sample"],
        max_fit_units=params["topic_fit_units"],
        min_stability=params["topic_min_stability"], coherence=params["topic_coherence"],
        window_size=params["topic_window"], holdout=params["topic_holdout"],
        doc_topic_prior=params["lda_alpha"], topic_word_prior=params["lda_eta"],
    )


def fit_and_describe(paths, params: dict[str, Any]) -> TopicsResult:
    """Fit the model selection, describe the chosen topics and write every table of the topics stage.

    Reads the ``dtm`` and ``units`` artefacts (and ``tokens`` for
    ``topic_coherence: window``, ``passage_dtm`` for ``topic_unit: passage``,
    ``actor_dictionary`` for ``topic_exclude_names``); writes ``model_selection``,
    ``topic_terms``, ``topic_labels``, ``distinctive_terms``,
    ``unit_topics``, ``representative_units``, ``topic_map`` and one
    ``topic_prevalence`` per column of ``prevalence_by`` that exists and
    has at least two values (the others are named in the notes).

    Parameters
    ----------
    paths : stancebook.paths.RunPaths
        The run's folders.
    params : dict
        Run parameters: those of :func:`selection_from_params` plus
        ``relevance_lambda``, ``prevalence_by``, ``n_boot``, ``topic_unit``,
        ``topic_passage_words`` and ``topic_exclude_names``. With passages the
        models are fitted on the passages and every table is about units: a
        unit's shares are the term-weighted mean of its passages' shares
        (:func:`~stancebook.topics.passages.document_shares`).

    Returns
    -------
    TopicsResult

    Raises
    ------
    StancebookError
        An artefact of an earlier stage is missing, or the corpus is too small
        for any topic model.

    Warns
    -----
    DataTooSmallWarning, ConvergenceWarning
        From :meth:`TopicModelSelection.fit`; catch them with
        ``stage.notes_from_warnings`` to keep them as notes.

    See Also
    --------
    TopicModelSelection, topic_label_table, topic_prevalence, topic_map
    """
    # One BLAS thread in this process: its products are small, and OpenBLAS's threads slow them by up to
    # a hundred times when the cores are busy (see TopicModelSelection.fit); the fits run in worker processes.
    with threadpool_limits(limits=1, user_api="blas"):
        return _fit_and_describe(paths, params)


def _fit_and_describe(paths, params: dict[str, Any]) -> TopicsResult:
    """The body of :func:`fit_and_describe`."""
    dtm = catalog.read(paths, "dtm")
    units = catalog.read(paths, "units")
    fit_dtm, unit_note = _fit_dtm(dtm, paths, params)
    tokens = catalog.read(paths, "tokens") if params["topic_coherence"] == "window" else None
    matrix, vocabulary_note = _topic_matrix(fit_dtm, paths, params)
    selection = selection_from_params(params).fit(matrix, fit_dtm.terms, fit_dtm.unit_ids, tokens=tokens)
    shares, draws = selection.unit_topic_, selection.refit_unit_topic_
    if fit_dtm is not dtm:
        owners = passage_units(fit_dtm.unit_ids, dtm.unit_ids)
        shares, *draws = [document_shares(s, matrix, owners, len(dtm.unit_ids)) for s in (shares, *draws)]
    result = _describe(selection, shares, fit_dtm.terms, dtm.unit_ids, units, paths, params)
    result.notes = [*unit_note, *vocabulary_note, *selection.notes_, selection.reason_]
    for by in params["prevalence_by"]:
        if by not in units.columns or units[by].nunique() < 2:
            result.notes.append(f"no prevalence by '{by}': the column is absent or has a single value.")
            continue
        prevalence = topic_prevalence(shares, dtm.unit_ids, units, by, n_boot=params["n_boot"],
                                      random_state=params["random_state"])
        catalog.write(prevalence, paths, "topic_prevalence", by=by)
        result.prevalence[by] = prevalence
    if params.get("topic_effects"):
        result.effects = _effects(shares, draws, dtm.unit_ids, units, paths, params, result.notes)
        result.effect_fits = 1 + len(draws)
    return result


def topic_counts(paths, params: dict[str, Any]):
    """Return the counts the topic models of a run are fitted on, with their terms and row ids.

    The units' DTM, or the passages' (``topic_unit: passage``), with place and
    leader terms zeroed (``topic_exclude_names``): what :func:`fit_and_describe`
    passes to :meth:`TopicModelSelection.fit`.

    Returns
    -------
    matrix : scipy.sparse.csr_matrix, shape (n_rows, n_terms)
    terms, row_ids : numpy.ndarray of str
    """
    fit_dtm, _ = _fit_dtm(catalog.read(paths, "dtm"), paths, params)
    matrix, _ = _topic_matrix(fit_dtm, paths, params)
    return matrix, fit_dtm.terms, fit_dtm.unit_ids


def effect_columns(formula: str) -> tuple[str, str]:
    """The time and group columns of a ``topic_effects`` formula such as ``"year + region"``.

    Examples
    --------
    >>> effect_columns("year + region")
    ('year', 'region')
    """
    parts = [p.strip() for p in str(formula).split("+")]
    if len(parts) != 2 or not all(parts):
        raise ParameterError(f"topic_effects: expected 'time + group', e.g. 'year + region', got {formula!r}.")
    return parts[0], parts[1]


def _effects(shares, draws, unit_ids, units: pd.DataFrame, paths, params: dict[str, Any], notes: list[str]):
    """Write the covariate-effect tables, or add a note saying why they could not be estimated.

    ``draws`` are the units' shares under the refits of the chosen model (topics aligned): the
    bootstrap composes them with the resampling of units.
    """
    time, group = effect_columns(params["topic_effects"])
    missing = [c for c in (time, group) if c not in units.columns]
    if missing:
        notes.append(f"no topic effects: the column(s) {missing} are not in the units table.")
        return None
    try:
        expected, differences = topic_effects(shares, unit_ids, units, time=time, group=group,
                                              n_boot=params["n_boot"], random_state=params["random_state"],
                                              model_draws=draws)
    except ParameterError as exc:
        notes.append(f"no topic effects: {exc}")
        return None
    catalog.write(expected, paths, "topic_effects")
    catalog.write(differences, paths, "topic_effect_differences")
    if draws:
        uncertainty = (f"each replicate takes the shares of one of the {1 + len(draws)} fits of the chosen model "
                       f"(the kept fit and its {len(draws)} stability refits, topics matched to the kept fit's) and "
                       "resamples the units, so the intervals include the topic model's own uncertainty (method of "
                       "composition)")
    else:
        uncertainty = "the topic model's own uncertainty is not included (topic_seeds is 1: no refits to draw from)"
    notes.append(f"Topic effects: each topic's unit shares regressed on a cubic spline of '{time}' and the "
                 f"groups of '{group}' (reference: {differences['reference'].iloc[0]}), with percentile bootstrap "
                 f"intervals ({params['n_boot']} replicates): {uncertainty}.")
    return expected, differences


def _fit_dtm(dtm, paths, params: dict[str, Any]):
    """The counts the topic models are fitted on: the units' DTM, or (``topic_unit: passage``) the passages'."""
    if params.get("topic_unit", "document") == "document":
        return dtm, []
    if params["topic_coherence"] == "window":
        raise ParameterError("topic_coherence: 'window' coherence is counted over the units' tokens and cannot "
                             "score topics fitted on passages; set topic_coherence: document or topic_unit: "
                             "document.")
    if not catalog.path(paths, "passage_dtm").exists():
        raise StancebookError("passage_dtm: topic_unit is 'passage' but 01_tokenise wrote no passage DTM; re-run "
                              "01_tokenise with the same topic_unit and topic_passage_words.")
    passages = catalog.read(paths, "passage_dtm")
    n_used = int((passages.matrix.getnnz(axis=1) > 0).sum())
    note = (f"Topics were fitted on {n_used} passages of about {params['topic_passage_words']} words "
            f"(topic_unit: passage) and each unit's shares are the mean of its passages' shares, weighted by "
            "their numbers of terms; min_df and max_df were counted over passages.")
    return passages, [note]


def _topic_matrix(dtm, paths, params: dict[str, Any]):
    """The DTM the topic models see: with ``topic_exclude_names``, place and leader terms zeroed; and a note."""
    if not params.get("topic_exclude_names"):
        return dtm.matrix, []
    dictionary = ActorDictionary.from_dict(catalog.read(paths, "actor_dictionary"))
    drop = place_term_mask(dtm.terms, load_place_words(dictionary))
    examples = ", ".join(dtm.terms[drop][np.argsort(-np.asarray(dtm.matrix[:, drop].sum(axis=0)).ravel(),
                                                   kind="stable")[:8]])
    note = (f"{int(drop.sum())} place and leader terms (most frequent: {examples}) were kept out of the topic "
            "vocabulary (topic_exclude_names); they stay in the DTM for mentions and stance.")
    return without_columns(dtm.matrix, drop), [note]


def _describe(selection: TopicModelSelection, unit_topic, terms, unit_ids, units: pd.DataFrame, paths,
              params: dict[str, Any]) -> TopicsResult:
    """Label and describe the chosen topics and write the tables that do not depend on a grouping."""
    n_top, lambda_ = params["n_top_words"], params["relevance_lambda"]
    topic_word, frequency = selection.topic_word_, selection.term_frequency_
    result = TopicsResult(
        selection=selection,
        labels=topic_labels(topic_word, terms, term_frequency=frequency, lambda_=lambda_),
        terms=topic_terms(topic_word, terms, n=n_top),
        label_table=topic_label_table(topic_word, terms, n=n_top, term_frequency=frequency, lambda_=lambda_,
                                      unit_topic=unit_topic, npmi=selection.npmi_per_topic_,
                                      stability=selection.topic_stability_),
        topic_map=topic_map(topic_word, unit_topic),
    )
    tables = {
        "model_selection": selection.table_,
        "topic_terms": result.terms,
        "topic_labels": result.label_table,
        "distinctive_terms": distinctive_terms(topic_word, terms, frequency, n=n_top, lambda_=lambda_),
        "unit_topics": unit_topic_table(unit_topic, unit_ids),
        "representative_units": representative_units(unit_topic, unit_ids, n=_REPRESENTATIVE_UNITS, units=units,
                                                     max_chars=_REPRESENTATIVE_CHARS),
        "topic_map": result.topic_map,
    }
    for name, table in tables.items():
        catalog.write(table, paths, name)
    return result
