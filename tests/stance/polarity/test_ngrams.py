"""The numpy n-gram counter gives CountVectorizer's matrix and feature names, ties at the cut included.

The oracle is scikit-learn's CountVectorizer with the same settings.
"""

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from stancebook.stance.polarity.learned import LearnedStance
from stancebook.stance.polarity.ngrams import count_ngrams

TEXTS = [
    "we condemn ACTOR 's aggression against TARGET",
    "we thank TARGET for its solidarity",
    "we stand with TARGET and we thank TARGET",
    "",                                     # no words
    "a",                                    # one letter: not a word
    "peace",                                # one word, no bigram
    "the occupation by ACTOR of TARGET must end",
    "we condemn ACTOR 's aggression against TARGET",  # a duplicate text
    "Über die Sanktionen gegen TARGET: ACTOR's Café, 2015 and 1990s",
    "co-operation and well-being of TARGET's people",
    "sanctions sanctions sanctions against TARGET",
]


def _oracle(texts, **options):
    vectorizer = CountVectorizer(ngram_range=(1, 2), lowercase=False, **options)
    matrix = vectorizer.fit_transform(texts)
    matrix.sort_indices()
    return matrix, vectorizer.get_feature_names_out()


def _assert_same(texts, **options):
    counts, names = count_ngrams(texts, **options)
    expected, expected_names = _oracle(texts, **options)
    assert names.tolist() == expected_names.tolist()
    assert counts.shape == expected.shape and counts.dtype == np.int64 and counts.has_sorted_indices
    np.testing.assert_array_equal(counts.indptr, expected.indptr)
    np.testing.assert_array_equal(counts.indices, expected.indices)
    np.testing.assert_array_equal(counts.data, expected.data)


@pytest.mark.parametrize("options", [{}, {"min_df": 2}, {"max_features": 7}, {"min_df": 2, "max_features": 4}])
def test_the_counts_and_names_are_count_vectorizers(options):
    _assert_same(TEXTS, **options)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("max_features", [1, 5, 40, 1000])
def test_ties_at_the_max_features_cut_are_broken_as_count_vectorizer_breaks_them(seed, max_features):
    # a small vocabulary gives many n-grams with the same total count around the cut
    rng = np.random.default_rng(seed)
    vocabulary = ["peace", "war", "TARGET", "ACTOR", "aid", "sanctions", "ab", "zz", "ärger", "éclat"]
    texts = [" ".join(rng.choice(vocabulary, size=rng.integers(0, 9))) for _ in range(60)]
    _assert_same(texts, min_df=2, max_features=max_features)


def test_the_learned_views_weights_are_those_of_count_vectorizer_and_tfidf_transformer_to_the_last_bit():
    weights = LearnedStance._view_features(TEXTS * 3)
    counts, _ = _oracle(TEXTS * 3, min_df=2, max_features=50_000)
    expected = TfidfTransformer(sublinear_tf=True).fit(counts).transform(counts)
    np.testing.assert_array_equal(weights.indptr, expected.indptr)
    np.testing.assert_array_equal(weights.indices, expected.indices)
    np.testing.assert_array_equal(weights.data, expected.data)


def test_texts_without_words_or_without_frequent_ngrams_are_refused_as_count_vectorizer_refuses_them():
    with pytest.raises(ValueError, match="empty vocabulary"):
        count_ngrams(["", "a", "1 2"])
    with pytest.raises(ValueError, match="no terms remain"):
        count_ngrams(["peace now", "war later"], min_df=2)
    with pytest.raises(Exception, match="min_df"):
        count_ngrams(TEXTS, min_df=0)


def test_batches_and_a_text_holding_the_separator_word_change_nothing():
    from stancebook.stance.polarity import ngrams
    from stancebook.text.tokens import SEPARATOR_WORD

    texts = [*TEXTS, f"peace {SEPARATOR_WORD} now", *TEXTS]
    expected, expected_names = _oracle(texts)
    for batch in (1, 3, 100):
        codes, lengths, words = ngrams._word_codes(texts, batch=batch)
        assert lengths.tolist() == [len(ngrams._TOKEN.findall(t)) for t in texts]
        assert words[codes].tolist() == [w for t in texts for w in ngrams._TOKEN.findall(t)]
    _assert_same(texts)
