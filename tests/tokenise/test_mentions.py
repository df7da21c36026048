"""Mentions of the targets of the actor dictionary, and the mentions per target."""

import pandas as pd
import pytest

from stancebook.resources.actors import load_actor_dictionary
from stancebook.tokenise import MENTION_COLUMNS, find_mentions, mention_counts
from tests.tokenise.samples import NO_ACTORS, units_of


def test_seed_mentions_find_every_actor_the_article_names(seed_mentions):
    assert list(seed_mentions.columns) == MENTION_COLUMNS
    assert {"russia", "north_korea", "united_states", "the_west", "ukraine", "un", "europe"} <= set(
        seed_mentions["target"])


@pytest.mark.parametrize("surface, target, kind", [
    ("Moscow", "russia", "capital"), ("the Kremlin", "russia", "metonym"), ("Pyongyang", "north_korea", "capital"),
    ("Washington", "united_states", "capital"), ("DPRK", "north_korea", "name"), ("US", "united_states", "name"),
    ("UN Security Council", "un", "metonym"), ("Western", "the_west", "demonym"), ("western", "the_west", "demonym"),
])
def test_seed_metonyms_capitals_and_acronyms_count_for_their_target(seed_mentions, surface, target, kind):
    rows = seed_mentions.loc[seed_mentions["surface"] == surface]
    assert len(rows) >= 1 and set(rows["target"]) == {target} and set(rows["kind"]) == {kind}


def test_seed_moscow_counts_include_possessives(seed_mentions):
    assert (seed_mentions["surface"] == "Moscow").sum() == 5  # 3 x "Moscow", 2 x "Moscow’s"


def test_seed_demonym_role_and_leader_make_one_mention(seed_mentions):
    leaders = seed_mentions.loc[seed_mentions["kind"] == "leader", ["surface", "target"]].values.tolist()
    assert ["North Korean leader Kim Jong Un", "north_korea"] in leaders
    assert ["Russian President Vladimir Putin", "russia"] in leaders
    assert ["Russian Strongman President Vladimir Putin", "russia"] in leaders
    assert "Korea" not in set(seed_mentions["surface"])
    assert "Kim Jong Un" not in set(seed_mentions["surface"])


def test_seed_hyphen_compounds_yield_both_actors(seed_mentions):
    title = seed_mentions.loc[seed_mentions["sentence"] == 1, ["surface", "target"]].values.tolist()
    assert title == [["Putin", "russia"], ["Kim", "north_korea"]]
    us_russia = seed_mentions.loc[seed_mentions["sentence"] == 14, "surface"].tolist()
    assert us_russia[:2] == ["US", "Russia"]


def test_seed_mentions_are_sorted_and_slice_the_text(seed_text, seed_mentions):
    assert seed_mentions["start"].is_monotonic_increasing
    for row in seed_mentions.itertuples():
        assert seed_text[row.start:row.end] == row.surface == seed_text[row.orig_start:row.orig_end]
    west = seed_mentions.loc[seed_mentions["target"].isin(["united_states", "the_west"]), "groups"]
    assert set(west) == {"west"}
    assert set(seed_mentions.loc[seed_mentions["target"] == "russia", "groups"]) == {""}


@pytest.mark.parametrize("text, expected", [
    ("Russians and Russian troops", [("Russians", "russia"), ("Russian", "russia")]),
    ("help us now", []),
    ("South Korea and the Korean Peninsula", [("South Korea", "south_korea")]),
    ("the West Bank and West Africa", []),
    ("Latin America and America", [("America", "united_states")]),
    ("US President Joe Biden and Russia's Putin", [("US President Joe Biden", "united_states"),
                                                     ("Russia's Putin", "russia")]),
    ("The West and the West", [("The West", "the_west"), ("the West", "the_west")]),
    ("United\nNations", [("United\nNations", "un")]),
    ("United\n\nNations", []),
])
def test_mentions_are_case_aware_whole_word_and_longest_first(actors, text, expected):
    found = find_mentions(units_of(text), actors)
    assert list(zip(found["surface"], found["target"])) == expected


def test_mentions_map_to_original_offsets_and_sentences(actors):
    units = pd.DataFrame({"unit_id": ["d:s002"], "text": ["It ended. Then Kim spoke."], "offset_breaks": [[0, 50]]})
    found = find_mentions(units, actors)
    assert found[["sentence", "start", "orig_start", "orig_end"]].values.tolist() == [[2, 15, 65, 68]]


def test_no_mentions_gives_an_empty_table_with_the_columns(actors):
    found = find_mentions(units_of("Nothing here."), actors)
    assert found.empty and list(found.columns) == MENTION_COLUMNS


def test_a_dictionary_without_targets_finds_no_mentions():
    found = find_mentions(units_of("Moscow and the Kremlin."), NO_ACTORS)
    assert found.empty and list(found.columns) == MENTION_COLUMNS


def test_extension_dictionary_targets_and_groups_are_found(tmp_path):
    extra = tmp_path / "more.yaml"
    extra.write_text("targets:\n  iran:\n    names: [Iran]\n    capitals: [Tehran]\n"
                     "  russia:\n    names: [Russia]\ngroups:\n  axis: [iran, russia]\n", encoding="utf-8")
    actors = load_actor_dictionary(extend=extra)
    found = find_mentions(units_of("Tehran and Moscow and Russia"), actors)
    assert list(zip(found["surface"], found["groups"])) == [("Tehran", "axis"), ("Russia", "axis")]


def test_mention_counts_rank_targets_and_split_kinds():
    actors = load_actor_dictionary()
    text = "Moscow and the Kremlin back Russia. Pyongyang agrees."
    units = pd.DataFrame({"unit_id": ["d:s001"], "doc_id": ["d"], "unit_index": [1], "text": [text],
                          "orig_start": [0], "orig_end": [len(text)], "offset_breaks": [[0, 0]]})
    counts = mention_counts(find_mentions(units, actors), actors)
    assert counts["target"].tolist() == ["russia", "north_korea"]
    first = counts.iloc[0]
    assert (first["mentions"], first["capital"], first["metonym"], first["name"]) == (3, 1, 1, 1)
    assert first["label"] == "Russia" and first["units"] == 1


def test_mention_counts_of_no_mentions_is_an_empty_table_with_the_columns(actors):
    counts = mention_counts(find_mentions(units_of("Nothing here."), actors), actors)
    assert counts.empty and list(counts.columns)[:5] == ["target", "label", "groups", "mentions", "units"]
