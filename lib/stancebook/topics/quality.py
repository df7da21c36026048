"""Quality of topics: NPMI coherence, topic diversity, stability across refits.

Coherence is counted against one of two references: the units themselves
(a word is present in a unit) or gensim's boolean sliding windows over the
units' term sequences (:class:`WindowReference`). :func:`npmi_coherence`
equals gensim's ``c_npmi``; the oracle tests compare them.

Two deliberate departures from gensim 4.4: (1) when a top word never occurs
in the reference, gensim divides by zero; here every pair with such a word
scores -1 (no evidence that the words go together). (2) gensim's sliding
window forgets a word that occurs twice within one window when its first
copy leaves the window (it marks the word absent although its second copy is
still inside), so it undercounts repeated words; here a word is present in
every window that holds any copy of it. Where no top word repeats within a
window the two agree to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata

from stancebook.checks import is_int, require_columns
from stancebook.errors import ParameterError

__all__ = [
    "WindowReference",
    "term_sequences",
    "window_reference",
    "npmi_coherence",
    "topic_diversity",
    "topic_exclusivity",
    "topic_stability",
    "match_topics",
]

# gensim's EPSILON in topic_coherence.direct_confirmation_measure.
_GENSIM_EPS = 1e-12


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

    See Also
    --------
    window_reference : Build one from term sequences.
    term_sequences : The term sequences of a tokens table.
    npmi_coherence : Coherence against this reference.
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

    See Also
    --------
    window_reference : Turn the sequences into a sliding-window reference.

    Examples
    --------
    >>> tokens = pd.DataFrame({"unit_id": ["u1", "u1", "u1", "u2"], "token_index": [0, 1, 2, 0],
    ...                        "term": ["war", None, "peace", "rare"]})
    >>> [s.tolist() for s in term_sequences(tokens, ["peace", "war"], ["u1", "u2", "u3"])]
    [[1, 0], [-1], []]
    """
    require_columns(tokens, ["unit_id", "token_index", "term"], "tokens",
                    hint="Pass the tokens artefact of 01_tokenise (catalog name 'tokens').", error=ParameterError)
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

    See Also
    --------
    term_sequences : The sequences of a tokens table.
    npmi_coherence : Coherence against the reference.

    References
    ----------
    .. [1] Röder, M., Both, A. and Hinneburg, A. (2015). Exploring the space of
       topic coherence measures. *Proceedings of the Eighth ACM International
       Conference on Web Search and Data Mining (WSDM)*, 399-408.

    Examples
    --------
    >>> ref = window_reference([[0, 1, 2], [2]], window_size=2)
    >>> ref.offsets.tolist(), ref.n_terms
    ([0, 3, 4], 3)
    """
    if not is_int(window_size) or window_size < 2:
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
    """Co-occurrence counts of the relevant columns over the units (rows) of a matrix."""
    presence = (sp.csr_matrix(matrix)[:, relevant] > 0).astype(np.float64).tocsr()
    return np.asarray((presence.T @ presence).todense(), dtype=np.float64), float(presence.shape[0])


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

    Two deliberate departures from gensim 4.4 (a top word absent from the
    reference, a word repeated within a window) are told in the module docstring.

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

    See Also
    --------
    window_reference : The sliding-window reference.
    topic_diversity : How much the topics' top words overlap.
    topic_stability : How well topics come back in refits.

    References
    ----------
    .. [1] Bouma, G. (2009). Normalized (pointwise) mutual information in
       collocation extraction. *Proceedings of the Biennial GSCL Conference*,
       31-40.
    .. [2] Röder, M., Both, A. and Hinneburg, A. (2015). Exploring the space of
       topic coherence measures. *Proceedings of the Eighth ACM International
       Conference on Web Search and Data Mining (WSDM)*, 399-408.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> X = sp.csr_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    >>> npmi_coherence([[0, 1], [0, 2]], X).round(6)  # together always / never
    array([ 1.      , -0.949828])
    >>> npmi_coherence([[0, 1]], window_reference([[0, 1, 2, 2]], window_size=2)).round(6)
    array([0.36907])
    """
    top = _check_top_indices(top_indices, reference)
    relevant, position = np.unique(top, return_inverse=True)
    position = position.reshape(top.shape)
    if isinstance(reference, WindowReference):
        co, n_windows = _window_counts(reference, relevant)
    else:
        co, n_windows = _document_counts(reference, relevant)
    if n_windows == 0:
        return np.full(top.shape[0], -1.0)
    return _mean_npmi(co, n_windows, position, eps)


def _check_top_indices(top_indices, reference) -> np.ndarray:
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
    return top


def _mean_npmi(co: np.ndarray, n_windows: float, position: np.ndarray, eps: float) -> np.ndarray:
    """Mean NPMI over the ordered pairs of each topic, from co-occurrence counts of the relevant words."""
    df = np.diag(co).copy()
    # (n_topics, n_top, n_top) blocks of the co-occurrence matrix.
    pair_co = co[position[:, :, None], position[:, None, :]]
    p_i = df[position][:, :, None] / n_windows
    p_j = df[position][:, None, :] / n_windows
    p_ij = pair_co / n_windows
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log((p_ij + eps) / (p_i * p_j)) / -np.log(p_ij + eps)
    npmi = np.where((p_i > 0) & (p_j > 0), npmi, -1.0)
    n_top = position.shape[1]
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

    See Also
    --------
    npmi_coherence : Whether each topic's top words occur together.

    References
    ----------
    .. [1] Dieng, A. B., Ruiz, F. J. R. and Blei, D. M. (2020). Topic modeling in
       embedding spaces. *Transactions of the Association for Computational
       Linguistics*, 8, 439-453.

    Examples
    --------
    >>> topic_diversity([[0, 1, 2], [2, 3, 4]])
    0.8333333333333334
    """
    top = np.asarray(top_indices)
    if top.size == 0:
        raise ParameterError("top_indices: expected at least one top word, got an empty array.")
    return float(np.unique(top).size / top.size)


def topic_exclusivity(topic_word, *, n_top: int = 10, weight: float = 0.7) -> np.ndarray:
    """Return each topic's exclusivity: the mean FREX score of its top words.

    FREX (Bischof and Airoldi 2012; Roberts et al. 2014) is the weighted
    harmonic mean of a word's rank (as an ECDF within the topic) by
    exclusivity (its weight in the topic over its total weight in all
    topics) and by frequency (its weight in the topic). Averaged over the
    ``n_top`` most probable words it is STM's ``exclusivity()`` divided by
    ``n_top``: near 1 when a topic's top words belong to it alone, lower
    when topics share their top words (a real topic split into near copies).

    Parameters
    ----------
    topic_word : array-like, shape (k, n_terms)
        Non-negative topic-word weights (rows need not sum to 1).
    n_top : int, default 10
        Top words per topic.
    weight : float, default 0.7
        Weight of exclusivity against frequency (STM's ``frexw``).

    Returns
    -------
    numpy.ndarray, shape (k,)
        Mean FREX of each topic's top words, in (0, 1].

    See Also
    --------
    topic_diversity : The share of distinct top words.

    References
    ----------
    .. [1] Bischof, J. M. and Airoldi, E. M. (2012). Summarizing topical content
       with word frequency and exclusivity. *ICML 2012*.
    .. [2] Roberts, M. E. et al. (2014). Structural topic models for open-ended
       survey responses. *American Journal of Political Science*, 58(4), 1064-1082.

    Examples
    --------
    >>> apart = [[4, 3, 2, 1, 0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 4, 3, 2, 1, 1, 1]]
    >>> shared = [[4, 3, 2, 1, 0, 0, 0, 0, 1, 1], [4, 3, 2, 0, 0, 0, 0, 1, 1, 1]]
    >>> topic_exclusivity(apart, n_top=3).round(3).tolist(), topic_exclusivity(shared, n_top=3).round(3).tolist()
    ([0.863, 0.863], [0.749, 0.749])
    """
    beta = np.asarray(topic_word, dtype=np.float64)
    beta = beta / np.maximum(beta.sum(axis=1, keepdims=True), 1e-300)
    totals = beta.sum(axis=0, keepdims=True)
    exclusive = np.divide(beta, totals, out=np.zeros_like(beta), where=totals > 0)
    n_terms = beta.shape[1]
    exclusive_rank = rankdata(exclusive, axis=1) / n_terms
    frequency_rank = rankdata(beta, axis=1) / n_terms
    frex = 1.0 / (weight / exclusive_rank + (1.0 - weight) / frequency_rank)
    top = np.argsort(-beta, axis=1, kind="stable")[:, :min(int(n_top), n_terms)]
    return np.take_along_axis(frex, top, axis=1).mean(axis=1)


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


def match_topics(reference, other) -> np.ndarray:
    """Return, for each topic of ``reference``, the index of its matched topic in ``other``.

    Topics are matched one to one by the Hungarian algorithm on the cosine
    similarity of their topic-word rows, as in :func:`topic_stability`;
    ``other[match_topics(reference, other)]`` puts ``other``'s topics in the
    order of ``reference``'s.

    Parameters
    ----------
    reference, other : array-like, shape (k, n_terms)
        Topic-word weights of two fits with the same k.

    Returns
    -------
    numpy.ndarray of int, shape (k,)

    Examples
    --------
    >>> match_topics([[0.9, 0.1, 0.0], [0.0, 0.1, 0.9]], [[0.0, 0.2, 0.8], [0.8, 0.2, 0.0]]).tolist()
    [1, 0]
    """
    a, b = np.asarray(reference, dtype=np.float64), np.asarray(other, dtype=np.float64)
    if a.ndim != 2 or a.shape != b.shape:
        raise ParameterError(f"topic-word matrices: expected two of one shape (k, n_terms), got {a.shape} and {b.shape}.")
    rows, cols = linear_sum_assignment(-_cosine(a, b))
    order = np.empty(a.shape[0], dtype=np.int64)
    order[rows] = cols
    return order


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

    See Also
    --------
    TopicModelSelection : Scores every (model, k) by this stability.
    npmi_coherence, topic_diversity : The other quality measures.

    References
    ----------
    .. [1] Greene, D., O'Callaghan, D. and Cunningham, P. (2014). How many
       topics? Stability analysis for topic models. *Machine Learning and
       Knowledge Discovery in Databases (ECML PKDD)*, LNCS 8724, 498-513.
    .. [2] Kuhn, H. W. (1955). The Hungarian method for the assignment problem.
       *Naval Research Logistics Quarterly*, 2, 83-97.

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
