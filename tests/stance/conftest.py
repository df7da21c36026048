"""Shared fixtures of the stance tests: hand-written tables, planted blocs, a planted corpus."""

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from stancebook import corpus, stance, tokenise  # noqa: E402
from stancebook.resources.actors import load_actor_dictionary  # noqa: E402

# A tiny stand-in for the actor dictionary of tokenise: regular expressions per target.
DICTIONARY = {
    "russia": r"Russia|Moscow|Kremlin|Putin",
    "north_korea": r"North Korea|Pyongyang|Kim",
    "west": r"West|Washington|Europe",
    "un": r"UN Security Council|United Nations|UN",
    "china": r"China|Beijing",
}
TARGETS = ["russia", "north_korea", "west", "un", "china"]

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


def _build_tables(texts_by_unit, *, actors=None):
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


@pytest.fixture(scope="session")
def build_tables():
    """The table builder: ``build_tables({unit_id: [sentence, ...]}, actors=None)``."""
    return _build_tables


@pytest.fixture(scope="session")
def targets():
    return list(TARGETS)


@pytest.fixture(scope="session")
def bloc_of():
    """Holder -> its planted bloc ("east" or "west")."""
    return {holder: bloc for holder, (bloc, _) in BLOCS.items()}


@pytest.fixture(scope="module")
def blocs():
    texts = {f"{holder}-speech": sents for holder, (_, sents) in BLOCS.items()}
    actors = {f"{holder}-speech": holder for holder in BLOCS}
    units, sentences, mentions = _build_tables(texts, actors=actors)
    triples = stance.stance_triples(units, sentences, mentions, holder_column="actor")
    profiles = stance.stance_profiles(triples, units, targets=TARGETS, holder_column="actor", n_boot=200)
    return units, sentences, mentions, triples, profiles


# --- a planted corpus: both polarity sources --------------------------------

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


def real_tables(units):
    """Sentences and mentions of real units, as stage 1 makes them (the shipped actor dictionary)."""
    dictionary = load_actor_dictionary()
    result = tokenise.tokenise_corpus(units, dictionary=dictionary, keep_tokens=False)
    return result.sentences, result.mentions, dictionary


@pytest.fixture(scope="session")
def stage_tables():
    """``stage_tables(units) -> (sentences, mentions, dictionary)`` through stage 1's tokeniser."""
    return real_tables


@pytest.fixture(scope="session")
def planted_holders():
    return dict(PLANTED_HOLDERS)


@pytest.fixture(scope="module")
def planted():
    units = corpus.split_units(planted_documents(), unit="document")
    sentences, mentions, _ = real_tables(units)
    model = stance.LatentScaling().fit(sentences["text"])
    triples = stance.stance_triples(units, sentences, mentions, holder_column="actor", sources={"scaling": model})
    profiles = stance.stance_profiles(triples, units, targets=["russia", "the_west"], holder_column="actor",
                                      n_boot=100)
    return model, triples, profiles
