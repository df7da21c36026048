"""Tokens with offsets and case folding that keeps acronyms (stancebook.text.tokenize, fold_case)."""

import re
from pathlib import Path

import pytest

from stancebook.text import fold_case, tokenize
from stancebook.text.tokens import SEPARATOR_WORD, count_words, findall_each

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_e71531e8ba892e2d.txt"


def test_token_offsets_slice_the_text_to_the_surface():
    seed_text = SEED.read_text(encoding="utf-8")
    for start, end, surface, kind in tokenize(seed_text):
        assert seed_text[start:end] == surface
        assert kind in {"word", "number", "punct"}


@pytest.mark.parametrize("text, surfaces", [
    ("Moscow’s and Moscow's", ["Moscow", "’s", "and", "Moscow", "'s"]),
    ("anti-imperialist two-way high-level Putin-Kim", ["anti-imperialist", "two-way", "high-level", "Putin-Kim"]),
    ("the U.S. and U.N. said", ["the", "U.S.", "and", "U.N.", "said"]),
    ("3.5 per cent of 1,000,000", ["3.5", "per", "cent", "of", "1,000,000"]),
    ("in 2023. Mr. Kim, No. 5", ["in", "2023", ".", "Mr.", "Kim", ",", "No.", "5"]),
    ("don't stop", ["don't", "stop"]),
])
def test_tokenize_splits_possessives_and_keeps_compounds_abbreviations_numbers(text, surfaces):
    assert [t[2] for t in tokenize(text)] == surfaces


def test_tokenize_kinds():
    kinds = {surface: kind for _, _, surface, kind in tokenize("Kim paid 3.5 dollars.")}
    assert kinds == {"Kim": "word", "paid": "word", "3.5": "number", "dollars": "word", ".": "punct"}


@pytest.mark.parametrize("surface, norm", [
    ("US", "US"), ("us", "us"), ("Us", "us"), ("UN", "UN"), ("DPRK", "DPRK"), ("NATO", "NATO"),
    ("U.S.", "U.S."), ("The", "the"), ("Russia", "russia"), ("I", "i"), ("’s", "'s"),
])
def test_fold_case_keeps_acronyms(surface, norm):
    assert fold_case(surface) == norm


def test_fold_case_keeps_us_distinct_from_us():
    assert fold_case("US") != fold_case("us")


@pytest.mark.parametrize("batch_chars", [1, 7, 10**6])
def test_count_words_counts_like_str_split(batch_chars):
    texts = ["Two words", "", "  one\u2003more\n", "a\x1cb\u3000c\u200bd", "\U0001F54A peace\u00a0", "\t"]
    assert count_words(texts, batch_chars=batch_chars) == sum(len(t.split()) for t in texts) == 9


FINDALL_TEXTS = ["Peace and security.", "", "  ", "peoples' rights", "’tis the U.S.’s turn", "Ukraine's\nfuture",
                 "a", "Côte d'Ivoire, 1990s", "end'", "'start", "two\n\nlines"]


@pytest.mark.parametrize("pattern", [r"(?u)\b\w\w+\b", r"[^\W\d_]+(?:['’][^\W\d_]+)*", r"[a-z]+"])
@pytest.mark.parametrize("extra", [[], [f"peace {SEPARATOR_WORD} now"]])
def test_findall_each_finds_what_findall_finds_text_by_text(pattern, extra):
    # [a-z]+ cannot match the separator word and a text holding it forces the text-by-text search;
    # the results are the same either way
    compiled = re.compile(pattern)
    texts = FINDALL_TEXTS + extra + FINDALL_TEXTS
    words, counts = findall_each(compiled, texts)
    assert words == [w for t in texts for w in compiled.findall(t)]
    assert counts.tolist() == [len(compiled.findall(t)) for t in texts]
    assert findall_each(compiled, [])[0] == [] and findall_each(compiled, [])[1].size == 0
