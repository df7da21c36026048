"""Fixtures of the tokenise tests: the seed article, the shipped actor dictionary, the hand-written corpus."""

import pandas as pd
import pytest

from stancebook.resources.actors import load_actor_dictionary
from stancebook.tokenise import find_mentions
from tests.tokenise.samples import CORPUS, CORPUS_BREAKS, CORPUS_IDS, SEED, units_of


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def actors():
    return load_actor_dictionary()


@pytest.fixture(scope="module")
def seed_mentions(seed_text, actors):
    return find_mentions(units_of(seed_text, ids=["seed"]), actors)


@pytest.fixture(scope="module")
def corpus_units():
    return pd.DataFrame({"unit_id": CORPUS_IDS, "text": list(CORPUS), "offset_breaks": CORPUS_BREAKS})
