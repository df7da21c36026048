"""Small helpers every module of the topics stage shares: rounding, top words, shape checks."""

from __future__ import annotations

import numpy as np

from stancebook.errors import ParameterError

# Every float of a topics table is rounded to this many decimals (stable CSV bytes).
DECIMALS = 6
MODEL_NAMES = {"lda": "LDA", "nmf": "NMF"}


def top_indices(topic_word: np.ndarray, n: int) -> np.ndarray:
    """Indices of the n largest weights per row, ties by lower column index."""
    order = np.argsort(-topic_word, axis=1, kind="stable")
    return order[:, :n]


def normalise_rows(values: np.ndarray) -> np.ndarray:
    """Rows scaled to sum 1; all-zero rows become uniform."""
    values = np.asarray(values, dtype=np.float64)
    totals = values.sum(axis=1, keepdims=True)
    uniform = np.full_like(values, 1.0 / values.shape[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = values / totals
    return np.where(totals > 0, scaled, uniform)


def informative(shares: np.ndarray) -> np.ndarray:
    """Rows whose shares are not all equal (units without terms are flat)."""
    return ~np.isclose(shares.max(axis=1), shares.min(axis=1), rtol=0, atol=1e-12)


def overall_prevalence(shares: np.ndarray) -> np.ndarray:
    """Mean share of each topic over the units with terms (equal shares when there are none)."""
    rows = informative(shares)
    if not rows.any():
        return np.full(shares.shape[1], 1.0 / shares.shape[1])
    return shares[rows].mean(axis=0)


def check_topic_word(weights: np.ndarray, terms: np.ndarray) -> None:
    """Refuse a topic-word matrix that is not (k, n_terms) with k >= 1."""
    if weights.ndim != 2 or weights.shape[1] != terms.shape[0] or weights.shape[0] == 0:
        raise ParameterError(
            f"topic_word: expected a (k, n_terms) matrix with one column per term "
            f"({terms.shape[0]} terms), got shape {weights.shape}."
        )


def check_unit_topic(shares: np.ndarray, unit_ids: np.ndarray) -> None:
    """Refuse a unit-topic matrix that is not (n_units, k) with one row per unit id."""
    if shares.ndim != 2 or shares.shape[0] != unit_ids.shape[0] or shares.shape[1] == 0:
        raise ParameterError(
            f"unit_topic: expected a (n_units, k) matrix with one row per unit id "
            f"({unit_ids.shape[0]} ids), got shape {shares.shape}."
        )
