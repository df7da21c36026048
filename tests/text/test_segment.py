"""Sentence segmentation (stancebook.text.split_sentences): abbreviations, numbers, quotes, paragraphs."""

from pathlib import Path

import pytest

from stancebook.text import split_sentences

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_e71531e8ba892e2d.txt"


def sentences_of(text):
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentences_do_not_split_after_us_abbreviation():
    assert sentences_of("The U.S. Senate and the U.N. Security Council met. It ended.") == [
        "The U.S. Senate and the U.N. Security Council met.", "It ended."]


def test_us_abbreviation_before_a_sentence_opener_ends_the_sentence():
    assert sentences_of("He moved to the U.S. The move was sudden.") == [
        "He moved to the U.S.", "The move was sudden."]


@pytest.mark.parametrize("text, expected", [
    ("Mr. Kim met Dr. Lee and Mrs. Park. They talked.", ["Mr. Kim met Dr. Lee and Mrs. Park.", "They talked."]),
    ("See resolution No. 5 and Art. 51 today. It passed.", ["See resolution No. 5 and Art. 51 today.", "It passed."]),
    ("George W. Bush met J. F. Kennedy. Both spoke.", ["George W. Bush met J. F. Kennedy.", "Both spoke."]),
    ("Growth was 3.5 per cent in 2023. Inflation fell.", ["Growth was 3.5 per cent in 2023.", "Inflation fell."]),
    ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
    ("“Why?” he asked. “Because.” She left.", ["“Why?” he asked.", "“Because.”", "She left."]),
    ("Is it war? No one knows! We wait.", ["Is it war?", "No one knows!", "We wait."]),
    ("We waited... Then it came. And so... nothing.", ["We waited...", "Then it came.", "And so... nothing."]),
    ("Oil, gas, etc. and grain. Oil etc. The rest.", ["Oil, gas, etc. and grain.", "Oil etc.", "The rest."]),
    ("Talks began on Jan. 5 in Geneva. Russia vs. Ukraine e.g. here.",
     ["Talks began on Jan. 5 in Geneva.", "Russia vs. Ukraine e.g. here."]),
    ("1. The Assembly decides. 2. It requests.", ["1. The Assembly decides.", "2. It requests."]),
])
def test_sentences_survive_abbreviations_numbers_and_quotes(text, expected):
    assert sentences_of(text) == expected


def test_title_line_is_its_own_sentence_and_paragraphs_are_never_crossed():
    text = "Putin-Kim alliance and global peace\n\nNorth Korea met Russia. Talks ended\n\nNew paragraph."
    assert sentences_of(text) == ["Putin-Kim alliance and global peace", "North Korea met Russia.",
                                  "Talks ended", "New paragraph."]


def test_empty_text_has_no_sentences():
    assert split_sentences("") == [] and split_sentences("  \n\n ") == []


def test_seed_has_fifteen_sentences_starting_with_the_title():
    seed_text = SEED.read_text(encoding="utf-8")
    spans = split_sentences(seed_text)
    assert len(spans) == 15  # title + 4 + 5 + 5
    assert seed_text[slice(*spans[0])] == "Putin-Kim alliance and global peace"
    assert seed_text[slice(*spans[-1])].startswith("The UN and its executive arm")
