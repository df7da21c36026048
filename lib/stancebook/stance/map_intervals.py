"""How firmly the speeches place each holder on the holder map: bootstrap intervals of its map position.

A holder's place on the map is an estimate from the few speeches it gave. A
holder that speaks at length about the targets that separate the blocs is
placed firmly; one that names them once in six years sits near the middle
because the shrinkage holds it there, not because it stands there. The
intervals below tell the two apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.errors import ParameterError
from stancebook.progress import bar
from stancebook.stance._shared import DECIMALS, target_list
from stancebook.stance.features import CENTRES, MISSING, centre_holders, shrink_cells
from stancebook.stance.maps import project
from stancebook.stance.polarity import polarity_column
from stancebook.stance.profiles import _profile_input

__all__ = ["MAP_POSITION_COLUMNS", "cell_features", "holder_map_intervals", "open_sides"]

MAP_POSITION_COLUMNS = ("holder", "axis1", "axis1_low", "axis1_high", "axis1_share_negative",
                        "axis2", "axis2_low", "axis2_high", "resampled", "n_resampled")
_LEVEL = 0.95


def cell_features(values, counts, *, missing: str = "shrink", centre: str = "holder",
                  prior_sentences: float = 3.0) -> np.ndarray:
    """Holder features from profile cells, for one profile table or a stack of resampled ones.

    The array form of :func:`~stancebook.stance.features.shrunk_holder_features`
    (``missing="shrink"``) and :func:`~stancebook.stance.features.holder_stance_features`
    (``missing="indicator"``), followed by
    :func:`~stancebook.stance.features.centre_holders` when ``centre="holder"``.

    Parameters
    ----------
    values, counts, prior_sentences
        As in :func:`~stancebook.stance.features.shrink_cells` (NaN values: never mentioned).
    missing : {"shrink", "indicator"}, default "shrink"
    centre : {"holder", "none"}, default "holder"

    Returns
    -------
    numpy.ndarray of shape (..., n_holders, n_features)
        ``n_features`` is ``n_targets`` for "shrink", ``2 * n_targets`` for
        "indicator" (``mentioned, polarity`` per target).

    Examples
    --------
    >>> cell_features(np.array([[1.0], [-1.0], [np.nan]]), np.array([[9], [1], [0]]), centre="none").round(2).ravel().tolist()
    [0.75, -0.25, 0.0]
    """
    if missing not in MISSING:
        raise ParameterError(f"`missing` must be one of {list(MISSING)}, got {missing!r}.")
    if centre not in CENTRES:
        raise ParameterError(f"`centre` must be one of {list(CENTRES)}, got {centre!r}.")
    values = np.asarray(values, dtype=float)
    if missing == "shrink":
        X = shrink_cells(values, counts, prior_sentences=prior_sentences)
        positions = None
    else:
        mentioned = ~np.isnan(values)
        X = np.empty(values.shape[:-1] + (2 * values.shape[-1],), dtype=float)
        X[..., 0::2] = mentioned
        X[..., 1::2] = np.where(mentioned, values, 0.0)
        positions = range(1, X.shape[-1], 2)
    return centre_holders(X, columns=positions) if centre == "holder" else X


def _cluster_sums(t: pd.DataFrame, column: str, target_ids: list[str], holders: list[str]):
    """Per resampled piece (a unit, or a sentence of a one-unit holder): sentences, scored sentences and sum, by target."""
    t = t[t["target"].isin(target_ids) & t["holder"].isin(holders)]
    units_per_holder = t.groupby("holder")["unit_id"].nunique()
    by_units = t["holder"].map(units_per_holder).to_numpy() >= 2
    piece = np.where(by_units, t["unit_id"].to_numpy(dtype=object),
                     t["unit_id"].astype(str).to_numpy(dtype=object) + "\x1f" + t["sentence"].astype(str).to_numpy(dtype=object))
    keys = pd.MultiIndex.from_arrays([t["holder"].to_numpy(), piece])
    codes, uniques = pd.factorize(keys)
    column_of = {tg: j for j, tg in enumerate(target_ids)}
    cols = t["target"].map(column_of).to_numpy()
    value = t[column].to_numpy(dtype=float)
    scored = ~np.isnan(value)
    n_targets = len(target_ids)
    sums = np.zeros((len(uniques), 3 * n_targets))
    np.add.at(sums, (codes, cols), 1.0)
    np.add.at(sums, (codes[scored], n_targets + cols[scored]), 1.0)
    np.add.at(sums, (codes[scored], 2 * n_targets + cols[scored]), value[scored])
    piece_holder = np.array([h for h, _ in uniques], dtype=object) if len(uniques) else np.array([], dtype=object)
    kind = {h: ("units" if units_per_holder.get(h, 0) >= 2 else "sentences") for h in holders}
    return sums, piece_holder, kind


def holder_map_intervals(triples: pd.DataFrame, units: pd.DataFrame, holders, targets, *, coords, centre_point,
                         loadings, holder_column: str = "", source: str = "stance", missing: str = "shrink",
                         centre: str = "holder", prior_sentences: float = 3.0, n_boot: int = 1000,
                         random_state: int = 0) -> pd.DataFrame:
    """Bootstrap intervals of each holder's position on the two axes of the holder map.

    Each resample redraws, for every holder at once, its units with
    replacement (its sentences when it has a single unit), rebuilds the
    profiles, the shrinkage means and the holder features exactly as the
    map does, and places every holder on the map's own axes (fixed: the
    interval is how far the holder moves on the axes drawn, not a
    refitted PCA). An interval that spans 0 on the first axis says the
    speeches do not settle which side of the map the holder is on.

    Parameters
    ----------
    triples : pandas.DataFrame
        Stance triples (``unit_id, sentence, target, polarity_<source>``; a
        ``holder`` column when reported actors hold stances); group rows are ignored.
    units : pandas.DataFrame
        The units table (the speakers).
    holders, targets : sequence of str
        The map's rows and targets, in the map's order.
    coords : array-like of shape (n_holders, 2)
        The map's positions (the point estimates reported).
    centre_point, loadings : numpy.ndarray
        The map's axes, from :func:`~stancebook.stance.maps.map_axes`.
    holder_column : str, default ""
        Metadata column naming the speaker.
    source, missing, centre, prior_sentences
        As the map was built (:func:`~stancebook.stance.workflow.cluster_holders`).
    n_boot : int, default 1000
        Resamples.
    random_state : int, default 0
        Seed.

    Returns
    -------
    pandas.DataFrame
        One row per holder, the columns of :data:`MAP_POSITION_COLUMNS`:
        the map position on each axis, its 95 % percentile interval, the
        share of resamples that put the holder below 0 on the first axis,
        what was resampled (``units``, ``sentences``, or ``none`` for a
        holder without a stance sentence, which sits at the targets' means
        and moves only with them) and how many. It covers how much
        the position depends on which speeches a holder happened to give,
        not errors of the stance source (see the validation) or the choice
        of targets.

    References
    ----------
    .. [1] Davison, A. C. and Hinkley, D. V. (1997). *Bootstrap Methods and their
       Application*. Cambridge University Press, sec. 3.8 (resampling clustered data).
    .. [2] Lowe, W. and Benoit, K. (2013). Validating estimates of latent traits from
       textual data using human judgment as a benchmark. *Political Analysis* 21(3), 298-313.
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ParameterError(f"`n_boot` must be a positive integer (bootstrap resamples), got {n_boot!r}.")
    holders = [str(h) for h in holders]
    target_ids = target_list(targets)
    coords = np.asarray(coords, dtype=float)
    column = polarity_column(source)
    n_h, n_t = len(holders), len(target_ids)
    stats = np.zeros((n_boot, n_h, 3 * n_t))
    kind = {h: "none" for h in holders}
    n_pieces = dict.fromkeys(holders, 0)
    if len(triples):
        t, _, _ = _profile_input(triples, units, holder_column)
        if "level" in t.columns:
            t = t[t["level"].astype(str) == "target"]
        sums, piece_holder, kind_of = _cluster_sums(t, column, target_ids, holders)
        kind.update({h: k for h, k in kind_of.items() if (piece_holder == h).any()})
        rng = np.random.default_rng(random_state)
        for i, holder in enumerate(bar(holders, desc="holder map intervals (holders)", unit="holder")):
            rows = np.flatnonzero(piece_holder == holder)
            m = len(rows)
            n_pieces[holder] = m
            if m == 0:
                continue
            draws = rng.integers(0, m, size=(n_boot, m))
            flat = (draws + np.arange(n_boot)[:, None] * m).ravel()
            weights = np.bincount(flat, minlength=n_boot * m).reshape(n_boot, m).astype(float)
            stats[:, i, :] = weights @ sums[rows]
    n_rows, n_scored, total = stats[..., :n_t], stats[..., n_t:2 * n_t], stats[..., 2 * n_t:]
    values = np.divide(total, n_scored, out=np.full_like(total, np.nan), where=n_scored > 0)
    features = cell_features(values, n_rows, missing=missing, centre=centre, prior_sentences=prior_sentences)
    positions = project(features, centre_point, loadings)  # (n_boot, n_holders, 2)
    alpha = (1 - _LEVEL) / 2
    low, high = np.quantile(positions, [alpha, 1 - alpha], axis=0)
    out = pd.DataFrame({
        "holder": holders,
        "axis1": coords[:, 0], "axis1_low": low[:, 0], "axis1_high": high[:, 0],
        "axis1_share_negative": (positions[..., 0] < 0).mean(axis=0),
        "axis2": coords[:, 1], "axis2_low": low[:, 1], "axis2_high": high[:, 1],
        "resampled": [kind[h] for h in holders], "n_resampled": [n_pieces[h] for h in holders],
    }, columns=list(MAP_POSITION_COLUMNS))
    floats = [c for c in MAP_POSITION_COLUMNS if c.startswith("axis")]
    return out.round({c: DECIMALS for c in floats})


def open_sides(positions: pd.DataFrame) -> pd.Series:
    """The holders whose first-axis interval spans 0: the speeches do not settle their side of the map.

    Examples
    --------
    >>> open_sides(pd.DataFrame({"holder": ["a", "b"], "axis1_low": [-0.2, 0.1], "axis1_high": [0.3, 0.4]})).tolist()
    ['a']
    """
    return positions.loc[(positions["axis1_low"] < 0) & (positions["axis1_high"] > 0), "holder"]
