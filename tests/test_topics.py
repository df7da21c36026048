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
    distinctive_terms,
    npmi_coherence,
    plot_model_selection,
    plot_prevalence,
    plot_topic_map,
    plot_topic_terms,
    representative_units,
    term_sequences,
    topic_diversity,
    topic_label_table,
    topic_labels,
    topic_map,
    topic_prevalence,
    topic_stability,
    topic_terms,
    unit_topic_table,
    window_reference,
)

N_PLANTED = 3
WORDS_PER_TOPIC = 20
TABLE_COLUMNS = ["model", "k", "npmi", "npmi_se", "diversity", "stability", "heldout_perplexity",
                 "stable", "selected"]


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
    return TopicModelSelection(k_grid=[2, 3, 4, 5], n_jobs=2).fit(dtm, terms, unit_ids)


# --------------------------------------------------------------------------
# planted topics
# --------------------------------------------------------------------------
def test_fixed_k_recovers_every_planted_topic(planted):
    dtm, terms, unit_ids, beta = planted
    selection = TopicModelSelection(n_topics=3, n_seeds=1).fit(dtm, terms, unit_ids)
    assert selection.k_ == 3
    assert selection.topic_word_.shape == (3, len(terms))
    assert np.all(matched_cosines(beta, selection.topic_word_) >= 0.9)


def test_grid_selection_picks_the_planted_number_of_topics(planted_grid_fit, planted):
    *_, beta = planted
    table = planted_grid_fit.table_
    assert planted_grid_fit.k_ == N_PLANTED
    assert np.all(matched_cosines(beta, planted_grid_fit.topic_word_) >= 0.9)
    # The table records all 8 fits and exactly one choice, which matches the attributes.
    assert list(table.columns) == TABLE_COLUMNS
    assert len(table) == 8 and table["selected"].sum() == 1
    chosen = table[table["selected"]].iloc[0]
    assert (chosen["model"], chosen["k"]) == (planted_grid_fit.model_name_, planted_grid_fit.k_)
    assert table.loc[table["model"] == "nmf", "heldout_perplexity"].isna().all()
    assert table.loc[table["model"] == "lda", "heldout_perplexity"].gt(0).all()
    assert "k = 3" in planted_grid_fit.reason_
    # Every (model, k) has a stability score; the planted k is (near) perfectly stable.
    assert table["stability"].notna().all()
    assert chosen["stability"] >= 0.95
    np.testing.assert_allclose(planted_grid_fit.topic_stability_, 1.0, atol=0.05)


def test_selection_recovers_six_planted_topics_and_their_number():
    dtm, terms, unit_ids, beta = planted_corpus(seed=11, n_docs=180, doc_len=40, n_topics=6, words_per_topic=15)
    selection = TopicModelSelection(k_grid=[4, 6, 8], n_jobs=2).fit(dtm, terms, unit_ids)
    assert selection.k_ == 6, selection.reason_
    assert np.all(matched_cosines(beta, selection.topic_word_) >= 0.9)
    table = selection.table_
    assert table["stability"].notna().all()
    assert table.loc[table["selected"], "stability"].iloc[0] >= 0.95


def test_stability_drops_when_k_splits_planted_topics(planted_grid_fit):
    table = planted_grid_fit.table_.set_index(["model", "k"])
    assert table.loc[("lda", 3), "stability"] > table.loc[("lda", 5), "stability"]
    assert table["stability"].between(0, 1).all()


@pytest.mark.parametrize("sample", [0.8, 1.0])
def test_nmf_stability_peaks_at_the_planted_k_with_subsamples_or_random_starts(planted, sample):
    # 0.8: refits on 80% subsamples from the deterministic nndsvda start (Greene et al. 2014);
    # 1.0: refits on every unit from random starts.
    dtm, terms, unit_ids, _ = planted
    selection = TopicModelSelection(k_grid=[2, 3, 4, 5], models=("nmf",), stability_sample=sample).fit(
        dtm, terms, unit_ids)
    stability = selection.table_.set_index("k")["stability"]
    assert stability.idxmax() == N_PLANTED
    assert stability[N_PLANTED] >= 0.99
    assert stability.drop(N_PLANTED).max() < stability[N_PLANTED] - 0.02


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
    first = TopicModelSelection(k_grid=[3], n_seeds=2, random_state=3).fit(*small_corpus)
    second = TopicModelSelection(k_grid=[3], n_seeds=2, random_state=3).fit(*small_corpus)
    pd.testing.assert_frame_equal(first.table_, second.table_)
    np.testing.assert_array_equal(first.unit_topic_, second.unit_topic_)
    assert first.reason_ == second.reason_
    assert first.notes_ == second.notes_
    _, terms, unit_ids = small_corpus
    for a, b in zip(topic_tables(first, terms, unit_ids), topic_tables(second, terms, unit_ids)):
        pd.testing.assert_frame_equal(a, b)


def topic_tables(fitted, terms, unit_ids):
    """Every table the notebook writes from a fitted selection."""
    meta = pd.DataFrame({"unit_id": unit_ids, "year": np.arange(len(unit_ids)) % 3 + 2020})
    return (
        fitted.table_,
        topic_label_table(fitted.topic_word_, terms, term_frequency=fitted.term_frequency_,
                          unit_topic=fitted.unit_topic_, npmi=fitted.npmi_per_topic_,
                          stability=fitted.topic_stability_),
        distinctive_terms(fitted.topic_word_, terms, fitted.term_frequency_),
        unit_topic_table(fitted.unit_topic_, unit_ids),
        topic_map(fitted.topic_word_, fitted.unit_topic_),
        topic_prevalence(fitted.unit_topic_, unit_ids, meta, "year", n_boot=100),
    )


def test_parallel_fits_give_the_same_results_as_serial(small_corpus):
    serial = TopicModelSelection(k_grid=[3], n_seeds=2, n_jobs=1).fit(*small_corpus)
    parallel = TopicModelSelection(k_grid=[3], n_seeds=2, n_jobs=2).fit(*small_corpus)
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
    # No held-out perplexity on 5 units, and the notes say so in plain words.
    assert selection.table_["heldout_perplexity"].isna().all()
    assert any("Held-out perplexity was not computed" in note and "20 units" in note
               for note in selection.notes_)
    assert selection.heldout_unit_ids_.size == 0
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
        ({"n_seeds": 0}, "n_seeds"),
        ({"stability_sample": 0}, "stability_sample"),
        ({"stability_sample": 1.2}, "stability_sample"),
        ({"min_stability": 1.5}, "min_stability"),
        ({"coherence": "c_v"}, "coherence"),
        ({"coherence": "window"}, "coherence"),  # window coherence without tokens
        ({"window_size": 1}, "window_size"),
        ({"holdout": 1.0}, "holdout"),
        ({"lda_learning_method": "gibbs"}, "lda_learning_method"),
        ({"doc_topic_prior": -0.1}, "doc_topic_prior"),
        ({"topic_word_prior": "small"}, "topic_word_prior"),
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


# --------------------------------------------------------------------------
# stability, held-out split, sliding-window coherence in the selection
# --------------------------------------------------------------------------
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


def test_one_seed_gives_no_stability_and_says_so(small_corpus):
    selection = TopicModelSelection(k_grid=[2, 3], n_seeds=1, models=("nmf",)).fit(*small_corpus)
    assert selection.table_["stability"].isna().all()
    assert selection.table_["stable"].all()
    assert any("n_seeds = 1" in note for note in selection.notes_)


def test_heldout_units_are_a_seeded_share_of_the_units(small_corpus):
    dtm, terms, unit_ids = small_corpus
    first = TopicModelSelection(n_topics=3, n_seeds=1, models=("lda",), holdout=0.25).fit(dtm, terms, unit_ids)
    again = TopicModelSelection(n_topics=3, n_seeds=1, models=("lda",), holdout=0.25).fit(dtm, terms, unit_ids)
    other = TopicModelSelection(n_topics=3, n_seeds=1, models=("lda",), holdout=0.25, random_state=1).fit(
        dtm, terms, unit_ids)
    assert first.heldout_unit_ids_.size == 15  # 25 % of 60 units
    assert set(first.heldout_unit_ids_) <= set(unit_ids)
    np.testing.assert_array_equal(first.heldout_unit_ids_, again.heldout_unit_ids_)
    assert set(first.heldout_unit_ids_) != set(other.heldout_unit_ids_)
    assert first.table_["heldout_perplexity"].iloc[0] > 0


def tokens_of(dtm, terms, unit_ids, *, seed=0):
    """A tokens table whose terms are the DTM counts in a seeded random order."""
    rng = np.random.default_rng(seed)
    rows = []
    for i, unit_id in enumerate(unit_ids):
        row = dtm[i]
        words = np.repeat(terms[row.indices], row.data)
        for position, word in enumerate(rng.permutation(words)):
            rows.append((unit_id, position, word))
    return pd.DataFrame(rows, columns=["unit_id", "token_index", "term"])


def test_window_coherence_uses_the_token_sequences(small_corpus):
    dtm, terms, unit_ids = small_corpus
    tokens = tokens_of(dtm, terms, unit_ids)
    settings = {"k_grid": [2, 3], "n_seeds": 1, "models": ("nmf",)}
    by_window = TopicModelSelection(**settings, coherence="window", window_size=5).fit(
        dtm, terms, unit_ids, tokens=tokens)
    by_unit = TopicModelSelection(**settings).fit(dtm, terms, unit_ids)
    # Same fits (coherence does not change them), different scores, recorded in the reason.
    np.testing.assert_array_equal(by_window.topic_word_, by_unit.topic_word_)
    assert not np.allclose(by_window.table_["npmi"], by_unit.table_["npmi"])
    assert "sliding windows of 5 terms" in by_window.reason_
    top = by_window.top_indices_[:, :10]
    ref = window_reference(term_sequences(tokens, terms, unit_ids), window_size=5, n_terms=len(terms))
    np.testing.assert_allclose(by_window.npmi_per_topic_, npmi_coherence(top, ref).round(6))


# --------------------------------------------------------------------------
# labels: distinctive terms, representative units with their text
# --------------------------------------------------------------------------
def test_distinctive_terms_prefer_words_specific_to_the_topic():
    # 'un' is probable in both topics but frequent everywhere: relevance puts the
    # topic's own words first; lambda = 1 is the plain probability ranking.
    frequency = np.array([1000, 30, 20, 25, 30])
    table = distinctive_terms(TOPIC_WORD, TERMS, frequency, n=2)
    assert list(table.columns) == ["topic", "rank", "term", "weight", "relevance"]
    assert table["term"].tolist() == ["sanctions", "embargo", "alliance", "peace"]
    plain = distinctive_terms(TOPIC_WORD, TERMS, frequency, n=2, lambda_=1.0)
    assert plain["term"].tolist() == topic_terms(TOPIC_WORD, TERMS, n=2)["term"].tolist()
    assert topic_labels(TOPIC_WORD, TERMS, n=1, term_frequency=frequency) == ["sanctions", "alliance"]
    with pytest.raises(ParameterError, match="term_frequency"):
        distinctive_terms(TOPIC_WORD, TERMS, frequency[:3])


def test_label_table_adds_distinctive_terms_prevalence_and_scores():
    shares = np.array([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]])  # the last unit has no terms
    table = topic_label_table(TOPIC_WORD, TERMS, n=2, n_label=1, term_frequency=[1000, 30, 20, 25, 30],
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


# --------------------------------------------------------------------------
# prevalence with bootstrap intervals
# --------------------------------------------------------------------------
def prevalence_fixture(n_per_year, *, seed=0):
    rng = np.random.default_rng(seed)
    years = np.repeat([2020, 2021], n_per_year)
    shares = rng.dirichlet([1.0, 2.0, 3.0], size=years.size)
    unit_ids = np.array([f"u{i:04d}" for i in range(years.size)])
    meta = pd.DataFrame({"unit_id": unit_ids[::-1], "year": years[::-1], "actor": "PRK"})
    return shares, unit_ids, meta


def test_prevalence_intervals_contain_the_estimate_and_narrow_with_more_units():
    shares, unit_ids, meta = prevalence_fixture(20)
    small = topic_prevalence(shares, unit_ids, meta, "year", n_boot=500)
    assert list(small.columns) == ["year", "topic", "prevalence", "lower", "upper", "n_units"]
    assert small["year"].tolist() == [2020] * 3 + [2021] * 3
    assert small["n_units"].eq(20).all()
    assert (small["lower"] <= small["prevalence"]).all() and (small["prevalence"] <= small["upper"]).all()
    expected = shares[:20].mean(axis=0).round(6)
    np.testing.assert_allclose(small["prevalence"].iloc[:3], expected)
    big = topic_prevalence(*prevalence_fixture(400), "year", n_boot=500)
    assert ((big["upper"] - big["lower"]) < (small["upper"] - small["lower"]) / 2).all()


def test_prevalence_bootstrap_is_deterministic_with_its_seed():
    shares, unit_ids, meta = prevalence_fixture(30)
    first = topic_prevalence(shares, unit_ids, meta, "year", n_boot=200, random_state=4)
    second = topic_prevalence(shares, unit_ids, meta, "year", n_boot=200, random_state=4)
    other = topic_prevalence(shares, unit_ids, meta, "year", n_boot=200, random_state=5)
    pd.testing.assert_frame_equal(first, second)
    assert not first[["lower", "upper"]].equals(other[["lower", "upper"]])


def test_prevalence_by_a_missing_column_names_it():
    shares, unit_ids, meta = prevalence_fixture(5)
    with pytest.raises(ParameterError, match="'region'.*available columns.*'year'"):
        topic_prevalence(shares, unit_ids, meta, "region")


def test_prevalence_skips_units_without_terms_or_group():
    shares = np.array([[0.8, 0.2], [0.5, 0.5], [0.6, 0.4], [0.1, 0.9]])
    meta = pd.DataFrame({"unit_id": ["a", "b", "c", "d"], "actor": ["USA", "USA", None, "RUS"]})
    table = topic_prevalence(shares, ["a", "b", "c", "d"], meta, "actor", n_boot=50)
    assert table["actor"].tolist() == ["RUS", "RUS", "USA", "USA"]
    assert table["n_units"].tolist() == [1, 1, 1, 1]
    assert table.loc[table["actor"] == "USA", "prevalence"].tolist() == [0.8, 0.2]


# --------------------------------------------------------------------------
# topic map
# --------------------------------------------------------------------------
def test_topic_map_places_similar_topics_close_together():
    topic_word = np.array([
        [0.50, 0.45, 0.05, 0.00, 0.00],
        [0.45, 0.50, 0.00, 0.05, 0.00],
        [0.00, 0.00, 0.05, 0.45, 0.50],
    ])
    table = topic_map(topic_word, np.array([[0.6, 0.3, 0.1], [0.4, 0.3, 0.3]]))
    assert list(table.columns) == ["topic", "x", "y", "prevalence"]
    xy = table[["x", "y"]].to_numpy()
    d = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    assert d[0, 1] < d[0, 2] / 3 and d[0, 1] < d[1, 2] / 3
    assert table["prevalence"].tolist() == [0.5, 0.3, 0.2]
    pd.testing.assert_frame_equal(table, topic_map(topic_word, np.array([[0.6, 0.3, 0.1], [0.4, 0.3, 0.3]])))


def test_plot_prevalence_draws_small_multiples_with_bands():
    shares, unit_ids, meta = prevalence_fixture(10)
    table = topic_prevalence(shares, unit_ids, meta, "year", n_boot=50)
    fig, axes = plt.subplots(2, 2)
    try:
        returned = plot_prevalence(axes, table, labels=["a", "b", "c"])
        assert returned is axes
        flat = axes.ravel()
        assert [ax.get_visible() for ax in flat] == [True, True, True, False]
        assert flat[1].get_title(loc="left") == "Topic 2: b"
        assert len(flat[0].collections) == 1  # the band
        assert flat[0].get_xlabel() == "year"
    finally:
        plt.close(fig)
    by_actor = topic_prevalence(shares, unit_ids, meta.assign(actor=np.where(meta["year"] == 2020, "A", "B")),
                                "actor", n_boot=50)
    fig, ax = plt.subplots()
    try:
        assert plot_prevalence(ax, by_actor, topics=[3]) is ax
        assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B"]
    finally:
        plt.close(fig)


def test_plot_topic_map_labels_every_topic():
    table = topic_map(TOPIC_WORD)
    fig, ax = plt.subplots()
    try:
        assert plot_topic_map(ax, table, labels=["x", "y"]) is ax
        assert sorted(t.get_text() for t in ax.texts) == ["1: x", "2: y"]
    finally:
        plt.close(fig)


def test_plot_model_selection_draws_one_panel_per_measure(planted_grid_fit):
    fig, axes = plt.subplots(1, 3)
    try:
        assert plot_model_selection(axes, planted_grid_fit.table_) is axes
        assert [ax.get_ylabel().split(" ")[0] for ax in axes] == ["mean", "stability", "held-out"]
    finally:
        plt.close(fig)
