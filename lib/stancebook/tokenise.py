"""Stage 1: sentences, tokens, stopwords, actor mentions and the document-term matrix.

Everything here is pure Python + regular expressions + numpy/scipy/pandas: no
language model is downloaded, so the same text always gives the same tables.

Decisions a researcher should know about
----------------------------------------
Sentences (:func:`split_sentences`)
    Paragraphs (separated by a blank line, ``"\\n\\n"``) are never crossed, so a
    title line is its own sentence. Inside a paragraph a sentence ends at ``.``,
    ``?``, ``!`` or an ellipsis (with any closing quotes or brackets) followed by
    whitespace and a word that does not start with a lower-case letter, except:

    * after titles (``Mr.``, ``Dr.``, ``Gen.``, ...) and ``e.g.``, ``i.e.``,
      ``vs.``, ``cf.``: never a boundary;
    * after ``No.``, ``Art.``, ``para.``, ``p.`` and month abbreviations
      (``Sept.``): no boundary before a number (``No. 5``, ``Jan. 12``);
    * after dotted initialisms (``U.S.``, ``U.N.``), single initials (``W.``)
      and ``Inc.``, ``Ltd.``, ``Co.``, ``Jr.``: a boundary **only** when the next
      word is a common sentence opener (``The``, ``It``, ``We``, ``This``,
      ``But``, ... see ``_SENTENCE_OPENERS``). So ``the U.S. Congress`` stays
      one sentence and ``in the U.S. The next day`` is split;
    * a paragraph that opens with an enumerator (``1.``, ``iv.``, ``(a).``) keeps
      it in its first sentence.

Tokens (:func:`tokenize`)
    Hyphenated compounds are one word (``anti-imperialist``, ``Putin-Kim``);
    the possessive/clitic ``'s`` (straight or curly) is its own token; other
    contractions stay whole (``don't``); dotted initialisms (``U.S.``) and known
    abbreviations (``Mr.``, ``etc.``; ``No.`` before a number) are one token;
    numbers keep decimals and thousands separators (``3.5``, ``1,000``).

Norms (:func:`fold_case`)
    Lower case, except all-capital tokens of two or more letters (``US``,
    ``DPRK``, ``U.S.``), which keep their case; curly apostrophes become ``'``.

Mentions (:func:`find_mentions`)
    One compiled, case-aware regular expression over the unit text (not over
    tokens), longest form first, with hyphens as word boundaries; a demonym
    (or a name with ``'s``, or a metonym) followed by role words and a leader of
    the same target is merged into one ``leader`` mention.

Corpora (:func:`tokenise_corpus`)
    The same tables in one pass over chunks of units, in worker processes
    when ``n_jobs`` is not 1, merged in input order (identical to the
    table-by-table functions, whatever ``n_jobs`` and the chunk size). Use it
    for large corpora, with ``keep_tokens=False`` when the tokens table would
    not fit in memory.

Missing values: the ``term`` column of the tokens table uses pandas' string
dtype; tokens without a term (stopwords, punctuation, numbers, and the second
and later tokens of a multiword expression) hold a missing value (NaN), so test
it with ``tokens["term"].isna()``.
"""

from __future__ import annotations

import math
import multiprocessing
import re
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from stancebook.artefacts import Dtm, load_dtm, save_dtm  # noqa: F401  (load_dtm, save_dtm: public here too)
from stancebook.errors import CorpusError, ParameterError
from stancebook.resources.actors import MENTION_KINDS, ActorDictionary, load_actor_dictionary  # noqa: F401
from stancebook.resources.stopwords import load_stopwords
from stancebook.stats import log_likelihood_g2
from stancebook.text.normalise import to_original
from stancebook.text.segment import split_paragraphs, split_sentences  # noqa: F401
from stancebook.text.tokens import (ABBREVIATIONS, NOT_BEFORE_WORD, NUMBER_ABBREVIATIONS, TOKEN_KINDS, TOKEN_PATTERN, WORD_CHAR, fold_case, tokenize)
from stancebook.workers import n_workers

SENTENCE_COLUMNS = ["unit_id", "sentence", "start", "end", "orig_start", "orig_end", "text"]
TOKEN_COLUMNS = [
    "unit_id", "sentence", "token_index", "start", "end", "orig_start", "orig_end",
    "text", "norm", "kind", "is_stop", "term",
]
MENTION_COLUMNS = [
    "unit_id", "sentence", "start", "end", "orig_start", "orig_end", "surface", "target", "kind", "groups",
]


def _variants(form: str) -> list[str]:
    """A form as written, with a capitalised first letter, with curly apostrophes."""
    out = [form]
    if form[0].islower():
        out.append(form[0].upper() + form[1:])
    out += [v.replace("'", "\u2019") for v in out if "'" in v]
    return out


# Whitespace inside a multiword form: any run of spaces holding at most one newline,
# so that a form never spans a paragraph break ("\n\n").
_SPACE = r"(?:[^\S\n]+\n?[^\S\n]*|\n[^\S\n]*)"


def _trie_pattern(forms: Iterable[str], *, not_after_word: bool = False) -> str:
    """A regular expression matching any of ``forms``, the longest first.

    The forms are merged into a character trie, so the engine tests each
    position against a few first characters instead of every form in turn
    (an alternation of hundreds of forms is several times slower). At every
    node the longer continuations are tried before the form that ends there,
    which makes the match at a position the longest form (with its word
    boundary) that fits.

    ``not_after_word=True`` adds the condition "no word character before the
    match" as a lookbehind *after* the first character of each branch rather
    than in front of the whole pattern: a pattern whose branches all start
    with a literal lets the engine jump to the next possible first character
    (about twice as fast as trying every position).
    """
    root: dict = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = True

    def piece(char: str) -> str:
        return _SPACE if char == " " else re.escape(char)

    def render(node: dict, last: str, lead: str = "") -> str:
        branches = [piece(c) + lead + render(node[c], c) for c in sorted(k for k in node if k)]
        if "" in node:
            branches.append(NOT_BEFORE_WORD if re.match(WORD_CHAR, last) else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return render(root, "", rf"(?<!{WORD_CHAR}[\s\S])" if not_after_word else "")


def _mention_matcher(dictionary: ActorDictionary):
    """One compiled regex of every form (longest first), its lookup table, the role-word gaps."""
    lookup: dict[str, tuple[str | None, str | None]] = {}
    for form, target, kind in dictionary.forms():
        for variant in _variants(form):
            lookup.setdefault(variant, (target, kind))
    for form in dictionary.ignore:
        for variant in _variants(form) + _variants("the " + form):
            lookup.setdefault(variant, (None, None))
    pattern = _trie_pattern(lookup, not_after_word=True)
    keyed = {re.sub(r"\s+", " ", f): v for f, v in lookup.items()}
    role = "(?:" + _trie_pattern(dictionary.role_words) + ")" if dictionary.role_words else "(?!)"
    after_demonym = re.compile(rf"(?:['\u2019]s)?(?:{_SPACE}{role})*{_SPACE}", re.IGNORECASE)
    after_name = re.compile(rf"(?:['\u2019]s(?:{_SPACE}{role})*|(?:{_SPACE}{role})+){_SPACE}", re.IGNORECASE)
    return re.compile(pattern), keyed, after_demonym, after_name


def _unit_frame_check(units, needed: Sequence[str]) -> None:
    if not isinstance(units, pd.DataFrame):
        raise ParameterError(f"units must be a pandas DataFrame (the units table), got {type(units).__name__}.")
    missing = [c for c in needed if c not in units.columns]
    if missing:
        raise CorpusError(f"The units table has no column(s) {missing}; expected the table from "
                          f"stancebook.corpus.split_units with columns {list(needed)}.")


def _to_original_spans(starts, ends, breaks) -> tuple[np.ndarray, np.ndarray]:
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    if starts.size == 0:
        return starts, ends
    return to_original(starts, breaks), to_original(ends - 1, breaks) + 1


def _sentence_numbers(text: str, positions) -> np.ndarray:
    starts = np.array([a for a, _ in split_sentences(text)], dtype=np.int64)
    return np.maximum(np.searchsorted(starts, np.asarray(positions, dtype=np.int64), side="right"), 1)


def find_mentions(units: pd.DataFrame, dictionary: ActorDictionary) -> pd.DataFrame:
    """Find every mention of every target in the units' texts.

    Parameters
    ----------
    units : pandas.DataFrame
        The units table (``unit_id``, ``text``, ``offset_breaks``).
    dictionary : ActorDictionary
        From :func:`load_actor_dictionary`.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit_id, sentence, start, end, orig_start, orig_end,
        surface, target, kind, groups``; sorted by unit order, then start.
        ``sentence`` is 1-based (:func:`split_sentences` of the unit text);
        ``groups`` is a comma-separated list of group ids ("" for none).
        Matching is case-aware, on whole words (hyphens are boundaries, so
        ``Putin-Kim`` gives two mentions), longest form first; a demonym,
        a name with ``'s``, or a metonym, followed by role words and a leader of
        the same target, becomes ONE ``leader`` mention ("North Korean leader
        Kim Jong Un").

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["u"], "text": ["Russian President Vladimir Putin met Kim."],
    ...                       "offset_breaks": [[0, 0]]})
    >>> find_mentions(units, load_actor_dictionary())[["surface", "target", "kind"]].values.tolist()
    [['Russian President Vladimir Putin', 'russia', 'leader'], ['Kim', 'north_korea', 'leader']]
    """
    if not isinstance(dictionary, ActorDictionary):
        raise ParameterError("dictionary must be an ActorDictionary from load_actor_dictionary().")
    _unit_frame_check(units, ["unit_id", "text", "offset_breaks"])
    matcher, lookup, after_demonym, after_name = _mention_matcher(dictionary)
    groups = {t: ",".join(dictionary.groups_of(t)) for t in dictionary.targets}
    columns: dict[str, list] = {c: [] for c in MENTION_COLUMNS}
    for unit_id, text, breaks in zip(units["unit_id"], units["text"], units["offset_breaks"]):
        text = text if isinstance(text, str) else ""
        merged = _merged_mentions(text, matcher, lookup, after_demonym, after_name)
        if not merged:
            continue
        starts = np.array([m[0] for m in merged], dtype=np.int64)
        ends = np.array([m[1] for m in merged], dtype=np.int64)
        orig_starts, orig_ends = _to_original_spans(starts, ends, breaks)
        columns["unit_id"] += [str(unit_id)] * len(merged)
        columns["sentence"] += _sentence_numbers(text, starts).tolist()
        columns["start"] += starts.tolist()
        columns["end"] += ends.tolist()
        columns["orig_start"] += orig_starts.tolist()
        columns["orig_end"] += orig_ends.tolist()
        columns["surface"] += [text[a:b] for a, b, _, _ in merged]
        columns["target"] += [m[2] for m in merged]
        columns["kind"] += [m[3] for m in merged]
        columns["groups"] += [groups[m[2]] for m in merged]
    return _typed_frame(columns, ints=("sentence", "start", "end", "orig_start", "orig_end"))


def _typed_frame(columns: dict[str, list], *, ints=(), bools=()) -> pd.DataFrame:
    data = {}
    for name, values in columns.items():
        if name in ints:
            data[name] = np.asarray(values, dtype=np.int64)
        elif name in bools:
            data[name] = np.asarray(values, dtype=bool)
        else:
            data[name] = pd.array(values, dtype="str")
    return pd.DataFrame(data)


# --------------------------------------------------------------------------
# Sentence and token tables
# --------------------------------------------------------------------------

def sentence_table(units: pd.DataFrame) -> pd.DataFrame:
    """Split every unit into sentences.

    Parameters
    ----------
    units : pandas.DataFrame
        The units table (``unit_id``, ``text``, ``offset_breaks``).

    Returns
    -------
    pandas.DataFrame
        Columns ``unit_id, sentence, start, end, orig_start, orig_end, text``:
        ``sentence`` is 1-based within the unit, ``start``/``end`` index the
        unit text, ``orig_*`` the document's original text.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["u"], "text": ["Title\\n\\nMr. Kim came. He left."],
    ...                       "offset_breaks": [[0, 0]]})
    >>> sentence_table(units)["text"].tolist()
    ['Title', 'Mr. Kim came.', 'He left.']
    """
    _unit_frame_check(units, ["unit_id", "text", "offset_breaks"])
    columns: dict[str, list] = {c: [] for c in SENTENCE_COLUMNS}
    for unit_id, text, breaks in zip(units["unit_id"], units["text"], units["offset_breaks"]):
        text = text if isinstance(text, str) else ""
        spans = split_sentences(text)
        if not spans:
            continue
        starts, ends = np.array(spans, dtype=np.int64).T
        orig_starts, orig_ends = _to_original_spans(starts, ends, breaks)
        columns["unit_id"] += [str(unit_id)] * len(spans)
        columns["sentence"] += list(range(1, len(spans) + 1))
        columns["start"] += starts.tolist()
        columns["end"] += ends.tolist()
        columns["orig_start"] += orig_starts.tolist()
        columns["orig_end"] += orig_ends.tolist()
        columns["text"] += [text[a:b] for a, b in spans]
    return _typed_frame(columns, ints=("sentence", "start", "end", "orig_start", "orig_end"))


def _mwe_term(norms: Sequence[str]) -> str:
    term = ""
    for norm in norms:
        norm = norm.lower()
        term += norm if (not term or norm[:1] == "'") else "_" + norm
    return term


def _mwe_index(mwes, dictionary) -> dict[tuple[str, str], list[tuple[int, bool, tuple, str]]]:
    """Index MWEs by (key kind, first key): ``[(length, by_surface, keys, term), ...]`` longest first."""
    index: dict[tuple[str, str], list] = {}
    seen = set()

    def add(keys: tuple, by_surface: bool, term: str) -> None:
        if len(keys) < 2 or (keys, by_surface) in seen:
            return
        seen.add((keys, by_surface))
        index.setdefault((by_surface, keys[0]), []).append((len(keys), by_surface, keys, term))

    if isinstance(mwes, (str, tuple)) and mwes and isinstance(mwes[0], str):
        raise ParameterError("mwes must be an iterable of tuples of norms, e.g. [('security', 'council')].")
    for mwe in mwes:
        if isinstance(mwe, str) or not all(isinstance(w, str) and w for w in mwe):
            raise ParameterError(f"mwes holds {mwe!r}; each multiword expression must be a tuple of "
                                 "norms, e.g. ('security', 'council').")
        keys = tuple(w.replace("\u2019", "'") for w in mwe)
        add(keys, False, _mwe_term(keys))
    if dictionary is not None:
        if not isinstance(dictionary, ActorDictionary):
            raise ParameterError("dictionary must be an ActorDictionary from load_actor_dictionary(), or None.")
        for form, _, _ in dictionary.forms():
            for variant in _variants(form):
                surfaces = tuple(t[2] for t in tokenize(variant))
                add(surfaces, True, _mwe_term([fold_case(s) for s in surfaces]))
    for candidates in index.values():
        candidates.sort(key=lambda c: (-c[0], c[2]))
    return index


def tokenise_units(units: pd.DataFrame, *, stopwords=None, mwes=(), dictionary=None) -> pd.DataFrame:
    """Tokenise every unit into the tokens table.

    Parameters
    ----------
    units : pandas.DataFrame
        The units table (``unit_id``, ``text``, ``offset_breaks``).
    stopwords : set of str, optional
        Norms to drop; ``None`` uses :func:`load_stopwords` (English + domain).
    mwes : iterable of tuple of str, default ()
        Multiword expressions as tuples of norms, e.g. ``("security", "council")``;
        matched on consecutive tokens' norms within a sentence.
    dictionary : ActorDictionary, optional
        When given, every multiword form of it (``North Korea``, ``the West``,
        ``Kim Jong Un``) is also an MWE, matched case-aware on the surfaces
        (so the lower-case direction "the west" is not the West).

    Returns
    -------
    pandas.DataFrame
        Columns ``unit_id, sentence, token_index, start, end, orig_start,
        orig_end, text, norm, kind, is_stop, term``. ``term`` is the norm of
        a content word, or the MWE term (norms joined by ``_``, lower case:
        ``north_korea``) on the first token of a multiword expression; it is
        missing (NaN, string dtype) for stopwords, punctuation, numbers and
        the later tokens of an MWE. Tokens inside an MWE are never stopwords
        (``is_stop`` False), so ``the West`` keeps the term ``the_west``.
        The longest MWE wins, scanning left to right.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["u"], "text": ["The US and North Korea met."],
    ...                       "offset_breaks": [[0, 0]]})
    >>> tokens = tokenise_units(units, dictionary=load_actor_dictionary())
    >>> tokens["term"].dropna().tolist()
    ['US', 'north_korea', 'met']
    """
    _unit_frame_check(units, ["unit_id", "text", "offset_breaks"])
    stop = load_stopwords() if stopwords is None else frozenset(stopwords)
    index = _mwe_index(mwes, dictionary)
    columns: dict[str, list] = {c: [] for c in TOKEN_COLUMNS}
    folded: dict[str, str] = {}  # a vocabulary-sized cache: most surfaces repeat
    for unit_id, text, breaks in zip(units["unit_id"], units["text"], units["offset_breaks"]):
        text = text if isinstance(text, str) else ""
        tokens = tokenize(text)
        if not tokens:
            continue
        n = len(tokens)
        starts = np.fromiter((t[0] for t in tokens), dtype=np.int64, count=n)
        ends = np.fromiter((t[1] for t in tokens), dtype=np.int64, count=n)
        sentences = _sentence_numbers(text, starts)
        surfaces = [t[2] for t in tokens]
        kinds = [t[3] for t in tokens]
        norms = [folded.get(s) or folded.setdefault(s, fold_case(s)) for s in surfaces]
        is_stop = [k == "word" and (w in stop or w.rstrip(".") in stop) for w, k in zip(norms, kinds)]
        terms: list = [w if k == "word" and not s else None for w, k, s in zip(norms, kinds, is_stop)]
        if index:
            i = 0
            while i < n:
                found = None
                for by_surface in (True, False):
                    for length, _, keys, term in index.get((by_surface, (surfaces if by_surface else norms)[i]), ()):
                        if found is not None and length <= found[0]:
                            break
                        seq = surfaces if by_surface else norms
                        if (i + length <= n and tuple(seq[i:i + length]) == keys
                                and sentences[i] == sentences[i + length - 1]):
                            found = (length, term)
                            break
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
        orig_starts, orig_ends = _to_original_spans(starts, ends, breaks)
        columns["unit_id"] += [str(unit_id)] * n
        columns["sentence"] += sentences.tolist()
        columns["token_index"] += list(range(n))
        columns["start"] += starts.tolist()
        columns["end"] += ends.tolist()
        columns["orig_start"] += orig_starts.tolist()
        columns["orig_end"] += orig_ends.tolist()
        columns["text"] += surfaces
        columns["norm"] += norms
        columns["kind"] += kinds
        columns["is_stop"] += is_stop
        columns["term"] += terms
    return _typed_frame(columns, ints=("sentence", "token_index", "start", "end", "orig_start", "orig_end"),
                        bools=("is_stop",))


# --------------------------------------------------------------------------
# Collocations
# --------------------------------------------------------------------------

def _check_tokens(tokens, needed: Sequence[str]) -> None:
    if not isinstance(tokens, pd.DataFrame):
        raise ParameterError(f"tokens must be the tokens table (a DataFrame), got {type(tokens).__name__}.")
    missing = [c for c in needed if c not in tokens.columns]
    if missing:
        raise ParameterError(f"tokens has no column(s) {missing}; pass the table from tokenise_units().")


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ParameterError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def find_collocations(tokens: pd.DataFrame, *, min_count: int = 2, top: int = 30) -> pd.DataFrame:
    """Propose multiword expressions: adjacent content-term bigrams.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The tokens table from :func:`tokenise_units`.
    min_count : int, default 2
        Keep bigrams seen at least this often.
    top : int, default 30
        Return at most this many rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``first, second, count, pmi, g2``: two terms that follow each
        other in a sentence with no stopword, number or punctuation between
        (an existing MWE counts as one term); ``pmi`` in bits and Dunning's
        ``g2`` from the 2x2 table of bigram positions. Sorted by ``g2``
        descending, then the terms. Feed ``zip(first, second)`` of the rows
        you accept to ``tokenise_units(mwes=...)``.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["u"], "text": ["Nuclear weapons. Nuclear weapons again."],
    ...                       "offset_breaks": [[0, 0]]})
    >>> find_collocations(tokenise_units(units))[["first", "second", "count"]].values.tolist()
    [['nuclear', 'weapons', 2]]
    """
    min_count = _positive_int(min_count, "min_count")
    top = _positive_int(top, "top")
    _check_tokens(tokens, ["unit_id", "sentence", "kind", "is_stop", "term"])
    # Later tokens of an MWE (a non-stop word without a term) are skipped, not breaks.
    continuation = tokens["term"].isna() & ~tokens["is_stop"].astype(bool) & (tokens["kind"] == "word")
    kept = tokens.loc[~continuation, ["unit_id", "sentence", "term"]]
    term = kept["term"].to_numpy(dtype=object)
    unit = kept["unit_id"].to_numpy(dtype=object)
    sentence = kept["sentence"].to_numpy()
    has = ~pd.isna(kept["term"]).to_numpy()
    pair = has[:-1] & has[1:] & (unit[:-1] == unit[1:]) & (sentence[:-1] == sentence[1:])
    empty = pd.DataFrame({"first": pd.array([], dtype="str"), "second": pd.array([], dtype="str"),
                          "count": np.array([], dtype=np.int64), "pmi": np.array([], dtype=float),
                          "g2": np.array([], dtype=float)})
    if not pair.any():
        return empty
    bigrams = pd.DataFrame({"first": term[:-1][pair], "second": term[1:][pair]})
    n = len(bigrams)
    counts = bigrams.value_counts(sort=False).rename("count").reset_index()
    c1 = counts["first"].map(bigrams["first"].value_counts()).to_numpy(dtype=float)
    c2 = counts["second"].map(bigrams["second"].value_counts()).to_numpy(dtype=float)
    c12 = counts["count"].to_numpy(dtype=float)
    counts = counts.assign(
        pmi=np.log2(c12 * n / (c1 * c2)),
        g2=log_likelihood_g2(c12, c1 - c12, c2 - c12, n - c1 - c2 + c12),
    )
    counts = counts.loc[counts["count"] >= min_count]
    if counts.empty:
        return empty
    counts = counts.sort_values(["g2", "first", "second"], ascending=[False, True, True], kind="stable")
    out = counts.head(top).reset_index(drop=True)
    return out.astype({"first": "str", "second": "str", "count": "int64", "pmi": "float64", "g2": "float64"})


# --------------------------------------------------------------------------
# Document-term matrix
# --------------------------------------------------------------------------

def _df_bound(value, name: str, n_units: int, *, allow_int: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(f"{name} must be a number, got {value!r}.")
    if isinstance(value, (float, np.floating)):
        if not 0.0 < value <= 1.0:
            raise ParameterError(f"{name}={value!r}: a float is a share of units and must be in (0, 1].")
        return value * n_units
    if not allow_int or value < 1:
        raise ParameterError(f"{name}={value!r}: an integer is a number of units and must be >= 1.")
    return float(value)


def build_dtm(tokens: pd.DataFrame, unit_ids, *, min_df=1, max_df=1.0) -> Dtm:
    """Count each unit's terms into a sparse document-term matrix.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The tokens table (``unit_id``, ``term``); rows without a term are skipped,
        as are units not in ``unit_ids``.
    unit_ids : sequence of str
        The rows, in order (units without terms give empty rows); no duplicates.
    min_df : int or float, default 1
        Keep terms found in at least this many units (int) or this share of
        units (float in (0, 1]).
    max_df : float or int, default 1.0
        Keep terms found in at most this share of units (float in (0, 1]) or
        this many units (int).

    Returns
    -------
    Dtm

    Examples
    --------
    >>> tokens = pd.DataFrame({"unit_id": ["a", "a", "b"], "term": ["war", "peace", "war"]})
    >>> dtm = build_dtm(tokens, ["a", "b", "c"])
    >>> dtm.terms.tolist(), dtm.matrix.toarray().tolist()
    (['peace', 'war'], [[1, 1], [0, 1], [0, 0]])
    """
    _check_tokens(tokens, ["unit_id", "term"])
    ids = pd.Index([str(u) for u in unit_ids])
    if ids.has_duplicates:
        raise ParameterError(f"unit_ids holds duplicates, e.g. {ids[ids.duplicated()][0]!r}; one row per unit.")
    low, high = _df_bounds(min_df, max_df, len(ids))
    has_term = tokens["term"].notna().to_numpy()
    rows = ids.get_indexer(tokens["unit_id"].astype(str).to_numpy()[has_term])
    terms = tokens["term"].to_numpy(dtype=object)[has_term][rows >= 0]
    rows = rows[rows >= 0]
    codes, vocabulary = pd.factorize(pd.Series(terms, dtype=object), sort=True)
    vocabulary = np.asarray(vocabulary, dtype=str)
    matrix = sp.coo_matrix((np.ones(len(rows), dtype=np.int64), (rows, codes)),
                           shape=(len(ids), len(vocabulary))).tocsr()
    matrix.sum_duplicates()
    return _pruned_dtm(matrix, vocabulary, np.asarray(ids, dtype=str), low, high, min_df, max_df)


def _df_bounds(min_df, max_df, n_units: int) -> tuple[float, float]:
    low = _df_bound(min_df, "min_df", n_units, allow_int=True)
    high = _df_bound(max_df, "max_df", n_units, allow_int=True)
    if n_units and math.ceil(low - 1e-9) > math.floor(high + 1e-9):
        raise ParameterError(f"min_df={min_df!r} keeps terms in at least {math.ceil(low - 1e-9)} units but "
                             f"max_df={max_df!r} keeps them in at most {math.floor(high + 1e-9)}; "
                             "lower min_df or raise max_df.")
    return low, high


def _pruned_dtm(matrix, vocabulary: np.ndarray, unit_ids: np.ndarray, low: float, high: float,
                min_df, max_df) -> Dtm:
    """Drop the columns outside the document-frequency bounds; int64 CSR with sorted indices."""
    if len(vocabulary):
        df = np.diff(matrix.tocsc().indptr)
        keep = (df >= low - 1e-9) & (df <= high + 1e-9)
        if not keep.any():
            raise ParameterError(f"min_df={min_df!r} and max_df={max_df!r} remove every one of the "
                                 f"{len(vocabulary)} terms; lower min_df or raise max_df.")
        if not keep.all():
            matrix = matrix[:, np.flatnonzero(keep)]
            vocabulary = vocabulary[keep]
    matrix = sp.csr_matrix(matrix, dtype=np.int64)
    matrix.sort_indices()
    return Dtm(matrix=matrix, terms=vocabulary, unit_ids=unit_ids)


# --------------------------------------------------------------------------
# The streaming, parallel path: sentences, mentions, tokens and DTM at once
# --------------------------------------------------------------------------

_KINDS = ("word", "number", "punct")
_KIND_CODE = {group: _KINDS.index(kind) for group, kind in TOKEN_KINDS.items()}
# str.isspace (= the regex \s) for every code point up to U+3000, the last space.
_IS_SPACE = np.array([chr(c).isspace() for c in range(0x3001)] + [False], dtype=bool)
# A whitespace-separated piece ending like "No." tokenises as "No." before a
# number and as "No" "." otherwise (the only look-ahead that crosses a space).
_ENDS_LIKE_NUMBER_ABBREVIATION = re.compile(rf"(?:{NUMBER_ABBREVIATIONS})\.\Z")
_DEFAULT_CHUNK_CHARS = 4_000_000
# Words that a following "." can join into one token (Mr., No. 5); "peace." is "peace" + ".".
_DOTTED_WORDS = frozenset(f"{ABBREVIATIONS}|{NUMBER_ABBREVIATIONS}".split("|"))
_SIMPLE_CLOSERS = frozenset(".,;:!?)\"")


@dataclass(frozen=True, eq=False)
class TokeniseResult:
    """Everything the tokenise stage produces for a corpus.

    Attributes
    ----------
    sentences : pandas.DataFrame
        As :func:`sentence_table`.
    mentions : pandas.DataFrame
        As :func:`find_mentions`.
    tokens : pandas.DataFrame or None
        As :func:`tokenise_units`; None when ``keep_tokens=False``.
    dtm : Dtm
        As :func:`build_dtm` of those tokens, one row per unit in input order.
    """

    sentences: pd.DataFrame
    mentions: pd.DataFrame
    tokens: pd.DataFrame | None
    dtm: Dtm


@dataclass(frozen=True)
class _Spec:
    """What a worker needs besides the texts (pickled once per chunk; small)."""

    stopwords: frozenset
    mwe_index: dict
    matcher: re.Pattern
    lookup: dict
    after_demonym: re.Pattern
    after_name: re.Pattern
    groups: dict
    keep_tokens: bool


def _codepoints(text: str) -> np.ndarray:
    # One uint32 per character, so numpy positions are str positions.
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _merged_mentions(text: str, matcher, lookup, after_demonym, after_name) -> list[tuple[int, int, str, str]]:
    """The mentions of one text, a demonym or name + role words + leader of one target merged into one."""
    raw = []
    for match in matcher.finditer(text):
        target, kind = lookup[re.sub(r"\s+", " ", match.group())]
        if target is not None:
            raw.append([match.start(), match.end(), target, kind])
    merged = []
    i = 0
    while i < len(raw):
        start, end, target, kind = raw[i]
        gap = after_demonym if kind == "demonym" else after_name if kind in ("name", "metonym") else None
        if gap is not None:
            for j in range(i + 1, min(len(raw), i + 4)):
                if raw[j][2] != target:
                    break
                if raw[j][3] == "leader" and gap.fullmatch(text, end, raw[j][0]):
                    end, kind, i = raw[j][1], "leader", j
                    break
        merged.append((start, end, target, kind))
        i += 1
    return merged


def _unit_mentions(text: str, spec: _Spec) -> list[tuple[int, int, str, str]]:
    """The merged mentions of one text, exactly as :func:`find_mentions` finds them."""
    return _merged_mentions(text, spec.matcher, spec.lookup, spec.after_demonym, spec.after_name)


def _original_spans(starts: np.ndarray, ends: np.ndarray, owner: np.ndarray, breaks: list) -> tuple:
    """Vectorised :func:`_to_original_spans` over many units (``owner`` = unit of each span)."""
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
            orig_starts[rows], orig_ends[rows] = _to_original_spans(starts[rows], ends[rows], breaks[u])
    return orig_starts, orig_ends


def _piece_tokens(pieces: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list, np.ndarray]:
    """Tokenise each distinct whitespace-free piece once.

    Returns CSR-like arrays over the pieces: ``ptr`` (token range of piece k
    is ``ptr[k]:ptr[k + 1]``), each token's offset in its piece, its surface
    id and kind code, plus the surface strings.
    """
    surface_id: dict[str, int] = {}
    ptr = [0]
    rel: list[int] = []
    sid: list[int] = []
    kind: list[int] = []
    word, punct = _KIND_CODE["word"], _KIND_CODE["punct"]
    for piece in pieces:
        # Fast paths, checked against the regex on every piece of the UN General Debates:
        # a run of letters is one word; letters + one closing mark are a word and a mark.
        if piece.isalpha():
            rel.append(0)
            sid.append(surface_id.setdefault(piece, len(surface_id)))
            kind.append(word)
            ptr.append(len(rel))
            continue
        head, last = piece[:-1], piece[-1:]
        if last in _SIMPLE_CLOSERS and head.isalpha() and (last != "." or head not in _DOTTED_WORDS):
            rel += (0, len(head))
            sid += (surface_id.setdefault(head, len(surface_id)), surface_id.setdefault(last, len(surface_id)))
            kind += (word, punct)
            ptr.append(len(rel))
            continue
        for match in TOKEN_PATTERN.finditer(piece):
            surface = match.group()
            rel.append(match.start())
            sid.append(surface_id.setdefault(surface, len(surface_id)))
            kind.append(_KIND_CODE[match.lastgroup])
        ptr.append(len(rel))
    return (np.asarray(ptr, dtype=np.int64), np.asarray(rel, dtype=np.int64), np.asarray(sid, dtype=np.int64),
            list(surface_id), np.asarray(kind, dtype=np.int8))


def _chunk_tables(unit_ids: list, texts: list, breaks: list, spec: _Spec) -> dict:
    """Sentences, mentions, token arrays and DTM counts of one chunk of units (runs in workers)."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    n_units = len(texts)
    # -- sentences and mentions, unit by unit ------------------------------
    sent_spans = [split_sentences(t) for t in texts]
    n_sent = np.fromiter((len(s) for s in sent_spans), dtype=np.int64, count=n_units)
    sent_owner = np.repeat(np.arange(n_units), n_sent)
    flat_spans = np.array([span for spans in sent_spans for span in spans], dtype=np.int64).reshape(-1, 2)
    s_start, s_end = flat_spans[:, 0].copy(), flat_spans[:, 1].copy()
    so_start, so_end = _original_spans(s_start, s_end, sent_owner, breaks)
    sentences = _typed_frame({
        "unit_id": np.repeat(np.asarray(unit_ids, dtype=object), n_sent),
        "sentence": np.arange(len(s_start)) - np.repeat(np.cumsum(n_sent) - n_sent, n_sent) + 1,
        "start": s_start, "end": s_end, "orig_start": so_start, "orig_end": so_end,
        "text": [texts[u][a:b] for u, a, b in zip(sent_owner.tolist(), s_start.tolist(), s_end.tolist())],
    }, ints=("sentence", "start", "end", "orig_start", "orig_end"))
    # Global positions (units laid end to end) turn per-unit sentence numbering into one searchsorted.
    # Offsets of the units in " ".join(texts).
    base = np.concatenate(([0], np.cumsum([len(t) + 1 for t in texts])[:-1])).astype(np.int64)
    sent_before = np.cumsum(n_sent) - n_sent
    global_starts = s_start + base[sent_owner]

    def sentence_numbers(positions: np.ndarray, owner: np.ndarray) -> np.ndarray:
        found = np.searchsorted(global_starts, positions + base[owner], side="right")
        return np.maximum(found - sent_before[owner], 1)

    found = [_unit_mentions(t, spec) for t in texts]
    n_found = np.fromiter((len(f) for f in found), dtype=np.int64, count=n_units)
    m_owner = np.repeat(np.arange(n_units), n_found)
    m_start = np.fromiter((m[0] for f in found for m in f), dtype=np.int64, count=int(n_found.sum()))
    m_end = np.fromiter((m[1] for f in found for m in f), dtype=np.int64, count=int(n_found.sum()))
    mo_start, mo_end = _original_spans(m_start, m_end, m_owner, breaks)
    mentions = _typed_frame({
        "unit_id": np.repeat(np.asarray(unit_ids, dtype=object), n_found),
        "sentence": sentence_numbers(m_start, m_owner),
        "start": m_start, "end": m_end, "orig_start": mo_start, "orig_end": mo_end,
        "surface": [texts[u][a:b] for u, a, b in zip(m_owner.tolist(), m_start.tolist(), m_end.tolist())],
        "target": [m[2] for f in found for m in f],
        "kind": [m[3] for f in found for m in f],
        "groups": [spec.groups[m[2]] for f in found for m in f],
    }, ints=("sentence", "start", "end", "orig_start", "orig_end"))

    # -- tokens: tokenise each distinct whitespace-separated piece once ----
    # No token crosses whitespace, so the token sequence of a text is the concatenation of
    # those of its pieces (see _piece_tokens for the one look-ahead that crosses a space).
    # The pieces are cut and hashed by numpy and pyarrow, not one Python object each.
    joined = " ".join(texts)
    raw = joined.encode("utf-32-le", "surrogatepass")
    cp = np.frombuffer(raw, dtype=np.uint32)
    space = _IS_SPACE[np.minimum(cp, len(_IS_SPACE) - 1)]
    boundary = np.ones(len(cp) + 1, dtype=bool)
    boundary[1:-1] = space[1:] != space[:-1]
    edges = np.flatnonzero(boundary)  # alternating starts and ends of runs
    run_is_piece = ~space[edges[:-1]] if len(cp) else np.zeros(0, dtype=bool)
    piece_start_joined = edges[:-1][run_is_piece]
    piece_owner = np.searchsorted(base, piece_start_joined, side="right") - 1
    piece_start = piece_start_joined - base[piece_owner]
    if len(edges) > 1:
        runs = pa.LargeBinaryArray.from_buffers(pa.large_binary(), len(edges) - 1, [
            None, pa.py_buffer((edges * 4).astype(np.int64)), pa.py_buffer(raw)])
        encoded = pc.dictionary_encode(runs)
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)[run_is_piece]
        distinct = [b.decode("utf-32-le", "surrogatepass") for b in encoded.dictionary.to_pylist()]
    else:
        codes, distinct = np.zeros(0, dtype=np.int64), []
    # Pieces such as "No." read differently before a number: add a variant for that context.
    variant_of = {}
    for k, piece in enumerate(distinct[:]):
        if _ENDS_LIKE_NUMBER_ABBREVIATION.search(piece):
            variant_of[k] = len(distinct)
            distinct.append(piece + " 0")
    if variant_of:
        first_is_digit = np.array([p[:1].isdecimal() for p in distinct], dtype=bool)
        next_is_digit = np.zeros(len(codes), dtype=bool)
        next_is_digit[:-1] = first_is_digit[codes[1:]] & (piece_owner[1:] == piece_owner[:-1])
        sensitive = np.zeros(len(distinct), dtype=bool)
        sensitive[list(variant_of)] = True
        swap = np.flatnonzero(sensitive[codes] & next_is_digit)
        lookup_variant = np.arange(len(distinct))
        lookup_variant[list(variant_of)] = list(variant_of.values())
        codes = codes.copy()
        codes[swap] = lookup_variant[codes[swap]]
    ptr, rel, flat_sid, surfaces, flat_kind = _piece_tokens(distinct)
    if variant_of:
        # A variant's last token is the "0" appended above: drop it.
        count = np.diff(ptr)
        for k in variant_of.values():
            count[k] -= 1
    else:
        count = np.diff(ptr)
    per_piece = count[codes]
    n_tokens = int(per_piece.sum())
    token_piece = np.repeat(np.arange(len(codes)), per_piece)
    flat = np.arange(n_tokens) - np.repeat(np.cumsum(per_piece) - per_piece, per_piece) + np.repeat(ptr[:-1][codes],
                                                                                                     per_piece)
    sid = flat_sid[flat]
    kind = flat_kind[flat]
    owner = piece_owner[token_piece]
    t_start = piece_start[token_piece] + rel[flat]
    surface_arr = np.array(surfaces, dtype=object)
    t_end = t_start + np.fromiter((len(s) for s in surfaces), dtype=np.int64, count=len(surfaces))[sid]
    t_sentence = sentence_numbers(t_start, owner)

    # -- norms, stopwords and terms per distinct (surface, kind) -----------
    norms = [fold_case(s) for s in surfaces]
    norm_id: dict[str, int] = {}
    surface_norm = np.fromiter((norm_id.setdefault(n, len(norm_id)) for n in norms), dtype=np.int64,
                               count=len(norms))
    term_id: dict[str, int] = {}
    stop_table = np.zeros((len(surfaces), len(_KINDS)), dtype=bool)
    term_table = np.full((len(surfaces), len(_KINDS)), -1, dtype=np.int64)
    word = _KINDS.index("word")
    for s, norm in enumerate(norms):
        if norm in spec.stopwords or norm.rstrip(".") in spec.stopwords:
            stop_table[s, word] = True
        else:
            term_table[s, word] = term_id.setdefault(norm, len(term_id))
    is_stop = stop_table[sid, kind]
    t_term = term_table[sid, kind]

    # -- multiword expressions, vectorised per candidate first token -------
    if spec.mwe_index and n_tokens:
        surface_code = {s: i for i, s in enumerate(surfaces)}
        by_family = {True: (sid, surface_code), False: (surface_norm[sid], norm_id)}
        family_len = {}
        for by_surface in (True, False):
            seq, code_of = by_family[by_surface]
            length_here = np.zeros(n_tokens, dtype=np.int64)
            term_here = np.full(n_tokens, -1, dtype=np.int64)
            for (family, first), entries in spec.mwe_index.items():
                if family != by_surface or first not in code_of:
                    continue
                at = np.flatnonzero(seq == code_of[first])
                for length, _, keys, term in entries:  # longest first
                    ids = [code_of.get(k, -1) for k in keys]
                    if min(ids) < 0:
                        continue
                    open_ = at[(length_here[at] == 0) & (at + length <= n_tokens)]
                    if not open_.size:
                        continue
                    last = open_ + length - 1
                    ok = (owner[last] == owner[open_]) & (t_sentence[last] == t_sentence[open_])
                    for j in range(1, length):
                        ok &= seq[open_ + j] == ids[j]
                    hit = open_[ok]
                    if hit.size:
                        length_here[hit] = length
                        term_here[hit] = term_id.setdefault(term, len(term_id))
            family_len[by_surface] = (length_here, term_here)
        surface_len, surface_term = family_len[True]
        norm_len, norm_term = family_len[False]
        # The surface match wins unless a norm match is strictly longer.
        use_norm = norm_len > surface_len
        best_len = np.where(use_norm, norm_len, surface_len)
        best_term = np.where(use_norm, norm_term, surface_term)
        candidates = np.flatnonzero(best_len)
        next_free = 0
        for i in candidates.tolist():  # greedy left to right, as tokenise_units scans
            if i < next_free:
                continue
            length = int(best_len[i])
            t_term[i] = best_term[i]
            t_term[i + 1:i + length] = -1
            is_stop[i:i + length] = False
            next_free = i + length

    # -- DTM counts of the chunk ---------------------------------------------
    has = t_term >= 0
    n_terms = len(term_id)
    keys, counts = np.unique(owner[has] * max(n_terms, 1) + t_term[has], return_counts=True)
    out = {
        "sentences": sentences, "mentions": mentions, "terms": list(term_id),
        "rows": (keys // max(n_terms, 1)).astype(np.int64), "cols": (keys % max(n_terms, 1)).astype(np.int64),
        "counts": counts.astype(np.int64), "tokens": None,
    }
    if spec.keep_tokens:
        to_start, to_end = _original_spans(t_start, t_end, owner, breaks)
        n_tok_unit = np.bincount(owner, minlength=n_units)
        term_arr = np.array(list(term_id) + [None], dtype=object)
        out["tokens"] = _typed_frame({
            "unit_id": np.repeat(np.asarray(unit_ids, dtype=object), n_tok_unit),
            "sentence": t_sentence,
            "token_index": np.arange(n_tokens) - np.repeat(np.cumsum(n_tok_unit) - n_tok_unit, n_tok_unit),
            "start": t_start, "end": t_end, "orig_start": to_start, "orig_end": to_end,
            "text": surface_arr[sid],
            "norm": np.array(norms, dtype=object)[sid] if norms else np.zeros(0, dtype=object),
            "kind": np.array(_KINDS, dtype=object)[kind],
            "is_stop": is_stop,
            "term": term_arr[t_term],
        }, ints=("sentence", "token_index", "start", "end", "orig_start", "orig_end"), bools=("is_stop",))
    return out


def _chunks(units: pd.DataFrame, chunk_chars: int):
    """Consecutive slices of the units table holding about ``chunk_chars`` characters each."""
    lengths = np.fromiter((len(t) if isinstance(t, str) else 0 for t in units["text"]), dtype=np.int64,
                          count=len(units))
    start = 0
    total = 0
    for i, length in enumerate(lengths.tolist()):
        total += length
        if total >= chunk_chars:
            yield start, i + 1
            start, total = i + 1, 0
    if start < len(units):
        yield start, len(units)


def tokenise_corpus(units: pd.DataFrame, *, dictionary: ActorDictionary, stopwords=None, mwes=(), n_jobs: int = 1,
                    keep_tokens: bool = True, min_df=1, max_df=1.0,
                    chunk_chars: int = _DEFAULT_CHUNK_CHARS) -> TokeniseResult:
    """Sentences, mentions, tokens and the DTM of a corpus in one streaming pass.

    The same tables as :func:`sentence_table`, :func:`find_mentions`,
    :func:`tokenise_units` and :func:`build_dtm` (row for row, value for value),
    computed chunk by chunk (consecutive units of about ``chunk_chars``
    characters) and, with ``n_jobs`` other than 1, in worker processes. Chunks
    are merged in input order, so the result does not depend on ``n_jobs`` or
    ``chunk_chars``. Each distinct whitespace-separated piece of text is
    tokenised once per chunk and the per-token work is done with numpy, which
    makes this path many times faster than the table-by-table functions; with
    ``keep_tokens=False`` the tokens table is never built, so memory grows with
    the vocabulary, the DTM, the sentences and the mentions, not with the
    number of tokens.

    Parameters
    ----------
    units : pandas.DataFrame
        The units table (``unit_id``, ``text``, ``offset_breaks``); unit ids must
        be unique (they are the DTM rows).
    dictionary : ActorDictionary
        Targets for the mentions; its multiword forms are also MWE terms, as in
        :func:`tokenise_units`.
    stopwords : set of str, optional
        ``None`` uses :func:`load_stopwords`.
    mwes : iterable of tuple of str, default ()
        Extra multiword expressions, as in :func:`tokenise_units`.
    n_jobs : int, default 1
        Worker processes; 1 works in this process, -1 uses every core.
    keep_tokens : bool, default True
        Return the tokens table; False saves its memory (roughly 100 bytes
        per token, several GB for the 10,952 UN General Debate speeches).
    min_df, max_df : int or float
        Document-frequency bounds of the DTM, as in :func:`build_dtm`.
    chunk_chars : int, default 4_000_000
        Characters per chunk: larger chunks mean fewer hand-overs between
        processes, smaller ones less memory per worker.

    Returns
    -------
    TokeniseResult
        ``sentences``, ``mentions``, ``tokens`` (None when ``keep_tokens`` is
        False) and ``dtm``.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["a", "b"], "offset_breaks": [[0, 0], [0, 0]],
    ...                       "text": ["North Korea met Russia.", "Moscow backs Pyongyang. Trade grew."]})
    >>> result = tokenise_corpus(units, dictionary=load_actor_dictionary())
    >>> result.dtm.terms.tolist(), len(result.sentences), result.mentions["target"].tolist()
    (['backs', 'grew', 'met', 'moscow', 'north_korea', 'pyongyang', 'russia', 'trade'], 3, \
['north_korea', 'russia', 'russia', 'north_korea'])
    """
    _unit_frame_check(units, ["unit_id", "text", "offset_breaks"])
    if not isinstance(dictionary, ActorDictionary):
        raise ParameterError("dictionary must be an ActorDictionary from load_actor_dictionary().")
    workers = n_workers(n_jobs)
    chunk_chars = _positive_int(chunk_chars, "chunk_chars")
    ids = pd.Index([str(u) for u in units["unit_id"]])
    if ids.has_duplicates:
        raise ParameterError(f"units has duplicate unit_id values, e.g. {ids[ids.duplicated()][0]!r}; "
                             "one DTM row per unit needs unique ids.")
    low, high = _df_bounds(min_df, max_df, len(ids))
    matcher, lookup, after_demonym, after_name = _mention_matcher(dictionary)
    spec = _Spec(
        stopwords=load_stopwords() if stopwords is None else frozenset(stopwords),
        mwe_index=_mwe_index(mwes, dictionary), matcher=matcher, lookup=lookup, after_demonym=after_demonym,
        after_name=after_name, groups={t: ",".join(dictionary.groups_of(t)) for t in dictionary.targets},
        keep_tokens=bool(keep_tokens),
    )
    unit_ids = ids.tolist()
    # Python strings are made chunk by chunk: the whole corpus is never held twice.
    jobs = ((unit_ids[a:b], units["text"].iloc[a:b].tolist(), [list(x) for x in units["offset_breaks"].iloc[a:b]], a)
            for a, b in _chunks(units, chunk_chars))

    vocabulary: dict[str, int] = {}
    parts: dict[str, list] = {"sentences": [], "mentions": [], "tokens": [], "rows": [], "cols": [], "counts": []}

    def merge(result: dict, first_row: int) -> None:
        for name in ("sentences", "mentions", "tokens"):
            if result[name] is not None and len(result[name]):
                parts[name].append(result[name])
        to_global = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in result["terms"]),
                                dtype=np.int64, count=len(result["terms"]))
        parts["rows"].append(result["rows"] + first_row)
        parts["cols"].append(to_global[result["cols"]])
        parts["counts"].append(result["counts"])

    if workers == 1:
        for chunk_ids, chunk_texts, chunk_breaks, first in jobs:
            merge(_chunk_tables(chunk_ids, chunk_texts, chunk_breaks, spec), first)
    else:
        # fork (where there is one) starts workers at once and needs no `if __name__ == "__main__"`
        # guard in a researcher's script; elsewhere the platform's default.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending: deque = deque()
            for chunk_ids, chunk_texts, chunk_breaks, first in jobs:
                # Bounded look-ahead: at most two chunks per worker in flight keeps memory flat.
                if len(pending) >= 2 * workers:
                    future, row = pending.popleft()
                    merge(future.result(), row)
                pending.append((pool.submit(_chunk_tables, chunk_ids, chunk_texts, chunk_breaks, spec), first))
            while pending:
                future, row = pending.popleft()
                merge(future.result(), row)

    def table(name: str, columns: list, ints: tuple, bools: tuple = ()) -> pd.DataFrame:
        if parts[name]:
            return pd.concat(parts[name], ignore_index=True)
        return _typed_frame({c: [] for c in columns}, ints=ints, bools=bools)

    positions = ("sentence", "start", "end", "orig_start", "orig_end")
    sentences = table("sentences", SENTENCE_COLUMNS, positions)
    mentions = table("mentions", MENTION_COLUMNS, positions)
    tokens = table("tokens", TOKEN_COLUMNS, positions + ("token_index",), ("is_stop",)) if keep_tokens else None

    terms = np.array(list(vocabulary), dtype=object)
    order = np.array(sorted(range(len(terms)), key=terms.__getitem__), dtype=np.int64)
    new_column = np.empty(len(order), dtype=np.int64)
    new_column[order] = np.arange(len(order))
    cols = np.concatenate(parts["cols"]) if parts["cols"] else np.zeros(0, dtype=np.int64)
    matrix = sp.csr_matrix(
        (np.concatenate(parts["counts"]) if parts["counts"] else np.zeros(0, dtype=np.int64),
         (np.concatenate(parts["rows"]) if parts["rows"] else np.zeros(0, dtype=np.int64), new_column[cols])),
        shape=(len(unit_ids), len(terms)), dtype=np.int64)
    vocabulary_sorted = np.asarray(terms[order].tolist() if len(terms) else [], dtype=str)
    dtm = _pruned_dtm(matrix, vocabulary_sorted, np.asarray(ids, dtype=str), low, high, min_df, max_df)
    return TokeniseResult(sentences=sentences, mentions=mentions, tokens=tokens, dtm=dtm)


def top_terms(dtm: Dtm, *, n: int = 20) -> pd.DataFrame:
    """The most frequent terms of a DTM.

    Parameters
    ----------
    dtm : Dtm
    n : int, default 20

    Returns
    -------
    pandas.DataFrame
        Columns ``term, count, doc_freq`` (units containing the term), sorted
        by count descending, then term.

    Examples
    --------
    >>> tokens = pd.DataFrame({"unit_id": ["a", "a", "b"], "term": ["war", "peace", "war"]})
    >>> top_terms(build_dtm(tokens, ["a", "b"]), n=1).values.tolist()
    [['war', 2, 2]]
    """
    n = _positive_int(n, "n")
    matrix = sp.csr_matrix(dtm.matrix)
    table = pd.DataFrame({
        "term": pd.array(np.asarray(dtm.terms, dtype=str), dtype="str"),
        "count": np.asarray(matrix.sum(axis=0)).ravel().astype(np.int64),
        "doc_freq": np.diff(matrix.tocsc().indptr).astype(np.int64),
    })
    table = table.sort_values(["count", "term"], ascending=[False, True], kind="stable")
    return table.head(n).reset_index(drop=True)


def _boolean_mask(mask) -> np.ndarray:
    series = pd.Series(mask) if not isinstance(mask, pd.Series) else mask
    if series.isna().any() or not (pd.api.types.is_bool_dtype(series.dtype) or series.map(type).eq(bool).all()):
        return np.asarray(mask)  # reported as not boolean by the caller
    return series.to_numpy(dtype=bool)


def keyness(dtm: Dtm, mask, *, n: int = 20) -> pd.DataFrame:
    """Terms over- and under-used by the units in ``mask`` against the rest.

    Parameters
    ----------
    dtm : Dtm
    mask : array-like of bool
        One flag per DTM row: True for the target units.
    n : int, default 20
        Return up to ``n`` over-used and up to ``n`` under-used terms.

    Returns
    -------
    pandas.DataFrame
        Columns ``term, count_target, count_reference, g2, log_ratio``.
        ``g2`` is Dunning's log-likelihood, signed positive for over-use in
        the target; ``log_ratio`` is log2 of the ratio of relative
        frequencies (a zero count counts as 0.5). Sorted by signed ``g2``
        descending (over-use first), then term.

    Examples
    --------
    >>> tokens = pd.DataFrame({"unit_id": ["a", "a", "b", "b"], "term": ["war", "war", "peace", "trade"]})
    >>> keyness(build_dtm(tokens, ["a", "b"]), [True, False])["term"].tolist()[0]
    'war'
    """
    n = _positive_int(n, "n")
    mask = _boolean_mask(mask)
    n_rows = dtm.matrix.shape[0]
    if mask.shape != (n_rows,) or mask.dtype != bool:
        raise ParameterError(f"mask must be {n_rows} booleans, one per DTM row; got shape {mask.shape} "
                             f"of {mask.dtype}.")
    if mask.all() or not mask.any():
        raise ParameterError("mask must select some units but not all: keyness compares the selected units "
                             "with the rest.")
    matrix = sp.csr_matrix(dtm.matrix)
    target = np.asarray(matrix[mask].sum(axis=0)).ravel().astype(np.int64)
    reference = np.asarray(matrix[~mask].sum(axis=0)).ravel().astype(np.int64)
    total_t, total_r = max(target.sum(), 1), max(reference.sum(), 1)
    g2 = log_likelihood_g2(target, reference, total_t - target, total_r - reference)
    rate_t = np.where(target > 0, target, 0.5) / total_t
    rate_r = np.where(reference > 0, reference, 0.5) / total_r
    signed = np.where(target / total_t >= reference / total_r, g2, -g2)
    table = pd.DataFrame({
        "term": pd.array(np.asarray(dtm.terms, dtype=str), dtype="str"),
        "count_target": target,
        "count_reference": reference,
        "g2": signed,
        "log_ratio": np.log2(rate_t / rate_r),
    })
    table = table.loc[(table["count_target"] + table["count_reference"]) > 0]
    over = table.loc[table["g2"] > 0].sort_values(["g2", "term"], ascending=[False, True], kind="stable").head(n)
    under = table.loc[table["g2"] < 0].sort_values(["g2", "term"], ascending=[True, True], kind="stable").head(n)
    out = pd.concat([over, under]).sort_values(["g2", "term"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------

def plot_top_terms(ax, table: pd.DataFrame):
    """Horizontal bars of term counts, the most frequent on top.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    table : pandas.DataFrame
        From :func:`top_terms` (``term``, ``count``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> plot_top_terms(ax, top_terms(dtm))  # doctest: +SKIP
    """
    terms = table["term"].astype(str).tolist()[::-1]
    counts = table["count"].to_numpy()[::-1]
    ax.barh(np.arange(len(terms)), counts, color="#4C72B0")
    ax.set_yticks(np.arange(len(terms)), labels=terms)
    ax.set_xlabel("Occurrences in the corpus")
    ax.set_title("Most frequent terms")
    if not terms:
        ax.text(0.5, 0.5, "no terms", ha="center", va="center", transform=ax.transAxes)
    return ax


def plot_keyness(ax, table: pd.DataFrame):
    """Diverging bars of signed G2: over-used terms right, under-used left.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    table : pandas.DataFrame
        From :func:`keyness` (``term``, ``g2``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> plot_keyness(ax, keyness(dtm, mask))  # doctest: +SKIP
    """
    terms = table["term"].astype(str).tolist()[::-1]
    g2 = table["g2"].to_numpy(dtype=float)[::-1]
    colors = np.where(g2 >= 0, "#C44E52", "#4C72B0")
    ax.barh(np.arange(len(terms)), g2, color=colors)
    ax.set_yticks(np.arange(len(terms)), labels=terms)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel("Signed log-likelihood G² (right: more in target units, left: more in the rest)")
    ax.set_title("Keyness: target units against the rest")
    if not terms:
        ax.text(0.5, 0.5, "no key terms", ha="center", va="center", transform=ax.transAxes)
    return ax


def mention_counts(mentions: pd.DataFrame, dictionary: ActorDictionary) -> pd.DataFrame:
    """Mentions per target, most mentioned first, with the count of each kind.

    Parameters
    ----------
    mentions : pandas.DataFrame
        From :func:`find_mentions`.
    dictionary : ActorDictionary
        Supplies labels and groups; targets never mentioned are left out.

    Returns
    -------
    pandas.DataFrame
        ``target, label, groups, mentions, units`` and one column per mention
        kind; sorted by mentions (descending), then dictionary order.

    Examples
    --------
    >>> mention_counts(find_mentions(units, actors), actors).iloc[0]["target"]  # doctest: +SKIP
    'russia'
    """
    columns = ["target", "label", "groups", "mentions", "units", *MENTION_KINDS]
    if mentions.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c not in columns[:3] else "str") for c in columns})
    kinds = pd.crosstab(mentions["target"].astype(str), mentions["kind"].astype(str))
    kinds = kinds.reindex(columns=list(MENTION_KINDS), fill_value=0)
    order = {t: i for i, t in enumerate(dictionary.targets)}
    table = kinds.assign(
        mentions=kinds.sum(axis=1),
        units=mentions.groupby(mentions["target"].astype(str))["unit_id"].nunique(),
    ).reset_index(names="target")
    table["label"] = [dictionary.labels.get(t, t) for t in table["target"]]
    table["groups"] = [",".join(dictionary.groups_of(t)) for t in table["target"]]
    table["_order"] = [order.get(t, len(order)) for t in table["target"]]
    table = table.sort_values(["mentions", "_order"], ascending=[False, True], kind="stable")
    return table[columns].reset_index(drop=True)


def keyness_group(unit_ids, mentions: pd.DataFrame, counts: pd.DataFrame, *, target: str = "") -> tuple[str, np.ndarray]:
    """The units to contrast in a keyness figure: those that mention a target.

    Parameters
    ----------
    unit_ids : array-like of str
        All units, in DTM row order.
    mentions : pandas.DataFrame
        From :func:`find_mentions`.
    counts : pandas.DataFrame
        From :func:`mention_counts` (most mentioned first).
    target : str
        The target asked for; empty takes the most mentioned target whose
        units are neither none nor all (a target every speech names, such as
        the UN in the General Debate, contrasts nothing).

    Returns
    -------
    (str, numpy.ndarray of bool)
        The target and the mask of its units; ``("", all False)`` when no
        target splits the corpus.

    Examples
    --------
    >>> m = pd.DataFrame({"unit_id": ["a", "b", "a"], "target": ["un", "un", "russia"]})
    >>> c = pd.DataFrame({"target": ["un", "russia"]})
    >>> keyness_group(["a", "b"], m, c)
    ('russia', array([ True, False]))
    """
    unit_ids = pd.Index([str(u) for u in unit_ids])
    # One set of units per target; np.isin on pandas' string arrays (object dtype) is quadratic.
    units_of = {str(t): set(map(str, ids)) for t, ids in mentions.groupby("target", sort=False)["unit_id"]}
    candidates = [target] if target else [str(t) for t in counts["target"]]
    for candidate in candidates:
        mask = unit_ids.isin(units_of.get(candidate, set()))
        if mask.any() and not mask.all():
            return candidate, mask
    return "", np.zeros(len(unit_ids), dtype=bool)


def plot_mentions(ax, mentions: pd.DataFrame, dictionary: ActorDictionary):
    """Mentions per target, stacked by kind (name, demonym, capital, leader, metonym).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    mentions : pandas.DataFrame
        From :func:`find_mentions`.
    dictionary : ActorDictionary
        Supplies the target labels.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> plot_mentions(ax, mentions, load_actor_dictionary())  # doctest: +SKIP
    """
    labels = dictionary.labels
    counts = pd.crosstab(mentions["target"].astype(str), mentions["kind"].astype(str)) if len(mentions) else None
    if counts is None or counts.empty:
        ax.text(0.5, 0.5, "no target mentions", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    counts = counts.reindex(columns=[k for k in MENTION_KINDS if k in counts.columns])
    totals = counts.sum(axis=1)
    position = {t: i for i, t in enumerate(labels)}
    # barh draws bottom-up: the most mentioned target (ties: first in the dictionary) ends on top.
    order = sorted(counts.index, key=lambda t: (totals[t], -position.get(t, len(position)), t))
    counts = counts.loc[order]
    y = np.arange(len(order))
    left = np.zeros(len(order))
    palette = dict(zip(MENTION_KINDS, ["#4C72B0", "#55A868", "#C44E52", "#8172B2", "#CCB974"]))
    for kind in counts.columns:
        values = counts[kind].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=palette[kind], label=kind)
        left += values
    ax.set_yticks(y, labels=[labels.get(t, t) for t in order])
    ax.set_xlabel("Mentions")
    ax.set_title("Target mentions by kind")
    ax.legend(title="kind", loc="lower right", frameon=False)
    return ax
