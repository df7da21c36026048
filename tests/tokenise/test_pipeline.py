"""The streaming, parallel path (tokenise_corpus), held row for row to the unit-by-unit oracle."""

import numpy as np
import pandas as pd
import pytest

from stancebook.engine import LocalEngine
from stancebook.errors import ParameterError
from stancebook.text import split_sentences
from stancebook.tokenise import (MENTION_COLUMNS, SENTENCE_COLUMNS, TOKEN_COLUMNS, TokeniseResult, find_mentions,
                                 sentence_table, tokenise_corpus)
from stancebook.tokenise.chunk import chunk_tables
from stancebook.tokenise.pipeline import chunk_bounds
from tests.tokenise import oracle
from tests.tokenise.samples import CORPUS_IDS, CORPUS_MWES, WHITESPACE_PIECES, units_of


@pytest.fixture(scope="module")
def oracle_tables(corpus_units, actors):
    tokens = oracle.tokenise_units(corpus_units, dictionary=actors, mwes=CORPUS_MWES)
    return {"sentences": oracle.sentence_table(corpus_units), "mentions": oracle.find_mentions(corpus_units, actors),
            "tokens": tokens, "dtm": oracle.build_dtm(tokens, CORPUS_IDS)}


def assert_same_dtm(left, right):
    assert left.terms.tolist() == right.terms.tolist() and left.unit_ids.tolist() == right.unit_ids.tolist()
    assert left.matrix.shape == right.matrix.shape and (left.matrix != right.matrix).nnz == 0
    assert left.matrix.dtype == right.matrix.dtype == np.int64


@pytest.mark.parametrize("n_jobs, chunk_chars", [(1, 10**9), (1, 1), (2, 1), (2, 150)])
def test_streaming_path_gives_the_tables_of_the_oracle(corpus_units, actors, oracle_tables, n_jobs, chunk_chars):
    result = tokenise_corpus(corpus_units, dictionary=actors, mwes=CORPUS_MWES, n_jobs=n_jobs,
                             chunk_chars=chunk_chars)
    assert isinstance(result, TokeniseResult)
    pd.testing.assert_frame_equal(result.sentences, oracle_tables["sentences"])
    pd.testing.assert_frame_equal(result.mentions, oracle_tables["mentions"])
    pd.testing.assert_frame_equal(result.tokens, oracle_tables["tokens"])
    assert_same_dtm(result.dtm, oracle_tables["dtm"])


def test_streaming_path_reads_no_dot_as_an_abbreviation_only_before_a_number(corpus_units, actors):
    tokens = tokenise_corpus(corpus_units, dictionary=actors, chunk_chars=1).tokens
    surfaces = tokens.loc[tokens["unit_id"] == "d3", "text"].tolist()
    assert surfaces.count("No.") == 2  # "No. 5" and "No.\n6"
    said = tokens.loc[tokens["unit_id"] == "d4", "text"].tolist()
    assert "No" in said and "No." not in said  # "said No. Pyongyang": a word and a full stop


def test_streaming_path_without_tokens_keeps_dtm_sentences_and_mentions(corpus_units, actors, oracle_tables):
    result = tokenise_corpus(corpus_units, dictionary=actors, mwes=CORPUS_MWES, n_jobs=2,
                             keep_tokens=False, chunk_chars=100)
    assert result.tokens is None
    assert_same_dtm(result.dtm, oracle_tables["dtm"])
    pd.testing.assert_frame_equal(result.sentences, oracle_tables["sentences"])
    pd.testing.assert_frame_equal(result.mentions, oracle_tables["mentions"])


def test_streaming_path_prunes_like_the_oracle(corpus_units, actors, oracle_tables):
    result = tokenise_corpus(corpus_units, dictionary=actors, mwes=CORPUS_MWES, min_df=2, max_df=0.5,
                             keep_tokens=False, chunk_chars=1)
    assert_same_dtm(result.dtm, oracle.build_dtm(oracle_tables["tokens"], CORPUS_IDS, min_df=2, max_df=0.5))


@pytest.mark.parametrize("n_jobs, chunk_chars", [(1, 10**9), (1, 40), (2, 90)])
def test_streaming_path_matches_the_oracle_whatever_follows_a_piece(actors, n_jobs, chunk_chars):
    units = units_of(*WHITESPACE_PIECES, ids=["w1", "w2", "w3", "w4"])
    result = tokenise_corpus(units, dictionary=actors, mwes=CORPUS_MWES, n_jobs=n_jobs, chunk_chars=chunk_chars)
    tokens = oracle.tokenise_units(units, dictionary=actors, mwes=CORPUS_MWES)
    pd.testing.assert_frame_equal(result.sentences, oracle.sentence_table(units))
    pd.testing.assert_frame_equal(result.mentions, oracle.find_mentions(units, actors))
    pd.testing.assert_frame_equal(result.tokens, tokens)
    assert_same_dtm(result.dtm, oracle.build_dtm(tokens, ["w1", "w2", "w3", "w4"]))
    peace = tokens.loc[tokens["norm"] == "peace"]
    assert len(peace) == 14 and set(peace["text"]) == {"peace", "Peace"}  # "peace\u2010loving" is one word


def test_streaming_path_reports_where_the_time_went(corpus_units, actors):
    seconds = tokenise_corpus(corpus_units, dictionary=actors, n_jobs=2, chunk_chars=50).seconds
    assert {"sentences", "mentions", "tokens", "terms", "counts", "dtm", "total"} <= set(seconds)
    assert all(wall >= 0 and cpu >= 0 for wall, cpu in seconds.values())


def test_streaming_path_is_deterministic(corpus_units, actors):
    first = tokenise_corpus(corpus_units, dictionary=actors, n_jobs=2, chunk_chars=50)
    second = tokenise_corpus(corpus_units, dictionary=actors, n_jobs=2, chunk_chars=50)
    for name in ("sentences", "mentions", "tokens"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert_same_dtm(first.dtm, second.dtm)


def test_streaming_path_on_the_seed_matches_the_oracle(seed_text, actors):
    units = units_of(seed_text, ids=["seed"])
    result = tokenise_corpus(units, dictionary=actors)
    pd.testing.assert_frame_equal(result.tokens, oracle.tokenise_units(units, dictionary=actors))
    pd.testing.assert_frame_equal(result.mentions, oracle.find_mentions(units, actors))


def test_streaming_path_on_empty_units_gives_empty_typed_tables(actors):
    result = tokenise_corpus(units_of("", "   "), dictionary=actors)
    assert list(result.sentences.columns) == SENTENCE_COLUMNS and result.sentences.empty
    assert list(result.mentions.columns) == MENTION_COLUMNS and result.mentions.empty
    assert list(result.tokens.columns) == TOKEN_COLUMNS and result.tokens.empty
    assert result.dtm.matrix.shape == (2, 0)


@pytest.mark.parametrize("kwargs, name", [
    ({"n_jobs": 0}, "n_jobs"), ({"n_jobs": "2"}, "n_jobs"), ({"chunk_chars": 0}, "chunk_chars"),
    ({"min_df": 0}, "min_df"), ({"dictionary": None}, "dictionary"),
])
def test_streaming_path_refuses_bad_parameters_by_name(corpus_units, actors, kwargs, name):
    options = {"dictionary": actors, **kwargs}
    with pytest.raises(ParameterError, match=name):
        tokenise_corpus(corpus_units, **options)


def test_streaming_path_refuses_duplicate_unit_ids(actors):
    with pytest.raises(ParameterError, match="unit_id"):
        tokenise_corpus(units_of("a", "b", ids=["x", "x"]), dictionary=actors)


def test_sentence_table_maps_offsets_to_the_original():
    units = pd.DataFrame({"unit_id": ["d:p002"], "text": ["First one. Second one."], "offset_breaks": [[0, 100]]})
    table = sentence_table(units)
    assert list(table.columns) == SENTENCE_COLUMNS
    assert table["sentence"].tolist() == [1, 2]
    assert table["text"].tolist() == ["First one.", "Second one."]
    assert table[["orig_start", "orig_end"]].values.tolist() == [[100, 110], [111, 122]]


@pytest.mark.parametrize("chunk_chars", [1, 10**9])
def test_sentence_table_and_find_mentions_give_the_tables_of_the_oracle(corpus_units, actors, oracle_tables,
                                                                        chunk_chars):
    pd.testing.assert_frame_equal(sentence_table(corpus_units, chunk_chars=chunk_chars), oracle_tables["sentences"])
    pd.testing.assert_frame_equal(find_mentions(corpus_units, actors, chunk_chars=chunk_chars),
                                  oracle_tables["mentions"])


def test_sentence_table_and_find_mentions_accept_repeated_unit_ids(actors):
    units = units_of("Kim met Putin.", "Kim left.", ids=["x", "x"])
    assert sentence_table(units)["unit_id"].tolist() == ["x", "x"]
    assert find_mentions(units, actors)["surface"].tolist() == ["Kim", "Putin", "Kim"]


@pytest.mark.parametrize("dtype", [object, "string[python]", "string[pyarrow]"])
def test_chunks_hold_about_chunk_chars_characters_in_order(dtype):
    units = pd.DataFrame({"text": pd.array(["abc", "de", None, "", "fghij", "k"], dtype=dtype)})
    assert list(chunk_bounds(units, 4)) == [(0, 2), (2, 5), (5, 6)]
    assert list(chunk_bounds(units, 10**9)) == [(0, 6)]


def test_arrow_texts_are_measured_in_utf8_bytes_python_strings_in_characters():
    texts = ["\u00e9\u00e9", "ab", "c"]  # 4 bytes, 2 characters
    assert list(chunk_bounds(pd.DataFrame({"text": pd.array(texts, dtype="str")}), 4)) == [(0, 1), (1, 3)]
    assert list(chunk_bounds(pd.DataFrame({"text": pd.Series(texts, dtype=object)}), 4)) == [(0, 2), (2, 3)]


def test_chunks_tokenised_on_a_dask_cluster_match_the_oracle(corpus_units, actors, oracle_tables, dask_engine):
    result = tokenise_corpus(corpus_units, dictionary=actors, mwes=CORPUS_MWES, chunk_chars=100, engine=dask_engine)
    for name in ("sentences", "mentions", "tokens"):
        pd.testing.assert_frame_equal(getattr(result, name), oracle_tables[name])
    assert_same_dtm(result.dtm, oracle_tables["dtm"])


class _PicklingLocalEngine(LocalEngine):
    """A local engine tokenise_corpus must send the texts to, as on a platform without fork."""

    shares_memory = False


def test_chunks_sent_as_texts_match_the_oracle_as_chunks_sent_as_rows_do(corpus_units, actors, oracle_tables):
    for engine in (LocalEngine(2), _PicklingLocalEngine(2)):
        result = tokenise_corpus(corpus_units, dictionary=actors, mwes=CORPUS_MWES, chunk_chars=100, engine=engine)
        for name in ("sentences", "mentions", "tokens"):
            pd.testing.assert_frame_equal(getattr(result, name), oracle_tables[name])
        assert_same_dtm(result.dtm, oracle_tables["dtm"])


@pytest.mark.parametrize("engine", [LocalEngine(1), LocalEngine(2), _PicklingLocalEngine(2)],
                         ids=["this process", "forked workers", "texts sent"])
def test_a_chunk_that_fails_is_named_by_its_units(corpus_units, actors, monkeypatch, engine):
    from stancebook.tokenise import pipeline

    def fail_on_d3(unit_ids, texts, breaks, spec):
        if "d3" in unit_ids:
            raise ValueError("cannot tokenise")
        return chunk_tables(unit_ids, texts, breaks, spec)

    monkeypatch.setattr(pipeline, "chunk_tables", fail_on_d3)  # forked workers inherit the patch
    with pytest.raises(ValueError, match="cannot tokenise") as info:
        tokenise_corpus(corpus_units, dictionary=actors, chunk_chars=1, engine=engine)
    assert "(units 0-0, from 'd3')" in " ".join(getattr(info.value, "__notes__", []))


SENTENCE_TEXT_TRAPS = ["Caf\u00e9 au lait. \u0645\u0631\u062d\u0628\u0627 \u0628\u0643. \u201cQuoted,\u201d he said.",
                       "", None, "A dove \U0001F54A flies. Then \u00e9t\u00e9 \U0001F1FA\U0001F1F3 ends.", "   ",
                       "Plain text. Again.", "\u4e2d\u6587\u3002 Mixed \u00bdway. Last \u2026"]


@pytest.mark.parametrize("dtype", [object, "str"])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_sentence_texts_are_the_units_own_text_whatever_the_characters_the_dtype_or_the_chunks(actors, dtype,
                                                                                            n_jobs):
    # Workers send UTF-8 byte spans, and the texts are cut here from the units: astral and multi-byte
    # characters, missing texts, units without sentences and chunks starting mid-table must not shift a cut.
    units = units_of(*SENTENCE_TEXT_TRAPS).astype({"text": dtype})
    result = tokenise_corpus(units, dictionary=actors, chunk_chars=30, n_jobs=n_jobs, keep_tokens=False)
    expected = [(f"u{i}", text[a:b]) for i, text in enumerate(SENTENCE_TEXT_TRAPS, start=1) if text
                for a, b in split_sentences(text)]
    assert list(zip(result.sentences["unit_id"], result.sentences["text"])) == expected
    assert str(result.sentences["text"].dtype) == "str"
