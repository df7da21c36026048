"""The shipped word lists of the stance stage are read from resource files."""

import pytest

from stancebook.errors import ParameterError
from stancebook.params import SPEC
from stancebook.resources.wordlists import WORD_LISTS, load_word_list


@pytest.mark.parametrize("name", sorted(WORD_LISTS))
def test_every_list_is_a_non_empty_file_of_unique_entries(name):
    words = load_word_list(name)
    assert words and len(set(words)) == len(words) and all(w == w.strip() and "#" not in w for w in words)


def test_the_lexicon_neutral_default_is_the_shipped_list():
    assert list(load_word_list("domain_neutral_words")) == SPEC["lexicon_neutral"].default


def test_an_unknown_list_is_refused_naming_the_known_ones():
    with pytest.raises(ParameterError, match="reporting_verbs"):
        load_word_list("verbs")
