"""Clustering of units or holders by stance: a registry of algorithms and the comparison that chooses k.

:class:`StanceClustering` fits every registered algorithm (or those named)
and chooses k per algorithm. Adding an algorithm is one module with a
:class:`~stancebook.stance.clustering.base.ClusterAlgorithm` subclass and one
:func:`register_algorithm` line below.
"""

from stancebook.stance.clustering.agglomerative import WardAlgorithm
from stancebook.stance.clustering.base import ClusterAlgorithm
from stancebook.stance.clustering.gmm import GaussianMixtureAlgorithm
from stancebook.stance.clustering.hdbscan import HDBSCANAlgorithm
from stancebook.stance.clustering.kmeans import KMeansAlgorithm
from stancebook.stance.clustering.model import SCORE_COLUMNS, StanceClustering
from stancebook.stance.clustering.registry import ALGORITHMS, make_algorithm, register_algorithm

__all__ = [
    "ALGORITHMS",
    "SCORE_COLUMNS",
    "ClusterAlgorithm",
    "GaussianMixtureAlgorithm",
    "HDBSCANAlgorithm",
    "KMeansAlgorithm",
    "StanceClustering",
    "WardAlgorithm",
    "make_algorithm",
    "register_algorithm",
]

register_algorithm("kmeans", KMeansAlgorithm)
register_algorithm("agglomerative", WardAlgorithm)
register_algorithm("gmm", GaussianMixtureAlgorithm)
register_algorithm("hdbscan", HDBSCANAlgorithm)
