"""The default stance reads the target's role, not the sentence's mood: the seed article and a hand-written fixture."""

import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml

from stancebook.corpus import load_documents, split_units
from stancebook.errors import DataTooSmallWarning
from stancebook.paths import repo_root
from stancebook.resources.actors import load_actor_dictionary
from stancebook.stance import expand_groups, stance_triples
from stancebook.stance.polarity import make_sources
from stancebook.tokenise import tokenise_corpus

FIXTURE = Path(__file__).parent / "data" / "stance_sentences.yaml"
VALUE = {"for": 1, "against": -1, "neutral": 0}


def _triples(units: pd.DataFrame) -> pd.DataFrame:
    dictionary = load_actor_dictionary()
    tables = tokenise_corpus(units, dictionary=dictionary)
    sources = make_sources({"frames": {"groups": dict(dictionary.groups)}})
    sources["scaling"] = None  # word vectors need a corpus; not part of the default stance
    for source in sources.values():
        if source is not None:
            source.fit(tables.sentences["text"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataTooSmallWarning)  # the learned source: too few frame matches
        triples = stance_triples(units, tables.sentences, tables.mentions, sources=sources)
    return expand_groups(triples, dictionary)


@pytest.fixture(scope="module")
def seed_triples():
    documents, _ = load_documents(repo_root() / "seeds")
    return _triples(split_units(documents, unit="sentence"))


def _stances(triples, holder, target, sentences=None):
    rows = triples[(triples["holder"] == holder) & (triples["target"] == target) & (triples["level"] == "target")]
    if sentences is not None:
        rows = rows[rows["unit_id"].str[-4:].isin([f"s{n:03d}" for n in sentences])]
    return rows["polarity_stance"].tolist()


def test_north_korea_is_for_russia_in_each_of_kims_three_sentences(seed_triples):
    # full and unconditional support (s002); will always stand with Moscow (s003); relations with Russia
    # the priority (s004)
    for sentence in (2, 3, 4):
        stances = _stances(seed_triples, "north_korea", "russia", [sentence])
        assert stances and all(v == 1 for v in stances), sentence


def test_russia_is_for_north_korea_when_putin_welcomes_kim(seed_triples):
    assert _stances(seed_triples, "russia", "north_korea", [5]) == [1]


def test_washington_and_its_allies_threatening_their_enemies_is_the_west_against_north_korea(seed_triples):
    assert _stances(seed_triples, "west", "north_korea") == [-1]


def test_moscows_war_efforts_against_its_enemy_are_russia_against_ukraine(seed_triples):
    assert _stances(seed_triples, "russia", "ukraine") == [-1]


def test_the_author_is_not_against_ukraine(seed_triples):
    stances = _stances(seed_triples, "author", "ukraine")
    assert stances and all(v >= 0 for v in stances)


def test_cooperation_between_moscow_and_pyongyang_is_their_relation_not_the_authors_stance(seed_triples):
    # "military cooperation between Moscow and Pyongyang" (s007)
    assert _stances(seed_triples, "author", "russia", [7]) == [0]
    assert _stances(seed_triples, "russia", "north_korea", [7]) == [1]


def _fixture():
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def test_the_fixture_covers_what_the_default_source_must_read():
    items = _fixture()
    pairs = [(item, target) for item in items for target in item["stances"]]
    assert len(items) >= 40 and len(pairs) >= 50
    assert any(len(item["stances"]) == 2 and set(item["stances"].values()) == {"for", "against"} for item in items)
    assert {"for", "against", "neutral"} == {v for item in items for v in item["stances"].values()}


@pytest.fixture(scope="module")
def fixture_triples():
    items = _fixture()
    units = pd.DataFrame({"unit_id": [f"f{i:02d}" for i in range(len(items))],
                          "doc_id": [f"f{i:02d}" for i in range(len(items))],
                          "unit_index": 1, "text": [item["text"] for item in items],
                          "orig_start": 0, "orig_end": [len(item["text"]) for item in items],
                          "offset_breaks": [[0, 0]] * len(items)})
    return units, _triples(units)


def test_the_default_source_gets_at_least_90_percent_of_the_fixture_right(fixture_triples):
    units, triples = fixture_triples
    right = wrong = 0
    for unit_id, item in zip(units["unit_id"], _fixture()):
        for target, stance in item["stances"].items():
            holder = item.get("holder")
            rows = triples[(triples["unit_id"] == unit_id) & (triples["target"] == target)
                           & (triples["holder_source"] != "act")]
            if holder and holder != "author":
                rows = rows[rows["holder"] == holder]
            ok = len(rows) == 1 and rows["polarity_stance"].iloc[0] == VALUE[stance]
            right += ok
            wrong += not ok
    assert right / (right + wrong) >= 0.9, (right, wrong)


@pytest.mark.parametrize(("text", "holder"), [
    ("\"We will always stand with Moscow,\" Kim said.", "north_korea"),
    ("\"Washington is the main threat to peace,\" Putin said.", "russia"),
    ("According to Beijing, the United States is fuelling tensions in the region.", "china"),
    ("The Kremlin accused NATO of provoking the crisis.", "russia"),
    ("The annexation of Crimea by Russia was condemned by the European Union.", "europe"),
])
def test_reported_holders_quote_first_according_to_and_passive(fixture_triples, text, holder):
    units, triples = fixture_triples
    unit_id = units.loc[units["text"] == text, "unit_id"].iloc[0]
    holders = set(triples.loc[(triples["unit_id"] == unit_id) & (triples["holder_source"] != "act"), "holder"])
    assert holders == {holder}
