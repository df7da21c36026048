"""Clusters scored against known labels."""

import pandas as pd
import pytest

from stancebook import stance


def test_validation_scores_ari_nmi_and_purity_against_known_labels():
    labels = pd.DataFrame({"id": list("abcdef"), "kmeans": [1, 1, 1, 2, 2, 2], "hdbscan": [1, 1, -1, 2, 2, 1]})
    truth = pd.Series(["x", "x", "x", "y", "y", "y"], index=list("abcdef"))
    table = stance.validate_clusters(labels, truth).set_index("algorithm")
    assert list(table.reset_index().columns) == stance.VALIDATION_COLUMNS
    assert table.loc["kmeans", ["ari", "nmi", "purity"]].tolist() == [1.0, 1.0, 1.0]
    assert table.loc["hdbscan", "purity"] == pytest.approx(5 / 6)  # noise is one more cluster
    assert table.loc["hdbscan", "n_clusters"] == 3 and table.loc["hdbscan", "ari"] < 1
