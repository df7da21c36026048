"""Describing the chosen topics: top and distinctive terms, labels, unit shares, representative units.

Every function takes plain arrays (a topic-word matrix, unit-topic shares,
term strings, unit ids), so it describes any fitted model, not only
:class:`~stancebook.topics.TopicModelSelection`'s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.checks import check_fraction, check_int, require_columns
from stancebook.errors import ParameterError
from stancebook.topics._common import (
    DECIMALS,
    check_topic_word,
    check_unit_topic,
    informative,
    overall_prevalence,
    top_indices,
)

__all__ = [
    "topic_terms",
    "distinctive_terms",
    "topic_labels",
    "topic_label_table",
    "unit_topic_table",
    "representative_units",
]


def topic_terms(topic_word, terms, *, n: int = 10) -> pd.DataFrame:
    """Return the top terms of every topic as a long table.

    Parameters
    ----------
    topic_word : array-like, shape (k, n_terms)
        Topic-word weights (e.g. ``TopicModelSelection.topic_word_``).
    terms : array-like of str, shape (n_terms,)
    n : int, default 10
        Terms per topic (capped at the number of terms).

    Returns
    -------
    pandas.DataFrame
        Columns ``topic`` (int, from 1), ``rank`` (int, from 1), ``term``,
        ``weight`` (float, 6 decimals). Ties go to the earlier column.

    See Also
    --------
    distinctive_terms : Terms ranked by relevance instead of weight.
    topic_labels : Short labels from the top words.
    plot_topic_terms : One bar panel per topic.

    Examples
    --------
    >>> topic_terms([[0.7, 0.3], [0.1, 0.9]], ["a", "b"], n=1)
       topic  rank term  weight
    0      1     1    a     0.7
    1      2     1    b     0.9
    """
    weights = np.asarray(topic_word, dtype=np.float64)
    terms = np.asarray(terms, dtype=str)
    check_topic_word(weights, terms)
    if n < 1:
        raise ParameterError(f"n: expected a positive number of terms per topic, got {n!r}.")
    return _ranked_terms(weights, terms, top_indices(weights, min(n, weights.shape[1])))


def _ranked_terms(weights: np.ndarray, terms: np.ndarray, top: np.ndarray, **scores: np.ndarray) -> pd.DataFrame:
    """One row per topic and rank for the term columns ``top`` (k x n): its weight and any further scores."""
    k, n = top.shape
    columns = {"weight": weights, **scores}
    return pd.DataFrame({
        "topic": np.repeat(np.arange(1, k + 1), n).astype(np.int64),
        "rank": np.tile(np.arange(1, n + 1), k).astype(np.int64),
        "term": terms[top].ravel().astype(object),
        **{name: np.take_along_axis(values, top, axis=1).ravel().round(DECIMALS) for name, values in columns.items()},
    })


def _relevance(weights: np.ndarray, term_frequency, lambda_: float) -> np.ndarray:
    frequency = np.asarray(term_frequency, dtype=np.float64).ravel()
    if frequency.shape[0] != weights.shape[1] or (frequency < 0).any() or frequency.sum() <= 0:
        raise ParameterError(
            f"term_frequency: expected one non-negative count per term ({weights.shape[1]}) with a "
            f"positive total, got shape {frequency.shape}; pass TopicModelSelection.term_frequency_."
        )
    check_fraction(lambda_, "lambda_")
    marginal = frequency / frequency.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        log_phi = np.log(weights)
        lift = log_phi - np.log(marginal)
        score = lambda_ * log_phi + (1 - lambda_) * lift
    # Zero weight (or a term the corpus never uses) is never distinctive.
    return np.where((weights > 0) & (marginal > 0), score, -np.inf)


def distinctive_terms(topic_word, terms, term_frequency, *, n: int = 10, lambda_: float = 0.6) -> pd.DataFrame:
    """Return each topic's most distinctive terms by relevance (Sievert and Shirley 2014).

    ``relevance(w, t) = lambda * log p(w | t) + (1 - lambda) * log(p(w | t) / p(w))``
    with ``p(w)`` the term's share of the corpus. ``lambda = 1`` ranks by
    probability (the plain top terms); ``lambda = 0`` by lift, which favours
    rare terms; 0.6 is the value Sievert and Shirley's user study found best
    for interpreting topics.

    Parameters
    ----------
    topic_word : array-like, shape (k, n_terms)
    terms : array-like of str, shape (n_terms,)
    term_frequency : array-like, shape (n_terms,)
        Corpus counts of the terms (``TopicModelSelection.term_frequency_``).
    n : int, default 10
        Terms per topic.
    lambda_ : float, default 0.6
        Weight of the probability against the lift.

    Returns
    -------
    pandas.DataFrame
        ``topic`` (int from 1), ``rank`` (int from 1), ``term``, ``weight``
        (p(w | t)), ``relevance`` (6 decimals). Ties go to the earlier column.

    See Also
    --------
    topic_terms : The plain top terms by weight (``lambda_ = 1``).
    topic_labels : Labels from the most relevant words.

    References
    ----------
    .. [1] Sievert, C. and Shirley, K. (2014). LDAvis: a method for visualizing
       and interpreting topics. *Proceedings of the Workshop on Interactive
       Language Learning, Visualization, and Interfaces*, 63-70.

    Examples
    --------
    >>> tw = [[0.5, 0.4, 0.1], [0.5, 0.1, 0.4]]
    >>> distinctive_terms(tw, ["un", "war", "trade"], [100, 10, 10], n=1)["term"].tolist()
    ['war', 'trade']
    """
    weights = np.asarray(topic_word, dtype=np.float64)
    terms = np.asarray(terms, dtype=str)
    check_topic_word(weights, terms)
    if n < 1:
        raise ParameterError(f"n: expected a positive number of terms per topic, got {n!r}.")
    score = _relevance(weights, term_frequency, lambda_)
    return _ranked_terms(weights, terms, top_indices(score, min(n, weights.shape[1])), relevance=score)


def topic_labels(topic_word, terms, *, n: int = 3, term_frequency=None, lambda_: float = 0.6) -> list[str]:
    """Return a short label per topic from its most probable (or most relevant) words.

    Without ``term_frequency``: the most probable words, but words that are
    among the top words of *every* topic (the top 10, or the top
    ``n_terms // k`` on a small vocabulary) describe none of them, so they
    are used only when a topic has too few other words. With
    ``term_frequency``: the words of highest relevance (see
    :func:`distinctive_terms`), which already discounts words frequent
    everywhere. Labels repeated across topics get the topic number appended.

    Parameters
    ----------
    topic_word : array-like, shape (k, n_terms)
    terms : array-like of str, shape (n_terms,)
    n : int, default 3
        Words per label.
    term_frequency : array-like, shape (n_terms,), optional
        Corpus counts of the terms: label by relevance instead of probability.
    lambda_ : float, default 0.6
        Relevance weight (with ``term_frequency``).

    Returns
    -------
    list of str
        One label per topic, words joined by " · ".

    See Also
    --------
    distinctive_terms : The relevance ranking.
    topic_label_table : Labels with top terms and scores in one table.

    Examples
    --------
    >>> topic_labels([[0.5, 0.3, 0.2, 0.0], [0.5, 0.0, 0.1, 0.4]], ["un", "war", "peace", "trade"], n=2)
    ['war · peace', 'trade · peace']
    """
    weights = np.asarray(topic_word, dtype=np.float64)
    terms = np.asarray(terms, dtype=str)
    check_topic_word(weights, terms)
    if n < 1:
        raise ParameterError(f"n: expected a positive number of words per label, got {n!r}.")
    k, n_terms = weights.shape
    n = min(n, n_terms)
    if term_frequency is not None:
        score = _relevance(weights, term_frequency, lambda_)
        labels = [" · ".join(terms[row[:n]]) for row in top_indices(score, n)]
    else:
        everywhere = np.zeros(n_terms, dtype=bool)
        if k >= 2:
            # Top list length: 10, or the share of the vocabulary each topic
            # could own if it were split evenly (else on a tiny vocabulary every
            # word would be "in every top list").
            m = min(10, max(1, n_terms // k))
            counts = np.bincount(top_indices(weights, m).ravel(), minlength=n_terms)
            everywhere = counts == k
        labels = []
        for row in weights:
            # Sort by (word is everywhere, -weight, column index).
            order = np.lexsort((np.arange(n_terms), -row, everywhere))
            labels.append(" · ".join(terms[order[:n]]))
    seen = pd.Series(labels).duplicated(keep=False).to_numpy()
    return [f"{label} ({i + 1})" if dup else label for i, (label, dup) in enumerate(zip(labels, seen))]


def topic_label_table(topic_word, terms, *, n: int = 10, n_label: int = 3, term_frequency=None,
                      lambda_: float = 0.6, unit_topic=None, npmi=None, stability=None) -> pd.DataFrame:
    """Return one row per topic: its label, top terms and (optionally) scores.

    Parameters
    ----------
    topic_word : array-like, shape (k, n_terms)
    terms : array-like of str, shape (n_terms,)
    n : int, default 10
        Top terms listed per topic.
    n_label : int, default 3
        Words per label (see :func:`topic_labels`).
    term_frequency : array-like, shape (n_terms,), optional
        Corpus counts: adds ``distinctive_terms`` (by relevance) and labels
        topics by relevance.
    lambda_ : float, default 0.6
        Relevance weight.
    unit_topic : array-like, shape (n_units, k), optional
        Adds ``prevalence``: the mean share of the topic over units with terms.
    npmi, stability : array-like, shape (k,), optional
        Per-topic scores (``npmi_per_topic_``, ``topic_stability_``) added as
        columns of those names.

    Returns
    -------
    pandas.DataFrame
        ``topic`` (int from 1), ``label`` (str), ``top_terms`` (str: the top
        ``n`` terms by weight, joined by ", "), then the optional columns
        ``distinctive_terms``, ``prevalence``, ``npmi``, ``stability``.

    See Also
    --------
    topic_labels, topic_terms, distinctive_terms : The columns, one by one.

    Examples
    --------
    >>> topic_label_table([[0.6, 0.3, 0.1], [0.1, 0.2, 0.7]], ["war", "un", "trade"], n=2, n_label=1)
       topic  label  top_terms
    0      1    war    war, un
    1      2  trade  trade, un
    """
    terms_table = topic_terms(topic_word, terms, n=n)
    top_terms = terms_table.groupby("topic", sort=True)["term"].agg(", ".join)
    labels = topic_labels(topic_word, terms, n=n_label, term_frequency=term_frequency, lambda_=lambda_)
    k = len(labels)
    table = pd.DataFrame(
        {
            "topic": np.arange(1, k + 1, dtype=np.int64),
            "label": pd.Series(labels, dtype=object),
            "top_terms": top_terms.to_numpy().astype(object),
        }
    )
    if term_frequency is not None:
        distinct = distinctive_terms(topic_word, terms, term_frequency, n=n, lambda_=lambda_)
        table["distinctive_terms"] = distinct.groupby("topic", sort=True)["term"].agg(", ".join).to_numpy()
    if unit_topic is not None:
        shares = np.asarray(unit_topic, dtype=np.float64)
        if shares.ndim != 2 or shares.shape[1] != k:
            raise ParameterError(f"unit_topic: expected a (n_units, {k}) matrix, got shape {shares.shape}.")
        table["prevalence"] = overall_prevalence(shares).round(DECIMALS)
    for name, values in (("npmi", npmi), ("stability", stability)):
        if values is not None:
            values = np.asarray(values, dtype=np.float64).ravel()
            if values.shape[0] != k:
                raise ParameterError(f"{name}: expected one value per topic ({k}), got {values.shape[0]}.")
            table[name] = values.round(DECIMALS)
    return table


def unit_topic_table(unit_topic, unit_ids) -> pd.DataFrame:
    """Return the topic shares of every unit as a wide table.

    Parameters
    ----------
    unit_topic : array-like, shape (n_units, k)
        Rows sum to 1 (e.g. ``TopicModelSelection.unit_topic_``).
    unit_ids : array-like of str, shape (n_units,)

    Returns
    -------
    pandas.DataFrame
        ``unit_id``, ``topic_1`` ... ``topic_k`` (6 decimals) and
        ``dominant_topic`` (int from 1; the first on ties; 0 when all shares
        are equal, as for units without terms).

    See Also
    --------
    representative_units : The units with the highest share of each topic.
    topic_prevalence : Mean shares per metadata group.

    Examples
    --------
    >>> unit_topic_table([[0.8, 0.2], [0.5, 0.5]], ["a", "b"])
      unit_id  topic_1  topic_2  dominant_topic
    0       a      0.8      0.2               1
    1       b      0.5      0.5               0
    """
    shares = np.asarray(unit_topic, dtype=np.float64)
    unit_ids = np.asarray(unit_ids, dtype=str)
    check_unit_topic(shares, unit_ids)
    dominant = shares.argmax(axis=1) + 1
    table = pd.DataFrame({"unit_id": unit_ids.astype(object)})
    for t in range(shares.shape[1]):
        table[f"topic_{t + 1}"] = shares[:, t].round(DECIMALS)
    table["dominant_topic"] = np.where(informative(shares), dominant, 0).astype(np.int64)
    return table


def representative_units(unit_topic, unit_ids, *, n: int = 3, units: pd.DataFrame | None = None,
                         max_chars: int | None = None) -> pd.DataFrame:
    """Return the units with the highest share of each topic.

    Units whose shares are all equal (units without terms) are never
    representative. Ties go to the earlier unit.

    Parameters
    ----------
    unit_topic : array-like, shape (n_units, k)
    unit_ids : array-like of str, shape (n_units,)
    n : int, default 3
        Units per topic (fewer when the corpus has fewer).
    units : pandas.DataFrame, optional
        The units table (``unit_id``, ``text``): adds the unit's ``text``.
    max_chars : int, optional
        Cut the text after this many characters (marked with "…").

    Returns
    -------
    pandas.DataFrame
        ``topic`` (int from 1), ``rank`` (int from 1), ``unit_id``,
        ``share`` (6 decimals), and ``text`` when ``units`` is given.

    See Also
    --------
    unit_topic_table : Every unit's shares.

    Examples
    --------
    >>> representative_units([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]], ["a", "b", "c"], n=1)
       topic  rank unit_id  share
    0      1     1       a    0.9
    1      2     1       b    0.7
    """
    shares = np.asarray(unit_topic, dtype=np.float64)
    unit_ids = np.asarray(unit_ids, dtype=str)
    check_unit_topic(shares, unit_ids)
    if n < 1:
        raise ParameterError(f"n: expected a positive number of units per topic, got {n!r}.")
    candidates = np.flatnonzero(informative(shares))
    rows = []
    for t in range(shares.shape[1]):
        order = candidates[np.argsort(-shares[candidates, t], kind="stable")][:n]
        for rank, i in enumerate(order, start=1):
            rows.append((t + 1, rank, unit_ids[i], round(float(shares[i, t]), DECIMALS)))
    table = pd.DataFrame(rows, columns=["topic", "rank", "unit_id", "share"]).astype(
        {"topic": np.int64, "rank": np.int64, "unit_id": object, "share": np.float64}
    )
    if units is None:
        return table
    require_columns(units, ["unit_id", "text"], "units",
                    hint="Pass the units artefact of 00_corpus (catalog name 'units').", error=ParameterError)
    text = units.drop_duplicates("unit_id").set_index(units["unit_id"].drop_duplicates().astype(str))["text"]
    texts = text.reindex(table["unit_id"]).fillna("").astype(str).to_numpy()
    if max_chars is not None:
        check_int(max_chars, "max_chars")
        texts = np.array([t if len(t) <= max_chars else t[:max_chars].rstrip() + "…" for t in texts], dtype=object)
    return table.assign(text=texts.astype(object))
