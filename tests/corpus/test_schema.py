"""The corpus tables' columns agree with the data contract in stancebook.catalog."""

import pandas as pd
import pytest

from stancebook import catalog
from stancebook.corpus import DOCUMENT_COLUMNS, PROBLEM_COLUMNS, UNIT_COLUMNS
from stancebook.corpus.schema import metadata_column, missing_column, problems_frame
from stancebook.errors import CorpusError


@pytest.mark.parametrize(("name", "columns"), [
    ("documents", DOCUMENT_COLUMNS), ("units", UNIT_COLUMNS), ("corpus_problems", PROBLEM_COLUMNS)])
def test_the_catalog_lists_columns_the_stage_writes(name, columns):
    assert catalog.entry(name).stage == "00_corpus"
    assert list(catalog.entry(name).columns) == columns


def test_problems_frame_is_sorted_and_typed():
    frame = problems_frame([("b.txt", "empty", "x"), ("a.txt", "missing", "y"), ("a.txt", "empty", "z")])
    assert frame.values.tolist() == [["a.txt", "empty", "z"], ["a.txt", "missing", "y"], ["b.txt", "empty", "x"]]
    assert problems_frame([]).columns.tolist() == PROBLEM_COLUMNS


def test_column_errors_suggest_the_nearest_column():
    assert "Did you mean 'body'" in str(missing_column("bod", "text_column", "t.csv", ["body", "year"]))
    with pytest.raises(CorpusError, match=r"'yaer'.*Did you mean 'year'.*year_column="):
        metadata_column(pd.DataFrame({"year": [1]}), "yaer", "year_column")
