"""The frame matcher: one rendering per sentence and a word-level prefilter give the matches of the plain search."""

import pickle

import pytest

from stancebook.stance.polarity.frames import FrameMatcher

SENTENCES = [
    ("We condemn Russia's aggression against Ukraine.", [(11, 17, "russia"), (39, 46, "ukraine")]),
    ("Russia must stop its aggression and withdraw.", [(0, 6, "russia")]),
    ("We stand in solidarity with Ukraine against Russia.", [(28, 35, "ukraine"), (44, 50, "russia")]),
    ("Iran is not a threat to anyone.", [(0, 4, "iran")]),
    ("The sanctions against Cuba must end.", [(22, 26, "cuba")]),
    ("Washington and its allies are threatening their enemies, China and Russia.",
     [(0, 10, "united_states"), (58, 63, "china"), (68, 74, "russia")]),
]


@pytest.fixture(scope="module")
def matcher():
    return FrameMatcher()


def _plain_candidates(matcher, rendered):
    """The prefilter as a plain scan of every frame's first word (the reference the cache must reproduce)."""
    words = {w.lstrip("^") for w in rendered.words}
    return [frame for frame, (exact, prefixes) in zip(matcher.frames, matcher._triggers)
            if exact is None or exact & words or (prefixes and any(w.startswith(prefixes) for w in words))]


@pytest.mark.parametrize("text, mentions", SENTENCES)
def test_the_cached_prefilter_keeps_the_same_frames(matcher, text, mentions):
    rendered = matcher._render(text, mentions)
    assert matcher._candidates(rendered) == _plain_candidates(matcher, rendered)
    assert matcher._candidates(rendered) == _plain_candidates(matcher, rendered)  # again, from the cache


@pytest.mark.parametrize("text, mentions", SENTENCES)
def test_analyse_gives_match_and_relations_of_one_sentence(matcher, text, mentions):
    groups = {"west": ("united_states", "united_kingdom")}
    assert matcher.analyse(text, mentions, groups=groups) == (
        matcher.match(text, mentions), matcher.relations(text, mentions, groups=groups))


def test_a_pickled_matcher_matches_the_same_and_ships_no_cache(matcher):
    for text, mentions in SENTENCES:
        matcher.match(text, mentions)
    copy = pickle.loads(pickle.dumps(matcher))
    assert copy._word_masks == {}
    assert [copy.analyse(t, m) for t, m in SENTENCES] == [matcher.analyse(t, m) for t, m in SENTENCES]


def test_a_target_after_a_preposition_is_no_subject(matcher):
    """"Cuba must end ..." demands something of Cuba; in "the sanctions against Cuba must end" Cuba is no subject."""
    as_subject = matcher.match("Cuba must end its support.", [(0, 4, "cuba")])["cuba"]
    after_against = matcher.match("The sanctions against Cuba must end.", [(22, 26, "cuba")])["cuba"]
    assert [h.frame for h in as_subject] == ["demand"] and FrameMatcher.score(as_subject) == -1
    assert "demand" not in [h.frame for h in after_against]
