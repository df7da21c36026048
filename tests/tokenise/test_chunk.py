"""The tokens table: stopwords, terms, acronyms, offsets and sentence numbers."""

import pandas as pd

from stancebook.tokenise import TOKEN_COLUMNS
from tests.tokenise.samples import tokens_of, units_of


def test_tokens_table_drops_stopwords_and_keeps_us_acronym():
    tokens = tokens_of(units_of("Mr. President, the US told us: sanctions 3.5 times."))
    assert list(tokens.columns) == TOKEN_COLUMNS
    assert tokens["term"].dropna().tolist() == ["US", "told", "sanctions", "times"]
    row = tokens.set_index("text").loc["us"]
    assert bool(row["is_stop"]) and pd.isna(row["term"])
    assert tokens.loc[tokens["kind"] != "word", "term"].isna().all()


def test_tokens_map_offsets_to_the_original_and_number_sentences():
    units = pd.DataFrame({"unit_id": ["d"], "text": ["Kim met Putin. They talked."], "offset_breaks": [[0, 7, 8, 20]]})
    tokens = tokens_of(units)
    assert tokens["sentence"].tolist() == [1, 1, 1, 1, 2, 2, 2]
    assert tokens["token_index"].tolist() == list(range(7))
    putin = tokens.loc[tokens["text"] == "Putin"].iloc[0]
    assert (putin["start"], putin["orig_start"], putin["orig_end"]) == (8, 20, 25)


def test_custom_stopwords_replace_the_shipped_list():
    tokens = tokens_of(units_of("The talks failed."), stopwords={"talks"})
    assert tokens["term"].dropna().tolist() == ["the", "failed"]
