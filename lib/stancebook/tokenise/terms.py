"""Norms, stopwords, terms and multiword expressions of a chunk's tokens (the work after tokenising).

The tokens are a chunk's :class:`stancebook.tokenise.chunk.TokenArrays`
(not imported here: that module imports this one). Each distinct surface
is folded and looked up once; every token then takes
its stopword flag and term id from arrays. Multiword expressions are found
with numpy where their first word occurs and taken greedily, left to right,
within a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stancebook.ragged import expand_ranges
from stancebook.text.tokens import fold_case
from stancebook.tokenise.tables import KINDS

__all__ = ["Terms", "apply_mwes", "chunk_terms", "count_terms"]

_WORD = KINDS.index("word")
_PACK_LIMIT = np.iinfo(np.int64).max  # count_terms packs (row, term, count) into one int64 below this



@dataclass
class Terms:
    """Norms of the distinct surfaces, the chunk's terms, and each token's stopword flag and term id (-1: none)."""

    norms: list
    surface_norm: np.ndarray
    norm_id: dict
    term_id: dict
    is_stop: np.ndarray
    term: np.ndarray


def chunk_terms(tokens, stopwords: frozenset) -> Terms:
    """Fold, stop and name each distinct (surface, kind) once, then look every token up."""
    norms = [fold_case(s) for s in tokens.surfaces]
    norm_id: dict[str, int] = {}
    surface_norm = np.fromiter((norm_id.setdefault(n, len(norm_id)) for n in norms), dtype=np.int64,
                               count=len(norms))
    term_id: dict[str, int] = {}
    stop_table = np.zeros((len(norms), len(KINDS)), dtype=bool)
    term_table = np.full((len(norms), len(KINDS)), -1, dtype=np.int64)
    for s, norm in enumerate(norms):
        if norm in stopwords or norm.rstrip(".") in stopwords:
            stop_table[s, _WORD] = True
        else:
            term_table[s, _WORD] = term_id.setdefault(norm, len(term_id))
    cell = tokens.sid * len(KINDS) + tokens.kind  # one index into both tables, computed once
    return Terms(norms=norms, surface_norm=surface_norm, norm_id=norm_id, term_id=term_id,
                 is_stop=stop_table.ravel()[cell], term=term_table.ravel()[cell])


def _positions_of(codes: list, seq: np.ndarray, n_codes: int) -> list:
    """``[np.flatnonzero(seq == code) for code in codes]`` in one pass over ``seq``.

    The codes are distinct and below ``n_codes``.
    """
    if not codes:
        return []
    slot = np.full(n_codes, -1, dtype=np.int64)
    slot[codes] = np.arange(len(codes))
    found = slot[seq]
    at = np.flatnonzero(found >= 0)
    order = np.argsort(found[at], kind="stable")  # grouped by code, positions ascending within a group
    bounds = np.searchsorted(found[at][order], np.arange(len(codes) + 1))
    at = at[order]
    return [at[bounds[k]:bounds[k + 1]] for k in range(len(codes))]


def _mwe_matches(by_surface: bool, tokens, terms: Terms, mwe_index: dict):
    """Start, length and term id of the longest MWE of one family (surfaces or norms) at each token where one starts."""
    none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if not any(family == by_surface for family, _ in mwe_index):
        return none
    if by_surface:
        seq = tokens.sid
        code_of = tokens.surface_id if tokens.surface_id is not None else {s: i for i, s in enumerate(tokens.surfaces)}
    else:
        seq, code_of = terms.surface_norm[tokens.sid], terms.norm_id
    n_tokens = len(seq)
    found: list[tuple[np.ndarray, int, int]] = []
    starts = [(code_of[first], entries) for (family, first), entries in mwe_index.items()
              if family == by_surface and first in code_of]
    n_codes = max([len(code_of), int(seq.max()) + 1 if n_tokens else 0])
    for (_, entries), at in zip(starts, _positions_of([code for code, _ in starts], seq, n_codes)):
        free = np.ones(len(at), dtype=bool)  # no longer MWE starts there yet
        # Where each second word follows this first word ("the" + "West"), found in one pass: a
        # frequent first word is then not scanned again for every MWE it starts.
        seconds = sorted({code_of.get(keys[1], -1) for length, _, keys, _ in entries if length > 1} - {-1})
        after = seq[np.minimum(at + 1, n_tokens - 1)]  # the last token has none: its MWEs are too long anyway
        followed_by = dict(zip(seconds, _positions_of(seconds, after, n_codes)))
        for length, _, keys, term in entries:  # longest first
            ids = [code_of.get(k, -1) for k in keys]
            if min(ids) < 0:
                continue
            candidate = followed_by[ids[1]] if length > 1 else np.arange(len(at))
            candidate = candidate[free[candidate] & (at[candidate] + length <= n_tokens)]
            if not candidate.size:
                continue
            open_ = at[candidate]
            ok = tokens.owner[open_ + length - 1] == tokens.owner[open_]
            for j in range(1, length):
                ok &= seq[open_ + j] == ids[j]
            candidate, open_ = candidate[ok], open_[ok]
            same_sentence = tokens.sentence_at(open_ + length - 1) == tokens.sentence_at(open_)  # never across one
            candidate, open_ = candidate[same_sentence], open_[same_sentence]
            if open_.size:
                free[candidate] = False
                found.append((open_, length, terms.term_id.setdefault(term, len(terms.term_id))))
    if not found:
        return none
    return (np.concatenate([hit for hit, _, _ in found]),
            np.concatenate([np.full(len(hit), length, dtype=np.int64) for hit, length, _ in found]),
            np.concatenate([np.full(len(hit), term, dtype=np.int64) for hit, _, term in found]))


def apply_mwes(tokens, terms: Terms, mwe_index: dict) -> None:
    """Give the first token of each MWE its term, clear the others' terms, unstop all (in place).

    The surface match (dictionary forms) wins unless a norm match (the
    researcher's MWEs) is strictly longer; MWEs are taken greedily left to
    right, never overlapping, and never cross a sentence.
    """
    surface, norm = _mwe_matches(True, tokens, terms, mwe_index), _mwe_matches(False, tokens, terms, mwe_index)
    start, length, term = (np.concatenate(parts) for parts in zip(surface, norm))
    if not start.size:
        return
    is_norm = np.repeat([False, True], [len(surface[0]), len(norm[0])])
    # per start, the longest match; on a tie the surface match
    order = np.lexsort((is_norm, -length, start))
    start, length, term = start[order], length[order], term[order]
    best = np.ones(len(start), dtype=bool)
    best[1:] = start[1:] != start[:-1]
    start, length, term = start[best], length[best], term[best]
    # Greedy, left to right: an MWE that starts inside no earlier one is taken; where they
    # overlap, the earlier taken one wins (decided one by one, only there).
    end = start + length
    overlaps = np.zeros(len(start), dtype=bool)
    overlaps[1:] = start[1:] < np.maximum.accumulate(end)[:-1]
    taken = np.ones(len(start), dtype=bool)
    next_free = 0
    for k in np.flatnonzero(overlaps | np.append(overlaps[1:], False)).tolist():
        if start[k] < next_free:
            taken[k] = False
        else:
            next_free = end[k]
    start, length, term = start[taken], length[taken], term[taken]
    covered = expand_ranges(start, length)
    terms.term[covered] = -1
    terms.is_stop[covered] = False
    terms.term[start] = term


def count_terms(owner: np.ndarray, terms: Terms, *, renumber_tokens: bool = True
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chunk's DTM entries; keeps the terms that occur, numbered in sorted order (in place).

    Each unit's entries come by term, so that
    :class:`stancebook.tokenise.dtm.TermCounts` keeps the corpus DTM's
    columns sorted within each row without sorting it. (A multiword term
    can be named but lose every occurrence to a longer, overlapping one:
    it is dropped.)

    Parameters
    ----------
    owner : numpy.ndarray of int
        The unit (row within the chunk) of every token.
    terms : Terms
        From :func:`chunk_terms` (and :func:`apply_mwes`); its ``term_id``
        is renumbered, and so is ``term`` unless ``renumber_tokens`` is False.
    renumber_tokens : bool, default True
        False leaves every token's ``term`` as it was (stale: only for a
        caller that reads nothing of the tokens' terms afterwards).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Row, term and count of each entry, by row then term.
    """
    names = list(terms.term_id)
    width = max(len(names), 1)
    at = np.flatnonzero(terms.term >= 0)
    keys = owner[at] * width
    keys += terms.term[at]
    keys, counts = np.unique(keys, return_counts=True)  # by row, then term as first numbered
    rows, named = np.divmod(keys, width)
    occurs = np.zeros(len(names), dtype=bool)
    occurs[named] = True
    order = sorted(np.flatnonzero(occurs).tolist(), key=names.__getitem__)
    relabel = np.full(len(names) + 1, -1, dtype=np.int64)  # the last entry: no term stays no term
    relabel[order] = np.arange(len(order))
    cols = relabel[named]
    by_name = rows * max(len(order), 1) + cols
    if np.any(by_name[1:] < by_name[:-1]):
        # (row, term) pairs are distinct: sort them with each count riding in the key's low digits
        # (a plain sort of integers is several times faster than an argsort and three takes)
        scale = int(counts.max()) + 1
        if by_name.max() < _PACK_LIMIT // scale:
            packed = np.sort(by_name * scale + counts)
            by_name, counts = np.divmod(packed, scale)
        else:
            entry = np.argsort(by_name)
            by_name, counts = by_name[entry], counts[entry]
        rows, cols = np.divmod(by_name, max(len(order), 1))
    if renumber_tokens:
        terms.term = relabel[terms.term]
    terms.term_id = {names[k]: i for i, k in enumerate(order)}
    return rows, cols, counts
