"""Tests of stancebook.topics.quality: NPMI by hand, sliding windows, diversity, stability."""

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from stancebook.topics import npmi_coherence, term_sequences, topic_diversity, topic_stability, window_reference

# Five documents over the words a=0, b=1, c=2, d=3 (presence only):
#   d1: a b    d2: a b c    d3: a c    d4: d    d5: b
HAND_DTM = sp.csr_matrix(
    [
        [1, 1, 0, 0],
        [2, 1, 3, 0],
        [1, 0, 1, 0],
        [0, 0, 0, 5],
        [0, 1, 0, 0],
    ]
)


def test_npmi_matches_hand_computation_with_gensim_conventions():
    # Topic [a, b, c]. As in gensim 4.4, every reference unit counts (d4 too): N = 5.
    # df: a = 3, b = 3, c = 2; co-df: ab = 2, ac = 2, bc = 1.
    # NPMI(x, y) = log(P(x,y) / (P(x) P(y))) / -log P(x,y)   (eps = 1e-12 is negligible here)
    ab = math.log(0.4 / (0.6 * 0.6)) / -math.log(0.4)
    ac = math.log(0.4 / (0.6 * 0.4)) / -math.log(0.4)
    bc = math.log(0.2 / (0.6 * 0.4)) / -math.log(0.2)
    expected = (ab + ac + bc) / 3  # ordered pairs i != j: each unordered pair twice, same mean
    assert expected == pytest.approx(0.186399, abs=1e-6)
    result = npmi_coherence(np.array([[0, 1, 2]]), HAND_DTM)
    assert result.shape == (1,)
    assert result[0] == pytest.approx(expected, abs=1e-9)


def test_npmi_is_one_for_words_that_always_occur_together():
    # a and b together in 2 of 4 documents and never apart: NPMI = log(.5/.25)/-log(.5) = 1.
    dtm = sp.csr_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    assert npmi_coherence(np.array([[0, 1]]), dtm)[0] == pytest.approx(1.0, abs=1e-9)
    # A topic's score does not depend on the other topics' words.
    assert npmi_coherence(np.array([[0, 1], [0, 2]]), dtm)[0] == pytest.approx(1.0, abs=1e-9)


def test_npmi_is_about_minus_one_for_words_that_never_occur_together():
    # a in 2 of 4 documents, c in the other 2: P(a,c) = 0, so with gensim's eps
    # NPMI = log(1e-12 / .25) / -log(1e-12) = -0.949828 (the -1 bound up to eps).
    dtm = sp.csr_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    result = npmi_coherence(np.array([[0, 2]]), dtm)[0]
    assert result == pytest.approx(math.log(1e-12 / 0.25) / -math.log(1e-12), abs=1e-12)
    assert -1.0 < result < -0.94


def test_sliding_window_npmi_counts_windows_by_hand():
    # One unit "a b x c a" (x = not a DTM term, -1) and one unit "c": window 3.
    # Windows: [a b x], [b x c], [x c a] and [c] -> N = 4; a in 2, b in 2, c in 3;
    # ab together in 1, ac in 1, bc in 1.
    ref = window_reference([[0, 1, -1, 2, 0], [2]], window_size=3, n_terms=3)
    ab = math.log(0.25 / (0.5 * 0.5)) / -math.log(0.25)
    ac = math.log(0.25 / (0.5 * 0.75)) / -math.log(0.25)
    bc = ac
    assert npmi_coherence(np.array([[0, 1, 2]]), ref)[0] == pytest.approx((ab + ac + bc) / 3, abs=1e-9)


def test_window_as_long_as_the_units_equals_the_document_reference():
    sequences = [[0, 1], [0, 0, 1, 2, 2, 2], [0, 2], [3] * 5, [1]]
    top = np.array([[0, 1, 2], [1, 2, 3]])
    by_window = npmi_coherence(top, window_reference(sequences, window_size=6, n_terms=4))
    np.testing.assert_allclose(by_window, npmi_coherence(top, HAND_DTM), atol=1e-12)


def test_term_sequences_follow_token_order_and_mark_pruned_terms():
    tokens = pd.DataFrame({
        "unit_id": ["u2", "u1", "u1", "u1", "u1"],
        "token_index": [0, 3, 0, 1, 2],
        "term": ["war", "peace", "un", None, "rare"],
    })
    sequences = term_sequences(tokens, ["peace", "un", "war"], ["u1", "u2", "u3"])
    assert [s.tolist() for s in sequences] == [[1, -1, 0], [2], []]


def test_npmi_does_not_depend_on_counts_only_on_presence():
    binary = (HAND_DTM > 0).astype(np.int64)
    top = np.array([[0, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(npmi_coherence(top, HAND_DTM), npmi_coherence(top, binary))


def test_topic_diversity_is_share_of_distinct_top_words():
    # 6 top words, of which 'c' (2) is shared: 5 distinct / 6.
    assert topic_diversity(np.array([[0, 1, 2], [2, 3, 4]])) == pytest.approx(5 / 6)
    assert topic_diversity(np.array([[0, 1], [2, 3]])) == 1.0
    assert topic_diversity(np.array([[0, 1], [1, 0]])) == 0.5


def test_topic_stability_matches_topics_whatever_their_order():
    a = np.array([[0.7, 0.2, 0.1, 0.0], [0.0, 0.1, 0.2, 0.7]])
    stability, per_topic = topic_stability([a, a[::-1], a])
    assert stability == pytest.approx(1.0)
    np.testing.assert_allclose(per_topic, [1.0, 1.0])
    # Disjoint topics in the second fit: nothing matches.
    b = np.array([[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]])
    c = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    assert topic_stability([b, c])[0] == pytest.approx(0.0)
    assert np.isnan(topic_stability([a])[0])
