"""Who holds a stance: the speaker, or the actor whose words a sentence reports."""

import pandas as pd
import pytest

from stancebook import stance
from stancebook.errors import CorpusError
from stancebook.resources.actors import load_actor_dictionary


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
    ("Kim was praised by Moscow.", "russia", "was praised by"),  # a passive report names its holder after "by"
    ("\"We will always stand with Moscow,\" Kim said.", "north_korea", "quote, said"),
    ("\"Pyongyang is reckless,\" said Putin.", "russia", "quote, said"),
])
def test_reported_words_and_acts_are_attributed_to_the_actor(build_tables, sentence, holder, cue):
    units, sentences, mentions = build_tables({"u": [sentence]})
    attribution = stance.attribute_sentences(units, sentences, mentions)
    assert attribution[["holder", "holder_source", "cue"]].values.tolist() == [[holder, "reported", cue]]
    triples = stance.stance_triples(units, sentences, mentions)
    assert holder not in set(triples["target"])  # a holder never holds a stance toward itself
    assert (triples["holder"] == holder).all() and (triples["holder_source"] == "reported").all()


@pytest.mark.parametrize("sentence", [
    "While clever Putin hosted Kim, Moscow praised him.",  # subordinate clause before the subject
    "We condemn Moscow and we call on Pyongyang to stop.",  # the speaker's own words
    "Kim was praised in Moscow.",  # passive without an agent
    "Kim met Putin, who said nothing.",  # the verb has its own subject
    "The West, in a long and winding statement about the future of the region and beyond, warned Moscow.",
    "With Moscow, Pyongyang praised Beijing.",  # a preposition: Moscow is no subject; Pyongyang is word 3
    "Kim and the West met; Moscow said nothing.",
])
def test_speaker_keeps_sentences_without_a_reporting_frame(build_tables, sentence):
    units, sentences, mentions = build_tables({"u": [sentence]})
    attribution = stance.attribute_sentences(units, sentences, mentions)
    assert attribution["holder_source"].tolist() == ["speaker"] and attribution["holder"].tolist() == ["author"]


def test_reported_attribution_can_be_switched_off_and_verbs_replaced(build_tables):
    units, sentences, mentions = build_tables({"u": ["Kim vowed support for Moscow.", "Moscow blessed Kim."]})
    off = stance.attribute_sentences(units, sentences, mentions, reported=False)
    assert off["holder_source"].tolist() == ["speaker", "speaker"]
    custom = stance.attribute_sentences(units, sentences, mentions, reporting_verbs=["blessed"])
    assert custom["holder"].tolist() == ["author", "russia"]


def test_holder_targets_merge_reported_actor_with_the_speaker_and_drop_self_stance(build_tables):
    units, sentences, mentions = build_tables(
        {"cuba-speech": ["Moscow is a great friend.", "Russia warned the West."],
         "russia-speech": ["Russia is strong and the West is hostile."]},
        actors={"cuba-speech": "CUB", "russia-speech": "RUS"})
    triples = stance.stance_triples(units, sentences, mentions, holder_column="actor",
                                    holder_targets={"RUS": "russia"})
    assert triples[["holder", "holder_source", "target", "unit_id"]].values.tolist() == [
        ["CUB", "speaker", "russia", "cuba-speech"], ["RUS", "reported", "west", "cuba-speech"],
        ["RUS", "speaker", "west", "russia-speech"]]


def test_a_speaker_naming_itself_in_the_third_person_keeps_the_sentence(build_tables):
    units, sentences, mentions = build_tables({"s": ["China supports the peace plan of the UN."]},
                                              actors={"s": "CHN"})
    triples = stance.stance_triples(units, sentences, mentions, holder_column="actor",
                                    holder_targets={"CHN": "china"})
    assert triples[["holder", "holder_source", "target"]].values.tolist() == [["CHN", "speaker", "un"]]


def test_shipped_reporting_verbs_are_past_and_third_person_forms():
    assert {"said", "vowed", "warns", "according"} & set(stance.REPORTING_VERBS) == {"said", "vowed", "warns"}
    assert list(stance.REPORTING_VERBS) == sorted(set(stance.REPORTING_VERBS))


def test_holder_names_prefer_the_short_name_then_the_target_label():
    units = pd.DataFrame({"iso3": ["RUS", "PRK", "XYZ"], "country": ["Russian Federation", None, "Xyz"],
                          "short_name": ["Russia", None, None]})
    names = stance.holder_names(units, holder_column="iso3", labels={"PRK": "North Korea"})
    assert names == {"RUS": "Russia", "PRK": "North Korea", "XYZ": "Xyz"}
    holder_targets = stance.match_holder_targets(stance.holder_aliases(units, holder_column="iso3"),
                                                 load_actor_dictionary())
    assert holder_targets == {"RUS": "russia"}
