"""Stance features of units and holders, with missingness made explicit.

Not mentioned is missing, not neutral: for each target a feature matrix has
an indicator ``mentioned:<target>`` and the polarity ``polarity:<target>``,
the polarity filled with 0 where the indicator is 0, so a clustering tells
silence from a neutral mention.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.checks import require_columns
from stancebook.stance._shared import DECIMALS, target_list
from stancebook.stance.polarity import polarity_column
from stancebook.stance.profiles import profile_matrix

MISSING = ("shrink", "indicator")
CENTRES = ("holder", "none")

__all__ = ["CENTRES", "MISSING", "centre_holders", "feature_names", "holder_stance_features", "shrink_cells",
           "shrunk_holder_features", "profile_features", "unit_polarity_matrix",
           "unit_stance_features"]


def feature_names(targets: list[str]) -> list[str]:
    """``mentioned:<t>, polarity:<t>`` for each target, in order.

    Examples
    --------
    >>> feature_names(["russia"])
    ['mentioned:russia', 'polarity:russia']
    """
    names = []
    for t in targets:
        names += [f"mentioned:{t}", f"polarity:{t}"]
    return names


def unit_stance_features(triples: pd.DataFrame, unit_ids, targets, *,
                         source: str = "lexicon") -> tuple[np.ndarray, list[str]]:
    """Build a unit × feature matrix of stance with explicit missingness.

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`~stancebook.stance.stance_triples`.
    unit_ids : sequence of str
        Row order of the matrix.
    targets : list of str
        Target ids; triples about other targets are ignored.
    source : str, default "lexicon"
        Polarity source (a name of :data:`stancebook.stance.polarity.SOURCES`).

    Returns
    -------
    X : numpy.ndarray of shape (len(unit_ids), 2 * len(targets))
        For each target two columns: ``mentioned:<t>`` (1 when the unit has
        a polarity toward the target from this source, else 0) and
        ``polarity:<t>`` (mean polarity of the unit's sentences about the
        target; 0 when missing). The 0 stands in for a missing value: the
        indicator column is what tells "not mentioned" from "mentioned
        neutrally", so a clustering sees silence and neutrality as different.
    column_names : list of str

    See Also
    --------
    profile_features : the holder-level counterpart.

    Examples
    --------
    >>> triples = pd.DataFrame({"unit_id": ["a"], "target": ["russia"], "polarity_lexicon": [0.4]})
    >>> X, names = unit_stance_features(triples, ["a", "b"], ["russia"])
    >>> X.tolist(), names
    ([[1.0, 0.4], [0.0, 0.0]], ['mentioned:russia', 'polarity:russia'])
    """
    column = polarity_column(source)
    target_ids = target_list(targets)
    ids = [str(u) for u in unit_ids]
    X = np.zeros((len(ids), 2 * len(target_ids)), dtype=float)
    if len(triples):
        require_columns(triples, ["unit_id", "target", column], "triples")
        t = triples.assign(unit_id=triples["unit_id"].astype(str), target=triples["target"].astype(str))
        means = t.dropna(subset=[column]).groupby(["unit_id", "target"], sort=False)[column].mean()
        row = {u: i for i, u in enumerate(ids)}
        col = {tg: j for j, tg in enumerate(target_ids)}
        for (u, tg), value in means.items():
            if u in row and tg in col:
                X[row[u], 2 * col[tg]] = 1.0
                X[row[u], 2 * col[tg] + 1] = round(float(value), DECIMALS)
    return X, feature_names(target_ids)


def profile_features(profiles: pd.DataFrame, *, source: str = "lexicon") -> tuple[np.ndarray, list[str], list[str]]:
    """Build a holder × feature matrix from a profile table.

    The holder-level counterpart of :func:`unit_stance_features`: for each
    target ``mentioned:<t>`` (the profile has a polarity from this source)
    and ``polarity:<t>`` (that polarity, 0 when missing — the indicator
    carries the missingness).

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`~stancebook.stance.stance_profiles`.
    source : str, default "lexicon"
        Polarity source.

    Returns
    -------
    X : numpy.ndarray of shape (n_holders, 2 * n_targets)
    column_names : list of str
    holders : list of str
        Row order of ``X``.

    See Also
    --------
    holder_stance_features : the same in a given row and column order.

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "b"], "target": ["x", "x"], "polarity_lexicon": [0.5, np.nan]})
    >>> profile_features(p)[0].tolist()
    [[1.0, 0.5], [0.0, 0.0]]
    """
    column = polarity_column(source)
    require_columns(profiles, ["holder", "target", column], "profiles")
    polarity = profile_matrix(profiles, column)
    mentioned = polarity.notna().to_numpy()
    targets = [str(t) for t in polarity.columns]
    X = np.zeros((len(polarity), 2 * len(targets)), dtype=float)
    X[:, 0::2] = mentioned.astype(float)
    X[:, 1::2] = np.where(mentioned, polarity.fillna(0.0).to_numpy(dtype=float), 0.0)
    return X, feature_names(targets), [str(h) for h in polarity.index]


def holder_stance_features(profiles: pd.DataFrame, holders, targets, *,
                           source: str = "lexicon") -> tuple[np.ndarray, list[str]]:
    """Build a holder × feature matrix in a given row and column order.

    Same encoding as :func:`profile_features`, one row per holder.

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`~stancebook.stance.stance_profiles`.
    holders : sequence of str
        Row order; holders absent from ``profiles`` get all-zero rows.
    targets : list of str
        Column order.
    source : str, default "lexicon"
        Polarity source.

    Returns
    -------
    X : numpy.ndarray of shape (len(holders), 2 * len(targets))
    column_names : list of str

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "b"], "target": ["x", "x"], "polarity_lexicon": [0.5, np.nan]})
    >>> holder_stance_features(p, ["b", "a"], ["x"])[0].tolist()
    [[0.0, 0.0], [1.0, 0.5]]
    """
    target_ids = target_list(targets)
    X, names_in, rows = profile_features(profiles, source=source)
    position = {h: i for i, h in enumerate(rows)}
    column = {name: j for j, name in enumerate(names_in)}
    names = feature_names(target_ids)
    out = np.zeros((len(holders), len(names)), dtype=float)
    for i, holder in enumerate(str(h) for h in holders):
        if holder not in position:
            continue
        for j, name in enumerate(names):
            if name in column:
                out[i, j] = X[position[holder], column[name]]
    return out, names


def unit_polarity_matrix(triples: pd.DataFrame, unit_ids, targets, *, source: str = "lexicon") -> pd.DataFrame:
    """Mean polarity of each unit toward each target, NaN where the unit is silent.

    The unit-level counterpart of :func:`~stancebook.stance.profile_matrix`,
    ready for :func:`~stancebook.stance.plots.plot_profile_heatmap`.

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`~stancebook.stance.stance_triples`.
    unit_ids : sequence of str
        Row order.
    targets : list of str
        Column order.
    source : str, default "lexicon"
        Polarity source.

    Returns
    -------
    pandas.DataFrame
        Index ``unit_id``, columns ``target``; values rounded to 6 decimals.

    Examples
    --------
    >>> t = pd.DataFrame({"unit_id": ["a"], "target": ["x"], "polarity_lexicon": [0.5]})
    >>> unit_polarity_matrix(t, ["a", "b"], ["x"])["x"].tolist()
    [0.5, nan]
    """
    column = polarity_column(source)
    target_ids = target_list(targets)
    ids = [str(u) for u in unit_ids]
    if len(triples):
        require_columns(triples, ["unit_id", "target", column], "triples")
        t = triples.assign(unit_id=triples["unit_id"].astype(str), target=triples["target"].astype(str))
        means = t.groupby(["unit_id", "target"])[column].mean().unstack("target")
    else:
        means = pd.DataFrame()
    matrix = means.reindex(index=ids, columns=target_ids).astype(float).round(DECIMALS)
    matrix.index.name = "unit_id"
    matrix.columns.name = "target"
    return matrix


def shrunk_holder_features(profiles: pd.DataFrame, holders, targets, *, source: str = "stance",
                           prior_sentences: float = 3.0) -> tuple[np.ndarray, list[str]]:
    """Holder x target positions where what a holder rarely or never says counts for little.

    Each cell is shrunk toward the target's mean over the holders who mention
    it, by the weight ``n / (n + prior_sentences)`` of its ``n`` sentences: a
    never-mentioned target sits at the mean (it adds no distance between
    holders), a target mentioned once moves a quarter of the way, a target
    discussed at length keeps its own value. Unlike missingness indicators
    (:func:`holder_stance_features`), which target a holder mentions cannot
    then dominate the distances; only what it says about them can.

    Parameters
    ----------
    profiles : pandas.DataFrame
        Long profiles (``holder, target, n_sentences, polarity_<source>``).
    holders, targets : sequence of str
        Row and column order.
    source : str, default "stance"
    prior_sentences : float, default 3.0
        Sentences' worth of weight the target mean has.

    Returns
    -------
    X : numpy.ndarray of shape (len(holders), len(targets))
    column_names : list of str
        ``polarity:<t>``.

    References
    ----------
    .. [1] Efron, B., & Morris, C. (1975). Data analysis using Stein's estimator and its
       generalizations. Journal of the American Statistical Association, 70(350), 311-319.

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "b", "c"], "target": ["x", "x", "x"], "n_sentences": [9, 1, 0],
    ...                   "polarity_stance": [1.0, -1.0, np.nan]})
    >>> shrunk_holder_features(p, ["a", "b", "c"], ["x"])[0].round(2).ravel().tolist()
    [0.75, -0.25, 0.0]
    """
    column = polarity_column(source)
    require_columns(profiles, ["holder", "target", "n_sentences", column], "profiles")
    target_ids = target_list(targets)
    values = profiles.pivot_table(index="holder", columns="target", values=column, aggfunc="first")
    counts = profiles.pivot_table(index="holder", columns="target", values="n_sentences", aggfunc="first")
    values = values.reindex(index=[str(h) for h in holders], columns=target_ids)
    counts = counts.reindex(index=values.index, columns=target_ids).fillna(0.0)
    X = shrink_cells(values.to_numpy(dtype=float), counts.to_numpy(dtype=float), prior_sentences=prior_sentences)
    return X, [f"polarity:{t}" for t in target_ids]


def shrink_cells(values, counts, *, prior_sentences: float = 3.0) -> np.ndarray:
    """The shrinkage of :func:`shrunk_holder_features` on arrays, for one profile table or a stack of resampled ones.

    Parameters
    ----------
    values : array-like of shape (..., n_holders, n_targets)
        Mean polarity of each cell, NaN where the holder never mentions the target.
    counts : array-like of the same shape
        Sentences of each cell.
    prior_sentences : float, default 3.0

    Returns
    -------
    numpy.ndarray of the same shape

    Examples
    --------
    >>> shrink_cells(np.array([[1.0], [-1.0], [np.nan]]), np.array([[9], [1], [0]])).round(2).ravel().tolist()
    [0.75, -0.25, 0.0]
    """
    values = np.asarray(values, dtype=float)
    mentioned = ~np.isnan(values)
    filled = np.where(mentioned, values, 0.0)
    n = np.where(mentioned, np.asarray(counts, dtype=float), 0.0)
    holders_mentioning = mentioned.sum(axis=-2, keepdims=True)
    mean = np.divide(filled.sum(axis=-2, keepdims=True), holders_mentioning,
                     out=np.zeros(holders_mentioning.shape), where=holders_mentioning > 0)
    weight = n / (n + prior_sentences)
    return weight * filled + (1 - weight) * mean


def centre_holders(X, *, columns=None) -> np.ndarray:
    """Each holder's positions minus its own mean over the targets: who it is warmer toward, not its overall tone.

    Holders differ in register as much as in position (some speeches
    praise everyone, others find fault everywhere); that tone is one shared
    direction of every holder's row and, left in, it is the first axis of a
    holder map. Centring each row keeps only where a holder stands toward
    one target relative to the others, as ipsative scoring does for
    response styles in surveys.

    Parameters
    ----------
    X : array-like of shape (..., n_holders, n_features)
        One feature matrix, or a stack of them (the map's resamples).
    columns : sequence of int, optional
        The columns that are positions (the mean is taken over these and
        subtracted from them only); default all.

    Returns
    -------
    numpy.ndarray

    References
    ----------
    .. [1] Cattell, R. B. (1944). Psychological measurement: normative, ipsative,
       interactive. *Psychological Review* 51(5), 292-303.
    .. [2] Baumgartner, H. and Steenkamp, J.-B. E. M. (2001). Response styles in marketing
       research: a cross-national investigation. *Journal of Marketing Research* 38(2), 143-156.

    Examples
    --------
    >>> centre_holders(np.array([[0.9, 0.5], [-0.1, -0.5]])).tolist()
    [[0.2, -0.2], [0.2, -0.2]]
    """
    X = np.array(X, dtype=float)
    picked = list(range(X.shape[-1])) if columns is None else list(columns)
    if X.size and picked:
        X[..., picked] -= X[..., picked].mean(axis=-1, keepdims=True)
    return np.round(X, 12) + 0.0
