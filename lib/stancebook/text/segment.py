"""Paragraph and sentence segmentation of a normalised text, as character spans.

Sentences are robust to ``U.S.``, ``Mr.``, initials, decimals and quotes; the
rules are listed in the docstring of :func:`split_sentences`.
"""

from __future__ import annotations

import re

import numpy as np

from stancebook.errors import ParameterError

__all__ = ["piece_sentence_starts", "split_paragraphs", "split_sentences", "strip_spans"]


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
_MARKS_PATTERN = r"\.\.+|\u2026|\.[.!?]*|![.!?]*|\?[.!?]*"
_CLOSERS_PATTERN = r"[\"'\u201d\u2019\u00bb)\]]*"
_OPENERS_PATTERN = r"[\"'\u201c\u2018\u00ab(\[]*"
# A terminator (marks, then closers) followed by whitespace, and the next word: the marks
# (without closers), the closers, the whitespace, opening marks and the next word.
_TERMINATOR_AND_NEXT = re.compile(
    rf"(?P<marks>{_MARKS_PATTERN})(?P<close>{_CLOSERS_PATTERN})(?P<space>\s+){_OPENERS_PATTERN}(?P<next>\w*)")
_OPENING = "\"'\u201c\u2018\u00ab([{"


def _period_ends_sentence(prev: str, following: str) -> bool:
    """Decide a full stop after the token ``prev`` (without the stop)."""
    if prev in _TITLES:
        return False
    if prev in _BEFORE_NUMBER and following[:1].isdigit():
        return False
    if _is_ambiguous(prev):
        return following in _SENTENCE_OPENERS
    return True


def _is_ambiguous(prev: str) -> bool:
    """Whether a full stop after ``prev`` ends a sentence only before a sentence opener."""
    # _INITIALISM matches one capital, or letters each followed by "." and a last letter:
    # anything else (most words) is decided without running it.
    return prev in _AMBIGUOUS or ((len(prev) == 1 or prev[-2:-1] == ".") and bool(_INITIALISM.match(prev)))


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
        # every terminator followed by whitespace is the start of a match.
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


# --------------------------------------------------------------------------
# The same sentences from whitespace-separated pieces, decided per distinct piece
# --------------------------------------------------------------------------

# The characters a terminator (marks, then closers) can end with.
_TERMINATOR_END_CODES = np.array([ord(c) for c in ".!?\u2026\"'\u201d\u2019\u00bb)]"], dtype=np.int64)
# A terminator at the end of a piece: the terminator of a piece followed by whitespace.
_PIECE_TERMINATOR = re.compile(rf"(?P<marks>{_MARKS_PATTERN}){_CLOSERS_PATTERN}\Z")
# The word that follows a terminator, read from the next piece (opening marks, then the word).
_WORD_OF_PIECE = re.compile(rf"{_OPENERS_PATTERN}(\w*)")


def _terminator_rules(distinct: list[str], wanted: list[int]):
    """For the distinct pieces ``wanted``: where a terminator starts, and how a full stop there is decided.

    Returns int arrays over all of ``distinct``: ``stop`` (offset of the
    terminator's marks in the piece, -1 without one) and ``rule`` (0: ends a
    sentence unless the next word is lower case; 1: a title, never ends; 2:
    before a number, ends unless the next word starts with a digit; 3:
    ambiguous or an initialism, ends before a sentence opener; 4: decided in
    order, as :func:`split_sentences` does: the piece is a lone full stop or
    may be an enumerator such as ``1.``).
    """
    stop = np.full(len(distinct), -1, dtype=np.int64)
    rule = np.zeros(len(distinct), dtype=np.int8)
    for k in wanted:
        piece = distinct[k]
        match = _PIECE_TERMINATOR.search(piece)
        if match is None:
            continue
        stop[k] = match.start()
        if match.group("marks") != ".":
            continue
        head = piece[:match.start()]
        prev = head[-40:].lstrip(_OPENING)
        if not head or _ENUMERATOR.match(prev):
            rule[k] = 4
        elif prev in _TITLES:
            rule[k] = 1
        elif prev in _BEFORE_NUMBER:
            rule[k] = 4 if _is_ambiguous(prev) else 2
        elif _is_ambiguous(prev):
            rule[k] = 3
    return stop, rule


def piece_sentence_starts(texts: list[str], codes: np.ndarray, distinct: list[str], owner: np.ndarray,
                          start: np.ndarray, paragraph_first: np.ndarray, *, last_char: np.ndarray) -> np.ndarray:
    """Which whitespace-separated pieces start a sentence, as :func:`split_sentences` splits.

    The same decisions as :func:`split_sentences`, made once per distinct
    piece instead of once per full stop: a terminator is always at the end
    of a piece, the word before a full stop is the piece itself and the next
    word is read from the next piece. The few full stops whose decision
    depends on where the sentence started (a lone ``.``, a possible
    enumerator such as ``1.``) are decided in text order with the code of
    :func:`split_sentences`.

    Parameters
    ----------
    texts : list of str
        The units' texts.
    codes : numpy.ndarray of int
        Each piece (in text order) as an index into ``distinct``.
    distinct : list of str
        The distinct pieces.
    owner, start : numpy.ndarray of int
        The unit (index into ``texts``) of each piece, and its start there.
    paragraph_first : numpy.ndarray of bool
        Whether each piece starts a paragraph (the first piece of a unit, or
        one after a gap holding two newlines).
    last_char : numpy.ndarray of int
        The code point of each distinct piece's last character
        (:attr:`stancebook.tokenise.chunk.Pieces.last_char`).

    Returns
    -------
    numpy.ndarray of bool
        True where a piece starts a sentence; a sentence runs to the end of
        the piece before the next start.
    """
    n = len(codes)
    is_first = np.asarray(paragraph_first, dtype=bool).copy()
    if n < 2:
        return is_first
    ends_mark = np.isin(last_char, _TERMINATOR_END_CODES)
    # A terminator needs whitespace after it inside its paragraph: a next piece in the same paragraph.
    candidate = np.flatnonzero(ends_mark[codes[:-1]] & ~is_first[1:])
    if not candidate.size:
        return is_first
    stop, rule = _terminator_rules(distinct, np.unique(codes[candidate]).tolist())
    candidate = candidate[stop[codes[candidate]] >= 0]
    next_codes = np.unique(codes[candidate + 1])
    following = {k: _WORD_OF_PIECE.match(distinct[k]).group(1) for k in next_codes.tolist()}
    next_lower = np.zeros(len(distinct), dtype=bool)
    next_digit = np.zeros(len(distinct), dtype=bool)
    next_opener = np.zeros(len(distinct), dtype=bool)
    for k, word in following.items():
        next_lower[k] = word[:1].islower()
        next_digit[k] = word[:1].isdigit()
        next_opener[k] = word in _SENTENCE_OPENERS
    after = codes[candidate + 1]
    candidate_rule = rule[codes[candidate]]
    ends = ~next_lower[after] & ((candidate_rule == 0) | ((candidate_rule == 2) & ~next_digit[after])
                                 | ((candidate_rule == 3) & next_opener[after]))
    is_first[candidate[ends] + 1] = True
    in_order = candidate[(candidate_rule == 4) & ~next_lower[after]]
    if in_order.size:
        for i in in_order.tolist():
            # the sentence started at the last start at or before piece i (decided ones included)
            first = i
            while not is_first[first]:
                first -= 1
            text = texts[owner[i]]
            sentence_start = int(start[first])
            full_stop = int(start[i] + stop[codes[i]])
            window = text[max(sentence_start, full_stop - 40):full_stop].rsplit(None, 1)
            prev = window[-1].lstrip(_OPENING) if window else ""
            if full_stop - len(prev) <= sentence_start and _ENUMERATOR.match(prev):
                continue
            if _period_ends_sentence(prev, following[int(codes[i + 1])]):
                is_first[i + 1] = True
    return is_first
