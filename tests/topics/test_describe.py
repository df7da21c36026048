"""Tests of stancebook.topics.describe: top and distinctive terms, labels, unit tables, representative units."""

import numpy as np
import pandas as pd
import pytest

from stancebook.errors import ParameterError
from stancebook.topics import (
    distinctive_terms,
    representative_units,
    topic_label_table,
    topic_labels,
    topic_terms,
    unit_topic_table,
)


def test_topic_terms_lists_top_terms_by_weight(two_topics):
    topic_word, terms = two_topics
    table = topic_terms(topic_word, terms, n=2)
    assert list(table.columns) == ["topic", "rank", "term", "weight"]
    assert table.to_dict("list") == {
        "topic": [1, 1, 2, 2],
        "rank": [1, 2, 1, 2],
        "term": ["un", "sanctions", "un", "alliance"],
        "weight": [0.4, 0.3, 0.4, 0.3],
    }


def test_topic_labels_skip_words_that_top_every_topic(two_topics):
    topic_word, terms = two_topics
    # 'un' is the top word of both topics, so it describes neither.
    assert topic_labels(topic_word, terms, n=2) == ["sanctions · embargo", "alliance · peace"]
    # With one topic nothing is "everywhere": the label is the plain top words.
    assert topic_labels(topic_word[:1], terms, n=2) == ["un · sanctions"]


def test_unit_topic_table_has_shares_and_dominant_topic():
    table = unit_topic_table(np.array([[0.1234567, 0.8765433], [0.7, 0.3]]), np.array(["a", "b"]))
    assert list(table.columns) == ["unit_id", "topic_1", "topic_2", "dominant_topic"]
    assert table["topic_1"].tolist() == [0.123457, 0.7]
    assert table["dominant_topic"].tolist() == [2, 1]


def test_representative_units_are_the_highest_shares_per_topic():
    shares = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    table = representative_units(shares, np.array(["a", "b", "c", "d"]), n=2)
    assert table.to_dict("list") == {
        "topic": [1, 1, 2, 2],
        "rank": [1, 2, 1, 2],
        "unit_id": ["a", "c", "b", "d"],
        "share": [0.9, 0.6, 0.8, 0.7],
    }


def test_topic_label_table_has_one_row_per_topic(two_topics):
    topic_word, terms = two_topics
    table = topic_label_table(topic_word, terms, n=3, n_label=2)
    assert table.to_dict("list") == {
        "topic": [1, 2],
        "label": ["sanctions · embargo", "alliance · peace"],
        "top_terms": ["un, sanctions, embargo", "un, alliance, peace"],
    }


def test_distinctive_terms_prefer_words_specific_to_the_topic(two_topics):
    topic_word, terms = two_topics
    # 'un' is probable in both topics but frequent everywhere: relevance puts the
    # topic's own words first; lambda = 1 is the plain probability ranking.
    frequency = np.array([1000, 30, 20, 25, 30])
    table = distinctive_terms(topic_word, terms, frequency, n=2)
    assert list(table.columns) == ["topic", "rank", "term", "weight", "relevance"]
    assert table["term"].tolist() == ["sanctions", "embargo", "alliance", "peace"]
    plain = distinctive_terms(topic_word, terms, frequency, n=2, lambda_=1.0)
    assert plain["term"].tolist() == topic_terms(topic_word, terms, n=2)["term"].tolist()
    assert topic_labels(topic_word, terms, n=1, term_frequency=frequency) == ["sanctions", "alliance"]
    with pytest.raises(ParameterError, match="term_frequency"):
        distinctive_terms(topic_word, terms, frequency[:3])


def test_label_table_adds_distinctive_terms_prevalence_and_scores(two_topics):
    topic_word, terms = two_topics
    shares = np.array([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]])  # the last unit has no terms
    table = topic_label_table(topic_word, terms, n=2, n_label=1, term_frequency=[1000, 30, 20, 25, 30],
                              unit_topic=shares, npmi=[0.1, 0.2], stability=[0.99, 0.5])
    assert list(table.columns) == ["topic", "label", "top_terms", "distinctive_terms", "prevalence",
                                   "npmi", "stability"]
    assert table["distinctive_terms"].tolist() == ["sanctions, embargo", "alliance, peace"]
    assert table["prevalence"].tolist() == [0.6, 0.4]


def test_representative_units_carry_their_text():
    shares = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    units = pd.DataFrame({"unit_id": ["c", "b", "a"], "text": ["third", "second unit text", "first"]})
    table = representative_units(shares, np.array(["a", "b", "c"]), n=1, units=units, max_chars=6)
    assert table["text"].tolist() == ["first", "second…"]
    with pytest.raises(ParameterError, match="text"):
        representative_units(shares, np.array(["a", "b", "c"]), units=units[["unit_id"]])
