"""Ward's agglomerative clustering, as one of the algorithms compared by StanceClustering."""

from __future__ import annotations

import tempfile

import numpy as np
from joblib import Memory
from sklearn.cluster import AgglomerativeClustering

from stancebook.stance.clustering.base import ClusterAlgorithm

__all__ = ["WardAlgorithm"]


class WardAlgorithm(ClusterAlgorithm):
    """Agglomerative clustering with Ward linkage (deterministic: no seed stability).

    References
    ----------
    .. [1] Ward, J. H. (1963). Hierarchical grouping to optimize an objective
       function. *Journal of the American Statistical Association* 58(301),
       236-244.

    Examples
    --------
    >>> labels = WardAlgorithm().fit_predict(np.array([[0.0], [0.1], [5.0], [5.1]]), 2, 0)
    >>> bool(labels[0] == labels[1] != labels[2] == labels[3])
    True
    """

    def fit_predict(self, X: np.ndarray, k: int, random_state: int) -> np.ndarray:
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(X)

    def fit_predict_grid(self, X: np.ndarray, ks, random_state: int) -> dict:
        """Every k cut from one Ward tree: scikit-learn builds the full tree for any k, and caches it in ``memory``."""
        with tempfile.TemporaryDirectory(prefix="stancebook-ward-") as cache:
            memory = Memory(cache, verbose=0)
            return {k: AgglomerativeClustering(n_clusters=k, linkage="ward", memory=memory).fit_predict(X)
                    for k in ks}
