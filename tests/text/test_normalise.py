"""Normalisation with an exact map back to the original: Unicode, whitespace, hyphenation, PDF line layout."""

from pathlib import Path

import numpy as np
import pytest

from stancebook.text.normalise import normalise_text, to_original

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_ID = "000_e71531e8ba892e2d"

from tests.text.samples import LIGATURE_LETTERS, MESSY, MESSY_NORMALISED, assert_maps_back  # noqa: F401


@pytest.mark.parametrize(("text", "expected"), [
    ("tabs\tand\t\tspaces   here", "tabs and spaces here"),
    ("the seventy- seventh session", "the seventy-seventh session"),
    ("a once-in- a-century pandemic", "a once-in-a-century pandemic"),
    ("the inter-\nnational order", "the international order"),
    ("the inter-\r\n  national order", "the international order"),
    ("the anti-\nAmerican line", "the anti-American line"),
    ("pre- and post-war", "pre- and post-war"),
    ("\ufb01nal \ufb02ow", "final flow"),
    ("no\u00a0break\u202fthin\u2009space", "no break thin space"),
    ("one line\r\nnext line\r\n\r\nnew paragraph", "one line next line\n\nnew paragraph"),
    ("para one\n  \n\t\n\n\npara two", "para one\n\npara two"),
    ("\ufeffbom and\x00 control\x07", "bom and control"),
    ("soft\u00adhyphen", "softhyphen"),
    ("Kim\u2019s \u201cfriend\u201d \u2014 yes", "Kim\u2019s \u201cfriend\u201d \u2014 yes"),
    ("cafe\u0301", "caf\u00e9"),
    ("  \n\n", ""),
])
def test_normalise_text(text, expected):
    normalised, breaks = normalise_text(text)
    assert normalised == expected
    assert breaks.dtype == np.int64 and breaks.shape[1] == 2


def test_normalised_messy_text_keeps_paragraphs_and_maps_back_exactly():
    normalised, breaks = normalise_text(MESSY)
    assert normalised == MESSY_NORMALISED
    assert normalised.count("\n\n") == 2 and "\n\n\n" not in normalised
    assert breaks[0].tolist() == [0, 1]  # the BOM is not part of the text
    assert_maps_back(MESSY, normalised, breaks, replaced=LIGATURE_LETTERS)


def test_seed_maps_back_exactly():
    original = (SEEDS / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    normalised, breaks = normalise_text(original)
    assert_maps_back(original, normalised, breaks)


def test_word_spans_map_to_the_original_word_across_hyphenation():
    original = "the inter-\nnational order"
    normalised, breaks = normalise_text(original)
    start = normalised.index("international")
    end = start + len("international")
    orig_start = int(to_original(start, breaks))
    orig_end = int(to_original(end - 1, breaks)) + 1
    assert original[orig_start:orig_end] == "inter-\nnational"


def test_to_original_accepts_the_flat_offset_breaks():
    assert to_original([0, 3, 4, 6], [0, 10, 4, 20]).tolist() == [10, 13, 20, 22]
    assert to_original(np.array([[1, 2]]), [0, 5]).tolist() == [[6, 7]]


# ---------------------------------------------------------------- PDF line layout

@pytest.mark.parametrize(("text", "expected"), [
    # one line per paragraph: every line break ends a paragraph
    ("First point here.\nSecond point there.", "First point here.\n\nSecond point there."),
    # ... except a sentence going on after a line or page break
    ("We reject the hostile and\nunilateral pressure.", "We reject the hostile and unilateral pressure."),
    # a long line cut off mid-sentence before a bracket is a page break, a short one a heading
    ("Our time is hard. The disease that spread everywhere in the\n(COVID-19) keeps coming.",
     "Our time is hard. The disease that spread everywhere in the (COVID-19) keeps coming."),
    ("Mr. President,\nColleagues,\n\nToday we meet.", "Mr. President,\n\nColleagues,\n\nToday we meet."),
    # page furniture lines are dropped and the sentence joined across them
    ("We call on all\n22-59181 5/30\n\nA/77/PV.5 23/09/2022\nnations to act.", "We call on all nations to act."),
    ("We call on all\n  \n08-51839 2 \n \nnations to act.", "We call on all nations to act."),
    ("The end.\n12\nGeneral Assembly - Forty-eighth session\nA new start.", "The end.\n\nA new start."),
    ("Peace now.\n---\nForty-eighth session - 5 October l993 12\nWar never.", "Peace now.\n\nWar never."),
    ("Text at the top.\n7/30 22-59181\n", "Text at the top."),
    ("A/77/PV.5\nText below the symbol.", "Text below the symbol."),
    # numbered paragraphs lose their numbers, but numbers inside a sentence stay
    ("81.\tThis session matters.\n82.\tThat one did too.", "This session matters.\n\nThat one did too."),
    ("We recall what all of the Members agreed in paragraph\n12. The rest follows.",
     "We recall what all of the Members agreed in paragraph 12. The rest follows."),
    # a blank line in the middle of a sentence (a page break) is joined
    ("We are facing a changing\n\nand turbulent world.", "We are facing a changing and turbulent world."),
    # hyphenation across a line break inside a paragraph
    ("the inter-\nnational order of the\n\nanti-\nAmerican kind.",
     "the international order of the anti-American kind."),
])
def test_line_paragraphs_rebuild_pdf_paragraphs(text, expected):
    normalised, breaks = normalise_text(text, line_paragraphs=True)
    assert normalised == expected
    assert_maps_back(text, normalised, breaks)


WRAPPED_SPEECH = (
    "Allow me to congratulate you, Sir, on your \n"
    "election to the presidency of the Assembly at \n"
    "its present session. We also thank your able \n"
    "predecessor for his leadership.\n"
    "The history of this Organization has been a \n"
    "pathway towards a peaceful and just world, \n"
    "built on the work of all of its Members today.\n"
    "Our nation will pursue peace with all others \n"
    "through dialogue and through cooperation, and \n"
    "it will keep its word.\n"
    "  A new paragraph starts with an indent here, \n"
    "as in some of the later transcripts we read.\n"
)


def test_hard_wrapped_lines_join_and_paragraphs_end_where_the_line_ends_early():
    normalised, breaks = normalise_text(WRAPPED_SPEECH, line_paragraphs=True)
    paragraphs = normalised.split("\n\n")
    assert [p.split()[:2] for p in paragraphs] == [["Allow", "me"], ["The", "history"], ["A", "new"]]
    # "today." ends a sentence at a full line: the next word would not have fitted there,
    # so the line may simply be full and the paragraph goes on
    assert "Members today. Our nation" in normalised
    assert "\n" not in paragraphs[0] and paragraphs[0].endswith("for his leadership.")
    assert_maps_back(WRAPPED_SPEECH, normalised, breaks)


def test_line_paragraphs_offsets_map_back_on_random_layouts():
    rng = np.random.default_rng(0)
    pieces = ["word", "Word", "end.", "-", " ", "  ", "\n", "\n\n", "\t", "12", "81. ", "A/77/PV.5",
              "22-59181", "5/30", "\r\n", "inter-\nnational", "(", "\u201cQuote.\u201d", "\ufb01ne"]
    for _ in range(400):
        text = "".join(rng.choice(pieces, size=rng.integers(0, 40)))
        normalised, breaks = normalise_text(text, line_paragraphs=True)
        assert "\n\n\n" not in normalised and normalised == normalised.strip()
        assert_maps_back(text, normalised, breaks, replaced=LIGATURE_LETTERS)
        for unit_text, flat in [(normalised, breaks.ravel().tolist())]:
            assert to_original(len(unit_text) - 1, flat) < len(text) if unit_text else True


def test_character_edits_are_found_by_the_fast_scan_exactly_as_by_the_full_pattern():
    from stancebook.text.normalise import _CHAR_PATTERN, _char_matches

    text = "a\r\nb\rc\u00ad \n d\u2029e\ufb01f\x00g\u200b\ufeff\u00ad\u00adh\r\r\n" + MESSY
    assert [m.span() for m in _char_matches(text)] == [m.span() for m in _CHAR_PATTERN.finditer(text)]
    assert len(list(_char_matches(text))) >= 12 and list(_char_matches("plain text")) == []
