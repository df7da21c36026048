"""Topic models: fit LDA and NMF over a grid of k, score, choose, label, describe.

The stage takes a document-term matrix (units x terms, counts), the term
strings and the unit ids (and, for sliding-window coherence, the tokens
table). It does not import :mod:`stancebook.tokenise`, so any sparse count
matrix will do.

What is measured for every (model, k)
-------------------------------------
Every (model, k) pair of the grid is fitted ``n_seeds`` times (seeds
``random_state``, ``random_state + 1``, ...), in parallel with joblib on the
one shared matrix. The fit with seed ``random_state`` on all units is the
one kept and scored; the others, each on its own random subsample of
``stability_sample`` of the units, measure stability. The table records

* **mean NPMI coherence** of the top ``n_top_words`` words of each topic
  (gensim's ``c_npmi``, see :func:`npmi_coherence`), with co-occurrence
  counted in the units themselves: either "the two words occur in the same
  unit" (``coherence="document"``) or "... within ``window_size``
  consecutive terms" (``coherence="window"``, gensim's boolean sliding
  window, the reference of Röder, Both and Hinneburg 2015);
* **topic diversity**: the share of distinct words among all top words
  (Dieng, Ruiz and Blei 2020, see :func:`topic_diversity`);
* **stability**: the topics of every pair of fits are matched one to one
  (Hungarian matching on the cosine similarity of the topic-word
  distributions) and the matched similarities are averaged (see
  :func:`topic_stability`). 1 means every refit finds the same topics;
  topics that exist only by chance of the start or of the sample do not
  come back. The refits draw 80% of the units by default
  (``stability_sample``), as in the stability analysis of Greene,
  O'Callaghan and Cunningham (2014, "How many topics?"): LDA changes its
  seed and its sample; NMF keeps its deterministic ``nndsvda`` start and
  changes its sample, which converges in a fraction of the iterations a
  random start needs. With ``stability_sample=1`` the refits use every
  unit, and NMF then starts from random factors (``init="random"``),
  since the same data and start would score a trivial 1;
* for LDA, the **held-out perplexity**: the model is fitted again on a
  seeded ``1 - holdout`` share of the units and its perplexity measured on
  the units held out (lower is better). It is reported, not used by the
  rule: perplexity and human judgements of topics often disagree (Chang et
  al. 2009) and NMF has none. Fewer than 20 units: not computed (NaN), and
  the notes say so.

How the model and k are chosen
------------------------------
1. Fits whose stability is below ``min_stability`` are set aside: their
   topics depend on the seed or the sample. (With ``n_seeds=1`` stability
   is unknown and every fit is kept; if no fit is stable enough, all are
   kept and the reason says so.)
2. Among the kept fits, every fit whose mean NPMI is within one standard
   error of the best mean NPMI (the spread of the best fit's per-topic NPMI
   over the square root of its number of topics) counts as "as coherent as
   the best" (the one-standard-error rule; Hastie, Tibshirani and Friedman
   2009, sec. 7.10). Coherence tends to stay flat when a real topic is split
   into near copies, so the plain maximum would often pick too large a k.
3. Among those, the smallest k wins (the simplest model the data cannot
   tell apart from the best), then the higher stability, then the higher
   diversity, then LDA before NMF (LDA gives proper unit-topic
   proportions).

``reason_`` says in plain words which fit was chosen and why; ``notes_``
lists everything that was cut or could not be computed. ``n_topics`` (and
``model``) override the choice.

On a tiny corpus the grid is cut to what the units and terms support, the
standard error is large and the rule picks a small k: that is the honest
answer when the data cannot support more topics.

Defaults for LDA
----------------
scikit-learn's ``LatentDirichletAllocation`` (batch variational Bayes, 50
iterations, at most 20 inner updates per unit and iteration) with priors
``alpha = 0.1`` (``doc_topic_prior``) and ``eta = 0.01``
(``topic_word_prior``), the defaults of tomotopy: scikit-learn's own ``1/k``
priors give flatter topics. On the UN General Debate speeches 2010-2024
(2,903 speeches, 15,982 terms, k = 20) these settings reach a mean
sliding-window NPMI (window 10) of 0.070 against tomotopy's 0.076 (1,000
Gibbs sweeps) and the same unit-level NPMI (0.154 and 0.155); online
variational Bayes with the same priors (10 passes) reached -0.034, which is
why it is not the default even on large corpora.
"""

from __future__ import annotations

import textwrap
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfTransformer
from threadpoolctl import threadpool_limits

from stancebook.errors import DataTooSmallWarning, ParameterError, StancebookError
from stancebook.workers import n_workers

__all__ = [
    "default_k_grid",
    "WindowReference",
    "term_sequences",
    "window_reference",
    "npmi_coherence",
    "topic_diversity",
    "topic_stability",
    "TopicModelSelection",
    "topic_terms",
    "distinctive_terms",
    "topic_labels",
    "topic_label_table",
    "unit_topic_table",
    "representative_units",
    "topic_prevalence",
    "topic_map",
    "plot_model_selection",
    "plot_topic_terms",
    "plot_prevalence",
    "plot_topic_map",
]

_MODELS = ("lda", "nmf")
_NAMES = {"lda": "LDA", "nmf": "NMF"}
_COHERENCE = ("document", "window")
_DECIMALS = 6
# gensim's EPSILON in topic_coherence.direct_confirmation_measure.
_GENSIM_EPS = 1e-12
# Defaults when max_iter is None: batch LDA has no early stop without the
# (costly) per-iteration perplexity, so it gets a fixed budget (passes over
# the data for online LDA); NMF stops on tol.
_DEFAULT_MAX_ITER = {"lda": 50, "lda_online": 10, "nmf": 500}
_ONLINE_BATCH_SIZE = 256
# Inner (per-unit) variational updates per LDA iteration: scikit-learn's 100
# costs 2.5x the time for no measurable gain in coherence (see module docstring).
_LDA_DOC_ITER = 20
_MIN_UNITS_PER_TOPIC = 4
_MIN_TERMS_PER_TOPIC = 5
_MAX_K = 30
_MIN_HOLDOUT_UNITS = 20


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


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
# coherence references
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class WindowReference:
    """Term sequences of the reference units, for sliding-window NPMI.

    Stored flat (like a CSR matrix) so that joblib can share it between
    worker processes without copying it for every fit.

    Attributes
    ----------
    ids : numpy.ndarray of int64
        Term index (column of the DTM) of every token position, units one
        after another; -1 for a position whose term is not a DTM column
        (it still takes a place in the window, as in gensim).
    offsets : numpy.ndarray of int64, shape (n_units + 1,)
        Unit ``i`` is ``ids[offsets[i]:offsets[i + 1]]``.
    window_size : int
        Positions per window (gensim's ``window_size``).
    n_terms : int
        Number of DTM columns.
    """

    ids: np.ndarray
    offsets: np.ndarray
    window_size: int
    n_terms: int

    @property
    def n_units(self) -> int:
        """Number of reference units."""
        return int(self.offsets.size - 1)

    def subset(self, rows) -> "WindowReference":
        """Return the reference restricted to the given units (in that order)."""
        rows = np.asarray(rows, dtype=np.int64)
        lengths = np.diff(self.offsets)[rows]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        if rows.size:
            starts = np.repeat(self.offsets[rows], lengths)
            within = np.arange(offsets[-1]) - np.repeat(offsets[:-1], lengths)
            ids = self.ids[starts + within]
        else:
            ids = np.zeros(0, dtype=np.int64)
        return WindowReference(ids, offsets, self.window_size, self.n_terms)


def term_sequences(tokens: pd.DataFrame, terms, unit_ids) -> list[np.ndarray]:
    """Return each unit's terms, in text order, as DTM column indices.

    Tokens without a term (stopwords, punctuation, numbers, the inner tokens
    of a multiword expression) are left out, as in the texts one would give
    gensim; a term that is not a DTM column (pruned by ``min_df``) keeps its
    position with index -1.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The tokens table: ``unit_id``, ``token_index`` and ``term`` (str or None).
    terms : array-like of str
        The DTM columns.
    unit_ids : array-like of str
        The DTM rows; a unit without tokens gets an empty sequence.

    Returns
    -------
    list of numpy.ndarray of int64
        One array per unit id, in the order of ``unit_ids``.

    Examples
    --------
    >>> tokens = pd.DataFrame({"unit_id": ["u1", "u1", "u1", "u2"], "token_index": [0, 1, 2, 0],
    ...                        "term": ["war", None, "peace", "rare"]})
    >>> [s.tolist() for s in term_sequences(tokens, ["peace", "war"], ["u1", "u2", "u3"])]
    [[1, 0], [-1], []]
    """
    missing = {"unit_id", "token_index", "term"} - set(tokens.columns)
    if missing:
        raise ParameterError(
            f"tokens: missing column(s) {sorted(missing)}; pass the tokens table of "
            "stancebook.tokenise.tokenise_units (unit_id, token_index, term)."
        )
    terms = np.asarray(terms, dtype=str)
    unit_ids = np.asarray(unit_ids, dtype=str)
    kept = tokens.loc[tokens["term"].notna(), ["unit_id", "token_index", "term"]]
    row_of = pd.Series(np.arange(unit_ids.size), index=pd.Index(unit_ids, dtype=object))
    rows = row_of.reindex(kept["unit_id"].astype(str).to_numpy()).to_numpy()
    inside = ~np.isnan(rows)
    kept = kept[inside]
    rows = rows[inside].astype(np.int64)
    column_of = pd.Series(np.arange(terms.size), index=pd.Index(terms, dtype=object))
    columns = column_of.reindex(kept["term"].astype(str).to_numpy()).fillna(-1).to_numpy(np.int64)
    order = np.lexsort((kept["token_index"].to_numpy(), rows))
    rows, columns = rows[order], columns[order]
    bounds = np.searchsorted(rows, np.arange(unit_ids.size + 1))
    return [columns[bounds[i]:bounds[i + 1]] for i in range(unit_ids.size)]


def window_reference(sequences, *, window_size: int = 10, n_terms: int | None = None) -> WindowReference:
    """Return a sliding-window reference for :func:`npmi_coherence`.

    Parameters
    ----------
    sequences : list of array-like of int
        Each reference unit's terms as column indices (-1 = not a column),
        e.g. from :func:`term_sequences`.
    window_size : int, default 10
        Positions per window, as gensim's ``window_size`` (10 is gensim's
        default for ``c_npmi``). A unit shorter than the window is one window.
    n_terms : int, optional
        Number of DTM columns; default: the largest index + 1.

    Returns
    -------
    WindowReference

    Examples
    --------
    >>> ref = window_reference([[0, 1, 2], [2]], window_size=2)
    >>> ref.offsets.tolist(), ref.n_terms
    ([0, 3, 4], 3)
    """
    if not _is_int(window_size) or window_size < 2:
        raise ParameterError(
            f"window_size: expected an integer >= 2 (a window must hold a pair of words), got {window_size!r}."
        )
    arrays = [np.asarray(s, dtype=np.int64).ravel() for s in sequences]
    lengths = np.array([a.size for a in arrays], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    ids = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
    largest = int(ids.max()) + 1 if ids.size else 0
    if n_terms is None:
        n_terms = largest
    if ids.size and (ids.min() < -1 or largest > n_terms):
        raise ParameterError(
            f"sequences: term indices must lie in [-1, {n_terms}) (-1 = not a DTM term), got values "
            f"from {ids.min()} to {largest - 1}."
        )
    return WindowReference(ids, offsets, int(window_size), int(n_terms))


def _window_counts(reference: WindowReference, relevant: np.ndarray) -> tuple[np.ndarray, float]:
    """Co-occurrence counts of the relevant columns over boolean sliding windows.

    Windows as gensim's ``p_boolean_sliding_window``: a unit of length L
    gives ``L - w + 1`` windows, or one window if ``L <= w`` (an empty unit
    too); a word is counted once per window it is in.
    """
    w = reference.window_size
    lengths = np.diff(reference.offsets)
    per_unit = np.where(lengths > w, lengths - w + 1, 1)
    n_windows = int(per_unit.sum())
    first_window = np.concatenate([[0], np.cumsum(per_unit)[:-1]]).astype(np.int64)

    lookup = np.full(reference.n_terms + 1, -1, dtype=np.int64)  # slot n_terms for -1 ids
    lookup[relevant] = np.arange(relevant.size)
    word = lookup[reference.ids]
    where = np.flatnonzero(word >= 0)
    word = word[where]
    unit = np.searchsorted(reference.offsets, where, side="right") - 1
    position = where - reference.offsets[unit]
    last_start = np.maximum(lengths[unit] - w, 0)
    low = np.maximum(position - w + 1, 0)
    high = np.minimum(position, last_start)
    span = high - low + 1  # windows that hold this occurrence
    starts = np.cumsum(span) - span
    within = np.arange(int(span.sum()), dtype=np.int64) - np.repeat(starts, span)
    window_ids = np.repeat(first_window[unit] + low, span) + within
    presence = sp.csr_matrix(
        (np.ones(window_ids.size), (window_ids, np.repeat(word, span))),
        shape=(n_windows, relevant.size),
    )
    presence.data[:] = 1.0  # duplicates were summed: a word counts once per window
    return np.asarray((presence.T @ presence).todense(), dtype=np.float64), float(n_windows)


def _document_counts(matrix, relevant: np.ndarray) -> tuple[np.ndarray, float]:
    presence = (sp.csr_matrix(matrix)[:, relevant] > 0).astype(np.float64).tocsr()
    return np.asarray((presence.T @ presence).todense(), dtype=np.float64), float(presence.shape[0])


# --------------------------------------------------------------------------
# quality measures
# --------------------------------------------------------------------------
def npmi_coherence(top_indices, reference, *, eps: float = _GENSIM_EPS) -> np.ndarray:
    """Return the mean NPMI coherence of each topic's top words.

    This is gensim's ``CoherenceModel(coherence="c_npmi")``, computed with
    sparse matrix products instead of loops, against one of two references:

    * a **document** reference: a (units x terms) matrix; a word is present
      in a unit if its entry is positive, and every row counts (gensim with a
      ``window_size`` at least as long as the longest text, so that every
      text is one window);
    * a **sliding-window** reference (:class:`WindowReference`, from
      :func:`window_reference`): gensim's ``p_boolean_sliding_window``; a
      unit of ``L`` positions gives ``L - w + 1`` windows (one if
      ``L <= w``), a word is present in a window if it occurs in it.

    Then, exactly as in gensim, with ``N`` the number of windows (units):
    ``P(w) = n(w) / N``, ``P(wi, wj) = n(wi, wj) / N``,
    ``NPMI = log((P(wi, wj) + eps) / (P(wi) P(wj))) / -log(P(wi, wj) + eps)``
    with ``eps = 1e-12``, over all ordered pairs ``i != j`` of a topic's top
    words (segmentation ``s_one_one``), averaged per topic.

    Words that always occur together score (almost exactly) 1, words that
    never co-occur about -1 (slightly above, as ``eps`` is not 0).

    Two deliberate departures from gensim 4.4: (1) when a top word never
    occurs in the reference, gensim divides by zero; here every pair with
    such a word scores -1 (no evidence that the words go together). (2)
    gensim's sliding window forgets a word that occurs twice within one
    window when its first copy leaves the window (it marks the word absent
    although its second copy is still inside), so it undercounts repeated
    words; here a word is present in every window that holds any copy of it.
    Where no top word repeats within a window the two agree to rounding.

    Parameters
    ----------
    top_indices : array-like of int, shape (n_topics, n_top)
        Column indices of each topic's top words, best first.
    reference : scipy sparse matrix, array, or WindowReference
        Reference units x terms (document reference), or term sequences
        (sliding-window reference).
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
    >>> npmi_coherence([[0, 1]], window_reference([[0, 1, 2, 2]], window_size=2)).round(6)
    array([0.36907])
    """
    top = np.asarray(top_indices)
    if top.ndim != 2 or top.shape[1] < 2 or not np.issubdtype(top.dtype, np.integer):
        raise ParameterError(
            "top_indices: expected an integer array of shape (n_topics, n_top) with "
            f"n_top >= 2, got shape {top.shape} and dtype {top.dtype}. Pass the column "
            "indices of at least two top words per topic."
        )
    n_columns = reference.n_terms if isinstance(reference, WindowReference) else sp.csr_matrix(reference).shape[1]
    if top.size and (top.min() < 0 or top.max() >= n_columns):
        raise ParameterError(
            f"top_indices: indices must lie in [0, {n_columns}) (the columns of the "
            f"reference), got values from {top.min()} to {top.max()}."
        )
    relevant, position = np.unique(top, return_inverse=True)
    position = position.reshape(top.shape)
    if isinstance(reference, WindowReference):
        co, n_windows = _window_counts(reference, relevant)
    else:
        co, n_windows = _document_counts(reference, relevant)
    if n_windows == 0:
        return np.full(top.shape[0], -1.0)
    df = np.diag(co).copy()

    # (n_topics, n_top, n_top) blocks of the co-occurrence matrix.
    pair_co = co[position[:, :, None], position[:, None, :]]
    p_i = df[position][:, :, None] / n_windows
    p_j = df[position][:, None, :] / n_windows
    p_ij = pair_co / n_windows
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


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-300)
    b = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-300)
    return a @ b.T


def _matched_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of each row of a with its Hungarian-matched row of b (a's order)."""
    similarity = _cosine(a, b)
    rows, cols = linear_sum_assignment(-similarity)
    matched = np.empty(a.shape[0])
    matched[rows] = similarity[rows, cols]
    return matched


def topic_stability(topic_words) -> tuple[float, np.ndarray]:
    """Return how well the topics of several fits (seeds) match each other.

    For every pair of fits, topics are matched one to one by the Hungarian
    algorithm on the cosine similarity of their topic-word distributions;
    the stability is the mean matched similarity over all topics and pairs.

    Parameters
    ----------
    topic_words : list of array-like, each shape (k, n_terms)
        The topic-word matrices of the same model and k fitted with different
        seeds; the first is the reference for the per-topic scores.

    Returns
    -------
    stability : float
        Mean matched cosine similarity over all pairs of fits (NaN for one fit).
    per_topic : numpy.ndarray, shape (k,)
        For each topic of the first fit, its mean matched similarity in the
        other fits (NaN for one fit).

    Examples
    --------
    >>> a = [[0.9, 0.1, 0.0], [0.0, 0.1, 0.9]]
    >>> stability, per_topic = topic_stability([a, a[::-1]])
    >>> round(stability, 6), per_topic.round(6).tolist()
    (1.0, [1.0, 1.0])
    """
    mats = [np.asarray(m, dtype=np.float64) for m in topic_words]
    if not mats or any(m.ndim != 2 or m.shape != mats[0].shape for m in mats):
        raise ParameterError("topic_words: expected a list of topic-word matrices of one shape (k, n_terms).")
    k = mats[0].shape[0]
    if len(mats) < 2:
        return float("nan"), np.full(k, np.nan)
    pair_means = []
    per_topic = np.zeros(k)
    for i in range(len(mats)):
        for j in range(i + 1, len(mats)):
            matched = _matched_similarity(mats[i], mats[j])
            pair_means.append(matched.mean())
            if i == 0:
                per_topic += matched
    return float(np.mean(pair_means)), per_topic / (len(mats) - 1)


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
# fitting one (model, k, seed)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Settings:
    n_top: int
    max_iter_lda: int
    max_iter_nmf: int
    lda_method: str
    doc_topic_prior: float | None
    topic_word_prior: float | None


@dataclass
class _Fit:
    model_name: str
    k: int
    seed_index: int
    role: str  # "main" (scored and kept), "seed" (stability), "heldout" (perplexity)
    estimator: object = None
    topic_word: np.ndarray | None = None
    unit_topic: np.ndarray | None = None
    top_indices: np.ndarray | None = None
    npmi_per_topic: np.ndarray | None = None
    diversity: float = float("nan")
    perplexity: float = float("nan")
    converged: bool = True
    seconds: float = 0.0


def _make_estimator(model_name, k, seed, settings: _Settings, *, random_init: bool):
    if model_name == "lda":
        extra = {"batch_size": _ONLINE_BATCH_SIZE} if settings.lda_method == "online" else {}
        return LatentDirichletAllocation(
            n_components=k,
            learning_method=settings.lda_method,
            doc_topic_prior=settings.doc_topic_prior,
            topic_word_prior=settings.topic_word_prior,
            random_state=seed,
            max_iter=settings.max_iter_lda,
            max_doc_update_iter=_LDA_DOC_ITER,
            **extra,
        )
    return NMF(
        n_components=k,
        init="random" if random_init else "nndsvda",
        beta_loss="frobenius",
        random_state=seed,
        max_iter=settings.max_iter_nmf,
    )


def _fit_one(model_name, k, seed_index, role, seed, data, settings: _Settings, *, rows=None) -> _Fit:
    # One BLAS thread per fit: results must not depend on how many fits run
    # side by side (n_jobs), and the parallelism is across fits anyway.
    # Convergence warnings are caught here (they would be lost in joblib
    # workers) and reported once, in the parent, by TopicModelSelection.fit.
    started = time.perf_counter()
    counts, tfidf, reference, train, test = data
    result = _Fit(model_name=model_name, k=k, seed_index=seed_index, role=role)
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        # A refit on all units needs another start to be informative; a refit on a sample does not.
        estimator = _make_estimator(model_name, k, seed, settings, random_init=seed_index > 0 and rows is None)
        if rows is not None:
            counts, tfidf = counts[rows], tfidf[rows]
        if role == "heldout":
            estimator.fit(counts[train])
            result.perplexity = float(estimator.perplexity(counts[test]))
        elif model_name == "lda":
            estimator.fit(counts)
            unit_topic = estimator.transform(counts) if role == "main" else None
        else:
            unit_topic = estimator.fit_transform(tfidf)
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn(w.message, w.category, stacklevel=2)
    result.converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    if role != "heldout":
        result.topic_word = _normalise_rows(estimator.components_)
    if role == "main":
        top = _top_indices(result.topic_word, settings.n_top)
        result.estimator = estimator
        result.unit_topic = _normalise_rows(unit_topic)
        result.top_indices = top
        result.npmi_per_topic = npmi_coherence(top, reference)
        result.diversity = topic_diversity(top)
    result.seconds = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------
# the estimator
# --------------------------------------------------------------------------
class TopicModelSelection:
    """Fit LDA and NMF over a grid of k, score them, and keep one by a documented rule.

    LDA is scikit-learn's ``LatentDirichletAllocation`` (variational Bayes,
    priors ``doc_topic_prior`` and ``topic_word_prior``) on the raw counts.
    NMF is scikit-learn's ``NMF`` (Frobenius loss, ``init="nndsvda"``) on the
    tf-idf weighted, L2 row-normalised matrix: on raw counts the Frobenius
    loss is dominated by long units and the most frequent words. The NMF
    topic-word weights are therefore tf-idf weights, rescaled to sum 1, not
    word probabilities.

    What is measured and the rule that chooses are described in the module
    docstring; ``table_`` holds the measures, ``reason_`` the choice in plain
    words, ``notes_`` what was cut or not computed.

    Units without any term are left out of the fits (and of the coherence
    reference) and get a uniform row in ``unit_topic_`` (every share
    ``1/k``; ``unit_topic_table`` marks them with dominant topic 0).

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
        Seed of the kept fit; the stability fits use the next seeds.
    n_jobs : int, default 1
        Parallel fits (joblib processes); the results do not depend on it.
    max_iter : int or None, default None
        Iterations per fit; None = 50 for batch LDA, 10 passes for online
        LDA, 500 for NMF.
    n_topics : int, default 0
        0 = choose k; a positive value fixes k (the grid is ignored).
    model : str, default "auto"
        "auto" = choose among ``models``; "lda" or "nmf" fixes the family.
    n_seeds : int, default 3
        Fits per (model, k) for the stability score; 1 = no stability.
    stability_sample : float, default 0.8
        Share of the units each stability refit draws (without replacement,
        seeded); 1 = every unit, with a random start for NMF.
    min_stability : float, default 0.8
        Fits less stable than this are set aside by the rule (0 = keep all).
    coherence : {"document", "window"}, default "document"
        Co-occurrence reference of NPMI: the same unit, or a sliding window
        of ``window_size`` terms (needs ``tokens`` in :meth:`fit`).
    window_size : int, default 10
        Sliding-window length (gensim's default for ``c_npmi``).
    holdout : float, default 0.2
        Share of units held out (seeded) for LDA's held-out perplexity;
        0 = not computed.
    lda_learning_method : {"batch", "online"}, default "batch"
        Online variational Bayes (mini-batches of 256 units) is faster per
        pass but reached clearly lower coherence on the UN speeches.
    doc_topic_prior, topic_word_prior : float or None, default 0.1 and 0.01
        LDA's alpha and eta; None = scikit-learn's ``1/k``.

    Attributes
    ----------
    table_ : pandas.DataFrame
        One row per (model, k): ``model, k, npmi, npmi_se, diversity,
        stability, heldout_perplexity, stable, selected`` (floats rounded to 6
        decimals; ``heldout_perplexity`` NaN for NMF and when not computed,
        ``stability`` NaN with one seed; ``stable``: passed the stability bar).
    timings_ : pandas.DataFrame
        Seconds of every single fit (``model, k, seed, role, seconds``); not
        reproducible, so kept out of ``table_``.
    model_ : sklearn estimator
        The chosen fitted model (seed ``random_state``).
    model_name_ : str
    k_ : int
    reason_ : str
        Why this model and k were chosen, in plain words.
    notes_ : list of str
        Plain-words notes: grid cuts, held-out or stability not computed, fits
        that did not converge.
    topic_word_ : numpy.ndarray, shape (k, n_terms)
        Rows sum to 1.
    unit_topic_ : numpy.ndarray, shape (n_units, k)
        Rows sum to 1, in the order of ``unit_ids_``.
    top_indices_ : numpy.ndarray, shape (k, n_top)
        Column indices (into ``terms_``) of each topic's top words.
    npmi_per_topic_ : numpy.ndarray, shape (k,)
        Mean NPMI of each chosen topic.
    topic_stability_ : numpy.ndarray, shape (k,)
        Each chosen topic's mean matched cosine in the other seeds' fits.
    term_frequency_ : numpy.ndarray of int64, shape (n_terms,)
        Corpus count of every term (for :func:`distinctive_terms`).
    terms_, unit_ids_ : numpy.ndarray of str
    used_terms_ : numpy.ndarray of int
        Columns that occur at least once (the models are fitted on these).
    heldout_unit_ids_ : numpy.ndarray of str
        Units held out for the perplexity (empty when not computed).

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
        n_seeds: int = 3,
        stability_sample: float = 0.8,
        min_stability: float = 0.8,
        coherence: str = "document",
        window_size: int = 10,
        holdout: float = 0.2,
        lda_learning_method: str = "batch",
        doc_topic_prior: float | None = 0.1,
        topic_word_prior: float | None = 0.01,
    ):
        self.models = models
        self.k_grid = k_grid
        self.n_top_words = n_top_words
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.max_iter = max_iter
        self.n_topics = n_topics
        self.model = model
        self.n_seeds = n_seeds
        self.stability_sample = stability_sample
        self.min_stability = min_stability
        self.coherence = coherence
        self.window_size = window_size
        self.holdout = holdout
        self.lda_learning_method = lda_learning_method
        self.doc_topic_prior = doc_topic_prior
        self.topic_word_prior = topic_word_prior

    # -- parameter checks ---------------------------------------------------
    def _check_params(self) -> tuple[list[str], list[int] | None]:
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
        if not _is_int(self.n_top_words) or self.n_top_words < 2:
            raise ParameterError(
                f"n_top_words: expected an integer >= 2 (NPMI needs word pairs), got {self.n_top_words!r}."
            )
        if not _is_int(self.random_state):
            raise ParameterError(f"random_state: expected an integer seed, got {self.random_state!r}.")
        n_workers(self.n_jobs)
        if self.max_iter is not None and (not _is_int(self.max_iter) or self.max_iter < 1):
            raise ParameterError(f"max_iter: expected None or an integer >= 1, got {self.max_iter!r}.")
        if not _is_int(self.n_topics) or self.n_topics < 0 or self.n_topics == 1:
            raise ParameterError(
                f"n_topics: expected 0 (choose k) or an integer >= 2, got {self.n_topics!r}."
            )
        if not _is_int(self.n_seeds) or self.n_seeds < 1:
            raise ParameterError(
                f"n_seeds: expected an integer >= 1 (fits per k; 1 = no stability score), got {self.n_seeds!r}."
            )
        if not _is_number(self.stability_sample) or not 0 < self.stability_sample <= 1:
            raise ParameterError(
                f"stability_sample: expected a share in (0, 1] of the units each stability refit "
                f"draws (1 = all units), got {self.stability_sample!r}."
            )
        if not _is_number(self.min_stability) or not 0 <= self.min_stability <= 1:
            raise ParameterError(
                f"min_stability: expected a number in [0, 1] (0 = keep every fit), got {self.min_stability!r}."
            )
        if self.coherence not in _COHERENCE:
            raise ParameterError(
                f"coherence: expected 'document' or 'window', got {self.coherence!r}."
            )
        if not _is_int(self.window_size) or self.window_size < 2:
            raise ParameterError(f"window_size: expected an integer >= 2, got {self.window_size!r}.")
        if not _is_number(self.holdout) or not 0 <= self.holdout < 1:
            raise ParameterError(
                f"holdout: expected a share in [0, 1) of units held out (0 = no held-out "
                f"perplexity), got {self.holdout!r}."
            )
        if self.lda_learning_method not in ("batch", "online"):
            raise ParameterError(
                f"lda_learning_method: expected 'batch' or 'online', got {self.lda_learning_method!r}."
            )
        for name in ("doc_topic_prior", "topic_word_prior"):
            value = getattr(self, name)
            if value is not None and (not _is_number(value) or value <= 0):
                raise ParameterError(f"{name}: expected None (1/k) or a positive number, got {value!r}.")
        grid = None
        if self.k_grid is not None:
            values = list(np.atleast_1d(np.asarray(self.k_grid, dtype=object)))
            if not values or any(not _is_int(v) or v < 2 for v in values):
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

    def _reference(self, tokens, terms, unit_ids, fit_counts, nonempty, used_terms):
        """The coherence reference over the fitted units and (re-indexed) used terms."""
        if self.coherence == "document":
            return (fit_counts > 0).astype(np.float64).tocsr()
        if tokens is None:
            raise ParameterError(
                "coherence: 'window' counts co-occurrence in sliding windows of the token "
                "sequences; pass the tokens table to fit(..., tokens=tokens) or set "
                "coherence='document'."
            )
        if isinstance(tokens, WindowReference):
            if tokens.n_units != unit_ids.size or tokens.n_terms != terms.size:
                raise ParameterError(
                    f"tokens: the WindowReference has {tokens.n_units} units and {tokens.n_terms} "
                    f"terms; the dtm has {unit_ids.size} and {terms.size}."
                )
            full = WindowReference(tokens.ids, tokens.offsets, int(self.window_size), tokens.n_terms)
        else:
            full = window_reference(
                term_sequences(tokens, terms, unit_ids), window_size=int(self.window_size), n_terms=terms.size
            )
        ref = full.subset(nonempty)
        # Re-index to the used terms (the columns the models see); others become -1.
        remap = np.full(terms.size + 1, -1, dtype=np.int64)
        remap[used_terms] = np.arange(used_terms.size)
        return WindowReference(remap[ref.ids], ref.offsets, ref.window_size, int(used_terms.size))

    def _stability_rows(self, n_units: int, k: int, seed_index: int, role: str) -> np.ndarray | None:
        """The units of a stability refit: None (all) for the other fits or a sample of 1."""
        if role != "seed" or self.stability_sample >= 1:
            return None
        # The same permutation for every k and family of a seed, so refits are comparable across the grid;
        # never fewer units than a k-topic fit needs.
        permutation = np.random.default_rng(self.random_state + seed_index).permutation(n_units)
        size = min(n_units, max(int(round(self.stability_sample * n_units)), k + 1))
        return np.sort(permutation[:size])

    # -- fit ----------------------------------------------------------------
    def fit(self, dtm, terms, unit_ids=None, *, tokens=None) -> "TopicModelSelection":
        """Fit every model, k and seed, score them and keep the chosen fit.

        Parameters
        ----------
        dtm : scipy.sparse matrix, shape (n_units, n_terms)
            Term counts (not modified).
        terms : array-like of str, shape (n_terms,)
        unit_ids : array-like of str, shape (n_units,), optional
            Defaults to ``row-00001``, ``row-00002``, ...
        tokens : pandas.DataFrame or WindowReference, optional
            Needed for ``coherence="window"``: the tokens table (``unit_id``,
            ``token_index``, ``term``) or a prepared :class:`WindowReference`
            over the same units and terms.

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
        notes: list[str] = []
        k_values, grid_note = self._resolve_grid(grid, n_units, n_terms, max_k)
        if grid_note:
            notes.append(grid_note)
        n_top = min(self.n_top_words, n_terms)

        fit_counts = counts[nonempty][:, used_terms]
        fit_tfidf = TfidfTransformer(norm="l2").fit_transform(fit_counts)
        reference = self._reference(tokens, terms, unit_ids, fit_counts, nonempty, used_terms)
        train, test = self._split(n_units, notes, "lda" in models)
        lda_method = self.lda_learning_method
        settings = _Settings(
            n_top=n_top,
            max_iter_lda=self.max_iter or _DEFAULT_MAX_ITER["lda_online" if lda_method == "online" else "lda"],
            max_iter_nmf=self.max_iter or _DEFAULT_MAX_ITER["nmf"],
            lda_method=lda_method,
            doc_topic_prior=None if self.doc_topic_prior is None else float(self.doc_topic_prior),
            topic_word_prior=None if self.topic_word_prior is None else float(self.topic_word_prior),
        )
        if self.n_seeds == 1:
            notes.append("Stability was not measured (n_seeds = 1): every fit counts as stable.")

        jobs = []
        for m in models:
            for k in k_values:
                for s in range(self.n_seeds):
                    jobs.append((m, k, s, "main" if s == 0 else "seed"))
                if m == "lda" and test.size:
                    jobs.append((m, k, 0, "heldout"))
        # Largest fits first, so that the last fits to finish are short ones.
        order = sorted(range(len(jobs)), key=lambda i: (-jobs[i][1], jobs[i][0] != "lda", i))
        data = (fit_counts, fit_tfidf, reference, train, test)
        results = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_one)(*jobs[i][:3], jobs[i][3], self.random_state + jobs[i][2], data, settings,
                              rows=self._stability_rows(n_units, jobs[i][1], jobs[i][2], jobs[i][3]))
            for i in order
        )
        fits = [None] * len(jobs)
        for i, result in zip(order, results):
            fits[i] = result

        unconverged = sorted({f"{_NAMES[f.model_name]} k = {f.k}" for f in fits if not f.converged})
        if unconverged:
            message = (
                f"max_iter: {', '.join(unconverged)} did not converge within the iteration limit; "
                "their scores are usable for comparison, but raise max_iter if these fits matter."
            )
            notes.append(message)
            warnings.warn(message, ConvergenceWarning, stacklevel=2)

        table, mains, per_topic_stability = self._table(fits, models, k_values)
        timings = pd.DataFrame(
            [(f.model_name, f.k, f.seed_index, f.role, round(f.seconds, 2)) for f in fits],
            columns=["model", "k", "seed", "role", "seconds"],
        )
        best, reason = _select(table, n_top=n_top, min_stability=float(self.min_stability),
                               coherence=self._coherence_words())
        table["selected"] = np.arange(len(table)) == best
        chosen = mains[best]

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
        self.notes_ = notes
        self.timings_ = timings
        self.topic_word_ = topic_word
        self.unit_topic_ = unit_topic
        self.top_indices_ = used_terms[chosen.top_indices]
        self.npmi_per_topic_ = chosen.npmi_per_topic.round(_DECIMALS)
        self.topic_stability_ = per_topic_stability[best].round(_DECIMALS)
        self.term_frequency_ = np.asarray(counts.sum(axis=0)).ravel().round().astype(np.int64)
        self.terms_ = terms
        self.unit_ids_ = unit_ids
        self.used_terms_ = used_terms
        self.heldout_unit_ids_ = unit_ids[nonempty[test]]
        return self

    def _coherence_words(self) -> str:
        if self.coherence == "window":
            return f"co-occurrence counted in sliding windows of {self.window_size} terms"
        return "co-occurrence counted over the units"

    def _split(self, n_units: int, notes: list[str], has_lda: bool):
        """Seeded train/test split of the fitted units for held-out perplexity."""
        empty = np.zeros(0, dtype=np.int64)
        if not has_lda or self.holdout == 0:
            return np.arange(n_units), empty
        if n_units < _MIN_HOLDOUT_UNITS:
            message = (
                f"Held-out perplexity was not computed: it needs at least {_MIN_HOLDOUT_UNITS} units "
                f"with terms, and this corpus has {n_units}."
            )
            notes.append(message)
            warnings.warn(message, DataTooSmallWarning, stacklevel=3)
            return np.arange(n_units), empty
        n_test = max(1, int(round(self.holdout * n_units)))
        permuted = np.random.default_rng(self.random_state).permutation(n_units)
        return np.sort(permuted[n_test:]), np.sort(permuted[:n_test])

    def _table(self, fits, models, k_values):
        rows, mains, per_topic = [], [], []
        for m in models:
            for k in k_values:
                group = [f for f in fits if f.model_name == m and f.k == k]
                main = next(f for f in group if f.role == "main")
                seeds = sorted((f for f in group if f.role != "heldout"), key=lambda f: f.seed_index)
                heldout = [f.perplexity for f in group if f.role == "heldout"]
                stability, topic_scores = topic_stability([f.topic_word for f in seeds])
                rows.append(
                    {
                        "model": m,
                        "k": k,
                        "npmi": float(main.npmi_per_topic.mean()),
                        "npmi_se": _standard_error(main.npmi_per_topic),
                        "diversity": main.diversity,
                        "stability": stability,
                        "heldout_perplexity": heldout[0] if heldout else float("nan"),
                    }
                )
                mains.append(main)
                per_topic.append(topic_scores)
        table = pd.DataFrame(rows)
        table["k"] = table["k"].astype(np.int64)
        floats = ["npmi", "npmi_se", "diversity", "stability", "heldout_perplexity"]
        table[floats] = table[floats].astype(np.float64).round(_DECIMALS)
        return table, mains, per_topic

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


def _select(table: pd.DataFrame, *, n_top: int, min_stability: float, coherence: str) -> tuple[int, str]:
    """Row index of the chosen fit and the reason in plain words (rule: module docstring)."""
    stability = table["stability"].to_numpy()
    stable = np.isnan(stability) | (stability >= min_stability - 1e-12)
    table["stable"] = stable
    pool_note = ""
    if not stable.any():
        stable = np.ones(len(table), dtype=bool)
        pool_note = (
            f" No fit reached the stability bar of {min_stability:.2f} (the best was "
            f"{np.nanmax(stability):.3f}), so all fits were compared: the topics depend on the seed and "
            "the sample, read them with care."
        )
    elif not stable.all():
        pool_note = (
            f" {int((~stable).sum())} of {len(table)} fits were set aside as unstable (mean matched "
            f"topic similarity across refits below {min_stability:.2f})."
        )
    pool = table[stable]
    best = int(pool["npmi"].idxmax())  # first maximum: stable
    best_row = table.loc[best]
    threshold = best_row["npmi"] - best_row["npmi_se"]
    candidates = pool[pool["npmi"] >= threshold - 1e-12].assign(
        family_order=lambda t: t["model"].map({"lda": 0, "nmf": 1}),
        stability_key=lambda t: t["stability"].fillna(1.0),
        row=lambda t: t.index.to_numpy(),
    )
    ranked = candidates.sort_values(
        ["k", "stability_key", "diversity", "family_order", "npmi", "row"],
        ascending=[True, False, False, True, False, True],
        kind="stable",
    )
    chosen = int(ranked["row"].iloc[0])
    row = table.loc[chosen]
    what = f"{_NAMES[row['model']]} with k = {row['k']}"
    stab = "" if np.isnan(row["stability"]) else f", stability {row['stability']:.3f}"
    scores = f"mean NPMI {row['npmi']:.3f}, diversity {row['diversity']:.3f}{stab}"
    basis = f"NPMI coherence of the top {n_top} words per topic, {coherence}"
    if len(table) == 1:
        return chosen, f"Fitted {what} only ({scores}; {basis})."
    rule = (
        "among fits within one standard error of the best mean NPMI the rule prefers the "
        "smallest k, then the higher stability, then the higher diversity, then LDA before NMF"
    )
    if chosen == best:
        head = f"Chose {what} ({scores}): it has the highest mean {basis}, of {len(pool)} stable fits"
        others = len(candidates) - 1
        if others == 0:
            se = best_row["npmi_se"]
            return chosen, f"{head}; no other fit came within one standard error ({se:.3f}) of it.{pool_note}"
        return chosen, (
            f"{head}; {others} other fit(s) came within one standard error "
            f"({best_row['npmi_se']:.3f}) of it, and {rule}, which keeps this one.{pool_note}"
        )
    return chosen, (
        f"Chose {what} ({scores}). The highest mean {basis} was {best_row['npmi']:.3f} "
        f"({_NAMES[best_row['model']]}, k = {best_row['k']}); {len(candidates)} of {len(pool)} stable fits "
        f"came within one standard error ({best_row['npmi_se']:.3f}) of it, and {rule}: more topics "
        f"that do not raise coherence beyond its noise usually split real topics.{pool_note}"
    )


# --------------------------------------------------------------------------
# tables and labels
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
    return _ranked_terms(weights, terms, _top_indices(weights, min(n, weights.shape[1])))


def _ranked_terms(weights: np.ndarray, terms: np.ndarray, top: np.ndarray, **scores: np.ndarray) -> pd.DataFrame:
    """One row per topic and rank for the term columns ``top`` (k x n): its weight and any further scores."""
    k, n = top.shape
    columns = {"weight": weights, **scores}
    return pd.DataFrame({
        "topic": np.repeat(np.arange(1, k + 1), n).astype(np.int64),
        "rank": np.tile(np.arange(1, n + 1), k).astype(np.int64),
        "term": terms[top].ravel().astype(object),
        **{name: np.take_along_axis(values, top, axis=1).ravel().round(_DECIMALS) for name, values in columns.items()},
    })


def _relevance(weights: np.ndarray, term_frequency, lambda_: float) -> np.ndarray:
    frequency = np.asarray(term_frequency, dtype=np.float64).ravel()
    if frequency.shape[0] != weights.shape[1] or (frequency < 0).any() or frequency.sum() <= 0:
        raise ParameterError(
            f"term_frequency: expected one non-negative count per term ({weights.shape[1]}) with a "
            f"positive total, got shape {frequency.shape}; pass TopicModelSelection.term_frequency_."
        )
    if not _is_number(lambda_) or not 0 <= lambda_ <= 1:
        raise ParameterError(f"lambda_: expected a number in [0, 1], got {lambda_!r}.")
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

    Examples
    --------
    >>> tw = [[0.5, 0.4, 0.1], [0.5, 0.1, 0.4]]
    >>> distinctive_terms(tw, ["un", "war", "trade"], [100, 10, 10], n=1)["term"].tolist()
    ['war', 'trade']
    """
    weights = np.asarray(topic_word, dtype=np.float64)
    terms = np.asarray(terms, dtype=str)
    _check_topic_word(weights, terms)
    if n < 1:
        raise ParameterError(f"n: expected a positive number of terms per topic, got {n!r}.")
    score = _relevance(weights, term_frequency, lambda_)
    return _ranked_terms(weights, terms, _top_indices(score, min(n, weights.shape[1])), relevance=score)


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
    if term_frequency is not None:
        score = _relevance(weights, term_frequency, lambda_)
        labels = [" · ".join(terms[row[:n]]) for row in _top_indices(score, n)]
    else:
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
        table["prevalence"] = _overall_prevalence(shares).round(_DECIMALS)
    for name, values in (("npmi", npmi), ("stability", stability)):
        if values is not None:
            values = np.asarray(values, dtype=np.float64).ravel()
            if values.shape[0] != k:
                raise ParameterError(f"{name}: expected one value per topic ({k}), got {values.shape[0]}.")
            table[name] = values.round(_DECIMALS)
    return table


def _informative(shares: np.ndarray) -> np.ndarray:
    """Rows whose shares are not all equal (units without terms are flat)."""
    return ~np.isclose(shares.max(axis=1), shares.min(axis=1), rtol=0, atol=1e-12)


def _overall_prevalence(shares: np.ndarray) -> np.ndarray:
    informative = _informative(shares)
    if not informative.any():
        return np.full(shares.shape[1], 1.0 / shares.shape[1])
    return shares[informative].mean(axis=0)


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
    table = pd.DataFrame({"unit_id": unit_ids.astype(object)})
    for t in range(shares.shape[1]):
        table[f"topic_{t + 1}"] = shares[:, t].round(_DECIMALS)
    table["dominant_topic"] = np.where(_informative(shares), dominant, 0).astype(np.int64)
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
    informative = np.flatnonzero(_informative(shares))
    rows = []
    for t in range(shares.shape[1]):
        order = informative[np.argsort(-shares[informative, t], kind="stable")][:n]
        for rank, i in enumerate(order, start=1):
            rows.append((t + 1, rank, unit_ids[i], round(float(shares[i, t]), _DECIMALS)))
    table = pd.DataFrame(rows, columns=["topic", "rank", "unit_id", "share"]).astype(
        {"topic": np.int64, "rank": np.int64, "unit_id": object, "share": np.float64}
    )
    if units is None:
        return table
    missing = {"unit_id", "text"} - set(units.columns)
    if missing:
        raise ParameterError(
            f"units: missing column(s) {sorted(missing)}; pass the units table of "
            "stancebook.corpus.split_units."
        )
    text = units.drop_duplicates("unit_id").set_index(units["unit_id"].drop_duplicates().astype(str))["text"]
    texts = text.reindex(table["unit_id"]).fillna("").astype(str).to_numpy()
    if max_chars is not None:
        if not _is_int(max_chars) or max_chars < 1:
            raise ParameterError(f"max_chars: expected None or a positive integer, got {max_chars!r}.")
        texts = np.array([t if len(t) <= max_chars else t[:max_chars].rstrip() + "…" for t in texts], dtype=object)
    return table.assign(text=texts.astype(object))


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
# prevalence
# --------------------------------------------------------------------------
def topic_prevalence(unit_topic, unit_ids, metadata: pd.DataFrame, by: str, *, n_boot: int = 1000,
                     level: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Return each topic's prevalence per metadata group, with bootstrap intervals.

    The prevalence of a topic in a group is the mean topic share of the
    group's units. The interval is the percentile bootstrap: the units of
    each group are resampled with replacement ``n_boot`` times (seeded) and
    the mean recomputed. Units without terms (equal shares) and units with a
    missing group value are left out; ``n_units`` says how many units each
    estimate rests on (a group of one unit has a zero-width interval: read it
    as "unknown", not as "certain").

    Parameters
    ----------
    unit_topic : array-like, shape (n_units, k)
    unit_ids : array-like of str, shape (n_units,)
    metadata : pandas.DataFrame
        One row per unit with a ``unit_id`` column and the ``by`` column
        (e.g. the units table: metadata columns are repeated on every unit).
    by : str
        The grouping column: ``year``, ``actor``, ``region``, ...
    n_boot : int, default 1000
        Bootstrap resamples.
    level : float, default 0.95
        Coverage of the interval.
    random_state : int, default 0

    Returns
    -------
    pandas.DataFrame
        ``<by>`` (the group value), ``topic`` (int from 1), ``prevalence``,
        ``lower``, ``upper`` (6 decimals), ``n_units`` (int); sorted by group
        then topic.

    Examples
    --------
    >>> meta = pd.DataFrame({"unit_id": ["a", "b", "c"], "year": [2020, 2020, 2021]})
    >>> topic_prevalence([[0.9, 0.1], [0.7, 0.3], [0.2, 0.8]], ["a", "b", "c"], meta, "year",
    ...                  n_boot=200)[["year", "topic", "prevalence", "n_units"]]
       year  topic  prevalence  n_units
    0  2020      1         0.8        2
    1  2020      2         0.2        2
    2  2021      1         0.2        1
    3  2021      2         0.8        1
    """
    shares = np.asarray(unit_topic, dtype=np.float64)
    unit_ids = np.asarray(unit_ids, dtype=str)
    _check_unit_topic(shares, unit_ids)
    if not isinstance(metadata, pd.DataFrame) or "unit_id" not in metadata.columns:
        raise ParameterError("metadata: expected a table with a 'unit_id' column (e.g. the units table).")
    if by not in metadata.columns or by in ("unit_id", "topic"):
        available = [c for c in metadata.columns if c not in ("unit_id", "text", "offset_breaks")]
        raise ParameterError(
            f"by: the metadata has no column {by!r} to group units by; available columns: "
            f"{available}. Set the prevalence grouping parameter to one of them."
        )
    if not _is_int(n_boot) or n_boot < 10:
        raise ParameterError(f"n_boot: expected an integer >= 10 bootstrap resamples, got {n_boot!r}.")
    if not _is_number(level) or not 0 < level < 1:
        raise ParameterError(f"level: expected a coverage in (0, 1), e.g. 0.95, got {level!r}.")
    if not _is_int(random_state):
        raise ParameterError(f"random_state: expected an integer seed, got {random_state!r}.")
    lookup = metadata.drop_duplicates("unit_id").set_index(metadata["unit_id"].drop_duplicates().astype(str))[by]
    groups = lookup.reindex(unit_ids)
    keep = _informative(shares) & groups.notna().to_numpy()
    shares, groups = shares[keep], groups[keep]
    k = shares.shape[1]
    values = pd.unique(groups.to_numpy())
    try:
        values = sorted(values)
    except TypeError:
        values = sorted(values, key=str)
    rng = np.random.default_rng(random_state)
    alpha = (1 - level) / 2
    rows = []
    group_array = groups.to_numpy()
    for value in values:
        part = shares[group_array == value]
        m = part.shape[0]
        point = part.mean(axis=0)
        # Resampling with replacement = multinomial counts of the units; done
        # in chunks so that memory stays near 5 million counts.
        chunk = max(1, int(5_000_000 // max(m, 1)))
        means = []
        for start in range(0, n_boot, chunk):
            draws = rng.multinomial(m, np.full(m, 1.0 / m), size=min(chunk, n_boot - start))
            means.append(draws @ part / m)
        means = np.vstack(means)
        lower = np.quantile(means, alpha, axis=0)
        upper = np.quantile(means, 1 - alpha, axis=0)
        for t in range(k):
            rows.append((value, t + 1, point[t], lower[t], upper[t], m))
    table = pd.DataFrame(rows, columns=[by, "topic", "prevalence", "lower", "upper", "n_units"])
    table[["prevalence", "lower", "upper"]] = table[["prevalence", "lower", "upper"]].astype(np.float64).round(_DECIMALS)
    return table.astype({"topic": np.int64, "n_units": np.int64})


# --------------------------------------------------------------------------
# topic map
# --------------------------------------------------------------------------
def _jensen_shannon_distance(p: np.ndarray) -> np.ndarray:
    """Pairwise Jensen-Shannon distance (natural log, sqrt of the divergence)."""
    k = p.shape[0]
    distance = np.zeros((k, k))
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(k):
            m = (p[i] + p) / 2
            kl_i = np.where(p[i] > 0, p[i] * np.log(p[i] / m), 0.0).sum(axis=1)
            kl_j = np.where(p > 0, p * np.log(p / m), 0.0).sum(axis=1)
            distance[i] = np.sqrt(np.maximum((kl_i + kl_j) / 2, 0.0))
    return (distance + distance.T) / 2


def topic_map(topic_word, unit_topic=None) -> pd.DataFrame:
    """Return 2-D coordinates of the topics, as LDAvis draws them.

    Classical multidimensional scaling (principal coordinates) of the
    Jensen-Shannon distances between the topic-word distributions: topics
    close on the map use similar words. The sign of each axis is fixed so
    that its largest coordinate is positive (deterministic output).

    Parameters
    ----------
    topic_word : array-like, shape (k, n_terms)
        Rows are normalised to sum 1.
    unit_topic : array-like, shape (n_units, k), optional
        For ``prevalence`` (mean share over units with terms); equal shares if omitted.

    Returns
    -------
    pandas.DataFrame
        ``topic`` (int from 1), ``x``, ``y``, ``prevalence`` (6 decimals).

    Examples
    --------
    >>> topic_map([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])["prevalence"].tolist()
    [0.333333, 0.333333, 0.333333]
    """
    weights = _normalise_rows(np.asarray(topic_word, dtype=np.float64))
    if weights.ndim != 2 or weights.shape[0] < 2:
        raise ParameterError(f"topic_word: expected a (k, n_terms) matrix with k >= 2, got shape {weights.shape}.")
    k = weights.shape[0]
    distance = _jensen_shannon_distance(weights)
    centred = np.eye(k) - 1.0 / k
    gram = -0.5 * centred @ (distance**2) @ centred
    eigenvalues, eigenvectors = np.linalg.eigh(gram)
    order = np.argsort(-eigenvalues, kind="stable")[:2]
    coords = eigenvectors[:, order] * np.sqrt(np.maximum(eigenvalues[order], 0.0))
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(k)])
    for axis in range(2):
        if coords[np.argmax(np.abs(coords[:, axis])), axis] < 0:
            coords[:, axis] *= -1
    coords = np.where(np.abs(coords) < 1e-12, 0.0, coords)
    if unit_topic is None:
        prevalence = np.full(k, 1.0 / k)
    else:
        shares = np.asarray(unit_topic, dtype=np.float64)
        if shares.ndim != 2 or shares.shape[1] != k:
            raise ParameterError(f"unit_topic: expected a (n_units, {k}) matrix, got shape {shares.shape}.")
        prevalence = _overall_prevalence(shares)
    return pd.DataFrame(
        {
            "topic": np.arange(1, k + 1, dtype=np.int64),
            "x": coords[:, 0].round(_DECIMALS),
            "y": coords[:, 1].round(_DECIMALS),
            "prevalence": prevalence.round(_DECIMALS),
        }
    )


# --------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------
_SELECTION_PANELS = (
    ("npmi", "mean NPMI coherence (top words)"),
    ("stability", "stability (matched cosine across refits)"),
    ("heldout_perplexity", "held-out perplexity (LDA)"),
    ("diversity", "topic diversity"),
)


def plot_model_selection(ax, table: pd.DataFrame):
    """Plot the model-selection measures against k, one line per model, the chosen fit ringed.

    With one axes: mean NPMI (error bars: one standard error of the
    per-topic NPMI). With an array of axes, in order: NPMI, stability,
    held-out perplexity, diversity (as many panels as axes, up to four).

    Parameters
    ----------
    ax : matplotlib.axes.Axes or array of Axes
    table : pandas.DataFrame
        ``TopicModelSelection.table_``.

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray
        What was given.

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
    flat = np.ravel(np.asarray(ax, dtype=object))
    if len(flat) > len(_SELECTION_PANELS):
        raise ParameterError(f"ax: at most {len(_SELECTION_PANELS)} axes (one per measure), got {len(flat)}.")
    ks = np.sort(table["k"].unique())
    for panel, (column, ylabel) in zip(flat, _SELECTION_PANELS):
        if column not in table.columns:
            panel.set_visible(False)
            continue
        ordered = table.sort_values(["model", "k"], kind="stable")
        for name, part in ordered.groupby("model", sort=True):
            if part[column].isna().all():
                continue
            yerr = part["npmi_se"].to_numpy() if column == "npmi" and "npmi_se" in part else None
            panel.errorbar(part["k"], part[column], yerr=yerr, marker="o", capsize=3,
                           label=_NAMES.get(name, str(name)))
        chosen = table[table["selected"]]
        if len(chosen) and chosen[column].notna().all():
            panel.scatter(chosen["k"], chosen[column], s=220, facecolors="none", edgecolors="black",
                          linewidths=1.5, zorder=5, label="selected")
        if table[column].isna().all():
            reason = ("not computed: too few units to hold some out" if column == "heldout_perplexity"
                      else "not computed")
            panel.text(0.5, 0.5, reason, ha="center", va="center", transform=panel.transAxes, color="#555555")
            panel.set_yticks([])
        panel.set_xticks(ks)
        panel.set_xlabel("number of topics k")
        panel.set_ylabel(ylabel)
    flat[0].legend(frameon=False)
    return ax


def plot_topic_terms(axes, topic_terms_table: pd.DataFrame, labels):
    """Draw one horizontal bar panel of top terms per topic.

    Parameters
    ----------
    axes : array of matplotlib.axes.Axes
        At least k axes (any shape; read in row order). Extra axes are hidden.
    topic_terms_table : pandas.DataFrame
        Output of :func:`topic_terms` (or :func:`distinctive_terms`: the bars
        show ``weight``, the probability of the term in the topic).
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


def _prevalence_topics(table: pd.DataFrame, topics, max_topics: int) -> list[int]:
    if topics is not None:
        chosen = [int(t) for t in topics]
        unknown = sorted(set(chosen) - set(table["topic"].astype(int)))
        if unknown:
            raise ParameterError(f"topics: topic(s) {unknown} are not in the prevalence table.")
        return chosen[:max_topics]
    mean = table.groupby("topic", sort=True)["prevalence"].mean()
    ranked = mean.sort_values(ascending=False, kind="stable").index[:max_topics]
    return sorted(int(t) for t in ranked)


def plot_prevalence(axes, table: pd.DataFrame, *, labels=None, topics=None, max_topics: int = 8):
    """Plot topic prevalence per group with its bootstrap interval.

    With an array of axes: small multiples, one topic per panel (extra axes
    hidden). With one axes: all drawn topics on it, with a legend. Numeric
    groups (years) are drawn as lines with shaded bands; other groups
    (actors, regions) as points with interval bars.

    Parameters
    ----------
    axes : matplotlib.axes.Axes or array of Axes
    table : pandas.DataFrame
        Output of :func:`topic_prevalence` (its first column is the group).
    labels : list of str, optional
        One label per topic of the model (topic t is ``labels[t - 1]``).
    topics : list of int, optional
        Topics to draw; default: the ``max_topics`` most prevalent, in topic order.
    max_topics : int, default 8
        At most this many topics are drawn (legibility).

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray
        What was given.

    Examples
    --------
    >>> fig, axes = plt.subplots(2, 4, sharey=True)  # doctest: +SKIP
    >>> plot_prevalence(axes, topic_prevalence(shares, ids, units, "year"))  # doctest: +SKIP
    """
    needed = {"topic", "prevalence", "lower", "upper"}
    if needed - set(table.columns) or table.columns[0] in needed:
        raise ParameterError("table: expected the output of topic_prevalence (group column first).")
    group = table.columns[0]
    chosen = _prevalence_topics(table, topics, max_topics)
    single = not isinstance(axes, np.ndarray)
    flat = [axes] * len(chosen) if single else list(np.ravel(axes))
    if not single and len(flat) < len(chosen):
        raise ParameterError(f"axes: {len(chosen)} topics need at least {len(chosen)} axes, got {len(flat)}.")
    numeric = pd.api.types.is_numeric_dtype(table[group])
    categories = list(pd.unique(table[group]))
    for i, (ax, topic) in enumerate(zip(flat, chosen)):
        part = table[table["topic"] == topic]
        name = f"Topic {topic}" + (f": {labels[topic - 1]}" if labels is not None else "")
        colour = f"C{i % 10}" if single else "C0"
        if numeric:
            ax.plot(part[group], part["prevalence"], color=colour, marker="o", markersize=3, label=name)
            ax.fill_between(part[group], part["lower"], part["upper"], color=colour, alpha=0.25, linewidth=0)
        else:
            x = np.array([categories.index(v) for v in part[group]], dtype=np.float64)
            if single:
                x = x + (i - (len(chosen) - 1) / 2) * 0.8 / max(len(chosen), 1)
            ax.errorbar(x, part["prevalence"],
                        yerr=[part["prevalence"] - part["lower"], part["upper"] - part["prevalence"]],
                        fmt="o", color=colour, capsize=2, label=name)
            ax.set_xticks(range(len(categories)), labels=[str(c) for c in categories], rotation=90)
        if not single:
            # Panels are about three inches wide: long labels wrap instead of running into the next title.
            ax.set_title(textwrap.fill(name, 32), fontsize="medium", loc="left")
        ax.set_xlabel(group)
        ax.set_ylabel("mean topic share")
        ax.set_ylim(bottom=0)
    if single and chosen:
        axes.legend(frameon=False, fontsize="small")
    if not single:
        for ax in flat[len(chosen):]:
            ax.set_visible(False)
    return axes


def plot_topic_map(ax, map_table: pd.DataFrame, *, labels=None):
    """Draw the topic map: one circle per topic, area by prevalence, labelled.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    map_table : pandas.DataFrame
        Output of :func:`topic_map`.
    labels : list of str, optional
        One label per topic, written beside the topic number.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_topic_map(ax, topic_map(sel.topic_word_, sel.unit_topic_), labels=labels)  # doctest: +SKIP
    """
    missing = {"topic", "x", "y", "prevalence"} - set(map_table.columns)
    if missing:
        raise ParameterError(f"map_table: missing column(s) {sorted(missing)}; pass the output of topic_map.")
    prevalence = map_table["prevalence"].to_numpy(dtype=np.float64)
    sizes = 3000 * prevalence / max(prevalence.max(), 1e-12) * min(1.0, 8 / len(map_table))
    ax.scatter(map_table["x"], map_table["y"], s=sizes, alpha=0.35, color="C0", edgecolors="C0")
    for row in map_table.itertuples(index=False):
        text = str(row.topic) if labels is None else f"{row.topic}: {labels[row.topic - 1]}"
        ax.annotate(text, (row.x, row.y), ha="center", va="center", fontsize="small")
    span = max(np.ptp(map_table["x"]), np.ptp(map_table["y"]), 1e-6)
    ax.set_xlim(map_table["x"].min() - 0.25 * span, map_table["x"].max() + 0.25 * span)
    ax.set_ylim(map_table["y"].min() - 0.25 * span, map_table["y"].max() + 0.25 * span)
    ax.set_xlabel("principal coordinate 1 (Jensen-Shannon distance)")
    ax.set_ylabel("principal coordinate 2")
    ax.set_aspect("equal", adjustable="datalim")
    return ax
