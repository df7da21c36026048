"""Topic prevalence by metadata (year, actor, region), with percentile bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.checks import check_int, is_int, is_number
from stancebook.errors import ParameterError
from stancebook.progress import bar
from stancebook.topics._common import DECIMALS, check_unit_topic, informative

__all__ = ["topic_prevalence"]


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

    See Also
    --------
    unit_topic_table : The shares of every unit.
    plot_prevalence : Draws this table with its bands.

    References
    ----------
    .. [1] Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the
       Bootstrap*. Chapman & Hall, chapter 13 (percentile intervals).

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
    check_unit_topic(shares, unit_ids)
    _check_arguments(metadata, by, n_boot, level, random_state)
    lookup = metadata.drop_duplicates("unit_id").set_index(metadata["unit_id"].drop_duplicates().astype(str))[by]
    groups = lookup.reindex(unit_ids)
    keep = informative(shares) & groups.notna().to_numpy()
    shares, groups = shares[keep], groups[keep].to_numpy()
    rng = np.random.default_rng(random_state)
    alpha = (1 - level) / 2
    rows = []
    for value in bar(_sorted_groups(groups), desc=f"prevalence bootstrap by {by}", unit="group"):
        part = shares[groups == value]
        point = part.mean(axis=0)
        means = _bootstrap_means(part, n_boot, rng)
        lower = np.quantile(means, alpha, axis=0)
        upper = np.quantile(means, 1 - alpha, axis=0)
        for t in range(shares.shape[1]):
            rows.append((value, t + 1, point[t], lower[t], upper[t], part.shape[0]))
    table = pd.DataFrame(rows, columns=[by, "topic", "prevalence", "lower", "upper", "n_units"])
    table[["prevalence", "lower", "upper"]] = table[["prevalence", "lower", "upper"]].astype(np.float64).round(DECIMALS)
    return table.astype({"topic": np.int64, "n_units": np.int64})


def _sorted_groups(groups: np.ndarray) -> list:
    """The distinct group values, sorted (as text when they cannot be compared)."""
    values = pd.unique(groups)
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def _check_arguments(metadata, by, n_boot, level, random_state) -> None:
    if not isinstance(metadata, pd.DataFrame) or "unit_id" not in metadata.columns:
        raise ParameterError("metadata: expected a table with a 'unit_id' column (e.g. the units table).")
    if by not in metadata.columns or by in ("unit_id", "topic"):
        available = [c for c in metadata.columns if c not in ("unit_id", "text", "offset_breaks")]
        raise ParameterError(
            f"by: the metadata has no column {by!r} to group units by; available columns: "
            f"{available}. Set the prevalence grouping parameter to one of them."
        )
    check_int(n_boot, "n_boot", minimum=10)
    if not is_number(level) or not 0 < level < 1:
        raise ParameterError(f"level: expected a coverage in (0, 1), e.g. 0.95, got {level!r}.")
    if not is_int(random_state):
        raise ParameterError(f"random_state: expected an integer seed, got {random_state!r}.")


def _bootstrap_means(part: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` means of ``part``'s rows resampled with replacement, shape (n_boot, k)."""
    m = part.shape[0]
    # Resampling with replacement = multinomial counts of the units; done
    # in chunks so that memory stays near 5 million counts.
    chunk = max(1, int(5_000_000 // max(m, 1)))
    means = []
    for start in range(0, n_boot, chunk):
        draws = rng.multinomial(m, np.full(m, 1.0 / m), size=min(chunk, n_boot - start))
        means.append(draws @ part / m)
    return np.vstack(means)
