"""Covariate effects on topic prevalence, STM-style: shares regressed on time (a spline) and a group.

Each topic's unit shares are regressed by least squares on a cubic B-spline
of the time column and indicators of the group column (the first group in
sorted order is the reference): ``share ~ s(year) + group``, the
``prevalence = ~ s(year) + region`` of STM's ``estimateEffect``. The
uncertainty is the percentile bootstrap over units (resampled with
replacement, the regression refitted). It does not yet include the topic
model's own uncertainty (refitting the topics per resample, or STM's
method of composition): the intervals are those of the regression given the
shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import SplineTransformer

from stancebook.checks import check_int, require_columns
from stancebook.errors import ParameterError
from stancebook.progress import bar
from stancebook.topics._common import DECIMALS, check_unit_topic, informative

__all__ = ["topic_effects"]


def _design(time: np.ndarray, groups: np.ndarray, levels: list, spline: SplineTransformer) -> np.ndarray:
    """Spline basis of time (its columns sum to 1, so it carries the intercept) and group indicators."""
    basis = spline.transform(time.reshape(-1, 1))
    dummies = (groups[:, None] == np.asarray(levels[1:], dtype=object)[None, :]).astype(np.float64)
    return np.hstack([basis, dummies])


def topic_effects(unit_topic, unit_ids, metadata: pd.DataFrame, *, time: str = "year", group: str,
                  n_knots: int = 4, n_boot: int = 500, level: float = 0.95, n_points: int = 20,
                  random_state: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return expected topic shares over time per group, and group differences, with bootstrap intervals.

    Parameters
    ----------
    unit_topic : array-like, shape (n_units, k)
        Unit topic shares (rows sum to 1).
    unit_ids : array-like of str, shape (n_units,)
    metadata : pandas.DataFrame
        One row per unit: ``unit_id``, the ``time`` column (numeric) and the
        ``group`` column.
    time, group : str
        Column names: ``year`` and e.g. ``region``.
    n_knots : int, default 4
        Knots of the cubic spline of time (``n_knots + 2`` basis functions).
    n_boot : int, default 500
        Bootstrap resamples of the units.
    level : float, default 0.95
        Coverage of the intervals.
    n_points : int, default 20
        Time points (evenly spaced over the observed range) of the expected shares.
    random_state : int, default 0

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
        A column is missing, the time column is not numeric, or there are
        fewer than two groups or too few units for the model.

    References
    ----------
    .. [1] Roberts, M. E., Stewart, B. M. and Tingley, D. (2019). stm: An R
       package for structural topic models. *Journal of Statistical
       Software*, 91(2) (``estimateEffect``).

    Examples
    --------
    >>> expected, differences = topic_effects(shares, ids, units, group="region")  # doctest: +SKIP
    """
    shares = np.asarray(unit_topic, dtype=np.float64)
    unit_ids = np.asarray(unit_ids, dtype=str)
    check_unit_topic(shares, unit_ids)
    n_boot = check_int(n_boot, "n_boot", minimum=10)
    require_columns(metadata, ["unit_id", time, group], "metadata", error=ParameterError,
                    hint=f"Pass the units table with the '{time}' and '{group}' columns.")
    meta = metadata.assign(unit_id=metadata["unit_id"].astype(str)).set_index("unit_id").reindex(unit_ids)
    times = pd.to_numeric(meta[time], errors="coerce").to_numpy(np.float64)
    groups = meta[group].to_numpy(dtype=object)
    rows = informative(shares) & ~np.isnan(times) & pd.notna(groups)
    shares, times, groups = shares[rows], times[rows], groups[rows]
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

    def fit(index):
        coef, *_ = np.linalg.lstsq(X[index], shares[index], rcond=None)
        return X_pred @ coef, coef[n_basis:]  # predictions (n_pred, k) and group effects (n_groups - 1, k)

    point, effect = fit(np.arange(len(shares)))
    rng = np.random.default_rng(random_state)
    boots = [fit(rng.integers(0, len(shares), len(shares)))
             for _ in bar(range(n_boot), desc="topic effects bootstrap", unit="resample")]
    alpha = (1 - level) / 2
    pred_low, pred_high = np.quantile(np.stack([b[0] for b in boots]), [alpha, 1 - alpha], axis=0)
    eff_low, eff_high = np.quantile(np.stack([b[1] for b in boots]), [alpha, 1 - alpha], axis=0)
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
