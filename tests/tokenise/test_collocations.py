"""Collocations proposed from the tokens table."""

import pytest

from stancebook.errors import ParameterError
from stancebook.tokenise import find_collocations
from tests.tokenise.samples import TINY, tokens_of, units_of


def test_collocations_rank_the_repeated_content_bigram_first():
    table = find_collocations(tokens_of(units_of(*TINY)), min_count=2)
    assert list(table.columns) == ["first", "second", "count", "pmi", "g2"]
    assert table[["first", "second", "count"]].values.tolist() == [["nuclear", "weapons", 3]]
    assert table["g2"].iloc[0] > 0 and table["pmi"].iloc[0] > 0


def test_collocations_do_not_cross_stopwords_or_sentences():
    table = find_collocations(tokens_of(units_of("Peace and talks. Peace. Talks.")), min_count=1)
    assert table.empty


@pytest.mark.parametrize("kwargs, name", [({"min_count": 0}, "min_count"), ({"top": True}, "top")])
def test_collocations_refuse_bad_parameters_by_name(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        find_collocations(tokens_of(units_of(*TINY)), **kwargs)


def test_collocations_refuse_a_table_without_the_token_columns():
    with pytest.raises(ParameterError, match="is_stop"):
        find_collocations(tokens_of(units_of(*TINY)).drop(columns="is_stop"))
