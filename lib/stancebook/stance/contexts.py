"""The text scored for each stance triple: its sentence or a word window, target mentions masked.

Before any polarity source sees a context, every target mention inside it is
replaced, word for word, by the neutral placeholder ``entity``; nothing else
is removed. Target names then carry no polarity ("United" in "United
Nations"), and the word count is kept, so a lexicon's negation and intensifier
look-back still lands on the same words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["CONTEXTS", "PLACEHOLDER", "MentionGroups", "build_contexts", "mask", "merge_spans"]

CONTEXTS = ("sentence", "window")
# Replaces each word of a target mention before scoring: absent from VADER's
# lexicon, booster and negation lists, lower case (so it never triggers the
# ALL-CAPS emphasis rule).
PLACEHOLDER = "entity"
WORD = re.compile(r"\S+")


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge the overlapping ones.

    Examples
    --------
    >>> merge_spans([(5, 9), (0, 3), (2, 4)])
    [(0, 4), (5, 9)]
    """
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def mask(text: str, offset: int, spans: list[tuple[int, int]]) -> str:
    """Replace every word of each mention span (unit offsets) inside ``text`` by :data:`PLACEHOLDER`.

    ``text`` starts at unit position ``offset``. Each non-space run inside a
    span becomes the placeholder, so the number of words a source sees is kept.

    Examples
    --------
    >>> mask("The United Nations met.", 0, [(4, 18)])
    'The entity entity met.'
    """
    pieces = []
    pos = 0
    end_text = len(text)
    for s, e in spans:
        s, e = max(s - offset, 0), min(e - offset, end_text)
        if e <= s or s < pos:
            continue
        pieces.append(text[pos:s])
        pieces.append(WORD.sub(PLACEHOLDER, text[s:e]))
        pos = e
    pieces.append(text[pos:])
    return "".join(pieces)


@dataclass(frozen=True)
class MentionGroups:
    """Mentions sorted by unit, sentence and target, with the boundaries of each triple.

    Attributes
    ----------
    unit_id, sentence, start, end : numpy.ndarray
        One entry per mention.
    first : numpy.ndarray
        Index of the first mention of each (unit, sentence, target) group.
    group_start, group_end : numpy.ndarray
        The span covering each group's mentions.
    unit_first, unit_last : numpy.ndarray
        Mention index range of each unit.
    """

    unit_id: np.ndarray
    sentence: np.ndarray
    start: np.ndarray
    end: np.ndarray
    first: np.ndarray
    group_start: np.ndarray
    group_end: np.ndarray
    unit_first: np.ndarray
    unit_last: np.ndarray


def _window_span(words: tuple[np.ndarray, np.ndarray], group: tuple[int, int], sentence: tuple[int, int],
                 window: int) -> tuple[int, int]:
    """The words within ``window`` of the group's mentions, clipped to the sentence."""
    word_starts, word_ends = words
    first_word = int(np.searchsorted(word_ends, group[0], side="right"))
    last_word = int(np.searchsorted(word_starts, group[1], side="left")) - 1
    lo = max(0, min(first_word, len(word_starts) - 1) - window)
    hi = min(len(word_starts) - 1, max(last_word, 0) + window)
    return max(int(word_starts[lo]), sentence[0]), min(int(word_ends[hi]), sentence[1])


def build_contexts(groups: MentionGroups, unit_text: dict, sentence_spans: dict, *, context: str,
                   window: int) -> tuple[list[str], list[str]]:
    """The readable and the masked context of each triple.

    Parameters
    ----------
    groups : MentionGroups
        The sorted mentions and their triples.
    unit_text : dict
        ``{unit_id: text}``.
    sentence_spans : dict
        ``{(unit_id, sentence): (start, end)}`` in unit offsets.
    context : {"sentence", "window"}
        The whole sentence, or the words within ``window`` words before the
        first and after the last mention of the target in that sentence
        (clipped to the sentence, so a reported actor's words never mix with
        the speaker's).
    window : int
        Words either side for ``context="window"``.

    Returns
    -------
    contexts, masked : list of str
        One entry per group: the text, and the same text with every target
        mention of the unit masked (:func:`mask`).
    """
    contexts, masked = [], []
    g = 0
    first = groups.first
    for u0, u1 in zip(groups.unit_first.tolist(), groups.unit_last.tolist()):
        unit_id = groups.unit_id[u0]
        text = unit_text[unit_id]
        spans = merge_spans(zip(groups.start[u0:u1].tolist(), groups.end[u0:u1].tolist()))
        span_starts = [a for a, _ in spans]
        words = None
        if context == "window":
            found = [(w.start(), w.end()) for w in WORD.finditer(text)]
            if found:
                words = (np.array([w[0] for w in found], dtype=np.int64),
                         np.array([w[1] for w in found], dtype=np.int64))
        while g < len(first) and first[g] < u1:
            sentence = sentence_spans[(unit_id, int(groups.sentence[first[g]]))]
            if words is None:
                c_start, c_end = sentence
            else:
                c_start, c_end = _window_span(words, (groups.group_start[g], groups.group_end[g]), sentence, window)
            # spans are merged, hence disjoint and sorted by both ends
            k0 = max(bisect.bisect_left(span_starts, c_start) - 1, 0)
            k1 = bisect.bisect_left(span_starts, c_end)
            inside = [(a, b) for a, b in spans[k0:k1] if a < c_end and b > c_start]
            ctx = text[c_start:c_end]
            contexts.append(ctx)
            masked.append(mask(ctx, c_start, inside))
            g += 1
    return contexts, masked
