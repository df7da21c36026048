"""The streaming, parallel pass over a corpus: sentences, mentions, tokens and the DTM at once.

Units are cut into chunks of consecutive units (:func:`chunk_bounds`); each
chunk is tokenised by :func:`stancebook.tokenise.chunk.chunk_tables`, in
worker processes when ``n_jobs`` is not 1 or on a Dask cluster (``engine``,
see :mod:`stancebook.engine`), and the chunks are merged in input order, so
the tables do not depend on ``n_jobs``, the engine or the chunk size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from stancebook.artefacts import Dtm
from stancebook.checks import check_int
from stancebook.engine import Engine, as_engine
from stancebook.errors import ParameterError
from stancebook.progress import bar
from stancebook.resources.actors import ActorDictionary
from stancebook.resources.stopwords import load_stopwords
from stancebook.tokenise.chunk import (Spec, add_lap, chunk_mentions, chunk_pieces, chunk_sentences, chunk_tables,
                                      clock)
from stancebook.tokenise.dtm import TermCounts, df_bounds
from stancebook.tokenise.mentions import MentionMatcher
from stancebook.tokenise.mwes import mwe_index
from stancebook.tokenise.tables import (MENTION_COLUMNS, POSITIONS, SENTENCE_COLUMNS, TOKEN_BOOLS, TOKEN_COLUMNS,
                                        TOKEN_INTS, check_units, concat_frames)

__all__ = ["TokeniseResult", "find_mentions", "sentence_table", "tokenise_corpus"]

DEFAULT_CHUNK_CHARS = 8_000_000
_MAIN_PHASES = frozenset({"jobs", "merge", "dtm", "frames", "total"})


@dataclass(frozen=True, eq=False)
class TokeniseResult:
    """Everything the tokenise stage produces for a corpus.

    Attributes
    ----------
    sentences : pandas.DataFrame
        ``unit_id, sentence, start, end, orig_start, orig_end, text``:
        ``sentence`` is 1-based within the unit, ``start``/``end`` index the
        unit text, ``orig_*`` the document's original text.
    mentions : pandas.DataFrame
        ``unit_id, sentence, start, end, orig_start, orig_end, surface,
        target, kind, groups``, sorted by unit order, then start; ``groups``
        is a comma-separated list of group ids ("" for none).
    tokens : pandas.DataFrame or None
        ``unit_id, sentence, token_index, start, end, orig_start, orig_end,
        text, norm, kind, is_stop, term``; None when ``keep_tokens=False``.
        ``term`` is the norm of a content word, or the MWE term (norms
        joined by ``_``, lower case: ``north_korea``) on the first token of a
        multiword expression; it is missing (NaN, string dtype) for
        stopwords, punctuation, numbers and the later tokens of an MWE.
        Tokens inside an MWE are never stopwords (``is_stop`` False).
    dtm : Dtm
        The terms counted per unit, one row per unit in input order,
        columns sorted by term.
    passage_dtm : Dtm or None
        With ``passage_words``: the terms counted per passage of that many
        words, rows ``<unit_id>#p<n>`` in unit order (see
        :func:`stancebook.tokenise.chunk.passage_counts`), pruned by
        ``min_df`` and ``max_df`` counted over passages (a word in most
        speeches, such as "climate" in the 2010s, is still in few passages);
        else None.
    seconds : dict of str to (float, float)
        Where the time went, as ``(wall, cpu)`` seconds per phase: the
        per-chunk phases (``pieces``, ``sentences``, ``mentions``, ``tokens``,
        ``terms``, ``counts``, ``token_table``) summed over chunks,
        whichever process ran them (with workers their wall sum exceeds the
        call's wall time), then the work of this process: ``jobs`` (each
        chunk's ids, texts and offset breaks taken from the units table, only
        for an engine whose workers do not share this process's memory; forked
        workers take their chunk's rows themselves),
        ``merge`` (taking in each chunk's results), ``dtm`` (vocabulary,
        matrix, pruning), ``frames`` (the tables joined) and ``total`` (the
        whole call; its CPU is this process's only, so CPU not in the other
        phases went to handing chunks to workers and back). Not part of the
        results: it varies from run to run.
    """

    sentences: pd.DataFrame
    mentions: pd.DataFrame
    tokens: pd.DataFrame | None
    dtm: Dtm
    passage_dtm: Dtm | None = None
    seconds: dict = field(default_factory=dict, compare=False)


def _text_lengths(texts: pd.Series) -> np.ndarray:
    """The size of each text (0 for a missing or non-string entry): characters, or UTF-8 bytes for Arrow strings.

    Arrow strings are measured from their offsets, without reading the texts
    (counting the characters of the UN corpus took 47 ms, before any worker
    could start); Python strings by ``len``.
    """
    if isinstance(texts.dtype, pd.StringDtype) and texts.dtype.storage == "pyarrow":
        return pc.binary_length(pa.array(texts)).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    if isinstance(texts.dtype, pd.StringDtype):
        return texts.str.len().fillna(0).to_numpy(dtype=np.int64)
    return np.fromiter((len(t) if isinstance(t, str) else 0 for t in texts), dtype=np.int64, count=len(texts))


def _plain_texts(values) -> list[str]:
    """The texts as Python strings, a missing or non-string one as "" (what the workers tokenise)."""
    return [t if isinstance(t, str) else "" for t in values]


def chunk_bounds(units: pd.DataFrame, chunk_chars: int) -> Iterator[tuple[int, int]]:
    """Consecutive ``(start, stop)`` row ranges of the units table holding about ``chunk_chars`` characters each.

    Texts held as Arrow strings (as read from Parquet) are measured in UTF-8
    bytes, which costs nothing; others in characters.

    Examples
    --------
    >>> list(chunk_bounds(pd.DataFrame({"text": ["abc", "de", "", "fgh"]}), 4))
    [(0, 2), (2, 4)]
    """
    lengths = _text_lengths(units["text"])
    start = 0
    total = 0
    for i, length in enumerate(lengths.tolist()):
        total += length
        if total >= chunk_chars:
            yield start, i + 1
            start, total = i + 1, 0
    if start < len(units):
        yield start, len(units)


def _unit_columns(units: pd.DataFrame, a: int, b: int) -> tuple[list, list, list]:
    """Unit ids (as str), texts (missing ones as "") and offset breaks (int64 arrays) of rows ``a:b``.

    The breaks stay arrays: a list of numpy integers pickles to a worker about 40 times
    slower (3.4 s for the UN corpus's units read from Parquet).
    """
    texts = _plain_texts(units["text"].iloc[a:b])
    breaks = [np.asarray(x, dtype=np.int64).reshape(-1) for x in units["offset_breaks"].iloc[a:b]]
    return [str(u) for u in units["unit_id"].iloc[a:b]], texts, breaks


def _chunk_jobs(units: pd.DataFrame, bounds: list[tuple[int, int]]):
    """``(unit_ids, texts, offset_breaks, first_row)`` of each chunk of rows ``bounds``.

    Python strings are made chunk by chunk: the whole corpus is never held twice.
    """
    for a, b in bounds:
        yield (*_unit_columns(units, a, b), a)


def _timed(items: Iterator, seconds: dict, phase: str) -> Iterator:
    """The items, the time taken to make each added to ``seconds[phase]`` (see :func:`add_lap`)."""
    while True:
        t = clock()
        try:
            item = next(items)
        except StopIteration:
            add_lap(seconds, phase, t)
            return
        add_lap(seconds, phase, t)
        yield item


def _tokenise_job(job, spec: Spec) -> tuple[dict, int]:
    """The tables of one chunk and its first row (module level: worker processes import it by name)."""
    chunk_ids, texts, breaks, first = job
    return chunk_tables(chunk_ids, texts, breaks, spec), first


def _tokenise_rows(rows: tuple[int, int], spec: Spec, units: pd.DataFrame) -> tuple[dict, int]:
    """The tables of the chunk of ``units`` rows ``rows`` and its first row, the texts taken where the job runs."""
    a, b = rows
    return chunk_tables(*_unit_columns(units, a, b), spec), a


def _chunk_label(first: int, stop: int, first_id: str) -> str:
    """How a failed chunk is named: its rows of the units table and its first unit id."""
    return f"units {first}-{stop - 1}, from {first_id!r}"


def _describe_job(job) -> str:
    chunk_ids, _, _, first = job
    return _chunk_label(first, first + len(chunk_ids), chunk_ids[0]) if chunk_ids else f"row {first}"


def _chunk_results(units: pd.DataFrame, bounds: list[tuple[int, int]], spec: Spec, engine: Engine,
                   seconds: dict) -> Iterator[tuple[dict, int]]:
    """``(chunk tables, first row)`` of every chunk of rows ``bounds``, in input order, on the engine's workers.

    Where the engine's jobs see this process's memory (this process or forked workers) the units are
    shared and each job is a range of rows: the texts never travel. Elsewhere (a Dask cluster) each job
    carries its chunk's ids, texts and offset breaks. The engine keeps at most two chunks per worker in
    flight, so memory stays flat.
    """
    if engine.shares_memory:
        ids = units["unit_id"]  # read only to name a failed chunk
        return engine.map(_tokenise_rows, bounds, shared={"spec": spec, "units": units},
                          describe=lambda rows: _chunk_label(*rows, str(ids.iloc[rows[0]])))
    jobs = _timed(_chunk_jobs(units, bounds), seconds, "jobs")
    return engine.map(_tokenise_job, jobs, shared={"spec": spec}, describe=_describe_job)


def with_sentence_texts(sentences: pd.DataFrame, texts: pd.Series, first_row: int = 0) -> pd.DataFrame:
    """The chunk's sentences with their ``text``, cut from the units' texts by the sentences' UTF-8 byte spans.

    Parameters
    ----------
    sentences : pandas.DataFrame
        From :func:`stancebook.tokenise.chunk.chunk_sentences` with
        ``with_text=False``: ``unit_row`` (counted from ``first_row``),
        ``byte_start`` and ``byte_end`` within that unit's text.
    texts : pandas.Series
        The units' texts (Arrow strings are cut without a copy of the units;
        others are encoded first).
    first_row : int, default 0
        Row of ``texts`` of the chunk's first unit.

    Returns
    -------
    pandas.DataFrame
        ``sentences`` with ``text`` in place of the byte spans.

    Examples
    --------
    >>> from stancebook.tokenise.chunk import chunk_sentences
    >>> texts = pd.Series(["Caf\u00e9 opens. It rains.", "Yes."], dtype="str")
    >>> bare, _ = chunk_sentences(["a", "b"], texts.tolist(), [np.array([0, 0])] * 2, with_text=False)
    >>> with_sentence_texts(bare, texts)["text"].tolist()
    ['Caf\u00e9 opens.', 'It rains.', 'Yes.']
    """
    out = sentences.drop(columns=["unit_row", "byte_start", "byte_end"])
    n = len(sentences)
    if not n:
        out["text"] = pd.array([], dtype="str")
        return out
    rows = sentences["unit_row"].to_numpy()
    last = first_row + int(rows.max()) + 1
    chunk = texts.iloc[first_row:last]
    if isinstance(chunk.dtype, pd.StringDtype):
        strings = pa.array(chunk.fillna("") if chunk.hasnans else chunk, type=pa.large_string())
    else:
        strings = pa.array(_plain_texts(chunk), type=pa.large_string())
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    _, offsets, data = strings.buffers()
    unit_start = np.frombuffer(offsets, dtype=np.int64)[strings.offset:strings.offset + len(strings)]
    starts = unit_start[rows] + sentences["byte_start"].to_numpy()
    ends = unit_start[rows] + sentences["byte_end"].to_numpy()
    # every sentence and the gap after it as consecutive strings over the units' own data; keep the sentences
    bounds = np.empty(2 * n, dtype=np.int64)
    bounds[0::2], bounds[1::2] = starts, ends
    spans = pa.LargeStringArray.from_buffers(2 * n - 1, pa.py_buffer(bounds), data)
    out["text"] = pd.array(pc.take(spans, pa.array(np.arange(0, 2 * n - 1, 2, dtype=np.int64)),
                                   memory_pool=pa.system_memory_pool()), dtype="str")
    return out


def _unique_unit_ids(units: pd.DataFrame) -> pd.Index:
    ids = pd.Index([str(u) for u in units["unit_id"]])
    if ids.has_duplicates:
        raise ParameterError(f"units has duplicate unit_id values, e.g. {ids[ids.duplicated()][0]!r}; "
                             "one DTM row per unit needs unique ids.")
    return ids


def _spec(dictionary: ActorDictionary, stopwords, mwes, keep_tokens: bool, passage_words: int = 0) -> Spec:
    return Spec(stopwords=load_stopwords() if stopwords is None else frozenset(stopwords),
                mwe_index=mwe_index(mwes, dictionary), mentions=MentionMatcher.from_dictionary(dictionary),
                keep_tokens=bool(keep_tokens), passage_words=int(passage_words))


def tokenise_corpus(units: pd.DataFrame, *, dictionary: ActorDictionary, stopwords=None, mwes=(), n_jobs: int = 1,
                    keep_tokens: bool = True, min_df=1, max_df=1.0,
                    chunk_chars: int = DEFAULT_CHUNK_CHARS, passage_words: int = 0,
                    engine: Engine | None = None) -> TokeniseResult:
    """Sentences, mentions, tokens and the DTM of a corpus in one streaming pass.

    The units are processed chunk by chunk (consecutive units of about
    ``chunk_chars`` characters) and, with ``n_jobs`` other than 1, in worker
    processes. Chunks are merged in input order, so the result does not
    depend on ``n_jobs`` or ``chunk_chars``. Each distinct
    whitespace-separated piece of text is tokenised once per chunk and the
    per-token work is done with numpy; with ``keep_tokens=False`` the tokens
    table is never built, so memory grows with the vocabulary, the DTM, the
    sentences and the mentions, not with the number of tokens.

    Sentences follow :func:`stancebook.text.split_sentences`, tokens
    :func:`stancebook.text.tokenize` and norms :func:`stancebook.text.fold_case`.
    Mentions are case-aware, on whole words (hyphens are boundaries, so
    ``Putin-Kim`` gives two mentions), longest form first; a demonym, a name
    with ``'s``, or a metonym, followed by role words and a leader of the same
    target, becomes ONE ``leader`` mention ("North Korean leader Kim Jong Un").

    Parameters
    ----------
    units : pandas.DataFrame
        The units table (``unit_id``, ``text``, ``offset_breaks``); unit ids must
        be unique (they are the DTM rows).
    dictionary : ActorDictionary
        Targets for the mentions; its multiword forms (``North Korea``, ``the
        West``, ``Kim Jong Un``) are also multiword terms, matched case-aware
        on the surfaces (so the lower-case direction "the west" is not the West).
    stopwords : set of str, optional
        Norms to drop; ``None`` uses :func:`stancebook.resources.stopwords.load_stopwords`.
    mwes : iterable of tuple of str, default ()
        Extra multiword expressions as tuples of norms, e.g. ``("security",
        "council")``, matched on consecutive tokens' norms within a sentence.
        The longest MWE wins, scanning left to right.
    n_jobs : int, default 1
        Worker processes; 1 works in this process, -1 uses every core.
    keep_tokens : bool, default True
        Return the tokens table; False saves its memory (roughly 100 bytes
        per token, several GB for the 10,952 UN General Debate speeches).
    min_df, max_df : int or float
        Document-frequency bounds of the DTM: an int is a number of units, a
        float a share of units in (0, 1] (see :func:`stancebook.tokenise.dtm.df_bounds`).
    chunk_chars : int, default 8_000_000
        Characters per chunk (UTF-8 bytes for texts held as Arrow strings,
        see :func:`chunk_bounds`): larger chunks mean fewer hand-overs
        between processes, smaller ones less memory per worker.
    passage_words : int, default 0
        Above 0, also count the terms per passage of this many words (the
        ``passage_dtm``, for topics fitted on passages of long documents).
    engine : stancebook.engine.Engine, optional
        Where the chunks are tokenised (:func:`stancebook.engine.open_engine`:
        local processes or a Dask cluster); None: local processes from
        ``n_jobs``. The tables are the same on every engine.

    Returns
    -------
    TokeniseResult
        ``sentences``, ``mentions``, ``tokens`` (None when ``keep_tokens`` is
        False) and ``dtm``.

    See Also
    --------
    find_collocations : multiword expressions to propose from the tokens.
    top_terms, keyness : read the DTM.
    mention_counts : the mentions per target.

    Examples
    --------
    >>> from stancebook.resources.actors import load_actor_dictionary
    >>> units = pd.DataFrame({"unit_id": ["a", "b"], "offset_breaks": [[0, 0], [0, 0]],
    ...                       "text": ["North Korea met Russia.", "Moscow backs Pyongyang. Trade grew."]})
    >>> result = tokenise_corpus(units, dictionary=load_actor_dictionary())
    >>> result.dtm.terms.tolist(), len(result.sentences), result.mentions["target"].tolist()
    (['backs', 'grew', 'met', 'moscow', 'north_korea', 'pyongyang', 'russia', 'trade'], 3, \
['north_korea', 'russia', 'russia', 'north_korea'])
    """
    started = clock()
    check_units(units)
    if not isinstance(dictionary, ActorDictionary):
        raise ParameterError("dictionary must be an ActorDictionary from load_actor_dictionary().")
    engine = as_engine(engine, n_jobs)
    chunk_chars = check_int(chunk_chars, "chunk_chars")
    ids = _unique_unit_ids(units)
    df_bounds(min_df, max_df, len(ids))  # refuse bad bounds before the long pass
    passage_words = check_int(passage_words, "passage_words", minimum=0)
    spec = _spec(dictionary, stopwords, mwes, keep_tokens, passage_words)
    parts: dict[str, list] = {"sentences": [], "mentions": [], "tokens": []}
    counts, passages, passage_ids = TermCounts(), TermCounts(), []
    seconds: dict[str, tuple[float, float]] = {}
    bounds = list(chunk_bounds(units, chunk_chars))
    results = _chunk_results(units, bounds, spec, engine, seconds)
    for result, first_row in bar(results, desc="tokenise chunks", total=len(bounds), unit="chunk"):
        t = clock()
        for phase, (wall, cpu) in result.get("seconds", {}).items():
            before = seconds.get(phase, (0.0, 0.0))
            seconds[phase] = (before[0] + wall, before[1] + cpu)
        result["sentences"] = with_sentence_texts(result["sentences"], units["text"], first_row)
        for name in parts:
            parts[name].append(result[name])
        counts.add(result["terms"], rows=result["rows"], cols=result["cols"], counts=result["counts"],
                   first_row=first_row)
        if passage_words:
            chunk = result["passages"]
            passages.add(result["terms"], rows=chunk["rows"], cols=chunk["cols"], counts=chunk["counts"],
                         first_row=len(passage_ids))
            passage_ids += chunk["ids"]
        add_lap(seconds, "merge", t)
    t = clock()
    dtm = counts.to_dtm(np.asarray(ids, dtype=str), min_df=min_df, max_df=max_df)
    passage_dtm = (passages.to_dtm(np.asarray(passage_ids, dtype=str), min_df=min_df, max_df=max_df)
                   if passage_words else None)
    t = add_lap(seconds, "dtm", t)
    tables = dict(
        sentences=concat_frames(parts["sentences"], SENTENCE_COLUMNS, ints=POSITIONS),
        mentions=concat_frames(parts["mentions"], MENTION_COLUMNS, ints=POSITIONS),
        tokens=concat_frames(parts["tokens"], TOKEN_COLUMNS, ints=TOKEN_INTS, bools=TOKEN_BOOLS) if keep_tokens
        else None,
    )
    add_lap(seconds, "frames", t)
    add_lap(seconds, "total", started)
    # the chunk phases first, then this process's, each in the order they ran
    seconds = dict(sorted(seconds.items(), key=lambda item: item[0] in _MAIN_PHASES))
    return TokeniseResult(**tables, dtm=dtm, passage_dtm=passage_dtm, seconds=seconds)


def sentence_table(units: pd.DataFrame, *, chunk_chars: int = DEFAULT_CHUNK_CHARS) -> pd.DataFrame:
    """The sentences table of :func:`tokenise_corpus`, without tokens, mentions or DTM.

    Parameters
    ----------
    units : pandas.DataFrame
        The units table (``unit_id``, ``text``, ``offset_breaks``).
    chunk_chars : int, default 8_000_000
        Characters per chunk, as in :func:`tokenise_corpus`.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit_id, sentence, start, end, orig_start, orig_end, text``
        (see :class:`TokeniseResult`).

    See Also
    --------
    tokenise_corpus : every table of the stage in one pass.
    stancebook.text.split_sentences : the sentences of one text.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["u"], "text": ["Title\\n\\nMr. Kim came. He left."],
    ...                       "offset_breaks": [[0, 0]]})
    >>> sentence_table(units)["text"].tolist()
    ['Title', 'Mr. Kim came.', 'He left.']
    """
    check_units(units)
    chunk_chars = check_int(chunk_chars, "chunk_chars")
    parts = [chunk_sentences(*_unit_columns(units, a, b))[0] for a, b in chunk_bounds(units, chunk_chars)]
    return concat_frames(parts, SENTENCE_COLUMNS, ints=POSITIONS)


def find_mentions(units: pd.DataFrame, dictionary: ActorDictionary, *,
                  chunk_chars: int = DEFAULT_CHUNK_CHARS) -> pd.DataFrame:
    """The mentions table of :func:`tokenise_corpus`, without tokens or DTM.

    Parameters
    ----------
    units : pandas.DataFrame
        The units table (``unit_id``, ``text``, ``offset_breaks``).
    dictionary : ActorDictionary
        From :func:`stancebook.resources.actors.load_actor_dictionary`.
    chunk_chars : int, default 8_000_000
        Characters per chunk, as in :func:`tokenise_corpus`.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit_id, sentence, start, end, orig_start, orig_end,
        surface, target, kind, groups`` (see :class:`TokeniseResult`).

    See Also
    --------
    tokenise_corpus : every table of the stage in one pass.
    mention_counts : mentions per target.

    Examples
    --------
    >>> from stancebook.resources.actors import load_actor_dictionary
    >>> units = pd.DataFrame({"unit_id": ["u"], "text": ["Russian President Vladimir Putin met Kim."],
    ...                       "offset_breaks": [[0, 0]]})
    >>> find_mentions(units, load_actor_dictionary())[["surface", "target", "kind"]].values.tolist()
    [['Russian President Vladimir Putin', 'russia', 'leader'], ['Kim', 'north_korea', 'leader']]
    """
    matcher = MentionMatcher.from_dictionary(dictionary)
    check_units(units)
    chunk_chars = check_int(chunk_chars, "chunk_chars")
    parts = []
    for a, b in chunk_bounds(units, chunk_chars):
        unit_ids, texts, breaks = _unit_columns(units, a, b)
        pieces = chunk_pieces(texts)
        _, index = chunk_sentences(unit_ids, texts, breaks, pieces)
        parts.append(chunk_mentions(unit_ids, texts, breaks, matcher, index, pieces))
    return concat_frames(parts, MENTION_COLUMNS, ints=POSITIONS)
