"""k-means, as one of the algorithms compared by StanceClustering."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans

from stancebook.stance.clustering.base import ClusterAlgorithm

__all__ = ["KMeansAlgorithm"]


class KMeansAlgorithm(ClusterAlgorithm):
    """k-means (scikit-learn ``KMeans``, k-means++ starts, best of ``n_init=5``).

    References
    ----------
    .. [1] Lloyd, S. P. (1982). Least squares quantization in PCM. *IEEE
       Transactions on Information Theory* 28(2), 129-137.
    .. [2] Arthur, D. and Vassilvitskii, S. (2007). k-means++: The advantages
       of careful seeding. *Proceedings of the 18th ACM-SIAM Symposium on
       Discrete Algorithms*, 1027-1035.

    Examples
    --------
    >>> labels = KMeansAlgorithm().fit_predict(np.array([[0.0], [0.1], [5.0], [5.1]]), 2, 0)
    >>> bool(labels[0] == labels[1] != labels[2] == labels[3])
    True
    """

    seeded = True

    def fit_predict(self, X: np.ndarray, k: int, random_state: int) -> np.ndarray:
        return KMeans(n_clusters=k, n_init=5, random_state=random_state).fit_predict(X)
