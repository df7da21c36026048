"""Fixtures shared by the tests of stancebook.topics: planted corpora, a fitted grid, small tables."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from stancebook.topics import TopicModelSelection

N_PLANTED = 3
WORDS_PER_TOPIC = 20


def planted_corpus(*, seed=0, n_docs=150, doc_len=40, n_topics=N_PLANTED, words_per_topic=WORDS_PER_TOPIC):
    """Documents drawn from n_topics topics over disjoint vocabularies.

    Unit-topic proportions ~ Dirichlet(0.1) (most units are about one topic),
    topic-word distributions ~ Dirichlet(1) within each topic's own words.
    """
    rng = np.random.default_rng(seed)
    n_terms = n_topics * words_per_topic
    beta = np.zeros((n_topics, n_terms))
    for t in range(n_topics):
        beta[t, t * words_per_topic:(t + 1) * words_per_topic] = rng.dirichlet(np.ones(words_per_topic))
    theta = rng.dirichlet(np.full(n_topics, 0.1), size=n_docs)
    counts = np.vstack([rng.multinomial(doc_len, p) for p in theta @ beta])
    terms = np.array([f"t{t}w{w:02d}" for t in range(n_topics) for w in range(words_per_topic)])
    unit_ids = np.array([f"doc-{i:03d}" for i in range(n_docs)])
    return sp.csr_matrix(counts, dtype=np.int64), terms, unit_ids, beta


@pytest.fixture(scope="session")
def make_planted_corpus():
    """The planted-corpus generator, for tests that need other sizes."""
    return planted_corpus


@pytest.fixture(scope="session")
def planted():
    return planted_corpus()


@pytest.fixture(scope="session")
def planted_grid_fit(planted):
    dtm, terms, unit_ids, _ = planted
    return TopicModelSelection(k_grid=[2, 3, 4, 5], n_jobs=2).fit(dtm, terms, unit_ids)


@pytest.fixture(scope="session")
def two_topics():
    """A hand-written (2 x 5) topic-word matrix and its terms; 'un' tops both topics."""
    topic_word = np.array(
        [
            [0.40, 0.30, 0.20, 0.10, 0.00],
            [0.40, 0.00, 0.05, 0.25, 0.30],
        ]
    )
    terms = np.array(["un", "sanctions", "embargo", "peace", "alliance"])
    return topic_word, terms


def _prevalence_data(n_per_year, *, seed=0):
    rng = np.random.default_rng(seed)
    years = np.repeat([2020, 2021], n_per_year)
    shares = rng.dirichlet([1.0, 2.0, 3.0], size=years.size)
    unit_ids = np.array([f"u{i:04d}" for i in range(years.size)])
    meta = pd.DataFrame({"unit_id": unit_ids[::-1], "year": years[::-1], "actor": "PRK"})
    return shares, unit_ids, meta


@pytest.fixture(scope="session")
def prevalence_data():
    """``prevalence_data(n_per_year)``: Dirichlet shares of two years' units, and their metadata (reversed)."""
    return _prevalence_data
