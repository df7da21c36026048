"""Unigram and bigram counts of many short texts, with numpy: CountVectorizer's matrix, about twice as fast.

scikit-learn's :class:`~sklearn.feature_extraction.text.CountVectorizer`
counts each text's n-grams in a Python dictionary, one string per n-gram.
Here every word is numbered once, a bigram is a pair of word numbers, and
the counts, document frequencies and the choice of the most frequent
features are array operations; only the kept features' names are strings.
The matrix, its column order and the feature names are CountVectorizer's,
ties at the ``max_features`` cut included (the tests compare them).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import sparse

from stancebook.checks import check_int
from stancebook.ragged import expand_ranges
from stancebook.text.tokens import findall_each

__all__ = ["count_ngrams"]

# CountVectorizer's default token_pattern
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def count_ngrams(texts, *, min_df: int = 1, max_features: int | None = None) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Counts of every unigram and bigram of each text, as ``CountVectorizer(ngram_range=(1, 2), lowercase=False)``.

    Parameters
    ----------
    texts : sequence of str
        The documents; words are CountVectorizer's tokens (two or more word
        characters), taken as they are (no lower-casing).
    min_df : int, default 1
        Keep n-grams found in at least this many texts.
    max_features : int, optional
        Then keep only this many, the most frequent over all texts (ties
        broken as CountVectorizer breaks them).

    Returns
    -------
    counts : scipy.sparse.csr_matrix of int64, shape (n_texts, n_features)
        Sorted indices; columns in the order of ``names``.
    names : numpy.ndarray of object
        The n-grams (str), in alphabetical order (a bigram is its two words
        joined by a space).

    Raises
    ------
    ValueError
        No text has a word, or no n-gram is left after ``min_df``
        (CountVectorizer's errors).

    Examples
    --------
    >>> counts, names = count_ngrams(["peace and security", "peace and development", "peace"], min_df=2)
    >>> names.tolist(), counts.toarray().tolist()
    (['and', 'peace', 'peace and'], [[1, 1, 1], [1, 1, 1], [0, 1, 0]])
    """
    min_df = check_int(min_df, "min_df", minimum=1)
    if max_features is not None:
        max_features = check_int(max_features, "max_features", minimum=1)
    codes, lengths, words = _word_codes(texts)
    if not len(words):
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    n_texts, n_words = len(lengths), len(words)
    n_bigrams = np.maximum(lengths - 1, 0)
    # every word but the last of its text starts a bigram
    pair_start = expand_ranges(np.cumsum(lengths) - lengths, n_bigrams)
    bigram_code, bigrams = pd.factorize(codes[pair_start].astype(np.int64) * n_words + codes[pair_start + 1],
                                        sort=False)
    del pair_start
    n_features = n_words + len(bigrams)
    # Each text's row: its words, then its bigrams (feature ids: words first, then bigrams), summed per text.
    row_ptr = np.concatenate(([0], np.cumsum(lengths + n_bigrams)))
    if row_ptr[-1] < np.iinfo(np.int32).max:
        row_ptr = row_ptr.astype(np.int32)  # int64 pointers would make scipy copy the indices to int64 too
    features = np.empty(int(row_ptr[-1]), dtype=np.int32)
    features[expand_ranges(row_ptr[:-1], lengths)] = codes
    features[expand_ranges(row_ptr[:-1] + lengths, n_bigrams)] = n_words + bigram_code
    del codes, bigram_code
    counts = sparse.csr_matrix((np.ones(len(features), dtype=np.int64), features, row_ptr),
                               shape=(n_texts, n_features))
    counts.sum_duplicates()
    doc_freq = np.bincount(counts.indices, minlength=n_features)
    candidates = np.flatnonzero(doc_freq >= min_df)
    if not len(candidates):
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    is_bigram = candidates >= n_words
    first, second = np.divmod(np.asarray(bigrams)[candidates[is_bigram] - n_words], n_words)
    names = np.empty(len(candidates), dtype=object)
    names[~is_bigram] = words[candidates[~is_bigram]]
    names[is_bigram] = [a + " " + b for a, b in zip(words[first].tolist(), words[second].tolist())]
    alphabetical = np.array(sorted(range(len(names)), key=names.__getitem__), dtype=np.int64)
    candidates, names = candidates[alphabetical], names[alphabetical]
    if max_features is not None and len(candidates) > max_features:
        totals = np.bincount(counts.indices, weights=counts.data, minlength=n_features).astype(np.int64)
        # CountVectorizer's own cut: the same argsort of the same array in the same order
        keep = np.sort((-totals[candidates]).argsort()[:max_features])
        candidates, names = candidates[keep], names[keep]
    counts = counts[:, candidates]
    counts.sort_indices()
    return counts, names


def _word_codes(texts, *, batch: int = 20_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each text's words as numbers, in text order; the words per text; the words (index = number).

    Texts are read in batches, so only one batch's words are strings at a time.
    """
    number: dict[str, int] = {}
    codes, lengths = [], []
    texts = list(texts)
    for a in range(0, len(texts), batch):
        words, counts = findall_each(_TOKEN, texts[a:a + batch])
        lengths.append(counts)
        local, distinct = pd.factorize(np.array(words, dtype=object), sort=False)
        del words
        global_of = np.fromiter((number.setdefault(w, len(number)) for w in distinct), dtype=np.int32,
                                count=len(distinct))
        codes.append(global_of[local])
    empty = np.zeros(0, dtype=np.int64)
    return (np.concatenate(codes) if codes else empty.astype(np.int32),
            np.concatenate(lengths) if lengths else empty, np.array(list(number), dtype=object))
