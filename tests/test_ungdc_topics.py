"""Integration: topics a political scientist keeps, on the UN General Debate 2014-2024 (``ungdc-recent``).

Runs stages 0-2 with the named run's own parameters (topics on 150-word
passages, place and leader names out of the topic vocabulary) and checks
that the chosen topics are themes, not regions. This is a check of the
topics stage, not stance tuning, so the 2020-2024 sessions may be read.
Reads the real corpus from ``../shared/corpora/ungdc`` beside the
repository; skipped where it is absent.
"""

import warnings

import pytest

from stancebook import catalog, corpus
from stancebook.params import load_params
from stancebook.paths import RunPaths, repo_root
from stancebook.resources.actors import ActorDictionary
from stancebook.resources.place_names import GENERIC_NAME_WORDS, load_place_words
from stancebook.tokenise import tokenise_and_write
from stancebook.topics import fit_and_describe

pytestmark = pytest.mark.slow
UNGDC = repo_root().parent / "shared" / "corpora" / "ungdc"
needs_corpus = pytest.mark.skipif(not (UNGDC / "UNGDC_1946-2024.tgz").is_file(),
                                  reason="UN General Debate corpus not found beside the repository")

# The themes of the decade and the words that characterise each: a topic "holds" a theme when at least
# three of these words are among its top ten.
THEMES = {
    "climate change": {"climate", "change", "warming", "emissions", "carbon", "temperature", "adaptation",
                       "mitigation", "greenhouse", "fossil", "renewable", "cop", "1.5", "degrees", "net-zero"},
    "terrorism": {"terrorism", "terrorist", "terrorists", "extremism", "violent", "radicalization",
                  "radicalisation", "counter-terrorism", "attacks", "extremist"},
    "nuclear disarmament": {"nuclear", "weapons", "disarmament", "non-proliferation", "treaty", "arms",
                            "prohibition", "proliferation", "test-ban", "npt"},
    "sustainable development": {"sustainable", "development", "sdgs", "2030", "agenda", "goals",
                                "implementation", "poverty", "eradication", "achieving", "achieve"},
    "COVID-19": {"covid-19", "pandemic", "vaccines", "vaccine", "coronavirus", "virus", "health", "recovery"},
    "Security Council reform": {"reform", "council", "security_council", "permanent", "members", "veto",
                                "representation", "membership", "non-permanent", "expansion", "seats"},
    "migration": {"migration", "migrants", "refugees", "compact", "orderly", "regular", "safe", "displaced",
                  "asylum", "smuggling", "migrant"},
    "gender equality": {"women", "gender", "equality", "girls", "empowerment", "violence", "men", "sexual"},
}


@pytest.fixture(scope="module")
def recent(tmp_path_factory):
    params = load_params(repo_root() / "notebooks" / "ungdc-recent.yaml")
    base = tmp_path_factory.mktemp("ungdc-recent-topics")
    paths = RunPaths.for_run("ungdc-recent", run_dir=base / "run", figures_dir=base / "figures").ensure()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus.prepare_corpus(params, paths)
        tokenise_and_write(paths, min_df=params["min_df"], max_df=params["max_df"],
                           keep_tokens=params["keep_tokens"], n_jobs=params["n_jobs"],
                           topic_unit=params["topic_unit"], topic_passage_words=params["topic_passage_words"])
        result = fit_and_describe(paths, params)
    top = {topic: set(group.sort_values("rank")["term"].head(10))
           for topic, group in catalog.read(paths, "topic_terms").groupby("topic")}
    return result, top, ActorDictionary.from_dict(catalog.read(paths, "actor_dictionary"))


@needs_corpus
def test_at_most_two_chosen_topics_are_regions(recent):
    _, top, dictionary = recent
    # Strict: words of country names such as "republic", "south" or "islands" count as geographic too.
    places = load_place_words(dictionary) | GENERIC_NAME_WORDS
    geographic = [sorted(words) for words in top.values() if sum(w.lower() in places for w in words) > 5]
    assert len(geographic) <= 2, geographic


@needs_corpus
@pytest.mark.parametrize("theme", sorted(THEMES))
def test_every_theme_of_the_decade_has_a_topic(recent, theme):
    _, top, _ = recent
    held = max(len(words & THEMES[theme]) for words in top.values())
    assert held >= 3, {t: sorted(words) for t, words in top.items()}
