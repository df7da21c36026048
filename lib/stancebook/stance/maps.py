"""The 2-D stance map: principal components of the stance features, with a fixed sign."""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from stancebook.errors import ParameterError

__all__ = ["map_axes", "project", "stance_map"]


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
    centre, loadings = map_axes(X, random_state=random_state)
    return project(X, centre, loadings)


def project(Y, centre, loadings) -> np.ndarray:
    """Place rows of features on the map of :func:`map_axes`, one axis at a time (as :func:`stance_map` does).

    Examples
    --------
    >>> project(np.array([[1.0, 2.0]]), np.array([1.0, 1.0]), np.array([[0.0, 1.0], [0.0, 0.0]])).tolist()
    [[1.0, 0.0]]
    """
    Y = np.asarray(Y, dtype=float)
    centred = Y - centre
    coords = np.zeros(Y.shape[:-1] + (2,), dtype=float)
    for j in range(2):
        if np.any(loadings[j]):
            coords[..., j] = centred @ loadings[j]
    return coords + 0.0


def map_axes(X, *, random_state=0) -> tuple[np.ndarray, np.ndarray]:
    """The centre and the signed loadings of the map :func:`stance_map` draws.

    Points projected with ``(Y - centre) @ loadings.T`` land where
    :func:`stance_map` would put them on the map of ``X``: a resampled or
    a new holder on the same axes.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Stance features.
    random_state : int, default 0
        Passed to PCA.

    Returns
    -------
    centre : numpy.ndarray of shape (d,)
        The column means of ``X``.
    loadings : numpy.ndarray of shape (2, d)
        One row per map axis, the sign fixed so that its largest-magnitude
        loading is positive; a row of zeros for an axis without variance,
        and both rows when ``n < 2`` or ``d == 0``.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, -1.0]])
    >>> centre, loadings = map_axes(X)
    >>> np.array_equal(project(X, centre, loadings), stance_map(X))
    True
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ParameterError(f"`X` must be a 2-D feature matrix, got an array of shape {X.shape}.")
    n, d = X.shape
    loadings = np.zeros((2, d), dtype=float)
    if n < 2 or d == 0:
        return np.zeros(d) if n == 0 else X.mean(axis=0), loadings
    centre = X.mean(axis=0)
    total = float(((X - centre) ** 2).sum())
    if total <= 1e-12:
        return centre, loadings
    n_comp = min(2, n, d)
    pca = PCA(n_components=n_comp, svd_solver="full", random_state=random_state).fit(X)
    for j in range(n_comp):
        if pca.explained_variance_[j] * (n - 1) <= 1e-12 * total:
            continue
        loading = pca.components_[j]
        sign = 1.0 if loading[int(np.argmax(np.abs(loading)))] >= 0 else -1.0
        loadings[j] = loading * sign
    return centre, loadings
