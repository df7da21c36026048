"""The 2-D stance map: principal components of the stance features, with a fixed sign."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from stancebook.errors import ParameterError

__all__ = ["stance_map"]


def stance_map(X, *, random_state=0) -> np.ndarray:
    """Project stance features onto their first two principal components.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Stance features.
    random_state : int, default 0
        Passed to PCA (the full SVD used here is deterministic anyway).

    Returns
    -------
    numpy.ndarray of shape (n, 2)
        PC1 and PC2 scores. Each component's sign is fixed so that its
        largest-magnitude loading is positive (the map does not flip between
        runs or machines). Components without variance, and every column
        when ``n < 2`` or ``d == 0``, are 0.

    See Also
    --------
    stancebook.stance.plots.plot_stance_map : draws the map.

    Examples
    --------
    >>> stance_map(np.array([[0.0, 1.0], [1.0, 0.0], [2.0, -1.0]])).shape
    (3, 2)
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ParameterError(f"`X` must be a 2-D feature matrix, got an array of shape {X.shape}.")
    n, d = X.shape
    coords = np.zeros((n, 2), dtype=float)
    if n < 2 or d == 0:
        return coords
    centred = X - X.mean(axis=0)
    total = float((centred ** 2).sum())
    if total <= 1e-12:
        return coords
    n_comp = min(2, n, d)
    pca = PCA(n_components=n_comp, svd_solver="full", random_state=random_state).fit(X)
    for j in range(n_comp):
        if pca.explained_variance_[j] * (n - 1) <= 1e-12 * total:
            continue
        loading = pca.components_[j]
        sign = 1.0 if loading[int(np.argmax(np.abs(loading)))] >= 0 else -1.0
        coords[:, j] = centred @ (loading * sign)
    return coords + 0.0
