"""Tests of the stance stage: triples, profiles, features, clusters, map, explanations, plots."""

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import sparse  # noqa: E402
from scipy.stats import chi2_contingency  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

from stancebook import stance  # noqa: E402
from stancebook.errors import CorpusError, DataTooSmallWarning, ParameterError  # noqa: E402

# A tiny stand-in for the actor dictionary of tokenise (not imported: written concurrently).
DICTIONARY = {
    "russia": r"Russia|Moscow|Kremlin",
    "north_korea": r"North Korea|Pyongyang|Kim",
    "west": r"West|Washington|Europe",
    "un": r"UN Security Council|United Nations|UN",
    "china": r"China|Beijing",
}
TARGETS = ["russia", "north_korea", "west", "un", "china"]

SEED_LIKE = [
    "Kim vowed to provide full and unconditional support for Moscow.",
    "The West imposed harsh sanctions that seriously affect their nations.",
    "The UN must act to prevent a deadly war.",
]

# Two blocs of four holders each: bloc "east" praises Russia and attacks the
# West, bloc "west" the opposite; wording varies between holders.
BLOCS = {
    "cuba": ("east", ["We fully support our friends in Moscow.", "Russia is a great and reliable partner.",
                      "The West imposes cruel and illegal sanctions."]),
    "syria": ("east", ["Russia is a good partner and a true friend.",
                       "Washington threatens peace and spreads chaos.", "We thank Moscow for its generous help."]),
    "belarus": ("east", ["We proudly stand with Moscow.", "The West destroys lives with its cruel wars.",
                         "Washington is a hostile and arrogant bully."]),
    "nicaragua": ("east", ["Russia is a loyal and trusted ally.", "The West spreads hatred and fear."]),
    "poland": ("west", ["We condemn the brutal aggression of Russia.", "Moscow is not a trustworthy partner.",
                        "We thank the West for its generous help."]),
    "estonia": ("west", ["Washington is a strong and loyal ally.", "The Kremlin spreads lies and terror.",
                         "Russia kills innocent civilians."]),
    "canada": ("west", ["We strongly support our friends in Europe.", "Moscow wages a cruel and illegal war.",
                        "The West is a good partner and a true friend."]),
    "norway": ("west", ["Europe is a great and reliable partner.", "The Kremlin threatens peace and spreads chaos."]),
}


def build_tables(texts_by_unit, *, actors=None):
    """Units, sentences and mentions for {unit_id: [sentence, ...]} (sentences joined by one space)."""
    units, sentences, mentions = [], [], []
    for unit_id, sents in texts_by_unit.items():
        text = " ".join(sents)
        row = {"unit_id": unit_id, "doc_id": unit_id, "unit_index": 1, "text": text,
               "orig_start": 0, "orig_end": len(text)}
        if actors is not None:
            row["actor"] = actors[unit_id]
        units.append(row)
        pos = 0
        for k, sent in enumerate(sents, start=1):
            sentences.append({"unit_id": unit_id, "sentence": k, "start": pos, "end": pos + len(sent),
                              "orig_start": pos, "orig_end": pos + len(sent), "text": sent})
            for target, pattern in DICTIONARY.items():
                for m in re.finditer(rf"\b(?:{pattern})\b", sent):
                    mentions.append({"unit_id": unit_id, "sentence": k, "start": pos + m.start(),
                                     "end": pos + m.end(), "orig_start": pos + m.start(),
                                     "orig_end": pos + m.end(), "surface": m.group(), "target": target,
                                     "kind": "name", "groups": ""})
            pos += len(sent) + 1
    mention_columns = ["unit_id", "sentence", "start", "end", "orig_start", "orig_end", "surface", "target",
                       "kind", "groups"]
    return pd.DataFrame(units), pd.DataFrame(sentences), pd.DataFrame(mentions, columns=mention_columns)


def polarity_of(sentence, target, **kwargs):
    units, sentences, mentions = build_tables({"u": [sentence]})
    triples = stance.stance_triples(units, sentences, mentions, **kwargs)
    return float(triples.loc[triples["target"] == target, "polarity"].iloc[0])


@pytest.fixture(scope="module")
def blocs():
    texts = {f"{holder}-speech": sents for holder, (_, sents) in BLOCS.items()}
    actors = {f"{holder}-speech": holder for holder in BLOCS}
    units, sentences, mentions = build_tables(texts, actors=actors)
    triples = stance.stance_triples(units, sentences, mentions, holder_column="actor")
    profiles = stance.stance_profiles(triples, units, targets=TARGETS, holder_column="actor", n_boot=200)
    return units, sentences, mentions, triples, profiles


# --- triples ---------------------------------------------------------------

def test_seed_like_sentences_get_expected_polarity_signs():
    units, sentences, mentions = build_tables({"seed": SEED_LIKE})
    triples = stance.stance_triples(units, sentences, mentions)
    by = triples.set_index(["sentence", "target"])["polarity"]
    assert by[(1, "russia")] > 0.2  # Kim's full support for Moscow
    assert by[(2, "west")] < -0.2  # harsh sanctions
    assert by[(3, "un")] < 0  # a deadly war the UN must prevent
    assert list(triples.columns) == stance.TRIPLE_COLUMNS
    assert (triples["holder"] == "author").all()


def test_negation_lowers_polarity_toward_target():
    assert polarity_of("Moscow is not a good partner.", "russia") < polarity_of("Moscow is a good partner.", "russia")
    assert polarity_of("Moscow is not a good partner.", "russia") < 0


def test_target_names_carry_no_sentiment():
    # "United" (+1.8) and "Security" (+1.4) are VADER lexicon words: names are masked before scoring.
    assert polarity_of("The United Nations met on Tuesday.", "un") == 0.0
    assert polarity_of("The UN Security Council met on Tuesday.", "un") == 0.0
    # ...but the sentence's other words are kept, and the context shown is the readable sentence.
    units, sentences, mentions = build_tables({"u": ["The United Nations failed the victims."]})
    triples = stance.stance_triples(units, sentences, mentions)
    assert triples["polarity"].iloc[0] < 0
    assert triples["context"].iloc[0] == "The United Nations failed the victims."


def test_several_mentions_of_a_target_in_a_sentence_count_once():
    units, sentences, mentions = build_tables({"u": ["Moscow and the Kremlin praised Russia."]})
    triples = stance.stance_triples(units, sentences, mentions)
    assert len(triples) == 1
    row = triples.iloc[0]
    assert (row["n_mentions"], row["surface"], row["start"], row["end"]) == (3, "Moscow", 0, 6)


def test_window_context_scores_only_words_near_the_mention():
    sentence = "Moscow is a wonderful friend and we love it while far away the terrible war of others kills."
    units, sentences, mentions = build_tables({"u": [sentence]})
    near = stance.stance_triples(units, sentences, mentions, context="window", window=5)
    whole = stance.stance_triples(units, sentences, mentions, context="sentence")
    assert near["context"].iloc[0] == "Moscow is a wonderful friend and"
    assert near["polarity"].iloc[0] > whole["polarity"].iloc[0]


def test_triples_are_sorted_by_unit_order_sentence_and_target():
    units, sentences, mentions = build_tables({"z": ["Moscow and Beijing met.", "The UN met."],
                                               "a": ["Pyongyang met."]})
    triples = stance.stance_triples(units, sentences, mentions.iloc[::-1])
    assert list(zip(triples["unit_id"], triples["sentence"], triples["target"])) == [
        ("z", 1, "china"), ("z", 1, "russia"), ("z", 2, "un"), ("a", 1, "north_korea")]


def test_no_mentions_gives_empty_triples_with_all_columns():
    units, sentences, mentions = build_tables({"u": ["Nobody is named here."]})
    triples = stance.stance_triples(units, sentences, mentions)
    assert triples.empty and list(triples.columns) == stance.TRIPLE_COLUMNS
    non_empty = stance.stance_triples(*build_tables({"u": ["Moscow met."]}))
    assert triples.dtypes.equals(non_empty.dtypes)  # same CSV/Parquet schema either way


@pytest.mark.parametrize("kwargs, name", [({"context": "paragraph"}, "context"), ({"context": "window", "window": 0},
                                                                                    "window")])
def test_bad_context_parameters_raise_parameter_error_naming_them(kwargs, name):
    units, sentences, mentions = build_tables({"seed": SEED_LIKE})
    with pytest.raises(ParameterError, match=f"`{name}`"):
        stance.stance_triples(units, sentences, mentions, **kwargs)


def test_mention_outside_sentence_table_raises_corpus_error():
    units, sentences, mentions = build_tables({"seed": SEED_LIKE})
    with pytest.raises(CorpusError, match="sentence 3"):
        stance.stance_triples(units, sentences.iloc[:2], mentions)


# --- holders ---------------------------------------------------------------

def test_holders_come_from_the_column_or_fall_back_to_author():
    units = pd.DataFrame({"unit_id": ["a", "b", "c"], "text": ["", "", ""], "actor": ["RUS", None, "PRK"]})
    assert stance.resolve_holders(units).tolist() == ["author"] * 3
    holders = stance.resolve_holders(units, holder_column="actor")
    assert holders.name == "holder" and holders.tolist() == ["RUS", "author", "PRK"]
    assert "actor" in units.columns and units["actor"].isna().sum() == 1  # input untouched


def test_missing_holder_column_names_the_column_and_lists_available_ones():
    units = pd.DataFrame({"unit_id": ["a"], "text": [""], "country": ["RUS"]})
    with pytest.raises(CorpusError, match=r"'speaker'.*country"):
        stance.resolve_holders(units, holder_column="speaker")


# --- profiles --------------------------------------------------------------

def test_never_mentioned_targets_are_missing_not_neutral(blocs):
    *_, profiles = blocs
    assert len(profiles) == len(BLOCS) * len(TARGETS)
    china = profiles[profiles["target"] == "china"]
    assert china["polarity"].isna().all() and china["ci_low"].isna().all()
    assert (china["salience"] == 0).all() and (china["n_sentences"] == 0).all()
    matrix = stance.profile_matrix(profiles)
    assert matrix.shape == (8, 5) and matrix["china"].isna().all()
    assert list(matrix.columns) == TARGETS


def test_profiles_report_mean_salience_and_bootstrap_interval(blocs):
    _, sentences, _, triples, profiles = blocs
    row = profiles.set_index(["holder", "target"]).loc[("estonia", "russia")]
    values = triples.loc[(triples["unit_id"] == "estonia-speech") & (triples["target"] == "russia"), "polarity"]
    assert row["n_sentences"] == 2
    assert row["polarity"] == pytest.approx(values.mean(), abs=1e-6)
    assert row["ci_low"] <= row["polarity"] <= row["ci_high"]
    assert row["salience"] == pytest.approx(2 / 3)
    single = profiles.set_index(["holder", "target"]).loc[("estonia", "west")]
    assert single["n_sentences"] == 1 and np.isnan(single["ci_low"]) and np.isnan(single["ci_high"])


def test_salience_over_all_sentences_when_sentence_table_given():
    units, sentences, mentions = build_tables({"u": ["Moscow is great.", "Nothing here.", "Nor here.",
                                                     "Still nothing."]})
    triples = stance.stance_triples(units, sentences, mentions)
    profiles = stance.stance_profiles(triples, units, targets=["russia"], sentences=sentences)
    assert profiles["salience"].iloc[0] == 0.25


def test_unit_features_keep_missingness_in_indicator_columns():
    triples = pd.DataFrame({"unit_id": ["a", "a", "b"], "target": ["russia", "russia", "west"],
                            "polarity": [0.5, 0.0, 0.0]})
    X, names = stance.unit_stance_features(triples, ["a", "b", "c"], ["russia", "west"])
    assert names == ["mentioned:russia", "polarity:russia", "mentioned:west", "polarity:west"]
    assert X.tolist() == [[1, 0.25, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]  # b: neutral about the West; c: silent


def test_holder_features_follow_the_requested_order_and_mark_silence(blocs):
    *_, profiles = blocs
    X, names = stance.holder_stance_features(profiles, ["poland", "cuba", "nobody"], ["west", "china"])
    assert names == ["mentioned:west", "polarity:west", "mentioned:china", "polarity:china"]
    assert X[0, 0] == 1 and X[0, 1] > 0 and X[1, 1] < 0  # poland likes the West, cuba does not
    assert X[:, 2:].sum() == 0 and X[2].sum() == 0  # nobody mentions China; unknown holder is silent


def test_unit_polarity_matrix_keeps_silence_as_nan(blocs):
    _, _, _, triples, _ = blocs
    matrix = stance.unit_polarity_matrix(triples, ["cuba-speech", "poland-speech"], ["russia", "china"])
    assert matrix.loc["cuba-speech", "russia"] > 0 > matrix.loc["poland-speech", "russia"]
    assert matrix["china"].isna().all() and matrix.index.name == "unit_id"


# --- clustering ------------------------------------------------------------

def test_planted_blocs_are_recovered_by_both_algorithms(blocs):
    *_, profiles = blocs
    X, names, holders = stance.profile_features(profiles)
    assert names[:2] == ["mentioned:russia", "polarity:russia"]
    model = stance.StanceClustering().fit(X, holders)
    truth = [BLOCS[h][0] for h in holders]
    for algorithm in ("kmeans", "agglomerative"):
        assert model.k_[algorithm] == 2
        assert adjusted_rand_score(truth, model.labels_[algorithm]) == 1.0
    assert set(model.scores_["algorithm"]) == {"kmeans", "agglomerative"}
    assert model.scores_.groupby("algorithm")["selected"].sum().tolist() == [1, 1]
    assert "silhouette" in model.reason_


def test_same_inputs_give_identical_tables(blocs):
    units, sentences, mentions, triples, profiles = blocs
    before = [frame.copy() for frame in (units, sentences, mentions)]
    again = stance.stance_triples(units, sentences, mentions, holder_column="actor", context="window")
    again = stance.stance_triples(units, sentences, mentions, holder_column="actor")
    for original, frame in zip(before, (units, sentences, mentions)):
        pd.testing.assert_frame_equal(original, frame)  # inputs are never modified
    pd.testing.assert_frame_equal(triples, again)
    pd.testing.assert_frame_equal(
        profiles, stance.stance_profiles(again, units, targets=TARGETS, holder_column="actor", n_boot=200))
    X, _, holders = stance.profile_features(profiles)
    first, second = stance.StanceClustering().fit(X, holders), stance.StanceClustering().fit(X, holders)
    for attribute in ("scores_", "labels_", "distance_"):
        pd.testing.assert_frame_equal(getattr(first, attribute), getattr(second, attribute))
    assert first.reason_ == second.reason_


def test_cluster_labels_are_numbered_by_first_appearance():
    X = np.array([[5.0, 5.0], [0.0, 0.0], [5.1, 5.0], [0.1, 0.0], [9.0, 0.0], [9.1, 0.0]])
    ids = list("abcdef")
    for seed in (0, 1, 7):
        model = stance.StanceClustering(n_clusters=3, random_state=seed).fit(X, ids)
        assert model.labels_["kmeans"].tolist() == [1, 2, 1, 2, 3, 3]
        assert model.labels_["agglomerative"].tolist() == [1, 2, 1, 2, 3, 3]
    assert model.k_ == {"kmeans": 3, "agglomerative": 3}
    distance = model.distance_.set_index(["algorithm", "id"])["distance"]
    assert distance[("kmeans", "a")] == pytest.approx(0.05)


def test_bad_algorithm_raises_parameter_error_listing_valid_ones():
    with pytest.raises(ParameterError, match=r"`algorithms`.*kmeans.*agglomerative"):
        stance.StanceClustering(algorithms=("kmeans", "dbscan")).fit(np.eye(4), list("abcd"))


def test_missing_values_in_features_are_refused_with_a_hint():
    with pytest.raises(ParameterError, match="indicator"):
        stance.StanceClustering().fit(np.array([[0.0], [np.nan], [1.0]]), ["a", "b", "c"])


def test_too_few_distinct_rows_warn_and_share_one_cluster():
    X = np.array([[1.0, 0.5], [1.0, 0.5], [0.0, 0.0]])
    with pytest.warns(DataTooSmallWarning, match="distinct"):
        model = stance.StanceClustering().fit(X, ["a", "b", "c"])
    assert model.labels_["kmeans"].tolist() == [1, 1, 1] and model.k_["agglomerative"] == 1
    assert model.scores_.empty and "cluster 1" in model.reason_


# --- map and explanations --------------------------------------------------

def test_stance_map_has_a_fixed_sign_and_handles_tiny_input(blocs):
    *_, profiles = blocs
    X, _, _ = stance.profile_features(profiles)
    coords = stance.stance_map(X)
    assert coords.shape == (8, 2)
    np.testing.assert_allclose(coords, stance.stance_map(X[::-1])[::-1], atol=1e-12)  # row order irrelevant
    flipped = stance.stance_map(-X)  # same geometry: the sign convention makes the map identical
    np.testing.assert_allclose(np.abs(flipped), np.abs(coords), atol=1e-12)
    assert stance.stance_map(X[:1]).tolist() == [[0.0, 0.0]]
    assert stance.stance_map(np.ones((4, 3))).tolist() == [[0.0, 0.0]] * 4


def test_cluster_keywords_rank_overused_terms_by_dunning_g2():
    counts = np.array([[10, 1, 5], [8, 0, 5], [1, 9, 5], [0, 12, 5]])
    terms = ["peace", "sanctions", "the"]
    labels = pd.Series([1, 1, 2, 2], index=["a", "b", "c", "d"])
    keywords = stance.cluster_keywords(sparse.csr_matrix(counts), terms, ["a", "b", "c", "d"], labels, n=5)
    assert keywords[keywords["cluster"] == 1]["term"].tolist() == ["peace", "the"]
    assert keywords[keywords["cluster"] == 2]["term"].tolist() == ["sanctions"]
    peace = keywords.iloc[0]
    table = np.array([[18, 1], [29 - 18, 32 - 1]])
    oracle, *_ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert peace["g2"] == pytest.approx(oracle, abs=1e-5)
    assert (peace["count_cluster"], peace["count_rest"]) == (18, 1)


def test_cluster_keywords_with_a_single_cluster_warn_and_return_empty():
    with pytest.warns(DataTooSmallWarning):
        keywords = stance.cluster_keywords(sparse.csr_matrix(np.ones((2, 2))), ["a", "b"], ["u", "v"],
                                           pd.Series([1, 1], index=["u", "v"]))
    assert keywords.empty and list(keywords.columns) == ["cluster", "rank", "term", "g2", "count_cluster",
                                                         "count_rest"]


def test_typical_sentences_quote_the_units_nearest_each_centre(blocs):
    units, sentences, _, triples, _ = blocs
    ids = units["unit_id"].tolist()
    X, _ = stance.unit_stance_features(triples, ids, TARGETS)
    labels = pd.Series([1 if BLOCS[u.split("-")[0]][0] == "east" else 2 for u in ids], index=ids)
    quotes = stance.typical_sentences(X, ids, labels, triples, n=2, sentences=sentences)
    assert quotes.groupby("cluster").size().tolist() == [2, 2]
    assert list(quotes.columns) == ["cluster", "rank", "unit_id", "sentence", "text", "distance"]
    assert all(group["distance"].is_monotonic_increasing for _, group in quotes.groupby("cluster"))
    for row in quotes.itertuples():
        assert row.text == sentences.set_index(["unit_id", "sentence"]).loc[(row.unit_id, row.sentence), "text"]


# --- plots -----------------------------------------------------------------

def test_heatmap_marks_never_mentioned_cells_as_missing(blocs):
    *_, profiles = blocs
    matrix = stance.profile_matrix(profiles)
    fig, ax = plt.subplots()
    cluster = pd.Series({h: (1 if BLOCS[h][0] == "east" else 2) for h in matrix.index})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = stance.plot_profile_heatmap(ax, matrix, target_labels={"un": "United Nations"}, cluster=cluster)
    assert out is ax
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == int(matrix.isna().sum().sum())
    assert "not mentioned" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert "United Nations" in [t.get_text() for t in ax.get_xticklabels()]
    assert [t.get_text() for t in ax.get_yticklabels()][0].startswith("[1]")
    plt.close(fig)


def test_stance_map_plot_labels_points_and_axes():
    fig, ax = plt.subplots()
    out = stance.plot_stance_map(ax, np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]), [1, 1, 2],
                                 names=["cuba", "syria", "poland"])
    assert out is ax and (ax.get_xlabel(), ax.get_ylabel()) == ("PC1", "PC2")
    assert {t.get_text() for t in ax.texts} == {"cuba", "syria", "poland"}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["cluster 1", "cluster 2"]
    plt.close(fig)
