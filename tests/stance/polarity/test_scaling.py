"""Corpus-adapted scaling: seed poles, PPMI + SVD word vectors, honest fallback."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from stancebook.errors import DataTooSmallWarning, ParameterError  # noqa: E402
from stancebook.stance import LatentScaling, plot_word_polarity  # noqa: E402
from stancebook.stance.polarity import scaling  # noqa: E402

POSITIVE = ["support", "cooperation", "friendship", "partnership", "welcome"]
NEGATIVE = ["aggression", "threat", "sanctions", "condemn", "hostility"]
WARM = ["brotherly", "fruitful", "generous", "trusted"]  # never seeds: their polarity must be learned
COLD = ["reckless", "brutal", "illegal", "coercion"]
FILLER = ["region", "people", "economy", "trade", "summit", "talks", "future", "energy", "borders", "farmers"]


def corpus_sentences(n=900, random_state=0):
    """Sentences that mix warm words with positive seeds and cold words with negative seeds."""
    rng = np.random.default_rng(random_state)
    out = []
    for _ in range(n):
        f = [str(w) for w in rng.choice(FILLER, 3, replace=False)]
        if rng.random() < 0.5:
            words = [str(w) for w in rng.choice(POSITIVE, 2, replace=False)] + [str(rng.choice(WARM))]
        else:
            words = [str(w) for w in rng.choice(NEGATIVE, 2, replace=False)] + [str(rng.choice(COLD))]
        order = rng.permutation(6)
        out.append(" ".join(np.array(f + words)[order]) + ".")
    return out


@pytest.fixture(scope="module")
def fitted():
    return LatentScaling().fit(corpus_sentences())


def test_words_near_a_pole_learn_its_polarity_from_the_corpus(fitted):
    assert not fitted.fallback_ and fitted.n_tokens_ >= 5000
    assert fitted.seed_auc_ == 1.0
    assert all(fitted.polarity_[w] > 0 for w in WARM)
    assert all(fitted.polarity_[w] < 0 for w in COLD)
    assert np.mean([fitted.polarity_[w] for w in WARM]) > 2 * np.mean([abs(fitted.polarity_[w]) for w in FILLER])
    assert sorted(fitted.seed_words_["positive"]) == sorted(POSITIVE)


def test_scores_are_standardised_on_the_corpus_and_missing_without_evidence(fitted):
    scores = fitted.score(corpus_sentences())
    assert abs(scores.mean()) < 1e-3 and scores.std() == pytest.approx(1.0, abs=1e-3)
    warm, cold, nothing = fitted.score(["A brotherly and fruitful summit.", "Reckless and brutal coercion.",
                                        "Unknown words only, entity."])
    assert warm > 0 > cold
    assert np.isnan(nothing)  # no word with a polarity: no evidence, not neutral


def test_masked_target_placeholder_never_counts(fitted):
    assert fitted.score(["entity brotherly"])[0] == fitted.score(["brotherly"])[0]


def test_same_random_state_gives_identical_vectors_and_scores():
    texts = corpus_sentences(n=900, random_state=3)
    first, second = LatentScaling(random_state=5).fit(texts), LatentScaling(random_state=5).fit(texts)
    pd.testing.assert_series_equal(first.polarity_, second.polarity_)
    assert first.note_ == second.note_


def test_chunks_and_worker_processes_change_nothing(fitted, monkeypatch):
    monkeypatch.setattr(scaling, "_ANALYZE_CHUNK", 100)  # 9 chunks of the 900 sentences
    texts = corpus_sentences()
    chunked = LatentScaling(n_jobs=2).fit(texts)
    pd.testing.assert_series_equal(fitted.polarity_, chunked.polarity_)
    assert (chunked.n_tokens_, chunked.center_, chunked.scale_) == (fitted.n_tokens_, fitted.center_, fitted.scale_)
    np.testing.assert_array_equal(fitted.score(texts), chunked.score(texts))


def test_polarity_matches_a_dense_ppmi_svd_oracle():
    texts = ["aa bb cc", "aa bb dd", "cc dd ee", "ee aa bb", "bb cc ee", "dd ee aa"] * 3
    model = LatentScaling(positive=["aa"], negative=["ee"], min_seeds=1, min_count=1, min_tokens=0, window=2,
                          n_components=3, stopwords=[]).fit(texts)
    vocab = ["aa", "bb", "cc", "dd", "ee"]
    counts = np.zeros((5, 5))
    for text in texts:
        ids = [vocab.index(w) for w in text.split()]
        for i in range(len(ids)):
            for j in range(i + 1, min(len(ids), i + 3)):
                if ids[i] != ids[j]:
                    counts[ids[i], ids[j]] += 1
                    counts[ids[j], ids[i]] += 1
    context = counts.sum(axis=0) ** 0.75
    with np.errstate(divide="ignore"):
        pmi = np.log(counts) - np.log(counts.sum(axis=1, keepdims=True)) - np.log(context / context.sum())
    ppmi = np.where(counts > 0, np.maximum(pmi, 0), 0)
    u, s, _ = np.linalg.svd(ppmi)
    vectors = u[:, :3] * np.sqrt(s[:3])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    oracle = vectors @ vectors[0] - vectors @ vectors[4]
    np.testing.assert_allclose(model.polarity_.loc[vocab].to_numpy(), oracle, atol=1e-5)


def test_small_corpus_falls_back_to_seed_words_with_a_warning():
    texts = ["Kim vowed full support and cooperation for Moscow.", "The sanctions are a threat.", "Nothing."]
    with pytest.warns(DataTooSmallWarning, match="too small for word vectors"):
        model = LatentScaling().fit(texts)
    assert model.fallback_ and model.n_components_ == 0 and np.isnan(model.seed_auc_)
    assert model.score(["We support them.", "Support, but sanctions and threats.", "Nothing here."]).tolist()[:2] == \
        [1.0, pytest.approx(-1 / 3, abs=1e-6)]
    assert np.isnan(model.score(["Nothing here."])[0])
    assert "seed-word presence" in model.note_


def test_fallback_nan_gives_no_scaling_scores():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataTooSmallWarning)
        model = LatentScaling(fallback="nan").fit(["We support them."])
    assert np.isnan(model.score(["We support them."])).all() and "NaN" in model.note_


def test_seed_patterns_with_a_star_match_every_continuation():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataTooSmallWarning)
        model = LatentScaling(positive=["support*"], negative=["threat"]).fit(
            ["Supporters supported the supportive threat, not threats."])
    assert model.seed_words_ == {"positive": ["supported", "supporters", "supportive"], "negative": ["threat"]}


@pytest.mark.parametrize("kwargs, name", [
    ({"positive": "support"}, "positive"),
    ({"negative": []}, "negative"),
    ({"positive": ["support", "threat"]}, "both"),
    ({"fallback": "zero"}, "fallback"),
    ({"window": 0}, "window"),
    ({"n_jobs": 0}, "n_jobs"),
    ({"positive": ["sup*port"]}, "positive"),
])
def test_bad_parameters_are_refused_with_their_name(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        LatentScaling(**kwargs).fit(["We support them."])


def test_scoring_before_fit_is_refused():
    with pytest.raises(ParameterError, match="not fitted"):
        LatentScaling().score(["text"])


def test_word_table_lists_both_poles_and_marks_seeds(fitted):
    table = fitted.word_table(n=6)
    assert list(table.columns) == ["rank", "word", "polarity", "count", "seed"]
    positive, negative = table[table["rank"] > 0], table[table["rank"] < 0]
    assert positive["polarity"].is_monotonic_decreasing and negative["polarity"].is_monotonic_increasing
    assert (positive["polarity"] > 0).all() and (negative["polarity"] < 0).all()
    assert set(table.loc[table["seed"] == "", "word"]) <= set(WARM + COLD + FILLER)
    fig, ax = plt.subplots()
    assert plot_word_polarity(ax, table) is ax
    assert sum(bool(bar.get_hatch()) for bar in ax.patches) == int((table["seed"] != "").sum())
    plt.close(fig)


def test_planted_corpus_is_big_enough_for_corpus_vectors(planted):
    model, triples, _ = planted
    assert not model.fallback_ and model.seed_auc_ > 0.9
    # words that are not seeds get the polarity of the company they keep
    assert model.polarity_["brotherly"] > 0 > model.polarity_["reckless"]
    assert triples["polarity_scaling"].notna().all()


def test_the_run_builds_the_model_from_its_parameters_and_stopwords():
    from stancebook.stance.polarity import RunSettings

    model = LatentScaling.for_run(RunSettings(stopwords=frozenset({"region"}), random_state=3, n_jobs=2),
                                  positive=[], negative=["threat"], window=4)
    assert model.positive == scaling.DEFAULT_POSITIVE and model.negative == ("threat",)
    assert (model.stopwords, model.random_state, model.n_jobs, model.window) == (frozenset({"region"}), 3, 2, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataTooSmallWarning)
        model.fit(["We support them.", "A threat."])
    assert model.run_note() == model.note_ and list(model.run_tables()) == ["scaling_words"]


def test_words_read_on_a_dask_cluster_change_nothing(fitted, monkeypatch, dask_engine):
    monkeypatch.setattr(scaling, "_ANALYZE_CHUNK", 100)  # 9 chunks of the 900 sentences, cut in the driver
    texts = corpus_sentences()
    on_cluster = LatentScaling(engine=dask_engine).fit(texts)
    pd.testing.assert_series_equal(fitted.polarity_, on_cluster.polarity_)
    assert (on_cluster.n_tokens_, on_cluster.center_) == (fitted.n_tokens_, fitted.center_)
