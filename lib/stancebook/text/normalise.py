"""Normalisation with an exact map back to the original text.

Unicode (NFC, ligatures, odd spaces, invisible and control characters),
PDF line layout (page furniture, hard-wrapped lines, hyphenation across
line breaks) and whitespace are normalised; every edit is recorded as
``offset_breaks`` so that any position of the normalised text maps back to
the original (:func:`to_original`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

import numpy as np

from stancebook.errors import ParameterError

__all__ = ["normalise_text", "to_original"]


# --------------------------------------------------------------------------
# Normalisation with an exact map back to the original text
# --------------------------------------------------------------------------

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
              "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
_ODD_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_LINE_BREAKS = "\x0b\x0c\x85\u2028"
# Invisible characters that only get in the way of tokens. ZWJ/ZWNJ stay:
# they carry meaning in Persian, Indic scripts and emoji.
_INVISIBLE = "\ufeff\u200b\u200e\u200f\u2060"
_CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x20), 0x7F, *range(0x80, 0x85), *range(0x86, 0xA0)])

# Replacements of one character by one character keep every offset: they are
# made by two C-level substitutions; the pattern below finds the rest.
_ODD_SPACE_FOUND = re.compile(f"[{re.escape(_ODD_SPACES)}]")
_LINE_BREAK_FOUND = re.compile(f"[{re.escape(_LINE_BREAKS)}]")
_CHAR_PATTERN = re.compile(
    "\r\n|\r"                                        # CR LF / CR -> LF
    "|\u00ad(?:[ \t]*(?:\r\n|\r|\n)[ \t]*)?"         # soft hyphen (and the break after it) -> ''
    "|\u2029"                                        # paragraph separator -> blank line
    f"|[{re.escape(_INVISIBLE + _CONTROLS + ''.join(_LIGATURES))}]"
)
# The first character of every match of _CHAR_PATTERN, and every such character starts
# one: a scan for this set is several times faster than finditer over the alternation.
_CHAR_FOUND = re.compile(f"[{re.escape(chr(13) + chr(0xAD) + chr(0x2029) + _INVISIBLE + _CONTROLS)}"
                         f"{''.join(_LIGATURES)}]")

_LETTER = r"[^\W\d_]"
_SUSPENDED_NEXT = frozenset({"and", "or", "nor"})
# A hyphen after a letter, then spaces and/or one line break, then a letter.
# It starts with a literal so the regex engine can skip ahead quickly.
_HYPHEN_PATTERN = re.compile(rf"-(?<={_LETTER}-)(?P<gap>[ ]*\n[ ]*|[ ]+)(?={_LETTER})")


def _breaks_to_src(u: np.ndarray, o: np.ndarray, n: int) -> np.ndarray:
    """Expand break pairs into one source position per output character."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    lengths = np.diff(np.append(u, n))
    return np.repeat(o - u, lengths) + np.arange(n, dtype=np.int64)


def _src_to_breaks(src: np.ndarray) -> np.ndarray:
    """Compress per-character source positions into (m, 2) break pairs."""
    if src.size == 0:
        return np.zeros((1, 2), dtype=np.int64)
    starts = np.flatnonzero(np.diff(src) != 1) + 1
    u = np.concatenate(([0], starts)).astype(np.int64)
    return np.column_stack((u, src[u])).astype(np.int64)


def _rewrite(text: str, edits: Iterable[tuple[int, int, str, list[int]]]) -> tuple[str, np.ndarray] | None:
    """Apply edits to ``text``; return the new text and one source position per character.

    Each edit is ``(start, end, replacement, positions)``, in text order and
    not overlapping; ``positions`` gives, for each replacement character, the
    position in ``text`` it stands for. Returns None when nothing changed,
    so the caller can skip the work.
    """
    pieces: list[str] = []
    us: list[int] = []
    os: list[int] = []
    out = 0
    last = 0
    for start, end, new, positions in edits:
        if new == text[start:end]:
            continue
        if start > last:
            pieces.append(text[last:start])
            us.append(out)
            os.append(last)
            out += start - last
        pieces.append(new)
        for position in positions:
            us.append(out)
            os.append(position)
            out += 1
        last = end
    if not pieces:
        return None
    if last < len(text):
        pieces.append(text[last:])
        us.append(out)
        os.append(last)
        out += len(text) - last
    return "".join(pieces), _breaks_to_src(np.asarray(us, dtype=np.int64), np.asarray(os, dtype=np.int64), out)


def _spread(start: int, end: int, length: int) -> list[int]:
    """Positions for a replacement of ``text[start:end]`` by ``length`` characters.

    The first characters map to the start of the replaced span and the last
    one to its end, so start and end offsets of a token both stay inside it.
    """
    positions = [min(start + i, end - 1) for i in range(length)]
    if length > 1:
        positions[-1] = end - 1
    return positions


def _nfc(text: str) -> tuple[str, np.ndarray] | None:
    """NFC, one combining sequence at a time so offsets stay exact elsewhere."""
    if unicodedata.is_normalized("NFC", text):
        return None
    groups: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        # a character joins the group when NFC would combine it with what
        # comes before (combining marks, Hangul vowels and finals, ...)
        if i == len(text) or text[i] < "\u0300" or not (
            unicodedata.combining(text[i]) or "\u1160" <= text[i] <= "\u11ff"
            or unicodedata.normalize("NFC", text[start:i + 1]) != unicodedata.normalize("NFC", text[start:i]) + text[i]
        ):
            groups.append((start, i))
            start = i

    edits = []
    for a, b in groups:
        new = unicodedata.normalize("NFC", text[a:b])
        edits.append((a, b, new, _spread(a, b, len(new))))
    return _rewrite(text, edits)


def _one_for_one(text: str) -> str:
    """Odd spaces to " " and odd line breaks to "\\n" (one character each, so offsets stay)."""
    if text.isascii():  # the only ASCII ones are a tab and \x0b, \x0c: plain replacements, much faster
        return text.replace("\t", " ").replace("\x0b", "\n").replace("\x0c", "\n")
    return _LINE_BREAK_FOUND.sub("\n", _ODD_SPACE_FOUND.sub(" ", text))


def _char_matches(text: str) -> Iterator[re.Match]:
    """The matches of ``_CHAR_PATTERN.finditer(text)``, found by the fast scan of ``_CHAR_FOUND``."""
    found = _CHAR_FOUND.search(text)
    while found is not None:
        match = _CHAR_PATTERN.match(text, found.start())
        yield match
        found = _CHAR_FOUND.search(text, match.end())


def _char_edit(match: re.Match) -> tuple[int, int, str, list[int]]:
    start, end = match.span()
    return start, end, *_replace_char(match.group(), start, end)


def _replace_char(found: str, start: int, end: int) -> tuple[str, list[int]]:
    if found in ("\r\n", "\r"):
        return "\n", [end - 1]
    if found == "\u2029":
        return "\n\n", [start, start]
    if found in _LIGATURES:
        new = _LIGATURES[found]
        return new, [start] * len(new)
    if found in _ODD_SPACES:
        return " ", [start]
    if found in _LINE_BREAKS:
        return "\n", [start]
    return "", []  # soft hyphen, invisible and control characters


def _hyphen_edits(text: str) -> Iterator[tuple[int, int, str, list[int]]]:
    for match in _HYPHEN_PATTERN.finditer(text):
        start, end = match.span()
        yield start, end, *_replace_hyphen(text, match, start, end)


def _replace_hyphen(text: str, match: re.Match, start: int, end: int) -> tuple[str, list[int]]:
    gap = match.group("gap")
    following = re.match(r"\w+", text[end:end + 40]).group()
    if following not in _SUSPENDED_NEXT:
        if "\n" in gap:
            if text[end].islower():
                return "", []  # inter-\nnational -> international
            return "-", [start]  # anti-\nAmerican -> anti-American
        if text[end].islower():
            return "-", [start]  # seventy- seventh -> seventy-seventh
    # pre- and post-war (a suspended hyphen), Kim- Putin: keep one space
    space = gap.find(" ")
    return "- ", [start, start + 1 + (space if space >= 0 else 0)]


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _collapse_whitespace(text: str) -> tuple[str, np.ndarray] | None:
    """Runs of spaces and line breaks -> one space, or "\n\n" when they hold two breaks.

    Vectorised over the code points of the whole text: the kept characters
    are the first space of a run (else its line break, made a space), or the
    first and last line break of a run with two or more; runs at either end
    of the text go.
    """
    codes = _code_points(text)
    n = codes.size
    is_break = codes == 10
    is_space = codes == 32
    is_ws = is_break | is_space
    if n == 0 or not is_ws.any():
        return None
    edges = np.diff(np.concatenate(([False], is_ws, [False])).view(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    inside = (starts > 0) & (ends < n)
    simple = inside & (ends - starts == 1) & is_space[np.minimum(starts, n - 1)]
    interior = inside & ~simple
    if not interior.any() and starts[0] > 0 and ends[-1] < n:
        return None  # only single spaces between words
    keep = ~is_ws
    keep[starts[simple]] = True
    out = codes.copy()
    starts, ends = starts[interior], ends[interior]
    breaks = np.flatnonzero(is_break)
    spaces = np.flatnonzero(is_space)
    first_break = np.searchsorted(breaks, starts)
    n_breaks = np.searchsorted(breaks, ends) - first_break
    paragraph = n_breaks >= 2
    first = breaks[first_break[paragraph]]
    last = breaks[first_break[paragraph] + n_breaks[paragraph] - 1]
    keep[first] = keep[last] = True
    out[first] = out[last] = 10
    starts, ends = starts[~paragraph], ends[~paragraph]
    first_space = np.searchsorted(spaces, starts)
    has_space = first_space < spaces.size
    has_space[has_space] = spaces[first_space[has_space]] < ends[has_space]
    chosen = np.where(has_space, spaces[np.minimum(first_space, max(spaces.size - 1, 0))] if spaces.size else 0,
                      starts)
    keep[chosen] = True
    out[chosen] = 32
    src = np.flatnonzero(keep)
    return out[src].tobytes().decode("utf-32-le", "surrogatepass"), src.astype(np.int64)


# --------------------------------------------------------------------------
# Line layout of PDF extractions (the UNGDC speeches)
# --------------------------------------------------------------------------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ORDINAL_SESSION = r"[A-Z][a-z]+(?:-[a-z]+)? session"
# One piece of page furniture; a line made only of such pieces is dropped.
_FURNITURE_PIECE = (
    r"(?:A/\d{1,3}/PV\.\d{1,4}|A/PV\.\d{1,4}"          # document symbols A/77/PV.5, A/PV.1234
    r"|\d{1,2}/\d{1,2}/\d{4}"                           # dates 01/10/2015
    r"|\d{2}-\d{5}(?: ?\([A-Z]\))?"                     # job numbers 22-59181, 08-51839 (E)
    r"|\d{1,3}/\d{1,3}|\d{1,3}"                         # page numbers 5/30, 12
    rf"|General Assembly(?: *[-\u2013\u2014] *| +){_ORDINAL_SESSION}"   # running heads
    rf"|{_ORDINAL_SESSION}(?: *[-\u2013\u2014])? *\d{{1,2}} (?:{_MONTHS}) [l1\d]\d{{3}}"
    r"|General Assembly +\d{1,3}(?:st|nd|rd|th) plenary meeting"
    r"|[-_*=\u2013\u2014]{3,}|\*)"                      # separators: ---, ***, *
)
_FURNITURE_OR_BLANK = rf" *(?:{_FURNITURE_PIECE}(?: +{_FURNITURE_PIECE})* *)?\n"
# A line break, with any blank or page-furniture lines after it: the gap
# between two lines of text (it starts with a literal so the regex engine
# jumps from line break to line break).
_GAP = re.compile(rf"\n(?:{_FURNITURE_OR_BLANK})* *")
_SENTENCE_END_CHARS = frozenset(".!?:\u2026\"'\u201d\u2019)]")
_CLOSING = "\"'\u201d\u2019)]"
_FULL_STOPS = frozenset(".!?:\u2026")
_LEADING = re.compile(rf"(?:{_FURNITURE_OR_BLANK})+ *")
_TRAILING_FURNITURE = re.compile(rf"\n *{_FURNITURE_PIECE}(?: +{_FURNITURE_PIECE})*[ \n]*\Z")
_PARAGRAPH_NUMBER = re.compile(r"\d{1,3}\. +(?=[^\W\d_]|[\"'\u201c\u2018(\[])")
_WORD = re.compile(r"\S+")
_INDENTED_LINE = re.compile(r"(?m)^ +\S")
# A document whose typical (75th percentile) line is at most this long is
# hard-wrapped (lines of a PDF column); otherwise each line is a paragraph.
_WRAPPED_LINE_LENGTH = 120


def _line_stats(text: str) -> tuple[bool, float, bool]:
    """Is the text hard-wrapped; its wrap width; do indented lines mark paragraphs."""
    lines = text.split("\n")
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    lengths = np.sort(lengths[lengths > 0])
    if lengths.size < 8:  # too few lines to tell a wrap width: one paragraph per line
        return False, 0.0, False
    wrapped = bool(lengths[(lengths.size - 1) * 3 // 4] <= _WRAPPED_LINE_LENGTH)
    indented = len(_INDENTED_LINE.findall(text))
    return wrapped, float(lengths[(lengths.size - 1) * 9 // 10]), indented * 2 < lengths.size


def _line_layout_edits(text: str) -> Iterator[tuple[int, int, str, list[int]]]:
    """Edits that turn PDF lines into paragraphs: ``"\\n\\n"`` between paragraphs, ``"\\n"`` inside one.

    Works on text whose line breaks are already ``"\\n"`` and whose tabs are
    spaces. Page-furniture lines and paragraph numbers are removed.
    """
    if "\n" not in text:
        return
    wrapped, width, indent_marks = _line_stats(text)
    lead = _LEADING.match(text)
    begin = lead.end() if lead else 0
    number = _PARAGRAPH_NUMBER.match(text, begin)
    if number:
        begin = number.end()
    if begin:
        yield 0, begin, "", []  # leading furniture, blank lines, a paragraph number
    tail = _TRAILING_FURNITURE.search(text, begin)
    finish = tail.start() if tail else len(text)
    for gap in _GAP.finditer(text, begin, finish):
        start, end = gap.span()
        if end >= finish:
            break
        while text[start - 1] == " ":  # the trailing spaces of the line before
            start -= 1
        if wrapped and text[start - 1] not in _SENTENCE_END_CHARS and text.find("\n", gap.start() + 1, end) < 0:
            continue  # a plain line wrap (one line break): whitespace collapsing makes it a space
        found = text[start:end]
        n_breaks = found.count("\n")
        line_start = text.rfind("\n", 0, start) + 1
        prev = text[line_start:start]
        ends = prev.rstrip(_CLOSING)[-1:] in _FULL_STOPS
        number = _PARAGRAPH_NUMBER.match(text, end) if ends else None
        furniture = n_breaks > 1 and not found.replace(" ", "").replace("\n", "") == ""
        if text[end].islower() or (prev.endswith("-") and prev[-2:-1].isalpha()):
            paragraph = False  # a sentence or a hyphenated word going on after a line or page break
        elif not wrapped:
            # a line of many words cut off mid-sentence is a paragraph split by a
            # page break; short lines without a full stop are headings and salutations
            paragraph = ends or prev.strip(" ").count(" ") < 7
        elif n_breaks > 1 and not furniture:
            paragraph = True
        else:
            # a line ending a sentence although the next word would have fitted on it
            word = _WORD.match(text, end)
            paragraph = ends and (number is not None or (indent_marks and found.endswith(" "))
                                  or len(prev) + 1 + (word.end() - end) <= width)
        first = start + found.index("\n")
        if paragraph:
            yield start, number.end() if number else end, "\n\n", [first, start + found.rindex("\n")]
        elif n_breaks > 1:
            yield start, end, "\n", [first]
    if tail:
        yield tail.start(), len(text), "", []


def normalise_text(text: str, *, line_paragraphs: bool = False) -> tuple[str, np.ndarray]:
    """Normalise a text for analysis and keep an exact map to the original.

    The steps, in order:

    1. Unicode NFC (not NFKC: curly quotes, apostrophes, dashes and other
       compatibility characters stay as they are; the tokenizer handles them).
    2. Ligatures (``ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ``) become their letters; tabs, no-break
       and other odd spaces become a plain space; CR LF and CR become LF;
       form feed, vertical tab, NEL and U+2028 become a line break, U+2029 a
       blank line; the BOM, zero-width space, direction marks, word joiner,
       soft hyphens (with a line break right after them) and control
       characters are removed.
    3. PDF hyphenation, for a hyphen right after a letter:

       - at a line end, before a lowercase letter: a word broken across
         lines; hyphen and line break go (``inter-\\nnational`` ->
         ``international``);
       - at a line end, before any other letter: a compound; the hyphen
         stays and the break goes (``anti-\\nAmerican`` -> ``anti-American``);
       - followed by spaces on the same line and a lowercase word: a
         compound whose line break became a space; the spaces go
         (``seventy- seventh`` -> ``seventy-seventh``, ``once-in- a-century``
         -> ``once-in-a-century``);
       - before ``and``/``or``/``nor`` (a suspended hyphen, ``pre- and
         post-war``), or spaces then an uppercase word (``Kim- Putin``):
         one space is kept.

    4. Whitespace: runs of spaces become one space, a single line break
       inside a paragraph becomes a space, a blank line (two or more line
       breaks, with any spaces between them) becomes exactly ``"\\n\\n"``;
       leading and trailing whitespace is removed, so no line has spaces at
       either end.

    With ``line_paragraphs=True`` (the UNGDC layout: PDF transcripts where
    a line break may end a paragraph, wrap a line or mark a page break), a
    layout step runs between steps 2 and 3:

    - page-furniture lines are removed: document symbols (``A/77/PV.5``),
      job numbers (``22-59181``), page numbers (``12``, ``5/30``), dates
      (``23/09/2022``), running heads (``General Assembly - Forty-eighth
      session``, ``Forty-eighth session - 5 October 1993``) and separator
      lines (``---``);
    - paragraph numbers (``81.<tab>``) at the start of a paragraph are removed;
    - every remaining line break becomes either a paragraph break
      (``"\\n\\n"``) or a line wrap (a space after step 4). A text is
      *hard-wrapped* when it has at least 8 lines and three quarters of them
      are at most 120 characters long. In a hard-wrapped text a line break
      ends a paragraph when the line ends a sentence (``. ! ? :`` or an
      ellipsis, closing quotes allowed) and the first word of the next line
      would have fitted on it (the line ended early), or the next line is a
      numbered paragraph, or is indented while most lines are not; blank
      lines between text lines end a paragraph. Otherwise each line is a
      paragraph, except a line of eight or more words that stops
      mid-sentence (a page break). In both layouts a line break before a
      lowercase letter or after a hyphenated word part never ends a
      paragraph (blank lines and furniture between them are removed).

    Known ambiguity of step 3: a genuine compound hyphen that happens to fall
    at a line end before a lowercase word (``well-\\nknown``) is joined
    (``wellknown``), and a word broken as ``inter- national`` on one line is
    kept as ``inter-national``. Plain text has no way to tell these apart
    without a dictionary; the rule above is right for PDF extractions where
    hyphenated line breaks are mostly soft and mid-line ``- `` is mostly a
    lost line break inside a compound.

    Parameters
    ----------
    text : str
        The original text, as read.
    line_paragraphs : bool, default False
        Read the text as lines of a PDF transcript (see above): paragraphs
        rebuilt from the line layout, page furniture removed. Without it a
        single line break is a space and only blank lines end paragraphs.

    Returns
    -------
    normalised : str
        The normalised text.
    breaks : numpy.ndarray of int64, shape (m, 2)
        Pairs ``(normalised position, original position)``. For a position
        ``p`` take the last pair with ``u <= p``; then the original position
        is ``o + (p - u)``. Every character copied from the original maps to
        itself: ``text[to_original(p, breaks)] == normalised[p]``. Characters
        produced by a replacement map to the character(s) they replace. The
        first pair is ``(0, position of the first kept character)``; an empty
        result has the single pair ``(0, 0)``. Use ``breaks.ravel().tolist()``
        for the flat ``offset_breaks`` of the units table.

    Examples
    --------
    >>> normalised, breaks = normalise_text("the seventy- seventh\\tsession")
    >>> normalised
    'the seventy-seventh session'
    >>> int(to_original([12], breaks)[0])
    13
    """
    if not isinstance(text, str):
        raise ParameterError(f"normalise_text expects a str, got {type(text).__name__}.")
    current = text
    src: np.ndarray | None = None  # None = identity: nothing changed yet

    def compose(step: tuple[str, np.ndarray] | None) -> None:
        nonlocal current, src
        if step is None:
            return
        current, step_src = step
        src = step_src if src is None else src[step_src]

    compose(_nfc(current))
    current = _one_for_one(current)
    compose(_rewrite(current, map(_char_edit, _char_matches(current))))
    if line_paragraphs:
        compose(_rewrite(current, _line_layout_edits(current)))
    compose(_rewrite(current, _hyphen_edits(current)))
    compose(_collapse_whitespace(current))
    if src is None:
        if not current:
            return current, np.zeros((1, 2), dtype=np.int64)
        return current, np.array([[0, 0]], dtype=np.int64)
    return current, _src_to_breaks(src)


def to_original(positions, offset_breaks) -> np.ndarray:
    """Map positions in a normalised text to positions in the original text.

    Parameters
    ----------
    positions : int or array-like of int
        Positions in the normalised text (a unit's ``text``). For the end of
        a span use ``to_original(end - 1) + 1``.
    offset_breaks : array-like of int
        The flat list ``[u0, o0, u1, o1, ...]`` of a unit, or the ``(m, 2)``
        array returned by :func:`normalise_text`.

    Returns
    -------
    numpy.ndarray of int64
        The original positions, same shape as ``positions``.

    Examples
    --------
    >>> to_original([0, 3, 5], [0, 10, 4, 20]).tolist()
    [10, 13, 21]
    """
    pairs = np.asarray(offset_breaks, dtype=np.int64).reshape(-1, 2)
    if pairs.shape[0] == 0:
        raise ParameterError("offset_breaks is empty: expected at least the pair (0, orig_start).")
    positions = np.asarray(positions, dtype=np.int64)
    j = np.searchsorted(pairs[:, 0], positions, side="right") - 1
    j = np.clip(j, 0, None)
    return pairs[j, 1] + (positions - pairs[j, 0])
