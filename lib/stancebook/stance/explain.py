"""What each cluster means: the terms it over-uses and the sentences most typical of it."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import sparse

from stancebook.checks import require_columns
from stancebook.errors import DataTooSmallWarning, ParameterError
from stancebook.stance._shared import DECIMALS, labels_series
from stancebook.stance.polarity import polarity_column
from stancebook.stats import log_likelihood_g2

__all__ = ["KEYWORD_COLUMNS", "TYPICAL_COLUMNS", "cluster_keywords", "typical_sentences"]

KEYWORD_COLUMNS = ["cluster", "rank", "term", "g2", "count_cluster", "count_rest"]
TYPICAL_COLUMNS = ["cluster", "rank", "unit_id", "sentence", "text", "distance"]
_KEYWORD_DTYPES = {"cluster": "int64", "rank": "int64", "term": "str", "g2": "float64", "count_cluster": "int64",
                   "count_rest": "int64"}
_TYPICAL_DTYPES = {"cluster": "int64", "rank": "int64", "unit_id": "str", "sentence": "int64", "text": "str",
                   "distance": "float64", "holder": "str"}


def _cluster_terms(c, in_c: np.ndarray, sub, grand: np.ndarray, terms: np.ndarray, n: int) -> pd.DataFrame | None:
    """The ``n`` terms cluster ``c`` over-uses most, by G2 (None when it over-uses none)."""
    total = grand.sum()
    a = np.asarray(sub[in_c].sum(axis=0)).ravel().astype(float)
    b = grand - a
    size_c = a.sum()
    size_r = total - size_c
    if size_c == 0 or size_r == 0:
        return None
    g2 = log_likelihood_g2(a, b, size_c - a, size_r - b)
    over = (a / size_c > b / size_r) & (a > 0)
    idx = np.flatnonzero(over)
    if len(idx) == 0:
        return None
    g = np.round(g2[idx], DECIMALS)
    order = np.lexsort((terms[idx].astype(str), -g))[:n]
    chosen = idx[order]
    return pd.DataFrame({
        "cluster": c, "rank": np.arange(1, len(chosen) + 1), "term": terms[chosen],
        "g2": g[order], "count_cluster": a[chosen].astype(np.int64), "count_rest": b[chosen].astype(np.int64),
    })


def cluster_keywords(dtm_matrix, terms, dtm_unit_ids, labels, *, n: int = 8) -> pd.DataFrame:
    """List the terms each cluster over-uses compared with the other clusters.

    Keyness is Dunning's log-likelihood G2 [1]_ of the 2 × 2 table (this
    term / all other terms × the cluster's units / the units of all other
    clusters), as in quanteda's ``textstat_keyness(measure = "lr")`` without
    a continuity correction.

    Parameters
    ----------
    dtm_matrix : scipy.sparse matrix of shape (n_units, n_terms)
        Term counts (``Dtm.matrix``).
    terms : sequence of str
        Column names (``Dtm.terms``).
    dtm_unit_ids : sequence of str
        Row names (``Dtm.unit_ids``).
    labels : pandas.Series
        Cluster of each unit, indexed by unit id. Units of the DTM without a
        label are left out of both sides.
    n : int, default 8
        Terms per cluster.

    Returns
    -------
    pandas.DataFrame
        ``cluster, rank, term, g2, count_cluster, count_rest``: for each
        cluster the ``n`` over-used terms (relative frequency higher in the
        cluster than in the rest) with the highest G2, ties broken by term.
        Empty, with a :class:`DataTooSmallWarning`, when there is only one cluster.

    References
    ----------
    .. [1] Dunning, T. (1993). Accurate methods for the statistics of surprise
       and coincidence. *Computational Linguistics* 19(1), 61-74.

    See Also
    --------
    typical_sentences : the quotes of each cluster.

    Examples
    --------
    >>> m = sparse.csr_matrix(np.array([[3, 0], [0, 3]]))
    >>> cluster_keywords(m, ["peace", "war"], ["a", "b"], pd.Series([1, 2], index=["a", "b"]), n=1)["term"].tolist()
    ['peace', 'war']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"`n` must be a positive integer (terms per cluster), got {n!r}.")
    empty = pd.DataFrame({c: pd.Series([], dtype=t) for c, t in _KEYWORD_DTYPES.items()})
    matrix = sparse.csr_matrix(dtm_matrix)
    terms = np.asarray([str(t) for t in terms], dtype=object)
    row_ids = [str(u) for u in dtm_unit_ids]
    if matrix.shape != (len(row_ids), len(terms)):
        raise ParameterError(
            f"The DTM matrix has shape {matrix.shape} but there are {len(row_ids)} unit ids and "
            f"{len(terms)} terms; pass `Dtm.matrix`, `Dtm.terms` and `Dtm.unit_ids` of the same DTM."
        )
    row_labels = pd.Series(row_ids).map(labels_series(labels).dropna())
    keep = row_labels.notna().to_numpy()
    clusters = sorted(pd.unique(row_labels[keep]).tolist())
    if len(clusters) < 2:
        warnings.warn("Keywords need at least two clusters to compare; none were computed.",
                      DataTooSmallWarning, stacklevel=2)
        return empty
    sub = matrix[np.flatnonzero(keep)]
    sub_labels = row_labels[keep].to_numpy()
    grand = np.asarray(sub.sum(axis=0)).ravel().astype(float)
    frames = [f for c in clusters
              if (f := _cluster_terms(c, np.flatnonzero(sub_labels == c), sub, grand, terms, n)) is not None]
    if not frames:
        return empty
    return pd.concat(frames, ignore_index=True).astype(_KEYWORD_DTYPES)


def _most_evaluative(triples: pd.DataFrame, column: str, by: str) -> pd.DataFrame:
    """Per id (``by``), its triple with the largest absolute polarity (ties: earliest sentence)."""
    t = triples.dropna(subset=[column])
    t = t.assign(unit_id=t["unit_id"].astype(str), _key=t[by].astype(str), _abs=t[column].abs())
    t = t.sort_values(["_key", "_abs", "unit_id", "sentence"], ascending=[True, False, True, True], kind="stable")
    return t.drop_duplicates("_key").set_index("_key")


def _cluster_quotes(c, X, ids, row_labels, best, sentence_text: dict, n: int, by: str) -> list[dict]:
    """The ``n`` ids of cluster ``c`` nearest its centre that have a quote, each with its quote."""
    members = np.flatnonzero(row_labels == c)
    centre = X[members].mean(axis=0)
    dist = np.round(np.linalg.norm(X[members] - centre, axis=1), DECIMALS)
    order = members[np.argsort(dist, kind="stable")]
    dist_of = dict(zip(members.tolist(), dist.tolist()))
    rows = []
    for i in order:
        key = ids[i]
        if key not in best.index:
            continue
        row = best.loc[key]
        uid, k = str(row["unit_id"]), int(row["sentence"])
        entry = {"cluster": c, "rank": len(rows) + 1, "unit_id": uid, "sentence": k,
                 "text": sentence_text.get((uid, k), str(row["context"])), "distance": dist_of[i]}
        if by == "holder":
            entry["holder"] = key
        rows.append(entry)
        if len(rows) == n:
            break
    return rows


def typical_sentences(X, ids, labels, triples: pd.DataFrame, *, n: int = 3,
                      sentences: pd.DataFrame | None = None, by: str = "unit_id",
                      source: str = "lexicon") -> pd.DataFrame:
    """Quote the units (or holders) nearest each cluster's centre.

    Parameters
    ----------
    X : array-like of shape (n_rows, d)
        The features the clusters were fitted on.
    ids : sequence of str
        Row ids of ``X``: unit ids, or holders when ``by="holder"``.
    labels : pandas.Series or sequence
        Cluster of each id: a Series indexed by id, or a list aligned with ``ids``.
        Rows with label -1 (HDBSCAN noise) are not quoted.
    triples : pandas.DataFrame
        Output of :func:`~stancebook.stance.stance_triples`; only ids with at
        least one triple are quoted.
    n : int, default 3
        Ids quoted per cluster.
    sentences : pandas.DataFrame, optional
        Sentence table; when given, ``text`` is the full sentence rather
        than the triple's scored context (which is a word window when
        ``context="window"``).
    by : {"unit_id", "holder"}, default "unit_id"
        The triples column the ids refer to.
    source : str, default "lexicon"
        Polarity source used to pick each id's most evaluative sentence.

    Returns
    -------
    pandas.DataFrame
        ``cluster, rank, unit_id, sentence, text, distance`` (plus
        ``holder`` when ``by="holder"``): per cluster, the ``n`` ids with the
        smallest distance to the cluster mean (ties by row order), each with
        its most strongly evaluative sentence that mentions a target (the
        largest absolute polarity; ties → earliest sentence).

    See Also
    --------
    cluster_keywords : the terms of each cluster.

    Examples
    --------
    >>> triples = pd.DataFrame({"unit_id": ["a"], "sentence": [1], "target": ["russia"],
    ...                         "polarity_lexicon": [0.4], "context": ["We support Moscow."]})
    >>> typical_sentences(np.array([[1.0]]), ["a"], [1], triples)["text"].tolist()
    ['We support Moscow.']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"`n` must be a positive integer (units per cluster), got {n!r}.")
    if by not in ("unit_id", "holder"):
        raise ParameterError(f"`by` must be 'unit_id' or 'holder', got {by!r}.")
    column = polarity_column(source)
    X = np.asarray(X, dtype=float)
    ids = [str(i) for i in ids]
    if X.ndim != 2 or X.shape[0] != len(ids):
        raise ParameterError(f"`X` must have one row per id: {X.shape} for {len(ids)} ids.")
    row_labels = pd.Series(ids).map(labels_series(labels, ids)).to_numpy()
    columns = TYPICAL_COLUMNS + (["holder"] if by == "holder" else [])
    empty = pd.DataFrame({c: pd.Series([], dtype=_TYPICAL_DTYPES[c]) for c in columns})
    if len(triples):
        require_columns(triples, ["unit_id", "sentence", column, "context", by], "triples")
    if len(triples) == 0 or triples[column].notna().sum() == 0:
        return empty
    best = _most_evaluative(triples, column, by)
    sentence_text: dict[tuple[str, int], str] = {}
    if sentences is not None:
        require_columns(sentences, ["unit_id", "sentence", "text"], "sentences")
        sentence_text = {(str(u), int(k)): str(x) for u, k, x in
                         zip(sentences["unit_id"], sentences["sentence"], sentences["text"])}
    clusters = [c for c in sorted(pd.unique(row_labels[pd.notna(row_labels)]).tolist()) if c != -1]
    rows = [row for c in clusters for row in _cluster_quotes(c, X, ids, row_labels, best, sentence_text, n, by)]
    if not rows:
        return empty
    return pd.DataFrame(rows, columns=columns).astype({c: _TYPICAL_DTYPES[c] for c in columns})
