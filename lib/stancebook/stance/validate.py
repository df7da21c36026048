"""Clusters scored against known labels (a party, a bloc, a region): ARI, NMI and purity."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from stancebook.errors import ParameterError
from stancebook.stance._shared import DECIMALS, labels_frame

__all__ = ["VALIDATION_COLUMNS", "validate_clusters"]

VALIDATION_COLUMNS = ["algorithm", "n", "n_clusters", "n_classes", "ari", "nmi", "purity"]


def validate_clusters(labels, truth) -> pd.DataFrame:
    """Score clusterings against known labels (a party, a bloc, a region).

    Parameters
    ----------
    labels : pandas.DataFrame or pandas.Series
        ``StanceClustering.labels_`` (``id`` plus one column per algorithm),
        or one clustering as a Series indexed by id.
    truth : pandas.Series or dict
        Known label of each id. Ids without a known label are left out.

    Returns
    -------
    pandas.DataFrame
        ``algorithm, n, n_clusters, n_classes, ari, nmi, purity``: the
        adjusted Rand index [1]_ (0 = chance, 1 = identical partitions),
        normalised mutual information [2]_ (arithmetic mean normalisation)
        and purity (share of ids in their cluster's majority class) on the
        ``n`` ids with both a cluster and a known label. HDBSCAN noise counts
        as one more cluster.

    References
    ----------
    .. [1] Hubert, L. and Arabie, P. (1985). Comparing partitions. *Journal
       of Classification* 2(1), 193-218.
    .. [2] Vinh, N. X., Epps, J. and Bailey, J. (2010). Information theoretic
       measures for clusterings comparison. *Journal of Machine Learning
       Research* 11, 2837-2854.

    See Also
    --------
    stancebook.stance.StanceClustering : makes ``labels``.
    stancebook.stance.plots.plot_confusion : draws clusters against the labels.

    Examples
    --------
    >>> labels = pd.DataFrame({"id": ["a", "b", "c", "d"], "kmeans": [1, 1, 2, 2]})
    >>> validate_clusters(labels, {"a": "x", "b": "x", "c": "y", "d": "y"})["ari"].tolist()
    [1.0]
    """
    frame = labels_frame(labels)
    truth = pd.Series(truth) if isinstance(truth, dict) else truth
    if not isinstance(truth, pd.Series):
        raise ParameterError("`truth` must be a pandas Series or a dict mapping ids to known labels.")
    truth = truth.copy()
    truth.index = truth.index.astype(str)
    truth = truth.dropna()
    rows = []
    for algorithm in [c for c in frame.columns if c != "id"]:
        pairs = pd.DataFrame({"cluster": frame[algorithm].to_numpy(), "truth": frame["id"].map(truth).to_numpy()})
        pairs = pairs.dropna()
        n = len(pairs)
        if n == 0:
            rows.append({"algorithm": algorithm, "n": 0, "n_clusters": 0, "n_classes": 0,
                         "ari": np.nan, "nmi": np.nan, "purity": np.nan})
            continue
        clusters = pairs["cluster"].astype(str).to_numpy()
        classes = pairs["truth"].astype(str).to_numpy()
        table = pd.crosstab(clusters, classes)
        rows.append({
            "algorithm": algorithm, "n": n, "n_clusters": int(table.shape[0]), "n_classes": int(table.shape[1]),
            "ari": round(float(adjusted_rand_score(classes, clusters)), DECIMALS),
            "nmi": round(float(normalized_mutual_info_score(classes, clusters)), DECIMALS),
            "purity": round(float(table.max(axis=1).sum() / n), DECIMALS),
        })
    return pd.DataFrame(rows, columns=VALIDATION_COLUMNS).astype(
        {"algorithm": "str", "n": "int64", "n_clusters": "int64", "n_classes": "int64", "ari": "float64",
         "nmi": "float64", "purity": "float64"})
