"""A Gaussian mixture, as one of the algorithms compared by StanceClustering."""

from __future__ import annotations

import numpy as np
from sklearn.mixture import GaussianMixture

from stancebook.stance.clustering.base import ClusterAlgorithm

__all__ = ["GaussianMixtureAlgorithm"]


class GaussianMixtureAlgorithm(ClusterAlgorithm):
    """Gaussian mixture fitted by EM: diagonal covariances, k-means initialisation, ``reg_covar=1e-3``.

    References
    ----------
    .. [1] Dempster, A. P., Laird, N. M. and Rubin, D. B. (1977). Maximum
       likelihood from incomplete data via the EM algorithm. *Journal of the
       Royal Statistical Society, Series B* 39(1), 1-38.

    Examples
    --------
    >>> labels = GaussianMixtureAlgorithm().fit_predict(np.array([[0.0], [0.1], [5.0], [5.1]]), 2, 0)
    >>> bool(labels[0] == labels[1] != labels[2] == labels[3])
    True
    """

    seeded = True

    def fit_predict(self, X: np.ndarray, k: int, random_state: int) -> np.ndarray:
        model = GaussianMixture(n_components=k, covariance_type="diag", n_init=1, reg_covar=1e-3,
                                random_state=random_state)
        return model.fit(X).predict(X)
