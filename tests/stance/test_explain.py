"""Cluster keywords (Dunning G2) and the sentences typical of each cluster."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.stats import chi2_contingency

from stancebook import stance
from stancebook.errors import DataTooSmallWarning


def test_cluster_keywords_rank_overused_terms_by_dunning_g2():
    counts = np.array([[10, 1, 5], [8, 0, 5], [1, 9, 5], [0, 12, 5]])
    terms = ["peace", "sanctions", "the"]
    labels = pd.Series([1, 1, 2, 2], index=["a", "b", "c", "d"])
    keywords = stance.cluster_keywords(sparse.csr_matrix(counts), terms, ["a", "b", "c", "d"], labels, n=5)
    assert keywords[keywords["cluster"] == 1]["term"].tolist() == ["peace", "the"]
    assert keywords[keywords["cluster"] == 2]["term"].tolist() == ["sanctions"]
    peace = keywords.iloc[0]
    table = np.array([[18, 1], [29 - 18, 32 - 1]])
    oracle, *_ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert peace["g2"] == pytest.approx(oracle, abs=1e-5)
    assert (peace["count_cluster"], peace["count_rest"]) == (18, 1)


def test_cluster_keywords_with_a_single_cluster_warn_and_return_empty():
    with pytest.warns(DataTooSmallWarning):
        keywords = stance.cluster_keywords(sparse.csr_matrix(np.ones((2, 2))), ["a", "b"], ["u", "v"],
                                           pd.Series([1, 1], index=["u", "v"]))
    assert keywords.empty and list(keywords.columns) == ["cluster", "rank", "term", "g2", "count_cluster",
                                                         "count_rest"]


def test_typical_sentences_quote_the_units_nearest_each_centre(blocs, bloc_of, targets):
    units, sentences, _, triples, _ = blocs
    ids = units["unit_id"].tolist()
    X, _ = stance.unit_stance_features(triples, ids, targets)
    labels = pd.Series([1 if bloc_of[u.split("-")[0]] == "east" else 2 for u in ids], index=ids)
    quotes = stance.typical_sentences(X, ids, labels, triples, n=2, sentences=sentences)
    assert quotes.groupby("cluster").size().tolist() == [2, 2]
    assert list(quotes.columns) == ["cluster", "rank", "unit_id", "sentence", "text", "distance"]
    assert all(group["distance"].is_monotonic_increasing for _, group in quotes.groupby("cluster"))
    for row in quotes.itertuples():
        assert row.text == sentences.set_index(["unit_id", "sentence"]).loc[(row.unit_id, row.sentence), "text"]


def test_typical_quotes_of_holder_clusters_come_from_their_members(planted, planted_holders):
    _, triples, profiles = planted
    X, _, holders = stance.profile_features(profiles)
    labels = pd.Series([1 if planted_holders[h] == "east" else 2 for h in holders], index=holders)
    quotes = stance.typical_sentences(X, holders, labels, triples, n=2, by="holder")
    assert quotes.groupby("cluster").size().tolist() == [2, 2]
    for row in quotes.itertuples():
        assert planted_holders[row.holder] == ("east" if row.cluster == 1 else "west")
        assert row.unit_id == row.holder
