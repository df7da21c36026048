"""StanceClustering: every registered algorithm, k by silhouette among stable k, honest small-data behaviour."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from stancebook import stance
from stancebook.errors import DataTooSmallWarning, ParameterError


def test_planted_blocs_are_recovered_by_every_k_based_algorithm(blocs, bloc_of):
    *_, profiles = blocs
    X, names, holders = stance.profile_features(profiles)
    assert names[:2] == ["mentioned:russia", "polarity:russia"]
    model = stance.StanceClustering(n_resamples=10).fit(X, holders)
    truth = [bloc_of[h] for h in holders]
    for algorithm in ("kmeans", "agglomerative", "gmm"):
        assert model.k_[algorithm] == 2
        assert adjusted_rand_score(truth, model.labels_[algorithm]) == 1.0
    assert set(model.scores_["algorithm"]) == set(stance.CLUSTER_ALGORITHMS)
    assert model.scores_.groupby("algorithm")["selected"].sum().tolist() == [1, 1, 1, 1]
    assert list(model.scores_.columns) == stance.SCORE_COLUMNS
    chosen = model.scores_[model.scores_["selected"] & (model.scores_["algorithm"] == "kmeans")].iloc[0]
    assert chosen["stability_bootstrap"] >= 0.6 and chosen["stability_seeds"] == 1.0
    assert np.isnan(model.scores_.loc[model.scores_["algorithm"] == "agglomerative", "stability_seeds"]).all()
    assert "silhouette" in model.reason_ and "stability" in model.reason_


def test_cluster_labels_are_numbered_by_first_appearance():
    X = np.array([[5.0, 5.0], [0.0, 0.0], [5.1, 5.0], [0.1, 0.0], [9.0, 0.0], [9.1, 0.0]])
    ids = list("abcdef")
    for seed in (0, 1, 7):
        model = stance.StanceClustering(algorithms=("kmeans", "agglomerative"), n_clusters=3, n_resamples=3,
                                        random_state=seed).fit(X, ids)
        assert model.labels_["kmeans"].tolist() == [1, 2, 1, 2, 3, 3]
        assert model.labels_["agglomerative"].tolist() == [1, 2, 1, 2, 3, 3]
    assert model.k_ == {"kmeans": 3, "agglomerative": 3}
    distance = model.distance_.set_index(["algorithm", "id"])["distance"]
    assert distance[("kmeans", "a")] == pytest.approx(0.05)


def test_bad_algorithm_raises_parameter_error_listing_valid_ones():
    with pytest.raises(ParameterError, match=r"`algorithms`.*kmeans.*agglomerative.*gmm.*hdbscan"):
        stance.StanceClustering(algorithms=("kmeans", "dbscan")).fit(np.eye(4), list("abcd"))


def test_algorithm_options_go_to_their_algorithm_and_are_checked():
    X = np.array([[0.0, 0.0], [0.0, 0.1], [0.1, 0.0], [5.0, 5.0], [5.0, 5.1], [5.1, 5.0]])
    model = stance.StanceClustering(algorithms=("hdbscan",), algorithm_options={"hdbscan": {"min_cluster_size": 3}},
                                    n_resamples=3).fit(X, list("abcdef"))
    assert "min_cluster_size 3" in model.reason_ and model.labels_["hdbscan"].tolist() == [1, 1, 1, 2, 2, 2]
    with pytest.raises(ParameterError, match="`min_cluster_size`"):
        stance.StanceClustering(algorithm_options={"hdbscan": {"min_cluster_size": -1}}).fit(X, list("abcdef"))
    with pytest.raises(ParameterError, match="hdbscan"):
        stance.StanceClustering(algorithm_options={"hdbscan": {"eps": 1}}).fit(X, list("abcdef"))
    with pytest.raises(ParameterError, match="`algorithm_options`"):
        stance.StanceClustering(algorithm_options={"dbscan": {}}).fit(X, list("abcdef"))


def test_missing_values_in_features_are_refused_with_a_hint():
    with pytest.raises(ParameterError, match="indicator"):
        stance.StanceClustering().fit(np.array([[0.0], [np.nan], [1.0]]), ["a", "b", "c"])


def test_one_distinct_row_warns_and_shares_one_cluster():
    X = np.array([[1.0, 0.5], [1.0, 0.5], [1.0, 0.5]])
    with pytest.warns(DataTooSmallWarning, match="distinct"):
        model = stance.StanceClustering().fit(X, ["a", "b", "c"])
    assert model.labels_["kmeans"].tolist() == [1, 1, 1] and model.k_["agglomerative"] == 1
    assert model.scores_.empty and "cluster 1" in model.reason_


def test_two_distinct_positions_are_two_clusters_without_a_k_to_compare():
    # discrete default stances (+1 / -1) make identical profiles common: two positions are two blocs
    X = np.array([[1.0, 0.5], [1.0, 0.5], [0.0, 0.0]])
    model = stance.StanceClustering().fit(X, ["a", "b", "c"])
    assert model.labels_["kmeans"].tolist() == [1, 1, 2] and model.k_["agglomerative"] == 2
    assert model.scores_.empty and "2 distinct" in model.reason_


@pytest.mark.parametrize("source", ["lexicon", "scaling"])
def test_planted_blocs_are_split_exactly_from_either_polarity_source(planted, planted_holders, source):
    *_, profiles = planted
    X, _, holders = stance.profile_features(profiles, source=source)
    model = stance.StanceClustering(n_resamples=8, n_seeds=2).fit(X, holders)
    scores = stance.validate_clusters(model.labels_, pd.Series(planted_holders)).set_index("algorithm")
    perfect = scores.index[scores["ari"] == 1.0].tolist()
    assert len(perfect) >= 2, scores
    assert {"kmeans", "agglomerative"} <= set(perfect)


def test_ward_cuts_every_k_from_one_tree_with_the_labels_of_separate_fits():
    from stancebook.stance.clustering.agglomerative import WardAlgorithm

    rng = np.random.default_rng(5)
    # tied rows (units with the same stance vector) are where a different tree would show
    X = np.round(rng.normal(size=(300, 4)), 1)
    X[::7] = X[0]
    ward = WardAlgorithm()
    grid = ward.fit_predict_grid(X, [2, 3, 4, 5, 6], 0)
    for k, labels in grid.items():
        np.testing.assert_array_equal(labels, ward.fit_predict(X, k, 0))
        assert len(np.unique(labels)) == k
