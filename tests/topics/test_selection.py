"""Tests of stancebook.topics.selection (and the fits of stancebook.topics.fitting): planted topics
recovered, k chosen, stability, reproducibility, small corpora, bad parameters."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment

from stancebook.errors import DataTooSmallWarning, ParameterError, StancebookError
from stancebook.topics import (
    TopicModelSelection,
    default_k_grid,
    distinctive_terms,
    npmi_coherence,
    representative_units,
    term_sequences,
    topic_label_table,
    topic_map,
    topic_prevalence,
    unit_topic_table,
    window_reference,
)

N_PLANTED = 3
TABLE_COLUMNS = ["model", "k", "npmi", "npmi_se", "exclusivity", "overlap", "diversity", "stability",
                 "heldout_perplexity", "stable", "frontier", "selected"]


def matched_cosines(planted, learned):
    """Cosine of each planted topic with its Hungarian-matched learned topic."""
    a = planted / np.linalg.norm(planted, axis=1, keepdims=True)
    b = learned / np.linalg.norm(learned, axis=1, keepdims=True)
    similarity = a @ b.T
    rows, cols = linear_sum_assignment(-similarity)
    return similarity[rows, cols]


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


def test_selection_recovers_six_planted_topics_and_their_number(make_planted_corpus):
    dtm, terms, unit_ids, beta = make_planted_corpus(seed=11, n_docs=180, doc_len=40, n_topics=6, words_per_topic=15)
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


@pytest.mark.parametrize("model", ["nmf", "lda"])
def test_a_sample_fit_recovers_the_planted_topics_and_gives_every_unit_its_shares(make_planted_corpus, model):
    dtm, terms, unit_ids, beta = make_planted_corpus(seed=3, n_docs=400)
    selection = TopicModelSelection(k_grid=[2, 3, 4], models=(model,), max_fit_units=120, n_seeds=2).fit(
        dtm, terms, unit_ids)
    assert selection.k_ == N_PLANTED, selection.reason_
    assert np.all(matched_cosines(beta, selection.topic_word_) >= 0.9)
    assert len(selection.fitted_unit_ids_) == 120 and set(selection.fitted_unit_ids_) <= set(unit_ids)
    assert any("sample of 120 of the 400 units" in note for note in selection.notes_)
    # Units outside the sample get shares too, and they follow their words: a unit made of one planted
    # topic's words is mostly that topic.
    outside = ~np.isin(unit_ids, selection.fitted_unit_ids_)
    shares = selection.unit_topic_
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    counts = dtm.toarray()
    words_per_topic = len(terms) // N_PLANTED
    own = np.stack([counts[:, t * words_per_topic:(t + 1) * words_per_topic].sum(1) for t in range(N_PLANTED)], 1)
    pure = outside & (own.max(axis=1) == counts.sum(axis=1))
    assert pure.sum() >= 50
    learned_of_planted = linear_sum_assignment(-(beta @ selection.topic_word_.T))[1]
    expected = learned_of_planted[own[pure].argmax(axis=1)]
    assert np.mean(shares[pure].argmax(axis=1) == expected) >= 0.95
    assert all(r.shape == shares.shape for r in selection.refit_unit_topic_)


def test_no_sample_below_max_fit_units_gives_the_same_fit(planted):
    dtm, terms, unit_ids, _ = planted
    every = TopicModelSelection(k_grid=[2, 3], models=("nmf",), max_fit_units=0).fit(dtm, terms, unit_ids)
    capped = TopicModelSelection(k_grid=[2, 3], models=("nmf",), max_fit_units=len(unit_ids)).fit(
        dtm, terms, unit_ids)
    pd.testing.assert_frame_equal(every.table_, capped.table_)
    np.testing.assert_array_equal(every.unit_topic_, capped.unit_topic_)
    assert list(every.fitted_unit_ids_) == list(unit_ids)


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
        (100, 5000, [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25]),
        (10_000, 50_000, [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30]),
    ],
)
def test_default_k_grid_is_sized_to_the_corpus(n_units, n_terms, expected):
    assert default_k_grid(n_units, n_terms) == expected


# --------------------------------------------------------------------------
# reproducibility
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_corpus(make_planted_corpus):
    dtm, terms, unit_ids, _ = make_planted_corpus(seed=7, n_docs=60, doc_len=25)
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
        ({"max_fit_units": -1}, "max_fit_units"),
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


def test_fits_that_do_not_converge_are_reported_once_naming_max_iter(small_corpus):
    from sklearn.exceptions import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="max_iter") as record:
        TopicModelSelection(k_grid=[2, 3], models=("nmf",), max_iter=1).fit(*small_corpus)
    assert len([w for w in record if issubclass(w.category, ConvergenceWarning)]) == 1


# --------------------------------------------------------------------------
# stability, held-out split, sliding-window coherence in the selection
# --------------------------------------------------------------------------
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


# -- the rule on planted corpora: a k a researcher can defend --------------------------------------------------

@pytest.mark.parametrize("n_topics, lowest, highest", [(12, 10, 14), (3, 3, 3)])
def test_rule_recovers_the_planted_number_of_topics(make_planted_corpus, n_topics, lowest, highest):
    dtm, terms, unit_ids, _ = make_planted_corpus(seed=1, n_docs=300, doc_len=60, n_topics=n_topics)
    selection = TopicModelSelection(models=("nmf",), n_jobs=2).fit(dtm, terms, unit_ids)
    assert lowest <= selection.k_ <= highest, selection.table_
    chosen = selection.table_[selection.table_["selected"]].iloc[0]
    assert chosen["frontier"]  # the choice is on the coherence-exclusivity frontier
    assert f"k = {selection.k_}" in selection.reason_ and "exclusivity" in selection.reason_


@pytest.mark.slow
@pytest.mark.parametrize("n_topics, lowest, highest", [(12, 10, 14), (3, 3, 3)])
def test_rule_recovers_the_planted_number_of_topics_with_lda(make_planted_corpus, n_topics, lowest, highest):
    dtm, terms, unit_ids, _ = make_planted_corpus(seed=1, n_docs=300, doc_len=60, n_topics=n_topics)
    selection = TopicModelSelection(models=("lda",), n_jobs=2).fit(dtm, terms, unit_ids)
    assert lowest <= selection.k_ <= highest, selection.table_


def test_near_copy_topics_are_set_aside():
    from stancebook.topics.fitting import top_word_overlap

    assert top_word_overlap(np.array([[0, 1, 2, 3], [0, 1, 2, 9], [5, 6, 7, 8]])) == 0.75
    assert top_word_overlap(np.array([[0, 1], [2, 3]])) == 0.0


def test_two_topics_are_chosen_only_with_a_reason_that_says_so():
    # Two planted topics: k = 2 is right here, and the reason tells the reader what it means.
    from tests.topics.conftest import planted_corpus

    dtm, terms, unit_ids, _ = planted_corpus(seed=2, n_docs=120, doc_len=50, n_topics=2)
    selection = TopicModelSelection(models=("nmf",), k_grid=[2, 4, 6]).fit(dtm, terms, unit_ids)
    assert selection.k_ == 2 and "Two topics is the least" in selection.reason_
