"""Reading the DTM: the most frequent terms, and the terms key to a group of units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from stancebook.artefacts import Dtm
from stancebook.checks import check_int
from stancebook.errors import ParameterError
from stancebook.stats import log_likelihood_g2

__all__ = ["keyness", "keyness_group", "top_terms"]


def top_terms(dtm: Dtm, *, n: int = 20) -> pd.DataFrame:
    """The most frequent terms of a DTM.

    Parameters
    ----------
    dtm : Dtm
    n : int, default 20

    Returns
    -------
    pandas.DataFrame
        Columns ``term, count, doc_freq`` (units containing the term), sorted
        by count descending, then term.

    See Also
    --------
    stancebook.tokenise.plot_top_terms : draws this table.
    keyness : terms over- and under-used by some units.

    Examples
    --------
    >>> dtm = Dtm(sp.csr_matrix([[1, 1], [0, 1]]), np.array(["peace", "war"]), np.array(["a", "b"]))
    >>> top_terms(dtm, n=1).values.tolist()
    [['war', 2, 2]]
    """
    n = check_int(n, "n")
    matrix = sp.csr_matrix(dtm.matrix)
    table = pd.DataFrame({
        "term": pd.array(np.asarray(dtm.terms, dtype=str), dtype="str"),
        "count": np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64),
        "doc_freq": np.diff(matrix.tocsc().indptr).astype(np.int64),
    })
    table = table.sort_values(["count", "term"], ascending=[False, True], kind="stable")
    return table.head(n).reset_index(drop=True)


def _boolean_mask(mask) -> np.ndarray:
    series = pd.Series(mask) if not isinstance(mask, pd.Series) else mask
    if series.isna().any() or not (pd.api.types.is_bool_dtype(series.dtype) or series.map(type).eq(bool).all()):
        return np.asarray(mask)  # reported as not boolean by the caller
    return series.to_numpy(dtype=bool)


def keyness(dtm: Dtm, mask, *, n: int = 20) -> pd.DataFrame:
    """Terms over- and under-used by the units in ``mask`` against the rest.

    Parameters
    ----------
    dtm : Dtm
    mask : array-like of bool
        One flag per DTM row: True for the target units.
    n : int, default 20
        Return up to ``n`` over-used and up to ``n`` under-used terms.

    Returns
    -------
    pandas.DataFrame
        Columns ``term, count_target, count_reference, g2, log_ratio``.
        ``g2`` is Dunning's log-likelihood, signed positive for over-use in
        the target; ``log_ratio`` is log2 of the ratio of relative
        frequencies (a zero count counts as 0.5). Sorted by signed ``g2``
        descending (over-use first), then term.

    See Also
    --------
    keyness_group : the units that mention a target, as a mask.
    stancebook.tokenise.plot_keyness : draws this table.

    References
    ----------
    .. [1] Dunning, T. (1993). Accurate methods for the statistics of surprise
       and coincidence. *Computational Linguistics*, 19(1), 61-74.
    .. [2] Rayson, P., & Garside, R. (2000). Comparing corpora using frequency
       profiling. *Proceedings of the Workshop on Comparing Corpora*, 1-6.

    Examples
    --------
    >>> dtm = Dtm(sp.csr_matrix([[2, 0, 0], [0, 1, 1]]), np.array(["war", "peace", "trade"]), np.array(["a", "b"]))
    >>> keyness(dtm, [True, False])["term"].tolist()[0]
    'war'
    """
    n = check_int(n, "n")
    mask = _boolean_mask(mask)
    n_rows = dtm.matrix.shape[0]
    if mask.shape != (n_rows,) or mask.dtype != bool:
        raise ParameterError(f"mask must be {n_rows} booleans, one per DTM row; got shape {mask.shape} "
                             f"of {mask.dtype}.")
    if mask.all() or not mask.any():
        raise ParameterError("mask must select some units but not all: keyness compares the selected units "
                             "with the rest.")
    matrix = sp.csr_matrix(dtm.matrix)
    target = np.asarray(matrix[mask].sum(axis=0)).ravel().astype(np.int64)
    reference = np.asarray(matrix[~mask].sum(axis=0)).ravel().astype(np.int64)
    total_t, total_r = max(target.sum(), 1), max(reference.sum(), 1)
    g2 = log_likelihood_g2(target, reference, total_t - target, total_r - reference)
    rate_t = np.where(target > 0, target, 0.5) / total_t
    rate_r = np.where(reference > 0, reference, 0.5) / total_r
    signed = np.where(target / total_t >= reference / total_r, g2, -g2)
    table = pd.DataFrame({
        "term": pd.array(np.asarray(dtm.terms, dtype=str), dtype="str"),
        "count_target": target,
        "count_reference": reference,
        "g2": signed,
        "log_ratio": np.log2(rate_t / rate_r),
    })
    table = table.loc[(table["count_target"] + table["count_reference"]) > 0]
    over = table.loc[table["g2"] > 0].sort_values(["g2", "term"], ascending=[False, True], kind="stable").head(n)
    under = table.loc[table["g2"] < 0].sort_values(["g2", "term"], ascending=[True, True], kind="stable").head(n)
    out = pd.concat([over, under]).sort_values(["g2", "term"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def keyness_group(unit_ids, mentions: pd.DataFrame, counts: pd.DataFrame, *, target: str = "",
                  min_share: float = 0.1) -> tuple[str, np.ndarray]:
    """The units to contrast in a keyness figure: those that mention a target.

    Parameters
    ----------
    unit_ids : array-like of str
        All units, in DTM row order.
    mentions : pandas.DataFrame
        The mentions table (``unit_id``, ``target``).
    counts : pandas.DataFrame
        From :func:`~stancebook.tokenise.mention_counts` (most mentioned first).
    target : str
        The target asked for; empty takes the most mentioned target whose
        smaller side (its units, or the rest) holds at least ``min_share`` of
        the units: a target (almost) every speech names, such as the UN in
        the General Debate (2,129 of 2,132 speeches of 2014-2024), contrasts
        a handful of units with the corpus and says nothing about the
        target. When no target reaches ``min_share``, the one with the
        largest smaller side.
    min_share : float, default 0.1
        The smallest share of the units either side of a default contrast.

    Returns
    -------
    (str, numpy.ndarray of bool)
        The target and the mask of its units; ``("", all False)`` when no
        target splits the corpus.

    See Also
    --------
    keyness : the terms key to the group.

    Examples
    --------
    >>> m = pd.DataFrame({"unit_id": ["a", "b", "a"], "target": ["un", "un", "russia"]})
    >>> c = pd.DataFrame({"target": ["un", "russia"]})
    >>> keyness_group(["a", "b"], m, c)
    ('russia', array([ True, False]))
    """
    unit_ids = pd.Index([str(u) for u in unit_ids])
    # One set of units per target; np.isin on pandas' string arrays (object dtype) is quadratic.
    units_of = {str(t): set(map(str, ids)) for t, ids in mentions.groupby("target", sort=False)["unit_id"]}
    candidates = [target] if target else [str(t) for t in counts["target"]]
    best, best_side = "", 0
    for candidate in candidates:
        mask = unit_ids.isin(units_of.get(candidate, set()))
        side = min(int(mask.sum()), int((~mask).sum()))
        if side and (target or side >= min_share * len(unit_ids)):
            return candidate, mask
        if side > best_side:  # no target balanced enough yet: remember the least lopsided one
            best, best_side = candidate, side
    if best:
        return best, unit_ids.isin(units_of[best])
    return "", np.zeros(len(unit_ids), dtype=bool)
