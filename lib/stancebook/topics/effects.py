"""Covariate effects on topic prevalence, STM-style: shares regressed on time (a spline) and a group.

Each topic's unit shares are regressed by least squares on a cubic B-spline
of the time column and indicators of the group column (the first group in
sorted order is the reference): ``share ~ s(year) + group``, the
``prevalence = ~ s(year) + region`` of STM's ``estimateEffect``. The
uncertainty is the percentile bootstrap over units (resampled with
replacement, the regression refitted) and, when other fits of the topic
model are given, the topic model's own uncertainty by the method of
composition: each replicate takes the shares of one fit of the model (the
kept fit or one of its refits, topics aligned) before resampling the units,
so the bands hold both the sampling of units and the variation of the topics
themselves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import SplineTransformer

from stancebook.checks import check_int, require_columns
from stancebook.errors import ParameterError
from stancebook.topics._common import DECIMALS, check_unit_topic, informative

__all__ = ["topic_effects"]


def _design(time: np.ndarray, groups: np.ndarray, levels: list, spline: SplineTransformer) -> np.ndarray:
    """Spline basis of time (its columns sum to 1, so it carries the intercept) and group indicators."""
    basis = spline.transform(time.reshape(-1, 1))
    dummies = (groups[:, None] == np.asarray(levels[1:], dtype=object)[None, :]).astype(np.float64)
    return np.hstack([basis, dummies])


def topic_effects(unit_topic, unit_ids, metadata: pd.DataFrame, *, time: str = "year", group: str,
                  n_knots: int = 4, n_boot: int = 500, level: float = 0.95, n_points: int = 20,
                  random_state: int = 0, model_draws=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return expected topic shares over time per group, and group differences, with bootstrap intervals.

    Parameters
    ----------
    unit_topic : array-like, shape (n_units, k)
        Unit topic shares (rows sum to 1): those of the kept fit, which give
        the point estimates.
    unit_ids : array-like of str, shape (n_units,)
    metadata : pandas.DataFrame
        One row per unit: ``unit_id``, the ``time`` column (numeric) and the
        ``group`` column.
    time, group : str
        Column names: ``year`` and e.g. ``region``.
    n_knots : int, default 4
        Knots of the cubic spline of time (``n_knots + 2`` basis functions).
    n_boot : int, default 500
        Bootstrap replicates.
    level : float, default 0.95
        Coverage of the intervals.
    n_points : int, default 20
        Time points (evenly spaced over the observed range) of the expected shares.
    random_state : int, default 0
    model_draws : list of array-like, each shape (n_units, k), optional
        The same units' shares under other fits of the same topic model
        (e.g. :meth:`TopicModelSelection.refit_unit_topic
        <stancebook.topics.TopicModelSelection.refit_unit_topic>`), topics
        in the order of ``unit_topic``. With ``m`` draws, replicate ``b``
        uses the shares of fit ``b mod (m + 1)`` (fit 0 is ``unit_topic``)
        and resamples the units: the method of composition, so the
        intervals include the topic model's uncertainty. None: the units'
        resampling only, given ``unit_topic``.

    Returns
    -------
    expected : pandas.DataFrame
        ``topic, group, time, share, low, high``: the expected share of each
        topic at each time point in each group.
    differences : pandas.DataFrame
        ``topic, group, reference, difference, low, high``: each group's
        difference in expected share from the reference group (the same at
        every time in this additive model).

    Raises
    ------
    ParameterError
        A column is missing, the time column is not numeric, there are
        fewer than two groups or too few units for the model, or a draw
        does not have the shape of ``unit_topic``.

    Notes
    -----
    Every replicate's least squares fit is solved from its weighted normal
    equations (the resampled units as multiplicities, a pseudo-inverse when a
    group is missing from the resample, which gives the minimum-norm solution
    of least squares on the resampled rows), all replicates at once.

    References
    ----------
    .. [1] Roberts, M. E., Stewart, B. M. and Tingley, D. (2019). stm: An R
       package for structural topic models. *Journal of Statistical
       Software*, 91(2) (``estimateEffect``, its "Global" uncertainty).
    .. [2] Treier, S. and Jackman, S. (2008). Democracy as a latent variable.
       *American Journal of Political Science*, 52(1), 201-217 (the method
       of composition).
    .. [3] Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the
       Bootstrap*. Chapman & Hall, chapter 13 (percentile intervals).

    Examples
    --------
    >>> expected, differences = topic_effects(shares, ids, units, group="region")  # doctest: +SKIP
    """
    shares = np.asarray(unit_topic, dtype=np.float64)
    unit_ids = np.asarray(unit_ids, dtype=str)
    check_unit_topic(shares, unit_ids)
    draws = _check_draws(model_draws, shares)
    n_boot = check_int(n_boot, "n_boot", minimum=10)
    require_columns(metadata, ["unit_id", time, group], "metadata", error=ParameterError,
                    hint=f"Pass the units table with the '{time}' and '{group}' columns.")
    meta = metadata.assign(unit_id=metadata["unit_id"].astype(str)).set_index("unit_id").reindex(unit_ids)
    times = pd.to_numeric(meta[time], errors="coerce").to_numpy(np.float64)
    groups = meta[group].to_numpy(dtype=object)
    rows = informative(shares) & ~np.isnan(times) & pd.notna(groups)
    shares, times, groups = shares[rows], times[rows], groups[rows]
    draws = [d[rows] for d in draws]
    levels = sorted({str(g) for g in groups})
    groups = groups.astype(str)
    n_basis = n_knots + 2
    if len(levels) < 2 or rows.sum() < 2 * (n_basis + len(levels)):
        raise ParameterError(
            f"topic effects by '{time}' and '{group}': need at least two groups and "
            f"{2 * (n_basis + len(levels))} units with shares, got {len(levels)} group(s) and {int(rows.sum())} units."
        )
    spline = SplineTransformer(n_knots=n_knots, degree=3, knots="quantile").fit(times.reshape(-1, 1))
    grid = np.linspace(times.min(), times.max(), n_points)
    # Rows to predict: every grid time in every group; and one contrast row per non-reference group.
    pred_time = np.tile(grid, len(levels))
    pred_group = np.repeat(np.asarray(levels, dtype=object), n_points)
    X_pred = _design(pred_time, pred_group, levels, spline)
    X = _design(times, groups, levels, spline)

    coef, *_ = np.linalg.lstsq(X, shares, rcond=None)
    point, effect = X_pred @ coef, coef[n_basis:]  # predictions (n_pred, k) and group effects (n_groups - 1, k)
    boot_coef = _bootstrap_coefficients(X, [shares, *draws], n_boot, np.random.default_rng(random_state))
    alpha = (1 - level) / 2
    pred_low, pred_high = np.quantile(X_pred @ boot_coef, [alpha, 1 - alpha], axis=0)
    eff_low, eff_high = np.quantile(boot_coef[:, n_basis:], [alpha, 1 - alpha], axis=0)
    k = shares.shape[1]
    expected = pd.DataFrame({
        "topic": np.tile(np.arange(1, k + 1), len(pred_time)),
        "group": np.repeat(pred_group, k), "time": np.repeat(pred_time, k),
        "share": point.ravel(), "low": pred_low.ravel(), "high": pred_high.ravel(),
    }).sort_values(["topic", "group", "time"], kind="stable").reset_index(drop=True)
    differences = pd.DataFrame({
        "topic": np.tile(np.arange(1, k + 1), len(levels) - 1),
        "group": np.repeat(levels[1:], k), "reference": levels[0],
        "difference": effect.ravel(), "low": eff_low.ravel(), "high": eff_high.ravel(),
    }).sort_values(["topic", "group"], kind="stable").reset_index(drop=True)
    floats = ["share", "low", "high"]
    expected[floats] = expected[floats].round(DECIMALS)
    differences[["difference", "low", "high"]] = differences[["difference", "low", "high"]].round(DECIMALS)
    return expected, differences


def _check_draws(model_draws, shares: np.ndarray) -> list[np.ndarray]:
    """The other fits' shares as float arrays of the shape of ``shares``; refuse any other shape."""
    draws = [np.asarray(d, dtype=np.float64) for d in (model_draws or [])]
    for i, draw in enumerate(draws):
        if draw.shape != shares.shape:
            raise ParameterError(f"model_draws: draw {i} has shape {draw.shape}; expected the shape of "
                                 f"unit_topic, {shares.shape} (the same units and topics).")
    return draws


def _bootstrap_coefficients(X: np.ndarray, fits: list[np.ndarray], n_boot: int,
                            rng: np.random.Generator) -> np.ndarray:
    """Least-squares coefficients of ``n_boot`` replicates, shape (n_boot, n_columns, k).

    Replicate ``b`` regresses the shares of ``fits[b % len(fits)]`` on the
    rows of ``X`` drawn with replacement (``rng.integers``, one draw of all
    units per replicate); a unit drawn ``c`` times weighs ``c`` in the
    normal equations ``X' C X beta = X' C Y``.
    """
    n, p = X.shape
    k = fits[0].shape[1]
    outer = (X[:, :, None] * X[:, None, :]).reshape(n, p * p)
    cross = [(X[:, :, None] * Y[:, None, :]).reshape(n, p * k) for Y in fits]
    which = np.arange(n_boot) % len(fits)
    coef = np.empty((n_boot, p, k))
    chunk = max(1, int(2_000_000 // max(n, 1)))  # replicates per block: about 2 million counts in memory
    for start in range(0, n_boot, chunk):
        stop = min(n_boot, start + chunk)
        weights = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(start, stop)])
        weights = weights.astype(np.float64)
        gram = (weights @ outer).reshape(-1, p, p)
        rhs = np.empty((stop - start, p, k))
        for f, products in enumerate(cross):
            mine = which[start:stop] == f
            rhs[mine] = (weights[mine] @ products).reshape(-1, p, k)
        # A group absent from a resample leaves a zero column: the pseudo-inverse drops it (minimum norm).
        coef[start:stop] = np.linalg.pinv(gram, rtol=1e-10, hermitian=True) @ rhs
    return coef
