"""Small statistics shared by the stages."""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy


def log_likelihood_g2(a, b, c, d) -> np.ndarray:
    """Dunning's log-likelihood G² of 2 × 2 tables ``[[a, b], [c, d]]``, vectorised.

    Used for keyness (term in target units / in reference units × this term
    / other terms) and for collocations (first word × second word).

    Parameters
    ----------
    a, b, c, d : array-like
        The four cells; arrays of the same shape give one G² each.

    Returns
    -------
    numpy.ndarray
        G² ≥ 0; cells with count 0 contribute 0 (``0 · log 0 = 0``).

    Examples
    --------
    >>> float(log_likelihood_g2(10, 10, 10, 10))
    0.0
    >>> round(float(log_likelihood_g2(20, 5, 5, 20)), 3)
    19.274
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    n = a + b + c + d
    rows = (a + b, c + d)
    cols = (a + c, b + d)
    total = np.zeros(np.broadcast(a, b, c, d).shape)
    for observed, r, k in ((a, 0, 0), (b, 0, 1), (c, 1, 0), (d, 1, 1)):
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = rows[r] * cols[k] / n
            ratio = np.where(expected > 0, observed / expected, 1.0)
        total = total + xlogy(observed, ratio)
    return 2.0 * total
