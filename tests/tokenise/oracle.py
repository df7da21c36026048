"""The oracle of the streaming path: the tokenise tables built one unit at a time, in plain Python.

This was the library's table-by-table path before the stage became a
package; it now lives only here, so the tests can hold
``stancebook.tokenise.tokenise_corpus`` (numpy over chunks of units, worker
processes) to it row for row. It shares with the library the text layer,
the column lists, the mention matcher (patterns and merging), the MWE index
and the DTM pruning; sentence numbering, offsets, tokens, norms, stopwords,
MWE matching and DTM counting are written here again, unit by unit and
token by token.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from stancebook.artefacts import Dtm
from stancebook.errors import ParameterError
from stancebook.resources.stopwords import load_stopwords
from stancebook.text import fold_case, split_sentences, to_original, tokenize
from stancebook.tokenise.dtm import prune_dtm
from stancebook.tokenise.mentions import MentionMatcher
from stancebook.tokenise.mwes import mwe_index
from stancebook.tokenise.tables import (MENTION_COLUMNS, POSITIONS, SENTENCE_COLUMNS, TOKEN_BOOLS, TOKEN_COLUMNS,
                                        TOKEN_INTS, check_units, typed_frame)


def _units(units: pd.DataFrame):
    check_units(units)
    for unit_id, text, breaks in zip(units["unit_id"], units["text"], units["offset_breaks"]):
        yield str(unit_id), (text if isinstance(text, str) else ""), breaks


def _to_original_spans(starts, ends, breaks) -> tuple[np.ndarray, np.ndarray]:
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if starts.size == 0:
        return starts, ends
    return to_original(starts, breaks), to_original(ends - 1, breaks) + 1


def _sentence_numbers(text: str, positions) -> np.ndarray:
    starts = np.array([a for a, _ in split_sentences(text)], dtype=np.int64)
    return np.maximum(np.searchsorted(starts, np.asarray(positions, dtype=np.int64), side="right"), 1)


def _add_spans(columns: dict, unit_id: str, starts, ends, breaks) -> None:
    orig_starts, orig_ends = _to_original_spans(starts, ends, breaks)
    columns["unit_id"] += [unit_id] * len(starts)
    columns["start"] += np.asarray(starts).tolist()
    columns["end"] += np.asarray(ends).tolist()
    columns["orig_start"] += orig_starts.tolist()
    columns["orig_end"] += orig_ends.tolist()


def sentence_table(units: pd.DataFrame) -> pd.DataFrame:
    """Every unit split into sentences (the sentences table)."""
    columns: dict[str, list] = {c: [] for c in SENTENCE_COLUMNS}
    for unit_id, text, breaks in _units(units):
        spans = split_sentences(text)
        if not spans:
            continue
        starts, ends = np.array(spans, dtype=np.int64).T
        _add_spans(columns, unit_id, starts, ends, breaks)
        columns["sentence"] += list(range(1, len(spans) + 1))
        columns["text"] += [text[a:b] for a, b in spans]
    return typed_frame(columns, ints=POSITIONS)


def find_mentions(units: pd.DataFrame, dictionary) -> pd.DataFrame:
    """Every mention of every target in the units' texts (the mentions table)."""
    matcher = MentionMatcher.from_dictionary(dictionary)
    columns: dict[str, list] = {c: [] for c in MENTION_COLUMNS}
    for unit_id, text, breaks in _units(units):
        merged = matcher.find(text)
        if not merged:
            continue
        starts = np.array([m[0] for m in merged], dtype=np.int64)
        ends = np.array([m[1] for m in merged], dtype=np.int64)
        _add_spans(columns, unit_id, starts, ends, breaks)
        columns["sentence"] += _sentence_numbers(text, starts).tolist()
        columns["surface"] += [text[a:b] for a, b, _, _ in merged]
        columns["target"] += [m[2] for m in merged]
        columns["kind"] += [m[3] for m in merged]
        columns["groups"] += [matcher.groups[m[2]] for m in merged]
    return typed_frame(columns, ints=POSITIONS)


def _longest_mwe(index, i, surfaces, norms, sentences):
    """``(length, term)`` of the longest MWE starting at token ``i`` (surface matches first), or None."""
    n = len(surfaces)
    found = None
    for by_surface in (True, False):
        seq = surfaces if by_surface else norms
        for length, _, keys, term in index.get((by_surface, seq[i]), ()):
            if found is not None and length <= found[0]:
                break
            if i + length <= n and tuple(seq[i:i + length]) == keys and sentences[i] == sentences[i + length - 1]:
                found = (length, term)
                break
    return found


def _join_mwes(index, surfaces, norms, sentences, is_stop, terms) -> None:
    """Scan left to right; the longest MWE at a token takes it and the tokens it covers (in place)."""
    i = 0
    while i < len(surfaces):
        found = _longest_mwe(index, i, surfaces, norms, sentences)
        if found is None:
            i += 1
            continue
        length, term = found
        terms[i] = term
        for k in range(i, i + length):
            is_stop[k] = False
            if k > i:
                terms[k] = None
        i += length


def tokenise_units(units: pd.DataFrame, *, stopwords=None, mwes=(), dictionary=None) -> pd.DataFrame:
    """Every unit tokenised into the tokens table; ``dictionary`` (optional) adds its multiword forms as MWEs."""
    stop = load_stopwords() if stopwords is None else frozenset(stopwords)
    index = mwe_index(mwes, dictionary)
    columns: dict[str, list] = {c: [] for c in TOKEN_COLUMNS}
    for unit_id, text, breaks in _units(units):
        tokens = tokenize(text)
        if not tokens:
            continue
        starts = np.array([t[0] for t in tokens], dtype=np.int64)
        ends = np.array([t[1] for t in tokens], dtype=np.int64)
        sentences = _sentence_numbers(text, starts)
        surfaces = [t[2] for t in tokens]
        kinds = [t[3] for t in tokens]
        norms = [fold_case(s) for s in surfaces]
        is_stop = [k == "word" and (w in stop or w.rstrip(".") in stop) for w, k in zip(norms, kinds)]
        terms: list = [w if k == "word" and not s else None for w, k, s in zip(norms, kinds, is_stop)]
        if index:
            _join_mwes(index, surfaces, norms, sentences, is_stop, terms)
        _add_spans(columns, unit_id, starts, ends, breaks)
        columns["sentence"] += sentences.tolist()
        columns["token_index"] += list(range(len(tokens)))
        columns["text"] += surfaces
        columns["norm"] += norms
        columns["kind"] += kinds
        columns["is_stop"] += is_stop
        columns["term"] += terms
    return typed_frame(columns, ints=TOKEN_INTS, bools=TOKEN_BOOLS)


def build_dtm(tokens: pd.DataFrame, unit_ids, *, min_df=1, max_df=1.0) -> Dtm:
    """Count each unit's terms into a DTM whose rows are ``unit_ids``, in that order."""
    ids = pd.Index([str(u) for u in unit_ids])
    if ids.has_duplicates:
        raise ParameterError(f"unit_ids holds duplicates, e.g. {ids[ids.duplicated()][0]!r}; one row per unit.")
    has_term = tokens["term"].notna().to_numpy()
    rows = ids.get_indexer(tokens["unit_id"].astype(str).to_numpy()[has_term])
    terms = tokens["term"].to_numpy(dtype=object)[has_term][rows >= 0]
    rows = rows[rows >= 0]
    codes, vocabulary = pd.factorize(pd.Series(terms, dtype=object), sort=True)
    vocabulary = np.asarray(vocabulary, dtype=str)
    matrix = sp.coo_matrix((np.ones(len(rows), dtype=np.int64), (rows, codes)),
                           shape=(len(ids), len(vocabulary))).tocsr()
    matrix.sum_duplicates()
    return prune_dtm(matrix, vocabulary, np.asarray(ids, dtype=str), min_df=min_df, max_df=max_df)
