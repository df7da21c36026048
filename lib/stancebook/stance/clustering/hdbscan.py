"""HDBSCAN, as one of the algorithms compared by StanceClustering: finds its own clusters and noise."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import HDBSCAN

from stancebook.checks import check_int
from stancebook.stance.clustering.base import ClusterAlgorithm

__all__ = ["HDBSCANAlgorithm"]


class HDBSCANAlgorithm(ClusterAlgorithm):
    """Density-based clustering: finds its own number of clusters and may call rows noise (label -1).

    Parameters
    ----------
    min_cluster_size : int, default 0
        The smallest cluster; 0 = ``max(3, round(n / 20))`` for ``n`` rows
        (run parameter ``hdbscan_min_cluster_size``). Never more than the
        rows clustered, nor less than 2.

    References
    ----------
    .. [1] Campello, R. J. G. B., Moulavi, D. and Sander, J. (2013).
       Density-based clustering based on hierarchical density estimates.
       *Advances in Knowledge Discovery and Data Mining (PAKDD 2013)*, LNCS
       7819, 160-172.

    Examples
    --------
    >>> HDBSCANAlgorithm().describe(2, 0.25, 100)
    'found 2 cluster(s) with 25% of rows as noise (min_cluster_size 5)'
    """

    finds_k = True

    def __init__(self, *, min_cluster_size=0):
        self.min_cluster_size = check_int(min_cluster_size, "min_cluster_size", minimum=0)

    def _size(self, n: int) -> int:
        return self.min_cluster_size or max(3, int(round(n / 20)))

    def fit_predict(self, X: np.ndarray, k: int, random_state: int) -> np.ndarray:
        size = min(self._size(len(X)), max(2, len(X)))
        return HDBSCAN(min_cluster_size=size, copy=True).fit_predict(X)

    def describe(self, n_found: int, noise_share: float, n_rows: int) -> str:
        return f"{super().describe(n_found, noise_share, n_rows)} (min_cluster_size {self._size(n_rows)})"
