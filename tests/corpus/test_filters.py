"""filter_documents: inclusive years, actors, countries; a missing column is named."""

import pandas as pd
import pytest

from stancebook.corpus import filter_documents
from stancebook.errors import CorpusError, ParameterError


def test_filter_documents_by_inclusive_years_and_actors():
    documents = pd.DataFrame({"doc_id": list("abcd"), "year": [1990, 2000, 2010, None],
                              "actor": ["PRK", "RUS", "PRK", "USA"]})
    assert filter_documents(documents, years=(2000, 2010))["doc_id"].tolist() == ["b", "c"]
    assert filter_documents(documents, actors=["PRK"])["doc_id"].tolist() == ["a", "c"]
    both = filter_documents(documents, years=(None, 2005), actors=["PRK", "RUS"])
    assert both["doc_id"].tolist() == ["a", "b"]
    assert filter_documents(documents).equals(documents)
    assert len(documents) == 4


def test_filter_on_a_missing_column_names_it_and_lists_the_others():
    documents = pd.DataFrame({"doc_id": ["a"], "session_year": [2000]})
    with pytest.raises(CorpusError, match=r"'year'.*'doc_id', 'session_year'.*Did you mean 'session_year'"):
        filter_documents(documents, years=(1990, 2020))


@pytest.mark.parametrize("years", [(2000,), "2000-2010", (2000.0, None), (True, None)])
def test_load_time_years_must_be_a_pair_of_ints(years):
    from stancebook.corpus.filters import year_bounds

    with pytest.raises(ParameterError, match="years="):
        year_bounds(years)
