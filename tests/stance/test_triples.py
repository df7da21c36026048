"""Stance triples: one row per sentence and target, holders, contexts, groups; the seed article end to end."""

import numpy as np
import pandas as pd
import pytest

from stancebook import corpus, stance
from stancebook.errors import CorpusError, DataTooSmallWarning, ParameterError
from stancebook.paths import repo_root

SEED_LIKE = [
    "Kim vowed to provide full and unconditional support for Moscow.",
    "The West imposed harsh sanctions that seriously affect their nations.",
    "The UN must act to prevent a deadly war.",
]


def test_seed_like_sentences_get_expected_polarity_signs(build_tables):
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


def test_several_mentions_of_a_target_in_a_sentence_count_once(build_tables):
    units, sentences, mentions = build_tables({"u": ["Moscow and the Kremlin praised Russia."]})
    triples = stance.stance_triples(units, sentences, mentions)
    assert len(triples) == 1
    row = triples.iloc[0]
    assert (row["n_mentions"], row["surface"], row["start"], row["end"]) == (3, "Moscow", 0, 6)


def test_window_context_scores_only_words_near_the_mention(build_tables):
    sentence = "Moscow is a wonderful friend and we love it while far away the terrible war of others kills."
    units, sentences, mentions = build_tables({"u": [sentence]})
    near = stance.stance_triples(units, sentences, mentions, context="window", window=5)
    whole = stance.stance_triples(units, sentences, mentions, context="sentence")
    assert near["context"].iloc[0] == "Moscow is a wonderful friend and"
    assert near["polarity_lexicon"].iloc[0] > whole["polarity_lexicon"].iloc[0]


def test_triples_are_sorted_by_unit_order_sentence_and_target(build_tables):
    units, sentences, mentions = build_tables({"z": ["Moscow and Beijing met.", "The UN met."],
                                               "a": ["Pyongyang met."]})
    triples = stance.stance_triples(units, sentences, mentions.iloc[::-1])
    assert list(zip(triples["unit_id"], triples["sentence"], triples["target"])) == [
        ("z", 1, "china"), ("z", 1, "russia"), ("z", 2, "un"), ("a", 1, "north_korea")]


def test_no_mentions_gives_empty_triples_with_all_columns(build_tables):
    units, sentences, mentions = build_tables({"u": ["Nobody is named here."]})
    triples = stance.stance_triples(units, sentences, mentions)
    assert triples.empty and list(triples.columns) == stance.TRIPLE_COLUMNS
    non_empty = stance.stance_triples(*build_tables({"u": ["Moscow met."]}))
    assert triples.dtypes.equals(non_empty.dtypes)  # same CSV/Parquet schema either way


@pytest.mark.parametrize("kwargs, name", [({"context": "paragraph"}, "context"), ({"context": "window", "window": 0},
                                                                                    "window")])
def test_bad_context_parameters_raise_parameter_error_naming_them(build_tables, kwargs, name):
    units, sentences, mentions = build_tables({"seed": SEED_LIKE})
    with pytest.raises(ParameterError, match=f"`{name}`"):
        stance.stance_triples(units, sentences, mentions, **kwargs)


def test_unknown_or_unfit_sources_are_refused_naming_them(build_tables):
    units, sentences, mentions = build_tables({"seed": SEED_LIKE})
    with pytest.raises(ParameterError, match="vader"):
        stance.stance_triples(units, sentences, mentions, sources={"vader": None})
    with pytest.raises(ParameterError, match="score"):
        stance.stance_triples(units, sentences, mentions, sources={"scaling": "a model"})


def test_mention_outside_sentence_table_raises_corpus_error(build_tables):
    units, sentences, mentions = build_tables({"seed": SEED_LIKE})
    with pytest.raises(CorpusError, match="sentence 3"):
        stance.stance_triples(units, sentences.iloc[:2], mentions)


def test_groups_add_one_row_per_sentence_flagged_as_group(build_tables):
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


def test_same_inputs_give_identical_tables(blocs, targets):
    units, sentences, mentions, triples, profiles = blocs
    before = [frame.copy() for frame in (units, sentences, mentions)]
    again = stance.stance_triples(units, sentences, mentions, holder_column="actor", context="window")
    again = stance.stance_triples(units, sentences, mentions, holder_column="actor")
    for original, frame in zip(before, (units, sentences, mentions)):
        pd.testing.assert_frame_equal(original, frame)  # inputs are never modified
    pd.testing.assert_frame_equal(triples, again)
    pd.testing.assert_frame_equal(
        profiles, stance.stance_profiles(again, units, targets=targets, holder_column="actor", n_boot=200))
    X, _, holders = stance.profile_features(profiles)
    first = stance.StanceClustering(n_resamples=5).fit(X, holders)
    second = stance.StanceClustering(n_resamples=5, n_jobs=2).fit(X, holders)  # workers change nothing
    for attribute in ("scores_", "labels_", "distance_"):
        pd.testing.assert_frame_equal(getattr(first, attribute), getattr(second, attribute))
    assert first.reason_ == second.reason_


# --- the seed article (real corpus and tokenise stages) ----------------------

@pytest.fixture(scope="module")
def seed(stage_tables):
    documents, _ = corpus.load_documents(repo_root() / "seeds")
    units = corpus.split_units(documents, unit="document")
    sentences, mentions, dictionary = stage_tables(units)
    with pytest.warns(DataTooSmallWarning, match="too small for word vectors"):
        model = stance.LatentScaling().fit(sentences["text"])
    triples = stance.stance_triples(units, sentences, mentions, sources={"scaling": model})
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
