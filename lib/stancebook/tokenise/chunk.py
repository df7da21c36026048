"""One chunk of units: its sentences, mentions, tokens and DTM counts (the work of one worker process).

The chunk is cut at whitespace once (:func:`chunk_pieces`), and each
distinct piece is looked at once: whether it ends a sentence and how the
next one starts it, where an actor's name may start in it, and its tokens.
The per-token work is done with numpy: positions, sentence numbers,
stopwords, terms and multiword expressions (:mod:`stancebook.tokenise.terms`)
are looked up in arrays. The
tables are the ones :func:`stancebook.text.split_sentences`,
:func:`stancebook.text.tokenize` and :class:`MentionMatcher` give unit by
unit, row for row (the tests compare them with a unit-by-unit oracle).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from stancebook.text.normalise import to_original
from stancebook.text.segment import piece_sentence_starts
from stancebook.text.tokens import (ABBREVIATIONS, NUMBER_ABBREVIATIONS, TOKEN_KINDS, TOKEN_PATTERN, code_points,
                                    is_decimal, space_mask)
from stancebook.tokenise.mentions import MentionMatcher
from stancebook.ragged import expand_ranges, positions_in_groups
from stancebook.tokenise.tables import KINDS, POSITIONS, TOKEN_BOOLS, TOKEN_INTS, typed_frame
from stancebook.tokenise.terms import Terms, apply_mwes, chunk_terms, count_terms

__all__ = ["Spec", "chunk_mentions", "chunk_sentences", "chunk_tables", "passage_counts"]

_KIND_CODE = {group: KINDS.index(kind) for group, kind in TOKEN_KINDS.items()}
_WORD = KINDS.index("word")
_NUMBER = KINDS.index("number")
_PUNCT = KINDS.index("punct")
# A whitespace-separated piece ending like "No." tokenises as "No." before a
# number and as "No" "." otherwise (the only look-ahead that crosses a space).
_ENDS_LIKE_NUMBER_ABBREVIATION = re.compile(rf"(?:{NUMBER_ABBREVIATIONS})\.\Z")
# Words that a following "." can join into one token (Mr., No. 5); "peace." is "peace" + ".".
_DOTTED_WORDS = frozenset(f"{ABBREVIATIONS}|{NUMBER_ABBREVIATIONS}".split("|"))


@dataclass(frozen=True)
class Spec:
    """What a worker needs besides the texts (pickled once per chunk; small)."""

    stopwords: frozenset
    mwe_index: dict
    mentions: MentionMatcher
    keep_tokens: bool
    passage_words: int = 0  # > 0: also count terms per passage of this many words (passage_counts)


# --------------------------------------------------------------------------
# Offsets and sentence numbers
# --------------------------------------------------------------------------

def unit_original_spans(starts, ends, breaks) -> tuple[np.ndarray, np.ndarray]:
    """Spans of one unit's text as spans of its document's original text."""
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if starts.size == 0:
        return starts, ends
    return to_original(starts, breaks), to_original(ends - 1, breaks) + 1


def original_spans(starts: np.ndarray, ends: np.ndarray, owner: np.ndarray, breaks: list) -> tuple:
    """Vectorised :func:`unit_original_spans` over many units (``owner`` = unit of each span)."""
    orig_starts = np.empty_like(starts)
    orig_ends = np.empty_like(ends)
    shift = np.array([b[1] if len(b) == 2 else 0 for b in breaks], dtype=np.int64)
    simple = np.array([len(b) == 2 and b[0] == 0 for b in breaks], dtype=bool)
    plain = simple[owner]
    orig_starts[plain] = starts[plain] + shift[owner[plain]]
    orig_ends[plain] = ends[plain] + shift[owner[plain]]
    for u in np.flatnonzero(~simple):
        rows = np.flatnonzero(owner == u)
        if rows.size:
            orig_starts[rows], orig_ends[rows] = unit_original_spans(starts[rows], ends[rows], breaks[u])
    return orig_starts, orig_ends


class SentenceIndex:
    """The 1-based sentence number of any position in a chunk's units, by one searchsorted.

    The units are laid end to end as in ``" ".join(texts)``; ``base`` holds
    where each unit starts there.
    """

    def __init__(self, texts: list[str], starts: np.ndarray, owner: np.ndarray, n_sent: np.ndarray) -> None:
        self.base = unit_bases(texts)
        self._before = np.cumsum(n_sent) - n_sent
        self._starts = starts + self.base[owner]

    def numbers(self, positions: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """Sentence numbers of ``positions`` in units ``owner`` (1 before the first sentence start)."""
        joined = positions + self.base[owner]
        if len(joined) > len(self._starts) and np.all(joined[1:] >= joined[:-1]):
            # Positions in text order (tokens): place the few sentence starts among the many
            # positions instead, then count the starts at or before each position.
            before_start = np.searchsorted(joined, self._starts, side="left")
            found = np.cumsum(np.bincount(before_start, minlength=len(joined) + 1)[:len(joined)])
        else:
            found = np.searchsorted(self._starts, joined, side="right")
        return np.maximum(found - self._before[owner], 1)


# --------------------------------------------------------------------------
# Sentences and mentions
# --------------------------------------------------------------------------

def unit_bases(texts: list[str]) -> np.ndarray:
    """Where each unit starts in ``" ".join(texts)``."""
    return np.concatenate(([0], np.cumsum([len(t) + 1 for t in texts])[:-1])).astype(np.int64)


def chunk_sentences(unit_ids: list, texts: list[str], breaks: list, pieces: Pieces | None = None, *,
                    with_text: bool = True):
    """The sentences table of a chunk, and its :class:`SentenceIndex`.

    The sentences are those of :func:`stancebook.text.split_sentences`, found
    from the chunk's whitespace-separated ``pieces`` (cut here when not given).
    With ``with_text=False`` the table has no ``text`` but ``unit_row`` (the
    unit's position in ``texts``), ``byte_start`` and ``byte_end`` (where the
    sentence is in its unit's text encoded as UTF-8), for the process that
    holds the units to cut the texts there
    (:func:`stancebook.tokenise.pipeline.with_sentence_texts`).
    """
    if pieces is None:
        pieces = chunk_pieces(texts)
    is_first = piece_sentence_starts(texts, pieces.codes, pieces.distinct, pieces.owner, pieces.start,
                                     pieces.paragraph_first, last_char=pieces.last_char)
    first = np.flatnonzero(is_first)
    last = np.append(first[1:] - 1, len(is_first) - 1)[:len(first)].astype(np.int64)
    owner = pieces.owner[first]
    starts, ends = pieces.start[first], pieces.end[last]
    n_sent = np.bincount(owner, minlength=len(texts)).astype(np.int64)
    orig_starts, orig_ends = original_spans(starts, ends, owner, breaks)
    columns = {
        "unit_id": np.repeat(np.asarray(unit_ids, dtype=object), n_sent),
        "sentence": positions_in_groups(n_sent) + 1,
        "start": starts, "end": ends, "orig_start": orig_starts, "orig_end": orig_ends,
    }
    if with_text:
        columns["text"] = [texts[u][a:b] for u, a, b in zip(owner.tolist(), starts.tolist(), ends.tolist())]
        sentences = typed_frame(columns, ints=POSITIONS)
    else:
        columns["unit_row"] = owner
        columns["byte_start"], columns["byte_end"] = utf8_spans(texts, owner, starts, ends, pieces.codes_of_text)
        sentences = typed_frame(columns, ints=(*POSITIONS, "unit_row", "byte_start", "byte_end"))
    return sentences, SentenceIndex(texts, starts, owner, n_sent)


def utf8_spans(texts: list[str], owner: np.ndarray, starts: np.ndarray, ends: np.ndarray,
               codes: np.ndarray | None = None) -> tuple:
    """UTF-8 byte offsets, within the text of unit ``owner``, of the character spans ``[starts, ends)``.

    ``codes`` are the code points of ``" ".join(texts)`` when the caller has
    them (:attr:`Pieces.codes_of_text`). Only the characters beyond ASCII
    are looked at: each adds one to three bytes.

    Examples
    --------
    >>> [x.tolist() for x in utf8_spans(["a\u00e9b", "c"], np.array([0, 1]), np.array([1, 0]), np.array([3, 1]))]
    [[1, 0], [4, 1]]
    """
    if codes is None:
        codes = code_points(" ".join(texts))
    wide = np.flatnonzero(codes >= 0x80)
    if not wide.size:
        return starts, ends
    beyond = codes[wide]
    added = np.concatenate(([0], np.cumsum(1 + (beyond >= 0x800).astype(np.int64) + (beyond >= 0x10000))))
    unit_start = unit_bases(texts)[owner]

    def in_bytes(position: np.ndarray) -> np.ndarray:  # a position of the joined text, in bytes
        return position + added[np.searchsorted(wide, position)]

    first = in_bytes(unit_start)
    return in_bytes(unit_start + starts) - first, in_bytes(unit_start + ends) - first


def chunk_mentions(unit_ids: list, texts: list[str], breaks: list, matcher: MentionMatcher, index: SentenceIndex,
                   pieces: Pieces | None = None):
    """The mentions table of a chunk, sentences numbered by ``index``.

    The matcher is tried only where the chunk's whitespace-separated
    ``pieces`` (cut here when not given) say a form may start
    (:meth:`MentionMatcher.candidates`).
    """
    if pieces is None:
        pieces = chunk_pieces(texts)
    unit, position = matcher.candidates(pieces.distinct, pieces.codes, pieces.owner, pieces.start)
    bounds = np.searchsorted(unit, np.arange(len(texts) + 1))
    position = position.tolist()
    found = [matcher.find(t, position[bounds[u]:bounds[u + 1]]) for u, t in enumerate(texts)]
    n_found = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(texts))
    owner = np.repeat(np.arange(len(texts)), n_found)
    flat = [m for f in found for m in f]
    starts = np.fromiter((m[0] for m in flat), dtype=np.int64, count=len(flat))
    ends = np.fromiter((m[1] for m in flat), dtype=np.int64, count=len(flat))
    orig_starts, orig_ends = original_spans(starts, ends, owner, breaks)
    return typed_frame({
        "unit_id": np.repeat(np.asarray(unit_ids, dtype=object), n_found),
        "sentence": index.numbers(starts, owner),
        "start": starts, "end": ends, "orig_start": orig_starts, "orig_end": orig_ends,
        "surface": [texts[u][a:b] for u, a, b in zip(owner.tolist(), starts.tolist(), ends.tolist())],
        "target": [m[2] for m in flat],
        "kind": [m[3] for m in flat],
        "groups": [matcher.groups[m[2]] for m in flat],
    }, ints=POSITIONS)


# --------------------------------------------------------------------------
# Tokens: each distinct whitespace-separated piece is tokenised once
# --------------------------------------------------------------------------

@dataclass
class TokenArrays:
    """The tokens of a chunk as arrays: unit, surface id and kind code of each token.

    Offsets and sentence numbers are computed when first asked for (the
    tokens table needs them for every token, multiword expressions only
    where one may start).
    """

    owner: np.ndarray
    sid: np.ndarray
    kind: np.ndarray
    surfaces: list
    surface_id: dict | None  # {surface: id}, the inverse of ``surfaces``
    piece: np.ndarray  # the piece of each token, and its offset there
    offset: np.ndarray
    piece_start: np.ndarray
    index: SentenceIndex

    @cached_property
    def start(self) -> np.ndarray:
        return self.piece_start[self.piece] + self.offset

    @cached_property
    def end(self) -> np.ndarray:
        return self.start + np.fromiter(map(len, self.surfaces), dtype=np.int64, count=len(self.surfaces))[self.sid]

    @cached_property
    def sentence(self) -> np.ndarray:
        return self.index.numbers(self.start, self.owner)

    def sentence_at(self, at: np.ndarray) -> np.ndarray:
        """Sentence numbers of the tokens ``at`` (ascending), without numbering every token."""
        if "sentence" in self.__dict__:
            return self.sentence[at]
        return self.index.numbers(self.piece_start[self.piece[at]] + self.offset[at], self.owner[at])


@dataclass
class Pieces:
    """A chunk cut at whitespace: each piece (in text order) as a code into its distinct strings.

    Attributes
    ----------
    codes : numpy.ndarray of int
        Index into ``distinct`` of each piece.
    distinct : list of str
        The distinct pieces, in order of first appearance.
    owner, start, end : numpy.ndarray of int
        The unit of each piece, and its span in the unit's text.
    paragraph_first : numpy.ndarray of bool
        Whether the piece starts a paragraph: the first piece of its unit,
        or one after whitespace holding two newlines (a blank line).
    codes_of_text : numpy.ndarray
        The code points of the units joined by spaces (:func:`code_points`).
    first_char, last_char : numpy.ndarray of int
        The code points of the first and the last character of each
        distinct piece.
    """

    codes: np.ndarray
    distinct: list
    owner: np.ndarray
    start: np.ndarray
    end: np.ndarray
    paragraph_first: np.ndarray
    codes_of_text: np.ndarray
    first_char: np.ndarray
    last_char: np.ndarray


def chunk_pieces(texts: list[str]) -> Pieces:
    """Cut the chunk at whitespace; the pieces as codes into their distinct strings.

    The pieces are cut and hashed by numpy and pyarrow, not one Python object
    each: Arrow hashes each piece together with the whitespace after it (one
    entry per piece, none for the whitespace), and only the first occurrence
    of each distinct entry becomes a Python string (a slice of the joined
    text, its whitespace left out).
    """
    base = unit_bases(texts)
    joined = " ".join(texts)
    cp = code_points(joined)  # one uint16 (or uint32) per character: numpy positions are str positions
    # -1 where a piece starts (whitespace, or the start, before it), +1 where one ends
    step = np.diff(space_mask(cp).view(np.int8), prepend=np.int8(1), append=np.int8(1))
    start_joined = np.flatnonzero(step == -1)
    end_joined = np.flatnonzero(step == 1)
    # the unit of each piece: units are consecutive, so count the pieces before each unit's start
    per_unit = np.diff(np.searchsorted(start_joined, np.append(base, len(cp) + 1)))
    owner = np.repeat(np.arange(len(base)), per_unit)
    if not len(start_joined):
        empty = np.zeros(0, dtype=np.int64)
        return Pieces(codes=empty, distinct=[], owner=owner, start=empty, end=empty,
                      paragraph_first=np.zeros(0, dtype=bool), codes_of_text=cp, first_char=empty, last_char=empty)
    offsets = np.append(start_joined, len(cp)) * cp.itemsize  # a piece and the whitespace after it
    runs = pa.LargeBinaryArray.from_buffers(pa.large_binary(), len(start_joined),
                                            [None, pa.py_buffer(offsets.astype(np.int64)), pa.py_buffer(cp)])
    encoded = pc.dictionary_encode(runs)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    # Arrow numbers the distinct entries in order of first appearance: entry k first
    # occurs where the running maximum of the codes reaches k.
    first = np.flatnonzero(np.diff(np.maximum.accumulate(codes), prepend=-1) > 0)
    if len(first) != len(encoded.dictionary) or not np.array_equal(codes[first], np.arange(len(first))):
        first = np.unique(codes, return_index=True)[1]  # any other numbering: find each entry's first piece
    canonical: dict[str, int] = {}  # "peace " and "peace\n" are one piece
    remap = np.fromiter((canonical.setdefault(joined[i:j], len(canonical))
                         for i, j in zip(start_joined[first].tolist(), end_joined[first].tolist())),
                        dtype=np.int64, count=len(first))
    paragraph_first = np.ones(len(start_joined), dtype=bool)
    paragraph_first[1:] = owner[1:] != owner[:-1]
    # A blank line: two newlines with no piece starting between them; the piece after them starts a paragraph.
    next_piece = np.searchsorted(start_joined, np.flatnonzero(cp == 10))
    after_blank = next_piece[1:][next_piece[1:] == next_piece[:-1]]
    paragraph_first[after_blank[after_blank < len(start_joined)]] = True
    unit_base = base[owner]
    # the piece where each distinct piece first occurs: the canonical pieces are numbered in
    # order of first appearance too, so its first entry is where the running maximum reaches it
    first_entry = np.flatnonzero(np.diff(np.maximum.accumulate(remap), prepend=-1) > 0)
    at = first[first_entry]
    return Pieces(codes=remap[codes], distinct=list(canonical), owner=owner, start=start_joined - unit_base,
                  end=end_joined - unit_base, paragraph_first=paragraph_first, codes_of_text=cp,
                  first_char=cp[start_joined[at]].astype(np.int64), last_char=cp[end_joined[at] - 1].astype(np.int64))


def _read_number_abbreviations(codes: np.ndarray, distinct: list, owner: np.ndarray, first_char: np.ndarray,
                               last_char: np.ndarray):
    """Give pieces such as "No." a variant "No. 0" and use it where the next piece of the unit is a number.

    Appends the variants to ``distinct``; returns the codes (variants swapped
    in) and ``{piece code: variant code}``. ``first_char`` and ``last_char``
    are :attr:`Pieces.first_char` and :attr:`Pieces.last_char`: only pieces
    ending in a full stop are looked at.
    """
    n_pieces = len(distinct)
    variant_of = {}
    for k in np.flatnonzero(last_char == ord(".")).tolist():
        if _ENDS_LIKE_NUMBER_ABBREVIATION.search(distinct[k]):  # the pattern ends with "."
            variant_of[k] = len(distinct)
            distinct.append(distinct[k] + " 0")
    if not variant_of:
        return codes, variant_of
    # a variant starts as its piece does
    first_is_digit = np.concatenate((is_decimal(first_char[:n_pieces]), is_decimal(first_char[list(variant_of)])))
    next_is_digit = np.zeros(len(codes), dtype=bool)
    next_is_digit[:-1] = first_is_digit[codes[1:]] & (owner[1:] == owner[:-1])
    sensitive = np.zeros(len(distinct), dtype=bool)
    sensitive[list(variant_of)] = True
    swap = np.flatnonzero(sensitive[codes] & next_is_digit)
    lookup_variant = np.arange(len(distinct))
    lookup_variant[list(variant_of)] = list(variant_of.values())
    codes = codes.copy()
    codes[swap] = lookup_variant[codes[swap]]
    return codes, variant_of


def _piece_tokens(pieces: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict, np.ndarray]:
    """Tokenise each distinct whitespace-free piece once.

    Returns CSR-like arrays over the pieces: ``ptr`` (token range of piece k
    is ``ptr[k]:ptr[k + 1]``), each token's offset in its piece, its surface
    id and kind code, plus ``{surface: id}``.
    """
    n = len(pieces)
    # Most pieces are a run of letters: one word each, and (the pieces being distinct) one surface each.
    alpha = np.fromiter(map(str.isalpha, pieces), dtype=bool, count=n)
    alpha_at = np.flatnonzero(alpha)
    surface_id: dict[str, int] = dict(zip([pieces[k] for k in alpha_at.tolist()], range(len(alpha_at))))
    others = np.flatnonzero(~alpha)
    # The commonest other piece is a run of letters and one mark ("peace,", "nations."): a word and
    # a punctuation token, laid out together (what _tokens_of_piece gives them, without its checks).
    other_pieces = [pieces[k] for k in others.tolist()]
    cores = [piece[:-1] for piece in other_pieces]
    two = np.fromiter(map(str.isalpha, cores), dtype=bool, count=len(cores))
    two[two] = np.fromiter((other_pieces[i][-1] in _LONE_MARKS_AFTER and (other_pieces[i][-1] != "." or
                                                                         cores[i] not in _DOTTED_WORDS)
                            for i in np.flatnonzero(two).tolist()), dtype=bool)
    word_mark = others[two]
    count = np.ones(n, dtype=np.int64)
    count[word_mark] = 2
    two_at = np.flatnonzero(two).tolist()
    word_sid = [surface_id.setdefault(cores[i], len(surface_id)) for i in two_at]
    mark_sid = [surface_id.setdefault(other_pieces[i][-1], len(surface_id)) for i in two_at]
    mark_rel = [len(cores[i]) for i in two_at]
    rel: list[int] = []
    sid: list[int] = []
    kind: list[int] = []
    rest = others[~two]
    for k in rest.tolist():
        piece = pieces[k]
        before = len(rel)
        _tokens_of_piece(piece, surface_id, rel, sid, kind)
        count[k] = len(rel) - before
    ptr = np.concatenate(([0], np.cumsum(count)))
    flat_rel = np.zeros(int(ptr[-1]), dtype=np.int64)
    flat_sid = np.empty(int(ptr[-1]), dtype=np.int64)
    flat_kind = np.empty(int(ptr[-1]), dtype=np.int8)
    flat_sid[ptr[alpha_at]] = np.arange(len(alpha_at))
    flat_kind[ptr[alpha_at]] = _WORD
    first = ptr[word_mark]
    flat_sid[first], flat_sid[first + 1] = word_sid, mark_sid
    flat_kind[first], flat_kind[first + 1] = _WORD, _PUNCT
    flat_rel[first + 1] = mark_rel
    at = expand_ranges(ptr[rest], count[rest])
    flat_rel[at] = rel
    flat_sid[at] = sid
    flat_kind[at] = kind
    return ptr, flat_rel, flat_sid, surface_id, flat_kind


# Marks that are always a punctuation token of their own, before or after a word or number
# (not ".", "-" or an apostrophe: they join abbreviations, runs, compounds and clitics).
_LONE_MARKS = "()[]{}\"\u201c\u201d\u2018\u00ab\u00bb,;:!?%"
_LONE_MARKS_AFTER = _LONE_MARKS + "."


def _tokens_of_piece(piece: str, surface_id: dict, rel: list, sid: list, kind: list) -> None:
    """Append the tokens of one piece that is not a run of letters (``TOKEN_PATTERN``'s tokens)."""
    # Fast path, checked against the regex on every piece of the UN General Debates: marks
    # around one run of letters or digits, each mark its own token ("(peace),", "2015.").
    core = piece.lstrip(_LONE_MARKS)
    lead = len(piece) - len(core)
    core = core.rstrip(_LONE_MARKS_AFTER)
    tail = lead + len(core)
    if core and (core.isalpha() or core.isdecimal()) and ".." not in piece[tail:] and (
            piece[tail:tail + 1] != "." or core not in _DOTTED_WORDS):
        for i in range(lead):
            rel.append(i)
            sid.append(surface_id.setdefault(piece[i], len(surface_id)))
            kind.append(_PUNCT)
        rel.append(lead)
        sid.append(surface_id.setdefault(core, len(surface_id)))
        kind.append(_WORD if core.isalpha() else _NUMBER)
        for i in range(tail, len(piece)):
            rel.append(i)
            sid.append(surface_id.setdefault(piece[i], len(surface_id)))
            kind.append(_PUNCT)
        return
    for match in TOKEN_PATTERN.finditer(piece):
        surface = match.group()
        rel.append(match.start())
        sid.append(surface_id.setdefault(surface, len(surface_id)))
        kind.append(_KIND_CODE[match.lastgroup])


def chunk_tokens(texts: list[str], index: SentenceIndex, pieces: Pieces | None = None) -> TokenArrays:
    """Every token of a chunk, in text order.

    No token crosses whitespace, so the token sequence of a text is the
    concatenation of those of its pieces (:func:`_read_number_abbreviations`
    handles the one look-ahead that crosses a space).
    """
    if pieces is None:
        pieces = chunk_pieces(texts)
    codes, distinct, piece_owner, piece_start = pieces.codes, list(pieces.distinct), pieces.owner, pieces.start
    codes, variant_of = _read_number_abbreviations(codes, distinct, piece_owner, pieces.first_char, pieces.last_char)
    ptr, rel, flat_sid, surface_id, flat_kind = _piece_tokens(distinct)
    surfaces = list(surface_id)
    count = np.diff(ptr)
    for k in variant_of.values():
        count[k] -= 1  # a variant's last token is the "0" appended to it
    per_piece = count[codes]
    token_piece = np.repeat(np.arange(len(codes)), per_piece)
    flat = expand_ranges(ptr[:-1][codes], per_piece)
    return TokenArrays(owner=piece_owner[token_piece], sid=flat_sid[flat], kind=flat_kind[flat], surfaces=surfaces,
                       surface_id=surface_id, piece=token_piece, offset=rel[flat], piece_start=piece_start,
                       index=index)


# --------------------------------------------------------------------------
# The chunk's tables
# --------------------------------------------------------------------------

def _tokens_frame(unit_ids: list, breaks: list, tokens: TokenArrays, terms: Terms):
    """The tokens table of a chunk."""
    orig_starts, orig_ends = original_spans(tokens.start, tokens.end, tokens.owner, breaks)
    n_tok_unit = np.bincount(tokens.owner, minlength=len(unit_ids))
    term_names = np.array(list(terms.term_id) + [None], dtype=object)  # term id -1 reads None
    return typed_frame({
        "unit_id": np.repeat(np.asarray(unit_ids, dtype=object), n_tok_unit),
        "sentence": tokens.sentence,
        "token_index": positions_in_groups(n_tok_unit),
        "start": tokens.start, "end": tokens.end, "orig_start": orig_starts, "orig_end": orig_ends,
        "text": np.array(tokens.surfaces, dtype=object)[tokens.sid],
        "norm": np.array(terms.norms, dtype=object)[tokens.sid] if terms.norms else np.zeros(0, dtype=object),
        "kind": np.array(KINDS, dtype=object)[tokens.kind],
        "is_stop": terms.is_stop,
        "term": term_names[terms.term],
    }, ints=TOKEN_INTS, bools=TOKEN_BOOLS)


def add_lap(seconds: dict, phase: str, since: tuple[float, float]) -> tuple[float, float]:
    """Add the wall and CPU time since ``since`` to ``seconds[phase]`` (a ``[wall, cpu]`` pair); return now.

    ``since`` is a previous return value, or :func:`clock` to start.
    """
    now = clock()
    wall, cpu = seconds.get(phase, (0.0, 0.0))
    seconds[phase] = (wall + now[0] - since[0], cpu + now[1] - since[1])
    return now


def clock() -> tuple[float, float]:
    """Wall time and this process's CPU time, in seconds."""
    return time.perf_counter(), time.process_time()


def chunk_tables(unit_ids: list, texts: list, breaks: list, spec: Spec) -> dict:
    """Sentences, mentions, DTM counts and (with ``spec.keep_tokens``) tokens of one chunk of units.

    Returns
    -------
    dict
        ``sentences``, ``mentions``, ``tokens`` (frames; tokens None unless
        kept; the sentences without their text but with ``unit_row``,
        ``byte_start`` and ``byte_end``, see :func:`chunk_sentences`: the
        process holding the units cuts the texts, so they do not travel
        back), ``terms`` (the chunk's vocabulary), ``rows``, ``cols``,
        ``counts`` (the DTM entries, rows numbered within the chunk) and
        ``seconds`` (``(wall, cpu)`` seconds of each phase in the process
        that ran it: ``pieces`` (the text cut at whitespace), ``sentences``,
        ``mentions``, ``tokens``, ``terms``
        (norms, stopwords, multiword expressions), ``counts`` (DTM and
        passage counts, the chunk's terms numbered in sorted order),
        ``token_table``).
    """
    seconds: dict[str, tuple[float, float]] = {}
    t = clock()
    texts = [x if isinstance(x, str) else "" for x in texts]
    pieces = chunk_pieces(texts)
    t = add_lap(seconds, "pieces", t)
    sentences, index = chunk_sentences(unit_ids, texts, breaks, pieces, with_text=False)
    t = add_lap(seconds, "sentences", t)
    mentions = chunk_mentions(unit_ids, texts, breaks, spec.mentions, index, pieces)
    t = add_lap(seconds, "mentions", t)
    tokens = chunk_tokens(texts, index, pieces)
    t = add_lap(seconds, "tokens", t)
    terms = chunk_terms(tokens, spec.stopwords)
    if spec.mwe_index and len(tokens.sid):
        apply_mwes(tokens, terms, spec.mwe_index)
    t = add_lap(seconds, "terms", t)
    rows, cols, counts = count_terms(tokens.owner, terms, renumber_tokens=spec.passage_words > 0 or spec.keep_tokens)
    tables = {
        "sentences": sentences, "mentions": mentions, "terms": list(terms.term_id),
        "rows": narrow_counts(rows), "cols": narrow_counts(cols), "counts": narrow_counts(counts),
    }
    if spec.passage_words > 0:
        tables["passages"] = passage_counts(unit_ids, tokens.owner, tokens.kind == _WORD, terms.term,
                                            spec.passage_words)
    t = add_lap(seconds, "counts", t)
    tables["tokens"] = _tokens_frame(unit_ids, breaks, tokens, terms) if spec.keep_tokens else None
    add_lap(seconds, "token_table", t)
    tables["seconds"] = seconds
    return tables


def narrow_counts(values: np.ndarray) -> np.ndarray:
    """Non-negative integers in the narrowest of uint16 and int32 that holds them: what a worker sends back.

    A chunk's rows (units), columns (its terms) and counts mostly fit in 16 bits;
    :class:`~stancebook.tokenise.dtm.TermCounts` widens them again.

    Examples
    --------
    >>> narrow_counts(np.array([3, 65535])).dtype, narrow_counts(np.array([65536])).dtype
    (dtype('uint16'), dtype('int32'))
    """
    values = np.asarray(values)
    small = not values.size or int(values.max()) <= np.iinfo(np.uint16).max
    return values.astype(np.uint16 if small else np.int32)


def passage_counts(unit_ids: list, owner: np.ndarray, is_word: np.ndarray, term: np.ndarray,
                   passage_words: int) -> dict:
    """Term counts per passage: each unit cut into consecutive runs of ``passage_words`` words.

    Words are word tokens, stopwords included (the length a reader sees);
    the last run of a unit joins the one before when it is shorter than half
    a passage, so no passage is a scrap. A unit without words is one (empty)
    passage. Passage ids are ``<unit_id>#p<n>`` (1-based, in text order).

    Parameters
    ----------
    unit_ids : list of str
        The chunk's units.
    owner : numpy.ndarray of int, shape (n_tokens,)
        Unit (index into ``unit_ids``) of every token, in text order.
    is_word : numpy.ndarray of bool, shape (n_tokens,)
        Whether each token is a word (not a number or punctuation).
    term : numpy.ndarray of int, shape (n_tokens,)
        Chunk term id of every token (-1: none).
    passage_words : int
        Words per passage.

    Returns
    -------
    dict
        ``ids`` (passage ids in unit order) and ``rows``, ``cols``, ``counts``
        (rows index ``ids``, cols are chunk term ids).

    Examples
    --------
    >>> out = passage_counts(["a"], np.zeros(5, dtype=int), np.ones(5, dtype=bool), np.array([0, 1, 0, 1, 1]), 3)
    >>> out["ids"], out["rows"].tolist(), out["cols"].tolist(), out["counts"].tolist()
    (['a#p1', 'a#p2'], [0, 0, 1], [0, 1, 1], [2, 1, 2])
    """
    n_units = len(unit_ids)
    owner = np.asarray(owner, dtype=np.int64)
    words_per_unit = np.bincount(owner[is_word], minlength=n_units)
    full, rest = np.divmod(words_per_unit, passage_words)
    n_passages = np.maximum(full + (2 * rest >= passage_words), 1)
    # Ordinal of each token among its unit's words (a non-word takes the number of the word before it).
    ordinal = np.cumsum(is_word) - 1
    first_word = np.concatenate(([0], np.cumsum(words_per_unit)[:-1]))
    within = np.maximum(ordinal - first_word[owner], 0)
    passage = np.minimum(within // passage_words, n_passages[owner] - 1)
    first_passage = np.concatenate(([0], np.cumsum(n_passages)[:-1]))
    has = term >= 0
    row = first_passage[owner[has]] + passage[has]
    width = int(term.max()) + 1 if term.size and term.max() >= 0 else 1
    keys, counts = np.unique(row * width + term[has], return_counts=True)
    ids = [f"{u}#p{n}" for u, count in zip(unit_ids, n_passages.tolist()) for n in range(1, count + 1)]
    return {"ids": ids, "rows": (keys // width).astype(np.int64), "cols": (keys % width).astype(np.int64),
            "counts": counts.astype(np.int64)}
