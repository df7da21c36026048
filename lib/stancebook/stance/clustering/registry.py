"""The registry of clustering algorithms :class:`~stancebook.stance.clustering.StanceClustering` compares."""

from __future__ import annotations

import re

from stancebook.errors import ParameterError
from stancebook.stance.clustering.base import ClusterAlgorithm

__all__ = ["ALGORITHMS", "make_algorithm", "register_algorithm"]

# Algorithm name -> ClusterAlgorithm subclass, in the order they are compared and reported.
ALGORITHMS: dict[str, type[ClusterAlgorithm]] = {}
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def register_algorithm(name: str, algorithm: type[ClusterAlgorithm]) -> type[ClusterAlgorithm]:
    """Add a clustering algorithm under ``name`` (the column of ``StanceClustering.labels_``).

    Parameters
    ----------
    name : str
        Lower-case letters, digits and ``_``.
    algorithm : type
        A :class:`~stancebook.stance.clustering.base.ClusterAlgorithm` subclass.

    Returns
    -------
    type
        ``algorithm``, so the call can decorate the class.

    Raises
    ------
    ParameterError
        A bad or taken name, or a class that is not an algorithm.

    Examples
    --------
    >>> import numpy as np
    >>> class Halves(ClusterAlgorithm):
    ...     def fit_predict(self, X, k, random_state):
    ...         return (np.arange(len(X)) >= len(X) / 2).astype(int)
    >>> _ = register_algorithm("halves", Halves)
    >>> list(ALGORITHMS)[-1]
    'halves'
    >>> del ALGORITHMS["halves"]
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(f"A clustering algorithm name is lower-case letters, digits and '_', got {name!r}.")
    if name in ALGORITHMS:
        raise ParameterError(f"A clustering algorithm called {name!r} is already registered.")
    if not (isinstance(algorithm, type) and issubclass(algorithm, ClusterAlgorithm)):
        raise ParameterError(f"Clustering algorithm {name!r} must be a ClusterAlgorithm subclass, got {algorithm!r}.")
    ALGORITHMS[name] = algorithm
    return algorithm


def make_algorithm(name: str, **options) -> ClusterAlgorithm:
    """Build the registered algorithm ``name`` with its own options (e.g. HDBSCAN's ``min_cluster_size``).

    Raises
    ------
    ParameterError
        An option the algorithm does not take, or a bad value.
    """
    try:
        return ALGORITHMS[name](**options)
    except TypeError as error:
        raise ParameterError(f"Clustering algorithm {name!r}: {error}. Check `algorithm_options`.") from None
