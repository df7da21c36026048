"""Multiword terms: the dictionary's multiword forms and the researcher's MWEs."""

import pytest

from stancebook.errors import ParameterError
from stancebook.tokenise import tokenise_corpus
from tests.tokenise.samples import tokens_of, units_of


def test_dictionary_forms_become_multiword_terms(seed_text, actors):
    tokens = tokens_of(units_of(seed_text), dictionary=actors)
    terms = set(tokens["term"].dropna())
    assert {"north_korea", "kim_jong_un", "the_west", "un_security_council", "russian_federation"} <= terms
    first = tokens.index[tokens["text"] == "Jong"][0] - 1
    assert tokens.loc[first, "term"] == "kim_jong_un" and tokens.loc[first + 1: first + 2, "term"].isna().all()
    assert "korea" not in terms and "jong" not in terms


def test_the_west_is_a_term_but_the_lowercase_direction_is_not(actors):
    tokens = tokens_of(units_of("The West met. They drove to the west of the city."), dictionary=actors)
    assert tokens["term"].dropna().tolist() == ["the_west", "met", "drove", "west", "city"]


def test_user_mwes_join_folded_norms_and_never_become_stopwords():
    tokens = tokens_of(units_of("The Security Council met. Security councils differ."),
                       mwes=[("security", "council"), ("the", "security", "council")])
    assert tokens["term"].dropna().tolist() == ["the_security_council", "met", "security", "councils", "differ"]
    assert not tokens["is_stop"].iloc[0]


@pytest.mark.parametrize("mwes", ["security council", ("security", "council"), [("security", "")], ["ab"]])
def test_malformed_mwes_are_refused_by_name(actors, mwes):
    with pytest.raises(ParameterError, match="mwes"):
        tokenise_corpus(units_of("Security council."), dictionary=actors, mwes=mwes)
