"""Paragraph and sentence segmentation of a normalised text, as character spans.

Sentences are robust to ``U.S.``, ``Mr.``, initials, decimals and quotes; the
rules are listed in the docstring of :func:`split_sentences`.
"""

from __future__ import annotations

import re

from stancebook.errors import ParameterError

__all__ = ["split_paragraphs", "split_sentences", "strip_spans"]


def strip_spans(text: str, spans) -> list[tuple[int, int]]:
    """Shrink spans to exclude surrounding whitespace; drop spans that are only whitespace.

    Examples
    --------
    >>> strip_spans(" ab  \\n ", [(0, 8), (5, 8)])
    [(1, 3)]
    """
    out = []
    for a, b in spans:
        piece = text[a:b]
        stripped = piece.strip()
        if stripped:
            a += len(piece) - len(piece.lstrip())
            out.append((a, a + len(stripped)))
    return out


# --------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------

_TITLES = frozenset(
    "Mr Mrs Ms Mssrs Messrs Mme Mlle Dr Prof St Gen Col Lt Sen Rep Gov Capt Cmdr Sgt Maj Adm Brig "
    "Rev Hon Amb Pres Supt Insp Fr e.g i.e vs v cf viz approx ca al".split()
)
_BEFORE_NUMBER = frozenset(
    "No Nos no nos Art Arts art arts Para Paras para paras p pp Vol vol Ch ch Sec Sect sec sect Fig fig "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
_AMBIGUOUS = frozenset("Inc Ltd Co Corp Bros Jr Sr Esq".split())
_SENTENCE_OPENERS = frozenset(
    "The A An It Its We He She They I You This That These Those There Here In On At By For From "
    "With As If When While Whereas Although Though Since After Before During Until But And Or So "
    "Yet Nor However Meanwhile Moreover Furthermore Therefore Thus Hence Indeed Instead Still Also "
    "Then Now Today Yesterday Tomorrow Our My Your His Her Their What Why How Who Where Which Such "
    "Many Most Some All Both Each Every Several Few No Not None Nothing One Two Three Let Last "
    "Finally First Second Third Nevertheless Nonetheless Overall".split()
)
_INITIALISM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\Z|[A-Z]\Z")
_ENUMERATOR = re.compile(r"\(?(?:\d{1,3}|[ivxlcIVXLC]{1,6}|[A-Za-z])\)?\Z")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
# Same matches as ``(?:\.{2,}|\u2026|[.!?]+)`` + closers, written so that every
# alternative starts with a literal: the regex engine then skips ahead to the
# next ".", "!", "?" or "\u2026" instead of trying the pattern at every position
# (twice as fast on long speeches).
_TERMINATOR = re.compile(r"(?:\.\.+|\u2026|\.[.!?]*|![.!?]*|\?[.!?]*)[\"'\u201d\u2019\u00bb)\]]*(?=\s)")
_NEXT_WORD = re.compile(r"\s+[\"'\u201c\u2018\u00ab(\[]*(\w*)")
# _TERMINATOR then _NEXT_WORD in one pattern: the marks (without closers), the closers,
# the whitespace, opening marks and the next word.
_TERMINATOR_AND_NEXT = re.compile(
    r"(?P<marks>\.\.+|\u2026|\.[.!?]*|![.!?]*|\?[.!?]*)(?P<close>[\"'\u201d\u2019\u00bb)\]]*)"
    r"(?P<space>\s+)[\"'\u201c\u2018\u00ab(\[]*(?P<next>\w*)")
_OPENING = "\"'\u201c\u2018\u00ab([{"


def _period_ends_sentence(prev: str, following: str) -> bool:
    """Decide a full stop after the token ``prev`` (without the stop)."""
    if prev in _TITLES:
        return False
    if prev in _BEFORE_NUMBER and following[:1].isdigit():
        return False
    # _INITIALISM matches one capital, or letters each followed by "." and a last letter:
    # anything else (most words) is decided without running it.
    if prev in _AMBIGUOUS or ((len(prev) == 1 or prev[-2:-1] == ".") and _INITIALISM.match(prev)):
        return following in _SENTENCE_OPENERS
    return True


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans (start, end) of ``text``, split at blank lines and stripped.

    Examples
    --------
    >>> split_paragraphs("Title\\n\\n  First para.\\n\\nSecond.")
    [(0, 5), (9, 20), (22, 29)]
    """
    spans = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return strip_spans(text, spans)



def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split a text into sentence spans.

    Parameters
    ----------
    text : str
        A normalised unit or document text; paragraphs are separated by a
        blank line (``"\\n\\n"``), single newlines count as spaces.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` character spans into ``text``, in order, without
        surrounding whitespace. A sentence never crosses a paragraph break, so
        a title line is its own sentence. See the module docstring for the
        abbreviation rules (``U.S.`` + ``The`` is a boundary, ``U.S.`` +
        ``Congress`` is not).

    Examples
    --------
    >>> text = 'Title\\n\\nThe U.S. Senate met Mr. Kim. He said "no." Then he left.'
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['Title', 'The U.S. Senate met Mr. Kim.', 'He said "no."', 'Then he left.']
    """
    if not isinstance(text, str):
        raise ParameterError(f"text must be a str, got {type(text).__name__}.")
    spans: list[tuple[int, int]] = []
    for p_start, p_end in split_paragraphs(text):
        start = p_start
        # One match holds the terminator, the whitespace after it and the next word. A
        # terminator can never start inside that whitespace, opening marks or word, so
        # the matches are the same terminators as _TERMINATOR's, followed by _NEXT_WORD.
        for match in _TERMINATOR_AND_NEXT.finditer(text, p_start, p_end):
            following = match.group("next")
            if following[:1].islower():
                continue
            if match.group("marks") == ".":
                stop = match.start()
                window = text[max(start, stop - 40):stop].rsplit(None, 1)
                prev = window[-1].lstrip(_OPENING) if window else ""
                if stop - len(prev) <= start and _ENUMERATOR.match(prev):
                    continue
                if not _period_ends_sentence(prev, following):
                    continue
            spans.append((start, match.end("close")))
            start = match.end("space")
        spans.append((start, p_end))
    return spans
