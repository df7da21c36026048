"""The per-piece fast paths (sentences, mention candidates, tokens), each held to the regex it replaces."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from stancebook.text import split_sentences
from stancebook.text.tokens import TOKEN_PATTERN
from stancebook.tokenise import tokenise_corpus
from stancebook.tokenise.chunk import _KIND_CODE, _piece_tokens, chunk_pieces, chunk_sentences
from stancebook.tokenise.dtm import TermCounts
from stancebook.tokenise.mentions import MentionMatcher
from tests.tokenise import oracle
from tests.tokenise.samples import CORPUS, WHITESPACE_PIECES, units_of

# Full stops whose decision depends on where the sentence started, or on the piece after them.
SENTENCE_TRAPS = (
    "1. The Assembly decides. 2. It requests. (a) First. b. Second. iv. Fourth.",
    "He left . Then she came . . And then. A lone . at the start.",
    "Items: 1. first 2. Second. 3.",
    ". Starts with a stop. Then more.",
    "A word longer than forty characters: Pneumonoultramicroscopicsilicovolcanoconiosis. Next.",
    "(1. Opened. (Mr. Kim came.) \u201cWhy?\u201d he asked. \u201cBecause.\u201d She left.",
    "Growth was 3.5 per cent in 2023. Inflation fell. See No. 5 and No.\n6 today. U.S. The end.",
    "Title line\n\nFirst para ends here.\n \n\t\nSecond para. Same para?\nstill lower-case. Next\n\n\nLast",
    "Talks began on Jan. 5 in Geneva. Russia vs. Ukraine e.g. here. J. F. Kennedy met U.N. officials.",
    "We waited... Then it came. And so... nothing!? Really?! \u2026 Yes.",
    "",
    "   ",
)


@pytest.mark.parametrize("texts", [SENTENCE_TRAPS, CORPUS, WHITESPACE_PIECES])
def test_sentences_from_pieces_are_the_sentences_of_split_sentences(texts):
    texts = list(texts)
    sentences, _ = chunk_sentences([f"u{i}" for i in range(len(texts))], texts, [np.array([0, 0])] * len(texts))
    for i, text in enumerate(texts):
        rows = sentences[sentences["unit_id"] == f"u{i}"]
        assert list(zip(rows["start"], rows["end"])) == split_sentences(text), text


MENTION_TRAPS = (
    "The West and the West's allies; the west of the city; the\nWest; the\n\nWest.",
    "anti-Russian, US-Russia, Russia/Ukraine, (Russia), \u201cMoscow\u201d, Russia\u2019s and Russia's.",
    "North Korean leader Kim Jong Un met Russian President Vladimir Putin; Kim and Putin.",
    "the United Nations, the United States, The United States of America, USA, U.S. and US$ 5.",
    "Westerners, western powers, Kyiv, Kiev and Washington's allies in the European Union.",
)


@pytest.mark.parametrize("texts", [MENTION_TRAPS, CORPUS, WHITESPACE_PIECES])
def test_mentions_tried_at_the_candidates_are_the_mentions_of_the_whole_text(texts, actors):
    matcher = MentionMatcher.from_dictionary(actors)
    texts = list(texts)
    pieces = chunk_pieces(texts)
    unit, position = matcher.candidates(pieces.distinct, pieces.codes, pieces.owner, pieces.start)
    found_somewhere = False
    for u, text in enumerate(texts):
        starts = position[unit == u].tolist()
        assert matcher.find(text, starts) == matcher.find(text), text
        found_somewhere |= bool(matcher.find(text))
    assert found_somewhere


TOKEN_TRAPS = ["peace", "peace.", "Mr.", "(Mr.", "U.S.", "U.S.)", "peace..", "peace.\u201d", "(2015).", "50%",
               "anti-war,", "\u2018x", "Russia\u2019s", "Russia's)", "--x", "x--", "1,000", "3.5.", "No.", "No. 0",
               "etc.", "(etc.)", "\u201cpeace,\u201d", "[sic]", "x_y", "\u00e9t\u00e9.", "\u0645\u0631\u062d\u0628\u0627.",
               "2015-2016", "COVID-19,", "?!", "e.g.", "(a)", "\u00bbA\u00ab",
               # a run of letters and one mark, laid out without the regex unless the mark joins the word
               "nations,", "Korea;", "peace)", "war%", "peace?", "peace\u201d", "peace-", "I.", "St.", "vs.", "Jan.",
               "Inc.", "Ms.", "x."]


@pytest.mark.parametrize("texts", [SENTENCE_TRAPS, CORPUS, WHITESPACE_PIECES])
def test_pieces_know_the_first_and_last_character_of_each_distinct_piece(texts):
    texts = [*texts, "peace\tpeace\npeace No.\n\U0001D7CE \u0663 war.", "No. 5 and No.\u00a07"]
    pieces = chunk_pieces(texts)
    assert pieces.first_char.tolist() == [ord(p[0]) for p in pieces.distinct]
    assert pieces.last_char.tolist() == [ord(p[-1]) for p in pieces.distinct]


def test_piece_tokens_are_the_tokens_of_the_regex():
    ptr, rel, sid, surface_id, kind = _piece_tokens(TOKEN_TRAPS)
    surfaces = list(surface_id)
    for k, piece in enumerate(TOKEN_TRAPS):
        expected = [(m.start(), m.group(), _KIND_CODE[m.lastgroup]) for m in TOKEN_PATTERN.finditer(piece)]
        got = [(int(rel[j]), surfaces[sid[j]], int(kind[j])) for j in range(ptr[k], ptr[k + 1])]
        assert got == expected, piece


def test_term_counts_sort_chunks_whose_terms_are_not_in_order():
    counts = TermCounts()
    counts.add(["war", "peace", "arms"], rows=np.array([0, 0, 0, 1]), cols=np.array([0, 1, 2, 0]),
               counts=np.array([1, 2, 3, 4]))
    counts.add(["arms", "zeal"], rows=np.array([0, 0]), cols=np.array([0, 1]), counts=np.array([5, 6]), first_row=2)
    dtm = counts.to_dtm(np.array(["a", "b", "c"]))
    assert dtm.terms.tolist() == ["arms", "peace", "war", "zeal"]
    assert dtm.matrix.toarray().tolist() == [[3, 2, 1, 0], [0, 0, 4, 0], [5, 0, 0, 6]]
    expected = sp.csr_matrix(dtm.matrix.toarray())
    assert dtm.matrix.has_sorted_indices and np.array_equal(dtm.matrix.indices, expected.indices)


def test_overlapping_multiword_expressions_are_taken_greedily_like_the_oracle(actors):
    mwes = [("security", "council"), ("council", "reform"), ("council", "reform", "now"), ("reform", "of", "the")]
    units = units_of("The Security Council reform now. Council reform of the United Nations Security Council.",
                     "security council reform of the council. Reform of the North Korea council reform now")
    tokens = tokenise_corpus(units, dictionary=actors, mwes=mwes).tokens
    expected = oracle.tokenise_units(units, dictionary=actors, mwes=mwes)
    assert tokens["term"].dropna().tolist() == expected["term"].dropna().tolist()
    assert "council_reform_now" in tokens["term"].tolist() and "security_council" in tokens["term"].tolist()
    pd.testing.assert_frame_equal(tokens, expected)


@pytest.mark.parametrize("pack", [True, False])
def test_chunk_counts_are_the_tokens_counted_by_unit_and_term(actors, monkeypatch, pack):
    from collections import Counter

    from stancebook.tokenise import terms as terms_module
    from stancebook.tokenise.chunk import chunk_tokens
    from stancebook.tokenise.pipeline import _spec

    if not pack:  # the sort without packing counts into the keys, for sizes where they would overflow
        monkeypatch.setattr(terms_module, "_PACK_LIMIT", 0)
    texts = ["North Korea and the West met; the West and North Korea and peace, peace.",
             "Peace in Korea: the United States, the West, Korea, North Korea, korea."] * 2
    spec = _spec(actors, None, (), False)
    pieces = chunk_pieces(texts)
    _, index = chunk_sentences(list("abcd"), texts, [np.array([0, 0])] * 4, pieces)
    tokens = chunk_tokens(texts, index, pieces)
    terms = terms_module.chunk_terms(tokens, spec.stopwords)
    terms_module.apply_mwes(tokens, terms, spec.mwe_index)
    named = list(terms.term_id)
    expected = Counter((int(u), named[t]) for u, t in zip(tokens.owner, terms.term) if t >= 0)
    rows, cols, counts = terms_module.count_terms(tokens.owner, terms)
    names = list(terms.term_id)
    assert names == sorted(names) and {names[t] for t in terms.term[terms.term >= 0]} == set(names)
    assert dict(zip(zip(rows.tolist(), [names[c] for c in cols]), counts.tolist())) == expected
    assert list(zip(rows, cols)) == sorted(zip(rows, cols))  # by row, then term
    assert "north_korea" in names and "the_west" in names
