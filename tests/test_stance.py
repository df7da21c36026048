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

from stancebook import corpus, stance, tokenise  # noqa: E402
from stancebook.errors import CorpusError, DataTooSmallWarning, ParameterError  # noqa: E402
from stancebook.paths import repo_root  # noqa: E402
from stancebook.scaling import LatentScaling  # noqa: E402

# A tiny stand-in for the actor dictionary of tokenise (not imported: written concurrently).
DICTIONARY = {
    "russia": r"Russia|Moscow|Kremlin|Putin",
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
    return float(triples.loc[triples["target"] == target, "polarity_lexicon"].iloc[0])


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
    by = triples.set_index(["sentence", "target"])["polarity_lexicon"]
    assert by[(1, "russia")] > 0.2  # Kim's full support for Moscow
    assert by[(2, "west")] < -0.2  # harsh sanctions
    assert by[(3, "un")] < 0  # a deadly war the UN must prevent
    assert list(triples.columns) == stance.TRIPLE_COLUMNS
    assert triples["holder"].tolist() == ["north_korea", "author", "author"]  # Kim vowed: reported
    assert triples["holder_source"].tolist() == ["reported", "speaker", "speaker"]
    assert triples["polarity_scaling"].isna().all()  # no scaling model given


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
    assert triples["polarity_lexicon"].iloc[0] < 0
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
    assert near["polarity_lexicon"].iloc[0] > whole["polarity_lexicon"].iloc[0]


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



@pytest.mark.parametrize("sentence, holder, cue", [
    ("Kim vowed to provide full support for Moscow.", "north_korea", "vowed"),
    ("Meanwhile, Putin welcomed Kim to Russia.", "russia", "welcomed"),
    ("Washington warned Beijing against it.", "west", "warned"),
    ("According to the Kremlin, Pyongyang will stand with Moscow.", "russia", "according to"),
    ("Kim shared the stage with Putin in the east and announced his support.", "north_korea", "and announced"),
    ("The Kremlin has repeatedly said it backs Pyongyang.", "russia", "said"),
])
def test_reported_words_and_acts_are_attributed_to_the_actor(sentence, holder, cue):
    units, sentences, mentions = build_tables({"u": [sentence]})
    attribution = stance.attribute_sentences(units, sentences, mentions)
    assert attribution[["holder", "holder_source", "cue"]].values.tolist() == [[holder, "reported", cue]]
    triples = stance.stance_triples(units, sentences, mentions)
    assert holder not in set(triples["target"])  # a holder never holds a stance toward itself
    assert (triples["holder"] == holder).all() and (triples["holder_source"] == "reported").all()


@pytest.mark.parametrize("sentence", [
    "While clever Putin hosted Kim, Moscow praised him.",  # subordinate clause before the subject
    "We condemn Moscow and we call on Pyongyang to stop.",  # the speaker's own words
    "Kim was praised by Moscow.",  # passive
    "Kim met Putin, who said nothing.",  # the verb has its own subject
    "The West, in a long and winding statement about the future of the region and beyond, warned Moscow.",
    "With Moscow, Pyongyang praised Beijing.",  # a preposition: Moscow is no subject; Pyongyang is word 3
    "Kim and the West met; Moscow said nothing.",
])
def test_speaker_keeps_sentences_without_a_reporting_frame(sentence):
    units, sentences, mentions = build_tables({"u": [sentence]})
    attribution = stance.attribute_sentences(units, sentences, mentions)
    assert attribution["holder_source"].tolist() == ["speaker"] and attribution["holder"].tolist() == ["author"]


def test_reported_attribution_can_be_switched_off_and_verbs_replaced():
    units, sentences, mentions = build_tables({"u": ["Kim vowed support for Moscow.", "Moscow blessed Kim."]})
    off = stance.attribute_sentences(units, sentences, mentions, reported=False)
    assert off["holder_source"].tolist() == ["speaker", "speaker"]
    custom = stance.attribute_sentences(units, sentences, mentions, reporting_verbs=["blessed"])
    assert custom["holder"].tolist() == ["author", "russia"]


def test_holder_targets_merge_reported_actor_with_the_speaker_and_drop_self_stance():
    units, sentences, mentions = build_tables(
        {"cuba-speech": ["Moscow is a great friend.", "Russia warned the West."],
         "russia-speech": ["Russia is strong and the West is hostile."]},
        actors={"cuba-speech": "CUB", "russia-speech": "RUS"})
    triples = stance.stance_triples(units, sentences, mentions, holder_column="actor",
                                    holder_targets={"RUS": "russia"})
    assert triples[["holder", "holder_source", "target", "unit_id"]].values.tolist() == [
        ["CUB", "speaker", "russia", "cuba-speech"], ["RUS", "reported", "west", "cuba-speech"],
        ["RUS", "speaker", "west", "russia-speech"]]


def test_a_speaker_naming_itself_in_the_third_person_keeps_the_sentence():
    units, sentences, mentions = build_tables({"s": ["China supports the peace plan of the UN."]},
                                              actors={"s": "CHN"})
    triples = stance.stance_triples(units, sentences, mentions, holder_column="actor",
                                    holder_targets={"CHN": "china"})
    assert triples[["holder", "holder_source", "target"]].values.tolist() == [["CHN", "speaker", "un"]]


# --- profiles --------------------------------------------------------------

def test_never_mentioned_targets_are_missing_not_neutral(blocs):
    *_, profiles = blocs
    assert len(profiles) == len(BLOCS) * len(TARGETS)
    china = profiles[profiles["target"] == "china"]
    assert china["polarity_lexicon"].isna().all() and china["ci_low_lexicon"].isna().all()
    assert china["polarity_scaling"].isna().all()
    assert (china["salience"] == 0).all() and (china["n_sentences"] == 0).all()
    matrix = stance.profile_matrix(profiles)
    assert matrix.shape == (8, 5) and matrix["china"].isna().all()
    assert list(matrix.columns) == TARGETS
    wide = stance.profiles_wide(profiles)
    assert len(wide) == 8 and wide["polarity_lexicon:china"].isna().all()
    assert {"polarity_scaling:russia", "ci_low_lexicon:russia", "salience:russia"} <= set(wide.columns)


def test_profiles_report_mean_salience_and_bootstrap_interval(blocs):
    _, sentences, _, triples, profiles = blocs
    row = profiles.set_index(["holder", "target"]).loc[("estonia", "russia")]
    values = triples.loc[(triples["unit_id"] == "estonia-speech") & (triples["target"] == "russia"),
                         "polarity_lexicon"]
    assert row["n_sentences"] == 2
    assert row["polarity_lexicon"] == pytest.approx(values.mean(), abs=1e-6)
    assert row["ci_low_lexicon"] <= row["polarity_lexicon"] <= row["ci_high_lexicon"]
    assert row["salience"] == pytest.approx(2 / 3)
    single = profiles.set_index(["holder", "target"]).loc[("estonia", "west")]
    assert single["n_sentences"] == 1 and np.isnan(single["ci_low_lexicon"]) and np.isnan(single["ci_high_lexicon"])


def test_salience_over_all_sentences_when_sentence_table_given():
    units, sentences, mentions = build_tables({"u": ["Moscow is great.", "Nothing here.", "Nor here.",
                                                     "Still nothing."]})
    triples = stance.stance_triples(units, sentences, mentions)
    profiles = stance.stance_profiles(triples, units, targets=["russia"], sentences=sentences)
    assert profiles["salience"].iloc[0] == 0.25


def test_unit_features_keep_missingness_in_indicator_columns():
    triples = pd.DataFrame({"unit_id": ["a", "a", "b"], "target": ["russia", "russia", "west"],
                            "polarity_lexicon": [0.5, 0.0, 0.0]})
    X, names = stance.unit_stance_features(triples, ["a", "b", "c"], ["russia", "west"])
    assert names == ["mentioned:russia", "polarity:russia", "mentioned:west", "polarity:west"]
    assert X.tolist() == [[1, 0.25, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]  # b: neutral about the West; c: silent


def test_scaling_features_treat_a_context_without_evidence_as_missing():
    triples = pd.DataFrame({"unit_id": ["a", "b"], "target": ["russia", "russia"],
                            "polarity_lexicon": [0.5, 0.1], "polarity_scaling": [1.2, np.nan]})
    X, _ = stance.unit_stance_features(triples, ["a", "b"], ["russia"], source="scaling")
    assert X.tolist() == [[1.0, 1.2], [0.0, 0.0]]
    with pytest.raises(ParameterError, match="`source`"):
        stance.unit_stance_features(triples, ["a"], ["russia"], source="vader")


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


def test_groups_add_one_row_per_sentence_flagged_as_group():
    units, sentences, mentions = build_tables({"u": ["Washington and Europe are trusted friends.",
                                                     "Moscow lies."]})
    mentions = mentions.assign(target=mentions["target"].replace({"west": "united_states"}))
    mentions.loc[mentions["surface"] == "Europe", "target"] = "europe"
    triples = stance.stance_triples(units, sentences, mentions)
    expanded = stance.expand_groups(triples, {"west": ["united_states", "europe", "nato"]})
    groups = expanded[expanded["level"] == "group"]
    assert groups[["target", "sentence"]].values.tolist() == [["west", 1]]
    members = triples[triples["target"].isin(["united_states", "europe"])]["polarity_lexicon"]
    assert groups["polarity_lexicon"].iloc[0] == pytest.approx(members.mean())
    assert groups["n_mentions"].iloc[0] == 2 and list(expanded.columns) == stance.TRIPLE_COLUMNS
    profiles = stance.stance_profiles(expanded, units)
    assert profiles.set_index("target").loc["west", "level"] == "group"
    assert profiles["target"].tolist() == ["europe", "united_states", "russia", "west"]  # targets, then groups


# --- clustering ------------------------------------------------------------

def test_planted_blocs_are_recovered_by_every_k_based_algorithm(blocs):
    *_, profiles = blocs
    X, names, holders = stance.profile_features(profiles)
    assert names[:2] == ["mentioned:russia", "polarity:russia"]
    model = stance.StanceClustering(n_resamples=10).fit(X, holders)
    truth = [BLOCS[h][0] for h in holders]
    for algorithm in ("kmeans", "agglomerative", "gmm"):
        assert model.k_[algorithm] == 2
        assert adjusted_rand_score(truth, model.labels_[algorithm]) == 1.0
    assert set(model.scores_["algorithm"]) == set(stance.CLUSTER_ALGORITHMS)
    assert model.scores_.groupby("algorithm")["selected"].sum().tolist() == [1, 1, 1, 1]
    assert list(model.scores_.columns) == stance.SCORE_COLUMNS
    chosen = model.scores_[model.scores_["selected"] & (model.scores_["algorithm"] == "kmeans")].iloc[0]
    assert chosen["stability_bootstrap"] >= 0.6 and chosen["stability_seeds"] == 1.0
    assert np.isnan(model.scores_.loc[model.scores_["algorithm"] == "agglomerative", "stability_seeds"]).all()
    assert "silhouette" in model.reason_ and "stability" in model.reason_


def test_validation_scores_ari_nmi_and_purity_against_known_labels():
    labels = pd.DataFrame({"id": list("abcdef"), "kmeans": [1, 1, 1, 2, 2, 2], "hdbscan": [1, 1, -1, 2, 2, 1]})
    truth = pd.Series(["x", "x", "x", "y", "y", "y"], index=list("abcdef"))
    table = stance.validate_clusters(labels, truth).set_index("algorithm")
    assert list(table.reset_index().columns) == stance.VALIDATION_COLUMNS
    assert table.loc["kmeans", ["ari", "nmi", "purity"]].tolist() == [1.0, 1.0, 1.0]
    assert table.loc["hdbscan", "purity"] == pytest.approx(5 / 6)  # noise is one more cluster
    assert table.loc["hdbscan", "n_clusters"] == 3 and table.loc["hdbscan", "ari"] < 1


def test_parallel_lexicon_scoring_gives_the_same_triples(blocs, monkeypatch):
    units, sentences, mentions, triples, _ = blocs
    monkeypatch.setattr(stance, "_MIN_PARALLEL_CONTEXTS", 1)  # the blocs have a few dozen contexts
    parallel = stance.stance_triples(units, sentences, mentions, holder_column="actor", n_jobs=2)
    pd.testing.assert_frame_equal(triples, parallel)
    with pytest.raises(ParameterError, match="`n_jobs`"):
        stance.stance_triples(units, sentences, mentions, holder_column="actor", n_jobs=0)


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
    first = stance.StanceClustering(n_resamples=5).fit(X, holders)
    second = stance.StanceClustering(n_resamples=5, n_jobs=2).fit(X, holders)  # workers change nothing
    for attribute in ("scores_", "labels_", "distance_"):
        pd.testing.assert_frame_equal(getattr(first, attribute), getattr(second, attribute))
    assert first.reason_ == second.reason_


def test_cluster_labels_are_numbered_by_first_appearance():
    X = np.array([[5.0, 5.0], [0.0, 0.0], [5.1, 5.0], [0.1, 0.0], [9.0, 0.0], [9.1, 0.0]])
    ids = list("abcdef")
    for seed in (0, 1, 7):
        model = stance.StanceClustering(algorithms=("kmeans", "agglomerative"), n_clusters=3, n_resamples=3,
                                        random_state=seed).fit(X, ids)
        assert model.labels_["kmeans"].tolist() == [1, 2, 1, 2, 3, 3]
        assert model.labels_["agglomerative"].tolist() == [1, 2, 1, 2, 3, 3]
    assert model.k_ == {"kmeans": 3, "agglomerative": 3}
    distance = model.distance_.set_index(["algorithm", "id"])["distance"]
    assert distance[("kmeans", "a")] == pytest.approx(0.05)


def test_bad_algorithm_raises_parameter_error_listing_valid_ones():
    with pytest.raises(ParameterError, match=r"`algorithms`.*kmeans.*agglomerative.*gmm.*hdbscan"):
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


# --- the seed article (real corpus and tokenise stages) ----------------------

@pytest.fixture(scope="module")
def seed():
    documents, _ = corpus.load_documents(repo_root() / "seeds")
    units = corpus.split_units(documents, unit="document")
    sentences = tokenise.sentence_table(units)
    dictionary = tokenise.load_actor_dictionary()
    mentions = tokenise.find_mentions(units, dictionary)
    with pytest.warns(DataTooSmallWarning, match="too small for word vectors"):
        model = LatentScaling().fit(sentences["text"])
    triples = stance.stance_triples(units, sentences, mentions, scaling=model)
    triples = stance.expand_groups(triples, dictionary)
    profiles = stance.stance_profiles(triples, units, sentences=sentences, n_boot=200)
    return sentences, triples, profiles


def test_seed_kim_supports_russia_and_putin_welcomes_north_korea(seed):
    sentences, triples, profiles = seed
    reported = triples[triples["holder_source"] == "reported"]
    kim = reported[(reported["holder"] == "north_korea") & (reported["target"] == "russia")]
    putin = reported[(reported["holder"] == "russia") & (reported["target"] == "north_korea")]
    assert "vowed to provide full and unconditional support for Moscow" in kim["context"].iloc[0]
    assert putin["context"].str.contains("Putin welcomed Kim").any()
    cell = profiles.set_index(["holder", "target"])
    assert cell.loc[("north_korea", "russia"), "polarity_lexicon"] > 0
    assert cell.loc[("russia", "north_korea"), "polarity_lexicon"] > 0
    # the seed-word fallback agrees: "support" and "welcomed"/"cooperation" are positive seed words
    assert cell.loc[("north_korea", "russia"), "polarity_scaling"] > 0
    assert cell.loc[("russia", "north_korea"), "polarity_scaling"] > 0
    # nobody holds a stance toward itself
    assert not ((triples["holder"] == triples["target"])).any()


def test_seed_author_is_negative_toward_russia_and_north_korea(seed):
    _, triples, profiles = seed
    cell = profiles.set_index(["holder", "target"])
    assert cell.loc[("author", "russia"), "polarity_lexicon"] < 0
    assert cell.loc[("author", "north_korea"), "polarity_lexicon"] < 0
    assert cell.loc[("author", "the_west"), "polarity_lexicon"] < 0
    author = triples[(triples["holder"] == "author") & (triples["target"] == "north_korea")]
    assert author["context"].str.contains("grave security risks").any()
    assert not author["context"].str.contains("unconditional support").any()  # Kim's words are Kim's


def test_seed_reports_targets_and_groups_and_missing_cells(seed):
    _, triples, profiles = seed
    assert set(triples["level"]) == {"target", "group"}
    west = profiles[(profiles["holder"] == "author") & (profiles["target"] == "west")].iloc[0]
    assert west["level"] == "group" and west["polarity_lexicon"] < 0
    kim = profiles[profiles["holder"] == "north_korea"].set_index("target")
    assert np.isnan(kim.loc["un", "polarity_lexicon"]) and kim.loc["un", "n_sentences"] == 0  # never mentioned
    assert np.isnan(kim.loc["north_korea", "polarity_lexicon"])  # no stance toward itself


# --- planted blocs: both polarity sources ------------------------------------

POSITIVE_WORDS = ["support", "cooperation", "friendship", "partnership", "solidarity", "welcome", "trusted",
                  "generous", "brotherly", "fruitful", "respect", "valued"]
NEGATIVE_WORDS = ["aggression", "threat", "sanctions", "condemn", "hostility", "invasion", "brutal", "illegal",
                  "reckless", "cruel", "coercion", "lies"]
FILLER = ["region", "people", "economy", "trade", "summit", "talks", "future", "energy", "borders", "ministers",
          "history", "council", "farmers", "harbours", "schools", "rivers"]
FORMS = {"russia": ["Russia", "Moscow", "the Kremlin"], "the_west": ["the West", "Western governments"]}
PLANTED = {"east": ("russia", "the_west"), "west": ("the_west", "russia")}  # bloc: (liked, disliked)
PLANTED_HOLDERS = {f"{bloc}{i}": bloc for bloc in PLANTED for i in range(1, 7)}


def planted_documents(*, n_sentences=70, random_state=0):
    """Twelve speeches, two blocs with opposite stances toward Russia and the West (840 sentences)."""
    rng = np.random.default_rng(random_state)

    def pick(words, k):
        return [str(w) for w in rng.choice(words, size=k, replace=False)]

    rows = []
    for holder, bloc in PLANTED_HOLDERS.items():
        liked, disliked = PLANTED[bloc]
        sentences = []
        for _ in range(n_sentences):
            f = pick(FILLER, 3)
            if rng.random() < 0.5:
                p = pick(POSITIVE_WORDS, 3)
                sentences.append(f"Our {f[0]} and {f[1]} show {p[0]}, {p[1]} and {p[2]} with "
                                 f"{rng.choice(FORMS[liked])} on {f[2]}.")
            else:
                q = pick(NEGATIVE_WORDS, 3)
                sentences.append(f"Our {f[0]} and {f[1]} suffer {q[0]}, {q[1]} and {q[2]} from "
                                 f"{rng.choice(FORMS[disliked])} on {f[2]}.")
        rows.append({"doc_id": holder, "source": f"{holder}.txt", "text": " ".join(sentences), "actor": holder})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def planted():
    units = corpus.split_units(planted_documents(), unit="document")
    sentences = tokenise.sentence_table(units)
    mentions = tokenise.find_mentions(units, tokenise.load_actor_dictionary())
    model = LatentScaling().fit(sentences["text"])
    triples = stance.stance_triples(units, sentences, mentions, holder_column="actor", scaling=model)
    profiles = stance.stance_profiles(triples, units, targets=["russia", "the_west"], holder_column="actor",
                                      n_boot=100)
    return model, triples, profiles


def test_planted_corpus_is_big_enough_for_corpus_vectors(planted):
    model, triples, _ = planted
    assert not model.fallback_ and model.seed_auc_ > 0.9
    # words that are not seeds get the polarity of the company they keep
    assert model.polarity_["brotherly"] > 0 > model.polarity_["reckless"]
    assert triples["polarity_scaling"].notna().all()


@pytest.mark.parametrize("source", ["lexicon", "scaling"])
def test_planted_blocs_are_split_exactly_from_either_polarity_source(planted, source):
    *_, profiles = planted
    X, _, holders = stance.profile_features(profiles, source=source)
    model = stance.StanceClustering(n_resamples=8, n_seeds=2).fit(X, holders)
    scores = stance.validate_clusters(model.labels_, pd.Series(PLANTED_HOLDERS)).set_index("algorithm")
    perfect = scores.index[scores["ari"] == 1.0].tolist()
    assert len(perfect) >= 2, scores
    assert {"kmeans", "agglomerative"} <= set(perfect)


def test_sources_agree_on_planted_blocs_and_the_comparison_figure_says_so(planted):
    *_, profiles = planted
    fig, ax = plt.subplots()
    assert stance.plot_source_comparison(ax, profiles) is ax
    r = float(re.search(r"Pearson r = (-?[0-9.]+)", ax.get_title()).group(1))
    assert r > 0.9
    plt.close(fig)


def test_typical_quotes_of_holder_clusters_come_from_their_members(planted):
    _, triples, profiles = planted
    X, _, holders = stance.profile_features(profiles)
    labels = pd.Series([1 if PLANTED_HOLDERS[h] == "east" else 2 for h in holders], index=holders)
    quotes = stance.typical_sentences(X, holders, labels, triples, n=2, by="holder")
    assert quotes.groupby("cluster").size().tolist() == [2, 2]
    for row in quotes.itertuples():
        assert PLANTED_HOLDERS[row.holder] == ("east" if row.cluster == 1 else "west")
        assert row.unit_id == row.holder


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


def test_confusion_plot_counts_ids_per_cluster_and_class():
    fig, ax = plt.subplots()
    labels = pd.DataFrame({"id": list("abcd"), "kmeans": [1, 1, 2, -1]})
    out = stance.plot_confusion(ax, labels, {"a": "x", "b": "y", "c": "y", "d": "y"})
    assert out is ax and [t.get_text() for t in ax.get_yticklabels()] == ["noise", "cluster 1", "cluster 2"]
    assert sorted(t.get_text() for t in ax.texts) == ["0", "0", "1", "1", "1", "1"]
    plt.close(fig)


def test_heatmap_scale_follows_standardised_scores_when_asked():
    fig, ax = plt.subplots()
    matrix = pd.DataFrame({"russia": [2.5, -1.0]}, index=["a", "b"])
    stance.plot_profile_heatmap(ax, matrix, limit=None, value_label="polarity (scaling, z)")
    assert ax.images[0].norm.vmax == 2.5 and ax.images[0].norm.vmin == -2.5
    plt.close(fig)

