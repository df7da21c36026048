"""NPMI coherence against an independent implementation: gensim's CoherenceModel (c_npmi).

gensim is a test-only dependency: stancebook itself never imports it.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from stancebook.topics import npmi_coherence, window_reference

gensim_coherence = pytest.importorskip("gensim.models.coherencemodel")
gensim_corpora = pytest.importorskip("gensim.corpora")

VOCABULARY = [
    "sanctions", "embargo", "missile", "satellite", "launch", "peace", "treaty", "talks",
    "trade", "tariff", "export", "grain", "alliance", "summit", "moscow",
]
# Shared fixture: 12 short texts, no word repeated within a text (see the last
# test for why that matters for sliding windows), one text shorter than the window.
TEXTS = [
    ["sanctions", "embargo", "missile", "trade", "tariff", "export"],
    ["missile", "satellite", "launch", "summit", "moscow", "sanctions", "peace"],
    ["peace", "treaty", "talks", "summit", "alliance"],
    ["trade", "tariff", "export", "grain", "embargo", "sanctions", "talks", "moscow"],
    ["launch", "missile", "satellite", "alliance", "embargo"],
    ["grain", "export", "trade", "peace", "treaty"],
    ["summit", "talks", "peace", "moscow", "alliance", "treaty", "missile", "launch", "grain"],
    ["sanctions", "embargo", "tariff"],
    ["satellite", "launch", "missile", "sanctions", "talks", "trade"],
    ["moscow", "alliance", "summit", "grain", "export", "peace", "embargo"],
    ["treaty", "talks"],
    ["export", "grain", "tariff", "trade", "launch", "moscow", "satellite", "sanctions", "alliance", "summit"],
]
TOPICS = [
    ["sanctions", "embargo", "missile", "trade"],
    ["peace", "treaty", "talks", "summit", "alliance"],
    ["launch", "satellite", "missile", "moscow"],
    ["grain", "export", "tariff", "peace", "talks"],
]
TOPIC_INDICES = np.array([[VOCABULARY.index(w) for w in topic[:4]] for topic in TOPICS])


def gensim_npmi(topics, texts, window_size):
    dictionary = gensim_corpora.Dictionary(texts)
    model = gensim_coherence.CoherenceModel(
        topics=topics, texts=texts, dictionary=dictionary, coherence="c_npmi", window_size=window_size,
    )
    return np.array(model.get_coherence_per_topic())


def sequences(texts):
    return [[VOCABULARY.index(w) for w in text] for text in texts]


def document_matrix(texts):
    rows = [[text.count(w) for w in VOCABULARY] for text in texts]
    return sp.csr_matrix(rows)


def test_fixture_has_no_word_repeated_within_a_text():
    assert all(len(set(text)) == len(text) for text in TEXTS)


def test_document_npmi_equals_gensim_with_a_window_as_long_as_the_longest_text():
    longest = max(len(text) for text in TEXTS)
    expected = gensim_npmi([t[:4] for t in TOPICS], TEXTS, window_size=longest)
    np.testing.assert_allclose(npmi_coherence(TOPIC_INDICES, document_matrix(TEXTS)), expected, atol=1e-6)


@pytest.mark.parametrize("window_size", [2, 3, 4, 10])
def test_sliding_window_npmi_equals_gensim_c_npmi(window_size):
    expected = gensim_npmi([t[:4] for t in TOPICS], TEXTS, window_size=window_size)
    reference = window_reference(sequences(TEXTS), window_size=window_size, n_terms=len(VOCABULARY))
    np.testing.assert_allclose(npmi_coherence(TOPIC_INDICES, reference), expected, atol=1e-6)


def test_sliding_window_npmi_equals_gensim_with_words_outside_the_vocabulary():
    # Positions of words that are not DTM terms (-1) still take their place in a window.
    texts = [text[:3] + ["unknownword"] + text[3:] for text in TEXTS]
    expected = gensim_npmi([t[:4] for t in TOPICS], texts, window_size=4)
    ids = [[VOCABULARY.index(w) if w in VOCABULARY else -1 for w in text] for text in texts]
    reference = window_reference(ids, window_size=4, n_terms=len(VOCABULARY))
    np.testing.assert_allclose(npmi_coherence(TOPIC_INDICES, reference), expected, atol=1e-6)


def test_gensim_forgets_a_word_repeated_within_a_window_and_stancebook_does_not():
    # Text "a b a c", window 3: windows [a b a] and [b a c] both hold a.
    # gensim 4.4 marks a absent in the second window when its first copy leaves,
    # so it counts a in 1 window and (a, c) in none. stancebook counts a in 2
    # windows and (a, c) in 1, as the boolean sliding window is defined.
    texts = [["a", "b", "a", "c"], ["c", "d", "e"]]
    vocabulary = ["a", "b", "c", "d", "e"]
    ids = [[vocabulary.index(w) for w in text] for text in texts]
    reference = window_reference(ids, window_size=3, n_terms=5)
    # N = 3 windows; P(a) = 2/3, P(c) = 2/3, P(a, c) = 1/3.
    ours = npmi_coherence(np.array([[0, 2]]), reference)[0]
    assert ours == pytest.approx(np.log((1 / 3) / (4 / 9)) / -np.log(1 / 3), abs=1e-9)
    theirs = gensim_npmi([["a", "c"]], texts, window_size=3)[0]
    assert theirs < -0.9  # gensim sees a and c never together
