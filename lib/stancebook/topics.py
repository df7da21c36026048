"""Topic models: fit LDA and NMF over a grid of k, score, choose, label.

The stage takes a document-term matrix (units x terms, counts), the term
strings and the unit ids. It does not import :mod:`stancebook.tokenise`, so
any sparse count matrix will do.

How k and the model family are chosen
-------------------------------------
Every (model, k) pair of the grid is fitted (in parallel with joblib) and
scored by

* **mean NPMI coherence** of the top words of each topic, with document
  co-occurrence counted in the units themselves (gensim ``c_npmi`` with a
  window as long as the longest unit, see :func:`npmi_coherence`);
* **topic diversity**: the share of distinct words among all top words
  (Dieng, Ruiz and Blei 2020, see :func:`topic_diversity`);
* for LDA, the **training perplexity** (reported, not used: it falls as k
  grows and needs held-out units to be a fair criterion).

The rule (recorded in plain words in ``reason_``) is the one-standard-error
rule applied to NPMI: every fit whose mean NPMI is within one standard error
(the spread of the per-topic NPMI of the best fit over the square root of its
number of topics) of the best mean NPMI counts as "as coherent as the best".
Among those, the smallest k wins (the simplest model the data cannot tell
apart from the best), then the higher diversity, then LDA before NMF (LDA
gives proper unit-topic proportions), then the higher NPMI. Coherence alone
tends to keep rising or stay flat when a real topic is split in two near
copies, so the plain maximum would often pick a k that is too large; the
one-standard-error rule is the usual guard against that (Hastie, Tibshirani
and Friedman 2009, sec. 7.10).

On a tiny corpus the standard error is large and the rule picks a small k:
that is the honest answer when the data cannot support more topics.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer
from threadpoolctl import threadpool_limits

from stancebook.errors import DataTooSmallWarning, ParameterError, StancebookError

__all__ = [
    "default_k_grid",
    "npmi_coherence",
    "topic_diversity",
    "TopicModelSelection",
    "topic_terms",
    "topic_labels",
    "topic_label_table",
    "unit_topic_table",
    "representative_units",
    "plot_model_selection",
    "plot_topic_terms",
]

_MODELS = ("lda", "nmf")
_DECIMALS = 6
# gensim's EPSILON in topic_coherence.direct_confirmation_measure.
_GENSIM_EPS = 1e-12
# Defaults when max_iter is None: batch LDA has no early stop without the
# (costly) per-iteration perplexity, so it gets a fixed budget; NMF stops on tol.
_DEFAULT_MAX_ITER = {"lda": 50, "nmf": 500}
_MIN_UNITS_PER_TOPIC = 4
_MIN_TERMS_PER_TOPIC = 5
_MAX_K = 30


# --------------------------------------------------------------------------
# k grid
# --------------------------------------------------------------------------
def default_k_grid(n_units: int, n_terms: int) -> list[int]:
    """Return a grid of numbers of topics sized to the corpus.

    The largest k is ``min(30, n_units // 4, n_terms // 5)``: every topic
    should be able to dominate at least about four units and own about five
    top terms. If that is below 2 the grid is empty (the corpus is too small
    for a choice of k; :class:`TopicModelSelection` then falls back to k = 2
    with a warning). Up to k = 10 every k from 2 is tried; above that the grid
    is 2, 4, 6, 8, 10 and then steps of 5.

    Parameters
    ----------
    n_units : int
        Number of units (rows of the document-term matrix) that contain terms.
    n_terms : int
        Number of terms (columns).

    Returns
    -------
    list of int
        Increasing k values; empty when the corpus is too small.

    Examples
    --------
    >>> default_k_grid(20, 200)
    [2, 3, 4, 5]
    >>> default_k_grid(500, 5000)
    [2, 4, 6, 8, 10, 15, 20, 25, 30]
    >>> default_k_grid(6, 100)
    []
    """
    upper = min(_MAX_K, int(n_units) // _MIN_UNITS_PER_TOPIC, int(n_terms) // _MIN_TERMS_PER_TOPIC)
    if upper < 2:
        return []
    if upper <= 10:
        return list(range(2, upper + 1))
    return [2, 4, 6, 8, 10] + list(range(15, upper + 1, 5))


# --------------------------------------------------------------------------
# quality measures
# --------------------------------------------------------------------------
def npmi_coherence(top_indices, binary_dtm, *, eps: float = _GENSIM_EPS) -> np.ndarray:
    """Return the mean NPMI coherence of each topic's top words.

    This is gensim's ``CoherenceModel(coherence="c_npmi")`` with a sliding
    window at least as long as the longest reference text (so a "window" is a
    whole document), computed with sparse matrix products instead of loops.
    Exactly as in gensim:

    * only reference documents that contain at least one top word of *any*
      topic are counted (gensim drops the other texts before counting), so
      ``N`` = number of such documents;
    * ``P(w) = df(w) / N`` and ``P(wi, wj) = df(wi, wj) / N`` with document
      frequencies of presence (a word counts once per document);
    * ``NPMI(wi, wj) = log((P(wi, wj) + eps) / (P(wi) * P(wj)))
      / -log(P(wi, wj) + eps)`` with ``eps = 1e-12``;
    * segmentation ``s_one_one``: all ordered pairs ``(wi, wj)``, ``i != j``,
      of a topic's top words; NPMI is symmetric, so this equals the mean over
      unordered pairs;
    * a topic's coherence is the arithmetic mean over its pairs (the model's
      coherence, as in ``get_coherence``, is the mean over topics).

    Consequences worth knowing: two words that always occur together score
    (almost exactly) 1, two words that never co-occur score about -1 (slightly
    above, as ``eps`` is not 0), and two words that occur in *every* counted
    document score -1 (the ``0/0`` limit as gensim evaluates it).

    One deliberate departure: gensim divides by zero when a top word never
    occurs in the reference documents; here every pair with such a word
    scores -1 (no evidence that the words go together).

    Parameters
    ----------
    top_indices : array-like of int, shape (n_topics, n_top)
        Column indices of each topic's top words, best first.
    binary_dtm : scipy sparse matrix or array, shape (n_docs, n_terms)
        Reference documents x terms; any positive entry counts as presence.
    eps : float, default 1e-12
        The smoothing constant, placed as in gensim.

    Returns
    -------
    numpy.ndarray of float, shape (n_topics,)
        Mean NPMI of each topic, in [-1, 1].

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    >>> npmi_coherence([[0, 1], [0, 2]], X).round(6)  # together always / never
    array([ 1.      , -0.949828])
    """
    top = np.asarray(top_indices)
    if top.ndim != 2 or top.shape[1] < 2 or not np.issubdtype(top.dtype, np.integer):
        raise ParameterError(
            "top_indices: expected an integer array of shape (n_topics, n_top) with "
            f"n_top >= 2, got shape {top.shape} and dtype {top.dtype}. Pass the column "
            "indices of at least two top words per topic."
        )
    matrix = sp.csr_matrix(binary_dtm)
    if top.size and (top.min() < 0 or top.max() >= matrix.shape[1]):
        raise ParameterError(
            f"top_indices: indices must lie in [0, {matrix.shape[1]}) (the columns of "
            f"binary_dtm), got values from {top.min()} to {top.max()}."
        )
    relevant, position = np.unique(top, return_inverse=True)
    position = position.reshape(top.shape)
    presence = (matrix[:, relevant] > 0).astype(np.float64).tocsr()
    n_docs = float(np.count_nonzero(presence.getnnz(axis=1)))

    co = np.asarray((presence.T @ presence).todense(), dtype=np.float64)
    df = np.diag(co).copy()
    if n_docs == 0:
        return np.full(top.shape[0], -1.0)

    # (n_topics, n_top, n_top) blocks of the co-occurrence matrix.
    pair_co = co[position[:, :, None], position[:, None, :]]
    p_i = df[position][:, :, None] / n_docs
    p_j = df[position][:, None, :] / n_docs
    p_ij = pair_co / n_docs
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log((p_ij + eps) / (p_i * p_j)) / -np.log(p_ij + eps)
    npmi = np.where((p_i > 0) & (p_j > 0), npmi, -1.0)
    n_top = top.shape[1]
    off_diagonal = ~np.eye(n_top, dtype=bool)
    return npmi[:, off_diagonal].mean(axis=1)


def topic_diversity(top_indices) -> float:
    """Return the share of distinct words among all topics' top words.

    Topic diversity (Dieng, Ruiz and Blei 2020): 1 means no two topics share
    a top word, values near ``1 / n_topics`` mean the topics repeat each other.

    Parameters
    ----------
    top_indices : array-like of int, shape (n_topics, n_top)
        Column indices of each topic's top words.

    Returns
    -------
    float
        ``len(unique(top_indices)) / top_indices.size``.

    Examples
    --------
    >>> topic_diversity([[0, 1, 2], [2, 3, 4]])
    0.8333333333333334
    """
    top = np.asarray(top_indices)
    if top.size == 0:
        raise ParameterError("top_indices: expected at least one top word, got an empty array.")
    return float(np.unique(top).size / top.size)


def _top_indices(topic_word: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n largest weights per row, ties by lower column index."""
    order = np.argsort(-topic_word, axis=1, kind="stable")
    return order[:, :n]


def _normalise_rows(values: np.ndarray) -> np.ndarray:
    """Rows scaled to sum 1; all-zero rows become uniform."""
    values = np.asarray(values, dtype=np.float64)
    totals = values.sum(axis=1, keepdims=True)
    uniform = np.full_like(values, 1.0 / values.shape[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = values / totals
    return np.where(totals > 0, scaled, uniform)


# --------------------------------------------------------------------------
# fitting one (model, k)
# --------------------------------------------------------------------------
@dataclass
class _Fit:
    model_name: str
    k: int
    estimator: object
    topic_word: np.ndarray
    unit_topic: np.ndarray
    top_indices: np.ndarray
    npmi_per_topic: np.ndarray
    diversity: float
    perplexity: float
    converged: bool


def _fit_one(model_name, k, counts, tfidf, presence, n_top, random_state, max_iter):
    # One BLAS thread per fit: results must not depend on how many fits run
    # side by side (n_jobs), and the parallelism is across fits anyway.
    # Convergence warnings are caught here (they would be lost in joblib
    # workers) and reported once, in the parent, by TopicModelSelection.fit.
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        if model_name == "lda":
            estimator = LatentDirichletAllocation(
                n_components=k,
                learning_method="batch",
                random_state=random_state,
                max_iter=max_iter,
            )
            estimator.fit(counts)
            unit_topic = estimator.transform(counts)
            perplexity = float(estimator.perplexity(counts))
        else:
            estimator = NMF(
                n_components=k,
                init="nndsvda",
                beta_loss="frobenius",
                random_state=random_state,
                max_iter=max_iter,
            )
            unit_topic = estimator.fit_transform(tfidf)
            perplexity = float("nan")
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn(w.message, w.category, stacklevel=2)
    topic_word = _normalise_rows(estimator.components_)
    top = _top_indices(topic_word, n_top)
    return _Fit(
        model_name=model_name,
        k=k,
        estimator=estimator,
        topic_word=topic_word,
        unit_topic=_normalise_rows(unit_topic),
        top_indices=top,
        npmi_per_topic=npmi_coherence(top, presence),
        diversity=topic_diversity(top),
        perplexity=perplexity,
        converged=not any(issubclass(w.category, ConvergenceWarning) for w in caught),
    )


# --------------------------------------------------------------------------
# the estimator
# --------------------------------------------------------------------------
class TopicModelSelection:
    """Fit LDA and NMF over a grid of k and keep the best by NPMI coherence.

    LDA is scikit-learn's ``LatentDirichletAllocation`` (batch variational
    Bayes, priors 1/k) on the raw counts. NMF is scikit-learn's ``NMF``
    (Frobenius loss, ``init="nndsvda"``) on the tf-idf weighted, L2
    row-normalised matrix: on raw counts the Frobenius loss is dominated by
    long units and the most frequent words. The NMF topic-word weights are
    therefore tf-idf weights, rescaled to sum 1, not word probabilities.

    Units without any term are left out of the fits and get a uniform row in
    ``unit_topic_`` (every share ``1/k``; ``unit_topic_table`` marks them
    with dominant topic 0). The selection rule is described in the module
    docstring and written out for each fit in ``reason_``.

    Parameters
    ----------
    models : tuple of str, default ("lda", "nmf")
        Model families to try: "lda" and/or "nmf".
    k_grid : list of int or None, default None
        Numbers of topics to try; None = :func:`default_k_grid`. Values too
        large for the corpus are dropped with a :class:`DataTooSmallWarning`.
    n_top_words : int, default 10
        Top words per topic used for NPMI and diversity (at least 2; capped at
        the number of terms).
    random_state : int, default 0
        Seed of every fit.
    n_jobs : int, default 1
        Parallel fits (joblib); the results do not depend on it.
    max_iter : int or None, default None
        Iterations per fit; None = 50 for LDA, 500 for NMF.
    n_topics : int, default 0
        0 = choose k; a positive value fixes k (the grid is ignored).
    model : str, default "auto"
        "auto" = choose among ``models``; "lda" or "nmf" fixes the family.

    Attributes
    ----------
    table_ : pandas.DataFrame
        One row per fit: ``model, k, npmi, npmi_se, diversity, perplexity,
        selected`` (floats rounded to 6 decimals; perplexity NaN for NMF).
    model_ : sklearn estimator
        The chosen fitted model.
    model_name_ : str
    k_ : int
    reason_ : str
        Why this model and k were chosen, in plain words.
    topic_word_ : numpy.ndarray, shape (k, n_terms)
        Rows sum to 1.
    unit_topic_ : numpy.ndarray, shape (n_units, k)
        Rows sum to 1, in the order of ``unit_ids_``.
    top_indices_ : numpy.ndarray, shape (k, n_top)
        Column indices (into ``terms_``) of each topic's top words.
    terms_, unit_ids_ : numpy.ndarray of str
    used_terms_ : numpy.ndarray of int
        Columns that occur at least once (the models are fitted on these).

    Examples
    --------
    >>> sel = TopicModelSelection(k_grid=[2, 3]).fit(dtm, terms)  # doctest: +SKIP
    >>> sel.table_  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        models=("lda", "nmf"),
        k_grid=None,
        n_top_words: int = 10,
        random_state: int = 0,
        n_jobs: int = 1,
        max_iter=None,
        n_topics: int = 0,
        model: str = "auto",
    ):
        self.models = models
        self.k_grid = k_grid
        self.n_top_words = n_top_words
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.max_iter = max_iter
        self.n_topics = n_topics
        self.model = model

    # -- parameter checks ---------------------------------------------------
    def _check_params(self) -> tuple[list[str], list[int] | None]:
        def is_int(value):
            return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

        if self.model not in ("auto",) + _MODELS:
            raise ParameterError(
                f"model: expected 'auto', 'lda' or 'nmf', got {self.model!r}."
            )
        models = [self.models] if isinstance(self.models, str) else list(self.models or [])
        if not models or any(m not in _MODELS for m in models) or len(set(models)) != len(models):
            raise ParameterError(
                f"models: expected a non-empty list of distinct names from {list(_MODELS)}, "
                f"got {self.models!r}."
            )
        if self.model != "auto":
            models = [self.model]
        else:
            models = [m for m in _MODELS if m in models]  # fixed order: lda, nmf
        if not is_int(self.n_top_words) or self.n_top_words < 2:
            raise ParameterError(
                f"n_top_words: expected an integer >= 2 (NPMI needs word pairs), got {self.n_top_words!r}."
            )
        if not is_int(self.random_state):
            raise ParameterError(f"random_state: expected an integer seed, got {self.random_state!r}.")
        if not is_int(self.n_jobs) or self.n_jobs == 0:
            raise ParameterError(
                f"n_jobs: expected a non-zero integer (-1 = all cores), got {self.n_jobs!r}."
            )
        if self.max_iter is not None and (not is_int(self.max_iter) or self.max_iter < 1):
            raise ParameterError(f"max_iter: expected None or an integer >= 1, got {self.max_iter!r}.")
        if not is_int(self.n_topics) or self.n_topics < 0 or self.n_topics == 1:
            raise ParameterError(
                f"n_topics: expected 0 (choose k) or an integer >= 2, got {self.n_topics!r}."
            )
        grid = None
        if self.k_grid is not None:
            values = list(np.atleast_1d(np.asarray(self.k_grid, dtype=object)))
            if not values or any(not is_int(v) or v < 2 for v in values):
                raise ParameterError(
                    f"k_grid: expected a non-empty list of integers >= 2, got {self.k_grid!r}. "
                    "Leave it empty (None) to size the grid to the corpus."
                )
            grid = sorted({int(v) for v in values})
        return models, grid

    @staticmethod
    def _check_data(dtm, terms, unit_ids):
        try:
            counts = sp.csr_matrix(dtm, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ParameterError(
                f"dtm: expected a 2-D sparse or dense matrix of counts (units x terms): {exc}"
            ) from exc
        if counts.nnz and counts.data.min() < 0:
            raise ParameterError("dtm: counts must not be negative; pass the raw term counts.")
        terms = np.asarray(terms, dtype=str)
        if terms.ndim != 1 or terms.shape[0] != counts.shape[1]:
            raise ParameterError(
                f"terms: expected one string per dtm column ({counts.shape[1]}), got shape {terms.shape}."
            )
        if unit_ids is None:
            unit_ids = np.array([f"row-{i:05d}" for i in range(1, counts.shape[0] + 1)])
        unit_ids = np.asarray(unit_ids, dtype=str)
        if unit_ids.ndim != 1 or unit_ids.shape[0] != counts.shape[0]:
            raise ParameterError(
                f"unit_ids: expected one id per dtm row ({counts.shape[0]}), got shape {unit_ids.shape}."
            )
        return counts, terms, unit_ids

    # -- fit ----------------------------------------------------------------
    def fit(self, dtm, terms, unit_ids=None) -> "TopicModelSelection":
        """Fit every model and k, score them and keep the chosen one.

        Parameters
        ----------
        dtm : scipy.sparse matrix, shape (n_units, n_terms)
            Term counts (not modified).
        terms : array-like of str, shape (n_terms,)
        unit_ids : array-like of str, shape (n_units,), optional
            Defaults to ``row-00001``, ``row-00002``, ...

        Returns
        -------
        TopicModelSelection
            self, fitted.

        Raises
        ------
        ParameterError
            A parameter or input has the wrong type, shape or value.
        StancebookError
            The corpus is too small for any topic model.
        """
        models, grid = self._check_params()
        counts, terms, unit_ids = self._check_data(dtm, terms, unit_ids)

        # Terms that never occur cannot be topic words; units without terms
        # carry no information about topics.
        nonempty = np.flatnonzero(counts.getnnz(axis=1) > 0)
        used_terms = np.flatnonzero(counts.getnnz(axis=0) > 0)
        n_units, n_terms = nonempty.size, used_terms.size
        if n_units < 3 or n_terms < 4:
            raise StancebookError(
                f"dtm: a topic model needs at least 3 units with terms and 4 distinct terms; "
                f"this corpus has {n_units} unit(s) with terms and {n_terms} term(s). Use a smaller "
                "unit of analysis (unit='sentence'), keep more terms (fewer stopwords, lower "
                "minimum frequency) or add documents."
            )
        max_k = min(n_units - 1, n_terms // 2)

        k_values, grid_note = self._resolve_grid(grid, n_units, n_terms, max_k)
        n_top = min(self.n_top_words, n_terms)

        fit_counts = counts[nonempty][:, used_terms]
        fit_tfidf = TfidfTransformer(norm="l2").fit_transform(fit_counts)
        presence = (fit_counts > 0).astype(np.float64).tocsr()
        jobs = [(m, k) for m in models for k in k_values]
        fits = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_one)(
                m,
                k,
                fit_counts,
                fit_tfidf,
                presence,
                n_top,
                self.random_state,
                self.max_iter if self.max_iter is not None else _DEFAULT_MAX_ITER[m],
            )
            for m, k in jobs
        )

        unconverged = [f"{f.model_name.upper()} k = {f.k}" for f in fits if not f.converged]
        if unconverged:
            warnings.warn(
                f"max_iter: {', '.join(unconverged)} did not converge within the iteration limit; "
                "their scores are usable for comparison, but raise max_iter if these fits matter.",
                ConvergenceWarning,
                stacklevel=2,
            )
        table = pd.DataFrame(
            {
                "model": [f.model_name for f in fits],
                "k": np.array([f.k for f in fits], dtype=np.int64),
                "npmi": [float(f.npmi_per_topic.mean()) for f in fits],
                "npmi_se": [_standard_error(f.npmi_per_topic) for f in fits],
                "diversity": [f.diversity for f in fits],
                "perplexity": [f.perplexity for f in fits],
            }
        )
        table[["npmi", "npmi_se", "diversity", "perplexity"]] = table[
            ["npmi", "npmi_se", "diversity", "perplexity"]
        ].round(_DECIMALS)
        best, reason = _select(table, n_top=n_top)
        table["selected"] = np.arange(len(table)) == best
        chosen = fits[best]

        # Back to the full vocabulary and all units.
        topic_word = np.zeros((chosen.k, counts.shape[1]))
        topic_word[:, used_terms] = chosen.topic_word
        unit_topic = np.full((counts.shape[0], chosen.k), 1.0 / chosen.k)
        unit_topic[nonempty] = chosen.unit_topic

        self.table_ = table
        self.model_ = chosen.estimator
        self.model_name_ = chosen.model_name
        self.k_ = int(chosen.k)
        self.reason_ = " ".join(part for part in (grid_note, reason) if part)
        self.topic_word_ = topic_word
        self.unit_topic_ = unit_topic
        self.top_indices_ = used_terms[chosen.top_indices]
        self.terms_ = terms
        self.unit_ids_ = unit_ids
        self.used_terms_ = used_terms
        return self

    def _resolve_grid(self, grid, n_units, n_terms, max_k):
        if self.n_topics:
            if self.n_topics > max_k:
                raise ParameterError(
                    f"n_topics: {self.n_topics} topics cannot be fitted on {n_units} units with "
                    f"{n_terms} terms; the largest possible k here is {max_k}. Lower n_topics or "
                    "set it to 0 to choose k."
                )
            return [int(self.n_topics)], f"k = {self.n_topics} was fixed by the n_topics parameter."
        if grid is None:
            grid = default_k_grid(n_units, n_terms)
            if not grid:
                warnings.warn(
                    f"The corpus is too small to choose a number of topics ({n_units} units with "
                    f"terms, {n_terms} terms; choosing k needs at least "
                    f"{2 * _MIN_UNITS_PER_TOPIC} units and {2 * _MIN_TERMS_PER_TOPIC} terms). "
                    "Fitting k = 2 only; treat the topics as a rough description.",
                    DataTooSmallWarning,
                    stacklevel=3,
                )
                return [2], (
                    f"The corpus ({n_units} units with terms) is too small to choose k, so only "
                    "k = 2 was fitted."
                )
            return grid, ""
        kept = [k for k in grid if k <= max_k]
        if len(kept) < len(grid):
            dropped = [k for k in grid if k > max_k]
            kept = kept or [2]
            warnings.warn(
                f"k_grid: k = {dropped} cannot be fitted on {n_units} units with {n_terms} terms "
                f"(the largest possible k is {max_k}); trying k = {kept} instead.",
                DataTooSmallWarning,
                stacklevel=3,
            )
            return kept, f"k = {dropped} from k_grid were too large for the corpus and skipped."
        return kept, ""


def _standard_error(values: np.ndarray) -> float:
    if values.size < 2:
        return 0.0
    return float(values.std(ddof=1) / np.sqrt(values.size))


def _select(table: pd.DataFrame, *, n_top: int) -> tuple[int, str]:
    """Row index of the chosen fit and the reason in plain words."""
    names = {"lda": "LDA", "nmf": "NMF"}
    best = int(np.argmax(table["npmi"].to_numpy()))  # first maximum: stable
    best_row = table.iloc[best]
    threshold = best_row["npmi"] - best_row["npmi_se"]
    candidates = table[table["npmi"] >= threshold - 1e-12].assign(
        family_order=lambda t: t["model"].map({"lda": 0, "nmf": 1}),
        row=lambda t: t.index.to_numpy(),
    )
    ranked = candidates.sort_values(
        ["k", "diversity", "family_order", "npmi", "row"],
        ascending=[True, False, True, False, True],
        kind="stable",
    )
    chosen = int(ranked["row"].iloc[0])
    row = table.iloc[chosen]
    what = f"{names[row['model']]} with k = {row['k']}"
    scores = f"mean NPMI {row['npmi']:.3f}, diversity {row['diversity']:.3f}"
    basis = f"NPMI coherence of the top {n_top} words per topic, co-occurrence counted over the units"
    if len(table) == 1:
        return chosen, f"Fitted {what} only ({scores}; {basis})."
    rule = (
        "among fits within one standard error of the best mean NPMI the rule prefers the "
        "smallest k, then the higher diversity, then LDA before NMF"
    )
    if chosen == best:
        head = f"Chose {what} ({scores}): it has the highest mean {basis}, of {len(table)} fits"
        others = len(candidates) - 1
        if others == 0:
            se = best_row["npmi_se"]
            return chosen, f"{head}; no other fit came within one standard error ({se:.3f}) of it."
        return chosen, (
            f"{head}; {others} other fit(s) came within one standard error "
            f"({best_row['npmi_se']:.3f}) of it, and {rule}, which keeps this one."
        )
    return chosen, (
        f"Chose {what} ({scores}). The highest mean {basis} was {best_row['npmi']:.3f} "
        f"({names[best_row['model']]}, k = {best_row['k']}); {len(candidates)} of {len(table)} fits "
        f"came within one standard error ({best_row['npmi_se']:.3f}) of it, and {rule}: more topics "
        "that do not raise coherence beyond its noise usually split real topics."
    )


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------
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

    Examples
    --------
    >>> topic_terms([[0.7, 0.3], [0.1, 0.9]], ["a", "b"], n=1)
       topic  rank term  weight
    0      1     1    a     0.7
    1      2     1    b     0.9
    """
    weights = np.asarray(topic_word, dtype=np.float64)
    terms = np.asarray(terms, dtype=str)
    _check_topic_word(weights, terms)
    if n < 1:
        raise ParameterError(f"n: expected a positive number of terms per topic, got {n!r}.")
    n = min(n, weights.shape[1])
    top = _top_indices(weights, n)
    k = weights.shape[0]
    return pd.DataFrame(
        {
            "topic": np.repeat(np.arange(1, k + 1), n).astype(np.int64),
            "rank": np.tile(np.arange(1, n + 1), k).astype(np.int64),
            "term": terms[top].ravel().astype(object),
            "weight": np.take_along_axis(weights, top, axis=1).ravel().round(_DECIMALS),
        }
    )


def topic_labels(topic_word, terms, *, n: int = 3) -> list[str]:
    """Return a short label per topic from its most probable words.

    Words that are among the top words of *every* topic (the top 10, or the
    top ``n_terms // k`` on a small vocabulary) describe none of them, so they
    are used only when a topic has too few other words. Labels repeated across
    topics get the topic number appended.

    Parameters
    ----------
    topic_word : array-like, shape (k, n_terms)
    terms : array-like of str, shape (n_terms,)
    n : int, default 3
        Words per label.

    Returns
    -------
    list of str
        One label per topic, words joined by " · ".

    Examples
    --------
    >>> topic_labels([[0.5, 0.3, 0.2, 0.0], [0.5, 0.0, 0.1, 0.4]], ["un", "war", "peace", "trade"], n=2)
    ['war · peace', 'trade · peace']
    """
    weights = np.asarray(topic_word, dtype=np.float64)
    terms = np.asarray(terms, dtype=str)
    _check_topic_word(weights, terms)
    if n < 1:
        raise ParameterError(f"n: expected a positive number of words per label, got {n!r}.")
    k, n_terms = weights.shape
    n = min(n, n_terms)
    everywhere = np.zeros(n_terms, dtype=bool)
    if k >= 2:
        # Top list length: 10, or the share of the vocabulary each topic
        # could own if it were split evenly (else on a tiny vocabulary every
        # word would be "in every top list").
        m = min(10, max(1, n_terms // k))
        counts = np.bincount(_top_indices(weights, m).ravel(), minlength=n_terms)
        everywhere = counts == k
    labels = []
    for row in weights:
        # Sort by (word is everywhere, -weight, column index).
        order = np.lexsort((np.arange(n_terms), -row, everywhere))
        labels.append(" · ".join(terms[order[:n]]))
    seen = pd.Series(labels).duplicated(keep=False).to_numpy()
    return [f"{label} ({i + 1})" if dup else label for i, (label, dup) in enumerate(zip(labels, seen))]


def topic_label_table(topic_word, terms, *, n: int = 10, n_label: int = 3) -> pd.DataFrame:
    """Return one row per topic: its label and its top terms.

    Parameters
    ----------
    topic_word : array-like, shape (k, n_terms)
    terms : array-like of str, shape (n_terms,)
    n : int, default 10
        Top terms listed per topic.
    n_label : int, default 3
        Words per label (see :func:`topic_labels`).

    Returns
    -------
    pandas.DataFrame
        ``topic`` (int from 1), ``label`` (str), ``top_terms`` (str: the top
        ``n`` terms by weight, joined by ", ").

    Examples
    --------
    >>> topic_label_table([[0.6, 0.3, 0.1], [0.1, 0.2, 0.7]], ["war", "un", "trade"], n=2, n_label=1)
       topic  label  top_terms
    0      1    war    war, un
    1      2  trade  trade, un
    """
    terms_table = topic_terms(topic_word, terms, n=n)
    top_terms = terms_table.groupby("topic", sort=True)["term"].agg(", ".join)
    labels = topic_labels(topic_word, terms, n=n_label)
    return pd.DataFrame(
        {
            "topic": np.arange(1, len(labels) + 1, dtype=np.int64),
            "label": pd.Series(labels, dtype=object),
            "top_terms": top_terms.to_numpy().astype(object),
        }
    )


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

    Examples
    --------
    >>> unit_topic_table([[0.8, 0.2], [0.5, 0.5]], ["a", "b"])
      unit_id  topic_1  topic_2  dominant_topic
    0       a      0.8      0.2               1
    1       b      0.5      0.5               0
    """
    shares = np.asarray(unit_topic, dtype=np.float64)
    unit_ids = np.asarray(unit_ids, dtype=str)
    _check_unit_topic(shares, unit_ids)
    dominant = shares.argmax(axis=1) + 1
    flat = np.isclose(shares.max(axis=1), shares.min(axis=1), rtol=0, atol=1e-12)
    table = pd.DataFrame({"unit_id": unit_ids.astype(object)})
    for t in range(shares.shape[1]):
        table[f"topic_{t + 1}"] = shares[:, t].round(_DECIMALS)
    table["dominant_topic"] = np.where(flat, 0, dominant).astype(np.int64)
    return table


def representative_units(unit_topic, unit_ids, *, n: int = 3) -> pd.DataFrame:
    """Return the units with the highest share of each topic.

    Units whose shares are all equal (units without terms) are never
    representative. Ties go to the earlier unit.

    Parameters
    ----------
    unit_topic : array-like, shape (n_units, k)
    unit_ids : array-like of str, shape (n_units,)
    n : int, default 3
        Units per topic (fewer when the corpus has fewer).

    Returns
    -------
    pandas.DataFrame
        ``topic`` (int from 1), ``rank`` (int from 1), ``unit_id``,
        ``share`` (6 decimals).

    Examples
    --------
    >>> representative_units([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]], ["a", "b", "c"], n=1)
       topic  rank unit_id  share
    0      1     1       a    0.9
    1      2     1       b    0.7
    """
    shares = np.asarray(unit_topic, dtype=np.float64)
    unit_ids = np.asarray(unit_ids, dtype=str)
    _check_unit_topic(shares, unit_ids)
    if n < 1:
        raise ParameterError(f"n: expected a positive number of units per topic, got {n!r}.")
    informative = np.flatnonzero(
        ~np.isclose(shares.max(axis=1), shares.min(axis=1), rtol=0, atol=1e-12)
    )
    rows = []
    for t in range(shares.shape[1]):
        order = informative[np.argsort(-shares[informative, t], kind="stable")][:n]
        for rank, i in enumerate(order, start=1):
            rows.append((t + 1, rank, unit_ids[i], round(float(shares[i, t]), _DECIMALS)))
    return pd.DataFrame(rows, columns=["topic", "rank", "unit_id", "share"]).astype(
        {"topic": np.int64, "rank": np.int64, "unit_id": object, "share": np.float64}
    )


def _check_topic_word(weights: np.ndarray, terms: np.ndarray) -> None:
    if weights.ndim != 2 or weights.shape[1] != terms.shape[0] or weights.shape[0] == 0:
        raise ParameterError(
            f"topic_word: expected a (k, n_terms) matrix with one column per term "
            f"({terms.shape[0]} terms), got shape {weights.shape}."
        )


def _check_unit_topic(shares: np.ndarray, unit_ids: np.ndarray) -> None:
    if shares.ndim != 2 or shares.shape[0] != unit_ids.shape[0] or shares.shape[1] == 0:
        raise ParameterError(
            f"unit_topic: expected a (n_units, k) matrix with one row per unit id "
            f"({unit_ids.shape[0]} ids), got shape {shares.shape}."
        )


# --------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------
def plot_model_selection(ax, table: pd.DataFrame):
    """Plot mean NPMI against k, one line per model, the chosen fit marked.

    Error bars show one standard error of the per-topic NPMI when the table
    has an ``npmi_se`` column.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    table : pandas.DataFrame
        ``TopicModelSelection.table_``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_model_selection(ax, selection.table_)  # doctest: +SKIP
    """
    missing = {"model", "k", "npmi", "selected"} - set(table.columns)
    if missing:
        raise ParameterError(
            f"table: missing column(s) {sorted(missing)}; pass TopicModelSelection.table_."
        )
    names = {"lda": "LDA", "nmf": "NMF"}
    for name, part in table.sort_values(["model", "k"], kind="stable").groupby("model", sort=True):
        yerr = part["npmi_se"].to_numpy() if "npmi_se" in part else None
        ax.errorbar(
            part["k"], part["npmi"], yerr=yerr, marker="o", capsize=3,
            label=names.get(name, str(name)),
        )
    chosen = table[table["selected"]]
    if len(chosen):
        ax.scatter(
            chosen["k"], chosen["npmi"], s=220, facecolors="none", edgecolors="black",
            linewidths=1.5, zorder=5, label="selected",
        )
    ks = np.sort(table["k"].unique())
    ax.set_xticks(ks)
    ax.set_xlabel("number of topics k")
    ax.set_ylabel("mean NPMI coherence (top words)")
    ax.legend(frameon=False)
    return ax


def plot_topic_terms(axes, topic_terms_table: pd.DataFrame, labels):
    """Draw one horizontal bar panel of top terms per topic.

    Parameters
    ----------
    axes : array of matplotlib.axes.Axes
        At least k axes (any shape; read in row order). Extra axes are hidden.
    topic_terms_table : pandas.DataFrame
        Output of :func:`topic_terms`.
    labels : list of str
        One label per topic (e.g. :func:`topic_labels`), shown in the titles.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The axes, as given.

    Examples
    --------
    >>> fig, axes = plt.subplots(2, 2)  # doctest: +SKIP
    >>> plot_topic_terms(axes, topic_terms(tw, terms), topic_labels(tw, terms))  # doctest: +SKIP
    """
    flat = np.ravel(np.asarray(axes, dtype=object))
    topics = np.sort(topic_terms_table["topic"].unique())
    if len(flat) < len(topics):
        raise ParameterError(
            f"axes: {len(topics)} topics need at least {len(topics)} axes, got {len(flat)}."
        )
    if len(labels) != len(topics):
        raise ParameterError(f"labels: expected {len(topics)} labels (one per topic), got {len(labels)}.")
    for ax, topic, label in zip(flat, topics, labels):
        part = topic_terms_table[topic_terms_table["topic"] == topic].sort_values("rank", kind="stable")
        positions = np.arange(len(part))
        ax.barh(positions, part["weight"], color="C0")
        ax.set_yticks(positions, labels=part["term"].tolist())
        ax.invert_yaxis()
        ax.set_title(f"Topic {topic}: {label}", fontsize="medium", loc="left")
        ax.set_xlabel("weight in topic")
    for ax in flat[len(topics):]:
        ax.set_visible(False)
    return axes
