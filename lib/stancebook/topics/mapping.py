"""The topic map: topics placed in 2-D by the Jensen-Shannon distances of their word distributions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.errors import ParameterError
from stancebook.topics._common import DECIMALS, normalise_rows, overall_prevalence

__all__ = ["topic_map"]


def _jensen_shannon_distance(p: np.ndarray) -> np.ndarray:
    """Pairwise Jensen-Shannon distance (natural log, sqrt of the divergence)."""
    k = p.shape[0]
    distance = np.zeros((k, k))
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(k):
            m = (p[i] + p) / 2
            kl_i = np.where(p[i] > 0, p[i] * np.log(p[i] / m), 0.0).sum(axis=1)
            kl_j = np.where(p > 0, p * np.log(p / m), 0.0).sum(axis=1)
            distance[i] = np.sqrt(np.maximum((kl_i + kl_j) / 2, 0.0))
    return (distance + distance.T) / 2


def topic_map(topic_word, unit_topic=None) -> pd.DataFrame:
    """Return 2-D coordinates of the topics, as LDAvis draws them.

    Classical multidimensional scaling (principal coordinates) of the
    Jensen-Shannon distances between the topic-word distributions: topics
    close on the map use similar words. The sign of each axis is fixed so
    that its largest coordinate is positive (deterministic output).

    Parameters
    ----------
    topic_word : array-like, shape (k, n_terms)
        Rows are normalised to sum 1.
    unit_topic : array-like, shape (n_units, k), optional
        For ``prevalence`` (mean share over units with terms); equal shares if omitted.

    Returns
    -------
    pandas.DataFrame
        ``topic`` (int from 1), ``x``, ``y``, ``prevalence`` (6 decimals).

    See Also
    --------
    plot_topic_map : Draws the map.
    topic_label_table : The labels to write beside the topics.

    References
    ----------
    .. [1] Sievert, C. and Shirley, K. (2014). LDAvis: a method for visualizing
       and interpreting topics. *Proceedings of the Workshop on Interactive
       Language Learning, Visualization, and Interfaces*, 63-70.
    .. [2] Gower, J. C. (1966). Some distance properties of latent root and
       vector methods used in multivariate analysis. *Biometrika*, 53, 325-338.

    Examples
    --------
    >>> topic_map([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])["prevalence"].tolist()
    [0.333333, 0.333333, 0.333333]
    """
    weights = normalise_rows(np.asarray(topic_word, dtype=np.float64))
    if weights.ndim != 2 or weights.shape[0] < 2:
        raise ParameterError(f"topic_word: expected a (k, n_terms) matrix with k >= 2, got shape {weights.shape}.")
    k = weights.shape[0]
    coords = _principal_coordinates(_jensen_shannon_distance(weights))
    if unit_topic is None:
        prevalence = np.full(k, 1.0 / k)
    else:
        shares = np.asarray(unit_topic, dtype=np.float64)
        if shares.ndim != 2 or shares.shape[1] != k:
            raise ParameterError(f"unit_topic: expected a (n_units, {k}) matrix, got shape {shares.shape}.")
        prevalence = overall_prevalence(shares)
    return pd.DataFrame(
        {
            "topic": np.arange(1, k + 1, dtype=np.int64),
            "x": coords[:, 0].round(DECIMALS),
            "y": coords[:, 1].round(DECIMALS),
            "prevalence": prevalence.round(DECIMALS),
        }
    )


def _principal_coordinates(distance: np.ndarray) -> np.ndarray:
    """Classical MDS to 2-D; each axis signed so that its largest coordinate is positive."""
    k = distance.shape[0]
    centred = np.eye(k) - 1.0 / k
    gram = -0.5 * centred @ (distance**2) @ centred
    eigenvalues, eigenvectors = np.linalg.eigh(gram)
    order = np.argsort(-eigenvalues, kind="stable")[:2]
    coords = eigenvectors[:, order] * np.sqrt(np.maximum(eigenvalues[order], 0.0))
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(k)])
    for axis in range(2):
        if coords[np.argmax(np.abs(coords[:, axis])), axis] < 0:
            coords[:, axis] *= -1
    return np.where(np.abs(coords) < 1e-12, 0.0, coords)
