"""Tests of stancebook.topics: planted topics, coherence, selection, tables, plots."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from stancebook.errors import DataTooSmallWarning, ParameterError, StancebookError  # noqa: E402
from stancebook.topics import (  # noqa: E402
    TopicModelSelection,
    default_k_grid,
    npmi_coherence,
    plot_model_selection,
    plot_topic_terms,
    representative_units,
    topic_diversity,
    topic_label_table,
    topic_labels,
    topic_terms,
    unit_topic_table,
)

N_PLANTED = 3
WORDS_PER_TOPIC = 20


def planted_corpus(*, seed=0, n_docs=150, doc_len=40):
    """Documents drawn from 3 topics over disjoint 20-word vocabularies.

    Unit-topic proportions ~ Dirichlet(0.1) (most units are about one topic),
    topic-word distributions ~ Dirichlet(1) within each topic's own words.
    """
    rng = np.random.default_rng(seed)
    n_terms = N_PLANTED * WORDS_PER_TOPIC
    beta = np.zeros((N_PLANTED, n_terms))
    for t in range(N_PLANTED):
        beta[t, t * WORDS_PER_TOPIC:(t + 1) * WORDS_PER_TOPIC] = rng.dirichlet(np.ones(WORDS_PER_TOPIC))
    theta = rng.dirichlet(np.full(N_PLANTED, 0.1), size=n_docs)
    counts = np.vstack([rng.multinomial(doc_len, p) for p in theta @ beta])
    terms = np.array([f"t{t}w{w:02d}" for t in range(N_PLANTED) for w in range(WORDS_PER_TOPIC)])
    unit_ids = np.array([f"doc-{i:03d}" for i in range(n_docs)])
    return sp.csr_matrix(counts, dtype=np.int64), terms, unit_ids, beta


def matched_cosines(planted, learned):
    """Cosine of each planted topic with its Hungarian-matched learned topic."""
    a = planted / np.linalg.norm(planted, axis=1, keepdims=True)
    b = learned / np.linalg.norm(learned, axis=1, keepdims=True)
    similarity = a @ b.T
    rows, cols = linear_sum_assignment(-similarity)
    return similarity[rows, cols]


@pytest.fixture(scope="module")
def planted():
    return planted_corpus()


@pytest.fixture(scope="module")
def planted_grid_fit(planted):
    dtm, terms, unit_ids, _ = planted
    return TopicModelSelection(k_grid=[2, 3, 4, 5]).fit(dtm, terms, unit_ids)


# --------------------------------------------------------------------------
# planted topics
# --------------------------------------------------------------------------
def test_fixed_k_recovers_every_planted_topic(planted):
    dtm, terms, unit_ids, beta = planted
    selection = TopicModelSelection(n_topics=3).fit(dtm, terms, unit_ids)
    assert selection.k_ == 3
    assert selection.topic_word_.shape == (3, len(terms))
    assert np.all(matched_cosines(beta, selection.topic_word_) >= 0.9)


def test_grid_selection_picks_the_planted_number_of_topics(planted_grid_fit, planted):
    *_, beta = planted
    table = planted_grid_fit.table_
    assert planted_grid_fit.k_ == N_PLANTED
    assert np.all(matched_cosines(beta, planted_grid_fit.topic_word_) >= 0.9)
    # The table records all 8 fits and exactly one choice, which matches the attributes.
    assert list(table.columns) == ["model", "k", "npmi", "npmi_se", "diversity", "perplexity", "selected"]
    assert len(table) == 8 and table["selected"].sum() == 1
    chosen = table[table["selected"]].iloc[0]
    assert (chosen["model"], chosen["k"]) == (planted_grid_fit.model_name_, planted_grid_fit.k_)
    assert table.loc[table["model"] == "nmf", "perplexity"].isna().all()
    assert table.loc[table["model"] == "lda", "perplexity"].gt(0).all()
    assert "k = 3" in planted_grid_fit.reason_


def test_planted_topics_are_more_coherent_and_diverse_at_the_planted_k(planted_grid_fit):
    table = planted_grid_fit.table_.set_index(["model", "k"])
    for model in ("lda", "nmf"):
        assert table.loc[(model, 3), "npmi"] > table.loc[(model, 2), "npmi"]
        assert table.loc[(model, 3), "diversity"] == 1.0
        assert table.loc[(model, 5), "diversity"] < 1.0


def test_unit_topic_rows_are_proportions_and_follow_the_units(planted_grid_fit, planted):
    _, _, unit_ids, _ = planted
    shares = planted_grid_fit.unit_topic_
    assert shares.shape == (len(unit_ids), planted_grid_fit.k_)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    np.testing.assert_allclose(planted_grid_fit.topic_word_.sum(axis=1), 1.0)
    assert list(planted_grid_fit.unit_ids_) == list(unit_ids)


# --------------------------------------------------------------------------
# NPMI and diversity
# --------------------------------------------------------------------------
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
    # Topic [a, b, c]. As in gensim, only documents holding a top word count:
    # d4 is dropped, N = 4. df: a = 3, b = 3, c = 2; co-df: ab = 2, ac = 2, bc = 1.
    # NPMI(x, y) = log(P(x,y) / (P(x) P(y))) / -log P(x,y)   (eps = 1e-12 is negligible here)
    ab = math.log(0.50 / (0.75 * 0.75)) / -math.log(0.50)  # -0.169925
    ac = math.log(0.50 / (0.75 * 0.50)) / -math.log(0.50)  #  0.415037
    bc = math.log(0.25 / (0.75 * 0.50)) / -math.log(0.25)  # -0.292481
    expected = (ab + ac + bc) / 3  # ordered pairs i != j: each unordered pair twice, same mean
    assert expected == pytest.approx(-0.015790, abs=1e-6)
    result = npmi_coherence(np.array([[0, 1, 2]]), HAND_DTM)
    assert result.shape == (1,)
    assert result[0] == pytest.approx(expected, abs=1e-9)


def test_npmi_is_one_for_words_that_always_occur_together():
    # a and b together in 2 of 4 documents and never apart: NPMI = log(.5/.25)/-log(.5) = 1.
    # The second topic [a, c] keeps documents 3-4 in the count (gensim counts only
    # documents holding some top word; with a and b alone, both would be in every
    # counted document, P = 1, and NPMI would be the 0/0 limit -1).
    dtm = sp.csr_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    assert npmi_coherence(np.array([[0, 1], [0, 2]]), dtm)[0] == pytest.approx(1.0, abs=1e-9)
    assert npmi_coherence(np.array([[0, 1]]), dtm)[0] == -1.0


def test_npmi_is_about_minus_one_for_words_that_never_occur_together():
    # a in 2 of 4 documents, c in the other 2: P(a,c) = 0, so with gensim's eps
    # NPMI = log(1e-12 / .25) / -log(1e-12) = -0.949828 (the -1 bound up to eps).
    dtm = sp.csr_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    result = npmi_coherence(np.array([[0, 2]]), dtm)[0]
    assert result == pytest.approx(math.log(1e-12 / 0.25) / -math.log(1e-12), abs=1e-12)
    assert -1.0 < result < -0.94


def test_npmi_does_not_depend_on_counts_only_on_presence():
    binary = (HAND_DTM > 0).astype(np.int64)
    top = np.array([[0, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(npmi_coherence(top, HAND_DTM), npmi_coherence(top, binary))


def test_topic_diversity_is_share_of_distinct_top_words():
    # 6 top words, of which 'c' (2) is shared: 5 distinct / 6.
    assert topic_diversity(np.array([[0, 1, 2], [2, 3, 4]])) == pytest.approx(5 / 6)
    assert topic_diversity(np.array([[0, 1], [2, 3]])) == 1.0
    assert topic_diversity(np.array([[0, 1], [1, 0]])) == 0.5


# --------------------------------------------------------------------------
# k grid
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n_units", "n_terms", "expected"),
    [
        (6, 100, []),
        (8, 100, [2]),
        (20, 200, [2, 3, 4, 5]),
        (20, 15, [2, 3]),
        (100, 5000, [2, 4, 6, 8, 10, 15, 20, 25]),
        (10_000, 50_000, [2, 4, 6, 8, 10, 15, 20, 25, 30]),
    ],
)
def test_default_k_grid_is_sized_to_the_corpus(n_units, n_terms, expected):
    assert default_k_grid(n_units, n_terms) == expected


# --------------------------------------------------------------------------
# reproducibility
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_corpus():
    dtm, terms, unit_ids, _ = planted_corpus(seed=7, n_docs=60, doc_len=25)
    return dtm, terms, unit_ids


def test_same_random_state_gives_identical_results(small_corpus):
    first = TopicModelSelection(k_grid=[2, 3, 4], random_state=3).fit(*small_corpus)
    second = TopicModelSelection(k_grid=[2, 3, 4], random_state=3).fit(*small_corpus)
    pd.testing.assert_frame_equal(first.table_, second.table_)
    np.testing.assert_array_equal(first.unit_topic_, second.unit_topic_)
    assert first.reason_ == second.reason_


def test_parallel_fits_give_the_same_results_as_serial(small_corpus):
    serial = TopicModelSelection(k_grid=[2, 3, 4], n_jobs=1).fit(*small_corpus)
    parallel = TopicModelSelection(k_grid=[2, 3, 4], n_jobs=2).fit(*small_corpus)
    pd.testing.assert_frame_equal(serial.table_, parallel.table_)
    np.testing.assert_array_equal(serial.topic_word_, parallel.topic_word_)
    np.testing.assert_array_equal(serial.unit_topic_, parallel.unit_topic_)


def test_fit_does_not_modify_its_inputs(small_corpus):
    dtm, terms, unit_ids = small_corpus
    before = (dtm.copy(), terms.copy(), unit_ids.copy())
    TopicModelSelection(k_grid=[2], models=("nmf",)).fit(dtm, terms, unit_ids)
    assert (dtm != before[0]).nnz == 0
    np.testing.assert_array_equal(terms, before[1])
    np.testing.assert_array_equal(unit_ids, before[2])


# --------------------------------------------------------------------------
# small corpora, forced choices, bad parameters
# --------------------------------------------------------------------------
TINY_DTM = sp.csr_matrix(
    [
        [2, 1, 0, 0, 0, 0],
        [1, 2, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],  # a unit whose words were all stopwords
        [0, 0, 2, 1, 0, 0],
        [0, 0, 1, 2, 1, 0],
        [0, 0, 0, 0, 2, 1],
    ]
)
TINY_TERMS = np.array(["sanctions", "embargo", "missile", "satellite", "peace", "un"])
TINY_IDS = np.array([f"seed:s{i:03d}" for i in range(1, 7)])


def test_too_small_corpus_warns_and_falls_back_to_two_topics():
    with pytest.warns(DataTooSmallWarning, match="too small"):
        selection = TopicModelSelection().fit(TINY_DTM, TINY_TERMS, TINY_IDS)
    assert selection.k_ == 2
    assert set(selection.table_["k"]) == {2}
    assert "too small" in selection.reason_
    # The unit without terms gets a uniform row, never NaN, and no dominant topic.
    assert not np.isnan(selection.unit_topic_).any()
    np.testing.assert_allclose(selection.unit_topic_[2], [0.5, 0.5])
    table = unit_topic_table(selection.unit_topic_, selection.unit_ids_)
    assert table.loc[2, "dominant_topic"] == 0
    assert "seed:s003" not in set(representative_units(selection.unit_topic_, selection.unit_ids_)["unit_id"])


@pytest.mark.parametrize(
    ("dtm", "reason"),
    [
        (TINY_DTM[[0, 1, 2]], "units with terms"),  # only 2 units with terms
        (sp.csr_matrix([[1, 1, 0], [0, 1, 1], [1, 0, 1], [2, 0, 0]]), "terms"),  # only 3 terms
    ],
)
def test_corpus_too_small_for_any_topic_model_raises(dtm, reason):
    terms = TINY_TERMS[: dtm.shape[1]]
    with pytest.raises(StancebookError, match=reason):
        TopicModelSelection().fit(dtm, terms)


def test_grid_values_too_large_for_the_corpus_are_dropped_with_a_warning():
    with pytest.warns(DataTooSmallWarning, match="k_grid"):
        selection = TopicModelSelection(k_grid=[2, 3, 9]).fit(TINY_DTM, TINY_TERMS, TINY_IDS)
    assert sorted(set(selection.table_["k"])) == [2, 3]


def test_forced_model_and_k_are_respected(small_corpus):
    selection = TopicModelSelection(model="nmf", n_topics=4).fit(*small_corpus)
    assert (selection.model_name_, selection.k_) == ("nmf", 4)
    assert list(selection.table_["model"]) == ["nmf"]
    assert "n_topics" in selection.reason_


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"k_grid": [1, 2]}, "k_grid"),
        ({"k_grid": []}, "k_grid"),
        ({"k_grid": ["three"]}, "k_grid"),
        ({"models": ("lda", "lsa")}, "models"),
        ({"models": ()}, "models"),
        ({"n_top_words": 1}, "n_top_words"),
        ({"n_topics": -2}, "n_topics"),
        ({"n_topics": 1}, "n_topics"),
        ({"n_topics": 50}, "n_topics"),
        ({"model": "bertopic"}, "model"),
        ({"max_iter": 0}, "max_iter"),
        ({"n_jobs": 0}, "n_jobs"),
    ],
)
def test_bad_parameter_is_refused_with_its_name(params, name):
    with pytest.raises(ParameterError, match=name):
        TopicModelSelection(**params).fit(TINY_DTM, TINY_TERMS, TINY_IDS)


def test_mismatched_terms_are_refused():
    with pytest.raises(ParameterError, match="terms"):
        TopicModelSelection().fit(TINY_DTM, TINY_TERMS[:3], TINY_IDS)
    with pytest.raises(ParameterError, match="unit_ids"):
        TopicModelSelection().fit(TINY_DTM, TINY_TERMS, TINY_IDS[:2])


# --------------------------------------------------------------------------
# tables and labels
# --------------------------------------------------------------------------
TOPIC_WORD = np.array(
    [
        [0.40, 0.30, 0.20, 0.10, 0.00],
        [0.40, 0.00, 0.05, 0.25, 0.30],
    ]
)
TERMS = np.array(["un", "sanctions", "embargo", "peace", "alliance"])


def test_topic_terms_lists_top_terms_by_weight():
    table = topic_terms(TOPIC_WORD, TERMS, n=2)
    assert list(table.columns) == ["topic", "rank", "term", "weight"]
    assert table.to_dict("list") == {
        "topic": [1, 1, 2, 2],
        "rank": [1, 2, 1, 2],
        "term": ["un", "sanctions", "un", "alliance"],
        "weight": [0.4, 0.3, 0.4, 0.3],
    }


def test_topic_labels_skip_words_that_top_every_topic():
    # 'un' is the top word of both topics, so it describes neither.
    assert topic_labels(TOPIC_WORD, TERMS, n=2) == ["sanctions · embargo", "alliance · peace"]
    # With one topic nothing is "everywhere": the label is the plain top words.
    assert topic_labels(TOPIC_WORD[:1], TERMS, n=2) == ["un · sanctions"]


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


# --------------------------------------------------------------------------
# plots
# --------------------------------------------------------------------------
def test_plot_model_selection_marks_the_chosen_fit(planted_grid_fit):
    fig, ax = plt.subplots()
    try:
        returned = plot_model_selection(ax, planted_grid_fit.table_)
        assert returned is ax
        assert ax.get_xlabel() == "number of topics k"
        assert "NPMI" in ax.get_ylabel()
        legend = [text.get_text() for text in ax.get_legend().get_texts()]
        assert {"LDA", "NMF", "selected"} <= set(legend)
    finally:
        plt.close(fig)


def test_plot_topic_terms_draws_one_panel_per_topic_and_hides_the_rest():
    fig, axes = plt.subplots(2, 2)
    try:
        table = topic_terms(TOPIC_WORD, TERMS, n=3)
        returned = plot_topic_terms(axes, table, topic_labels(TOPIC_WORD, TERMS))
        assert returned is axes
        flat = axes.ravel()
        assert [ax.get_visible() for ax in flat] == [True, True, False, False]
        assert flat[0].get_title(loc="left").startswith("Topic 1")
        assert [t.get_text() for t in flat[0].get_yticklabels()] == ["un", "sanctions", "embargo"]
    finally:
        plt.close(fig)


def test_fits_that_do_not_converge_are_reported_once_naming_max_iter(small_corpus):
    from sklearn.exceptions import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="max_iter") as record:
        TopicModelSelection(k_grid=[2, 3], models=("nmf",), max_iter=1).fit(*small_corpus)
    assert len([w for w in record if issubclass(w.category, ConvergenceWarning)]) == 1


def test_topic_label_table_has_one_row_per_topic():
    table = topic_label_table(TOPIC_WORD, TERMS, n=3, n_label=2)
    assert table.to_dict("list") == {
        "topic": [1, 2],
        "label": ["sanctions · embargo", "alliance · peace"],
        "top_terms": ["un, sanctions, embargo", "un, alliance, peace"],
    }
