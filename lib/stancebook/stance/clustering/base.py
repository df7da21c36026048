"""What a clustering algorithm is: the small interface every registered algorithm implements."""

from __future__ import annotations

import numpy as np

__all__ = ["ClusterAlgorithm"]


class ClusterAlgorithm:
    """Base class of the algorithms :class:`~stancebook.stance.clustering.StanceClustering` compares.

    A subclass implements :meth:`fit_predict`; its constructor takes the
    algorithm's own options (``StanceClustering(algorithm_options={name:
    {...}})``). The class attributes say how the comparison treats it.

    Attributes
    ----------
    finds_k : bool, default False
        True: the algorithm finds its own number of clusters (``k`` is
        ignored, one fit is made, rows may be noise ``-1``); False: it is
        fitted for every k of the grid and k is chosen by silhouette and
        stability.
    seeded : bool, default False
        True: the partition depends on ``random_state``, so refits with
        other seeds measure its seed stability.

    Examples
    --------
    >>> class Halves(ClusterAlgorithm):
    ...     def fit_predict(self, X, k, random_state):
    ...         return (np.arange(len(X)) >= len(X) / 2).astype(int)
    >>> Halves().fit_predict(np.zeros((4, 2)), 2, 0).tolist()
    [0, 0, 1, 1]
    """

    finds_k = False
    seeded = False

    def fit_predict(self, X: np.ndarray, k: int, random_state: int) -> np.ndarray:
        """Cluster the rows of ``X`` into ``k`` clusters.

        Parameters
        ----------
        X : numpy.ndarray of shape (n, d)
            Stance features, no NaN.
        k : int
            The number of clusters (0 and ignored when :attr:`finds_k`).
        random_state : int
            The seed of this fit.

        Returns
        -------
        numpy.ndarray of int, shape (n,)
            A cluster label per row (any integers; -1 is noise).
        """
        raise NotImplementedError(f"{type(self).__name__} must implement fit_predict(X, k, random_state).")

    def fit_predict_grid(self, X: np.ndarray, ks, random_state: int) -> dict:
        """``{k: labels}`` for every k of ``ks``: one :meth:`fit_predict` per k.

        An algorithm that can share work across k (a hierarchy cut at
        several heights) overrides this; the labels must equal those of
        :meth:`fit_predict`.
        """
        return {k: self.fit_predict(X, k, random_state) for k in ks}

    def describe(self, n_found: int, noise_share: float, n_rows: int) -> str:
        """Why the partition is what it is, for an algorithm that finds k (part of ``reason_``)."""
        return f"found {n_found} cluster(s) with {noise_share:.0%} of rows as noise"
