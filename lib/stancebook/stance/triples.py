"""Stance triples: for each sentence and each target it mentions, who holds which polarity toward it.

A triples table (:func:`triple_columns`) has one row per (unit, sentence,
target): ``holder, holder_source, target, level ("target" or "group"),
polarity_<source>`` for every registered polarity source
(:mod:`stancebook.stance.polarity`: ``polarity_lexicon``, VADER's compound
score in [-1, 1]; ``polarity_scaling``, the scaling model's standardised
score, NaN without evidence), then ``unit_id, sentence, n_mentions, surface,
start, end, orig_start, orig_end, context``. Several mentions of a target in
one sentence count once (``n_mentions`` keeps the count; offsets and
``surface`` are those of the first mention). Each polarity is computed on the
context after every target mention in it is replaced word for word by the
neutral placeholder ``"entity"`` (:mod:`stancebook.stance.contexts`);
``context`` is the readable text scored, before that replacement. The holder
comes from :func:`~stancebook.stance.holders.attribute_sentences`; a
sentence's triple toward its own holder is dropped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.checks import require_columns
from stancebook.errors import CorpusError, ParameterError
from stancebook.progress import bar
from stancebook.stance._shared import DECIMALS
from stancebook.stance.contexts import CONTEXTS, MentionGroups, build_contexts
from stancebook.stance.holders import REPORTING_VERBS, attribute_sentences, resolve_holders
from stancebook.stance.polarity import SOURCES, RunSettings, TargetContext, polarity_columns
from stancebook.workers import n_workers

__all__ = ["expand_groups", "stance_triples", "triple_columns", "triple_dtypes"]

_FIRST = ["holder", "holder_source", "target", "level"]
_LAST = ["unit_id", "sentence", "n_mentions", "surface", "start", "end", "orig_start", "orig_end", "context"]
_DTYPES = {
    "holder": "str", "holder_source": "str", "target": "str", "level": "str", "unit_id": "str", "sentence": "int64",
    "n_mentions": "int64", "surface": "str", "start": "int64", "end": "int64", "orig_start": "int64",
    "orig_end": "int64", "context": "str",
}
_MENTION_COLUMNS = ["unit_id", "sentence", "start", "end", "orig_start", "orig_end", "surface", "target"]


def triple_columns() -> list[str]:
    """The columns of a triples table: holder, target and level, one polarity per registered source, then where.

    Examples
    --------
    >>> triple_columns()[:6]
    ['holder', 'holder_source', 'target', 'level', 'polarity_lexicon', 'polarity_scaling']
    """
    return _FIRST + polarity_columns() + _LAST


def triple_dtypes() -> dict[str, str]:
    """The dtype of each column of :func:`triple_columns` (polarities are float64)."""
    return {**_DTYPES, **{c: "float64" for c in polarity_columns()}}


def _empty_triples() -> pd.DataFrame:
    dtypes = triple_dtypes()
    return pd.DataFrame({c: pd.Series([], dtype=dtypes[c]) for c in triple_columns()})


def _sources_to_score(sources, n_jobs: int) -> dict:
    """Every registered source: the one given, a default one when it needs no corpus, else None (NaN)."""
    given = {} if sources is None else sources
    if not isinstance(given, dict):
        raise ParameterError("`sources` must be a dict {source name: fitted polarity source}, "
                             f"e.g. {{'scaling': LatentScaling().fit(texts)}}; got {type(sources).__name__}.")
    unknown = sorted(set(given) - set(SOURCES))
    if unknown:
        raise ParameterError(f"`sources` names unknown polarity source(s) {unknown}; registered: {list(SOURCES)}.")
    for name, source in given.items():
        if source is not None and not hasattr(source, "score"):
            raise ParameterError(f"`sources[{name!r}]` must be a fitted polarity source with a score() method, "
                                 "or None.")
    resolved = {}
    for name, kind in SOURCES.items():
        if name in given:
            resolved[name] = given[name]
        elif not kind.learns_from_corpus:
            resolved[name] = kind.for_run(RunSettings(n_jobs=n_jobs)).fit([])  # validates it before any work
        else:
            resolved[name] = None
    return resolved


def _checked_units(units, sentences, mentions, context, window) -> list[str]:
    if context not in CONTEXTS:
        raise ParameterError(f"`context` must be one of {list(CONTEXTS)}, got {context!r}.")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ParameterError(f"`window` must be a positive integer (words either side of a mention), got {window!r}.")
    require_columns(units, ["unit_id", "text"], "units")
    require_columns(mentions, _MENTION_COLUMNS, "mentions")
    require_columns(sentences, ["unit_id", "sentence", "start", "end"], "sentences")
    unit_ids = units["unit_id"].astype(str).tolist()
    if len(set(unit_ids)) != len(unit_ids):
        dup = pd.Series(unit_ids)[pd.Series(unit_ids).duplicated()].iloc[0]
        raise CorpusError(f"The units table has duplicate unit_id values (e.g. {dup!r}); unit ids must be unique.")
    return unit_ids


def _ordered_mentions(mentions: pd.DataFrame, unit_order: dict) -> pd.DataFrame:
    """Mentions sorted by unit order, sentence, target and position (``_order``: the unit's position)."""
    m = mentions.assign(unit_id=mentions["unit_id"].astype(str), target=mentions["target"].astype(str))
    unknown = sorted(set(m["unit_id"]) - set(unit_order))
    if unknown:
        raise CorpusError(
            f"The mentions table refers to unit(s) not in the units table, e.g. {unknown[:3]}; "
            f"build units, sentences and mentions from the same run."
        )
    return m.assign(_order=m["unit_id"].map(unit_order)).sort_values(
        ["_order", "sentence", "target", "start", "end"], kind="stable"
    )


def _sentence_spans(sentences: pd.DataFrame, m: pd.DataFrame) -> dict:
    """``{(unit_id, sentence): (start, end)}`` of the sentences with mentions; every mention must fall in one."""
    s_keys = pd.MultiIndex.from_arrays([sentences["unit_id"].astype(str), sentences["sentence"].astype(np.int64)])
    s = sentences[s_keys.isin(pd.MultiIndex.from_arrays([m["unit_id"].astype(str), m["sentence"].astype(np.int64)]))]
    spans = {
        (u, int(k)): (int(a), int(b))
        for u, k, a, b in zip(s["unit_id"].astype(str), s["sentence"], s["start"], s["end"])
    }
    for u, k, surface in zip(m["unit_id"].tolist(), m["sentence"].tolist(), m["surface"].tolist()):
        if (u, int(k)) not in spans:
            raise CorpusError(
                f"Mention {surface!r} in unit {u!r} points to sentence {int(k)}, "
                f"which the sentences table does not contain; build both from the same units."
            )
    return spans


def _holders(units, sentences, m, **attribution) -> dict:
    """``{(unit_id, sentence): (holder, holder_source, holder_target)}`` for the sentences with mentions."""
    mentioned = m[["unit_id", "sentence"]].drop_duplicates()
    s_keys = pd.MultiIndex.from_arrays([sentences["unit_id"].astype(str), sentences["sentence"].astype(np.int64)])
    keep = s_keys.isin(pd.MultiIndex.from_arrays([mentioned["unit_id"], mentioned["sentence"].astype(np.int64)]))
    attribution = attribute_sentences(units, sentences[keep], m, **attribution)
    return {(u, int(k)): (h, src, own) for u, k, h, src, own in zip(
        attribution["unit_id"], attribution["sentence"], attribution["holder"], attribution["holder_source"],
        attribution["holder_target"])}


def _mention_groups(m: pd.DataFrame) -> MentionGroups:
    # Plain arrays: the triples are assembled once per group on corpora with 10^5-10^6 mentions.
    order = m["_order"].to_numpy(dtype=np.int64)
    sent = m["sentence"].to_numpy(dtype=np.int64)
    target = m["target"].to_numpy(dtype=object)
    starts = m["start"].to_numpy(dtype=np.int64)
    ends = m["end"].to_numpy(dtype=np.int64)
    n = len(m)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (order[1:] != order[:-1]) | (sent[1:] != sent[:-1]) | (target[1:] != target[:-1])
    first = np.flatnonzero(new_group)
    new_unit = np.ones(n, dtype=bool)
    new_unit[1:] = order[1:] != order[:-1]
    unit_first = np.flatnonzero(new_unit)
    return MentionGroups(
        unit_id=m["unit_id"].to_numpy(dtype=object), sentence=sent, start=starts, end=ends, first=first,
        group_start=np.minimum.reduceat(starts, first), group_end=np.maximum.reduceat(ends, first),
        unit_first=unit_first, unit_last=np.append(unit_first[1:], n))


def _target_contexts(m: pd.DataFrame, groups: MentionGroups, unit_text: dict, sentence_spans: dict
                     ) -> list[TargetContext]:
    """Each triple's sentence, every actor mention in it (sentence offsets) and its target."""
    in_sentence: dict = {}
    for u, k, a, b, t in zip(m["unit_id"].tolist(), m["sentence"].tolist(), m["start"].tolist(),
                             m["end"].tolist(), m["target"].tolist()):
        s0 = sentence_spans[(u, int(k))][0]
        in_sentence.setdefault((u, int(k)), []).append((int(a) - s0, int(b) - s0, t))
    targets = m["target"].astype(str).tolist()
    mentions_of = {key: tuple(sorted(set(found))) for key, found in in_sentence.items()}
    out = []
    for g in groups.first.tolist():
        u, k = groups.unit_id[g], int(groups.sentence[g])
        s0, s1 = sentence_spans[(u, k)]
        out.append(TargetContext(unit_text[u][s0:s1], mentions_of[(u, k)], targets[g], u, k))
    return out


def _polarities(masked: list[str], targeted: list[TargetContext], sources: dict) -> dict[str, np.ndarray]:
    """``{polarity_<name>: one score per context}``; each distinct masked context is scored once.

    Targeted sources (:attr:`PolaritySource.targeted`) score every (sentence,
    target) pair instead, seeing the columns of the sources before them.
    """
    # In sentence mode every target of a sentence shares one context.
    distinct = list(dict.fromkeys(masked))
    out = {}
    for name, source in bar(sources.items(), desc="polarity sources", unit="source"):
        if source is None:
            out[f"polarity_{name}"] = np.full(len(masked), np.nan)
            continue
        if source.targeted:
            scores = np.asarray(source.score_targets(targeted, dict(out)), dtype=float)
            if scores.shape != (len(targeted),):
                raise ParameterError(f"Polarity source {name!r} returned {scores.shape} scores for {len(targeted)} "
                                     "pairs; score_targets() must return one number per pair.")
            out[f"polarity_{name}"] = scores
            continue
        scores = np.asarray(source.score(distinct), dtype=float)
        if scores.shape != (len(distinct),):
            raise ParameterError(f"Polarity source {name!r} returned {scores.shape} scores for {len(distinct)} "
                                 "contexts; score() must return one number per text.")
        score_of = dict(zip(distinct, scores.tolist()))
        out[f"polarity_{name}"] = np.array([score_of[t] for t in masked], dtype=float)
    return out


def _assemble(m: pd.DataFrame, groups: MentionGroups, who: dict, polarity: dict, contexts: list[str]) -> pd.DataFrame:
    """One row per group, the triple toward the holder's own target dropped, in the contract's columns."""
    firsts = m.iloc[groups.first]
    keys = list(zip(firsts["unit_id"].tolist(), firsts["sentence"].astype(int).tolist()))
    own = [who[k][2] for k in keys]
    triples = pd.DataFrame({
        "holder": pd.Series([who[k][0] for k in keys], dtype="str"),
        "holder_source": pd.Series([who[k][1] for k in keys], dtype="str"),
        "target": firsts["target"].to_numpy(dtype=object),
        "level": "target",
        **polarity,
        "unit_id": firsts["unit_id"].to_numpy(dtype=object),
        "sentence": firsts["sentence"].to_numpy(dtype=np.int64),
        "n_mentions": np.diff(np.append(groups.first, len(m))).astype(np.int64),
        "surface": firsts["surface"].astype(str).to_numpy(dtype=object),
        "start": firsts["start"].to_numpy(dtype=np.int64),
        "end": firsts["end"].to_numpy(dtype=np.int64),
        "orig_start": firsts["orig_start"].to_numpy(dtype=np.int64),
        "orig_end": firsts["orig_end"].to_numpy(dtype=np.int64),
        "context": np.asarray(contexts, dtype=object),
    })
    self_stance = triples["target"].to_numpy(dtype=object) == np.asarray(own, dtype=object)
    triples = triples[~self_stance]
    return triples[triple_columns()].reset_index(drop=True).astype(triple_dtypes())


def stance_triples(units: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame, *, holder_column: str = "",
                   context: str = "sentence", window: int = 10, sources: dict | None = None, reported: bool = True,
                   reporting_verbs=REPORTING_VERBS, verb_window: int = 6, holder_targets: dict | None = None,
                   n_jobs: int = 1) -> pd.DataFrame:
    """Score the polarity toward each target in each sentence that mentions it, and who holds it.

    Parameters
    ----------
    units, sentences, mentions : pandas.DataFrame
        The units (``unit_id``, ``text``, metadata), sentences (``unit_id,
        sentence, start, end`` in unit text) and target mentions (``unit_id,
        sentence, start, end, orig_start, orig_end, surface, target``).
    holder_column : str, default ""
        Metadata column naming the speaker; see :func:`~stancebook.stance.holders.resolve_holders`.
    context : {"sentence", "window"}, default "sentence"
        Text scored: the whole sentence, or the words within ``window``
        whitespace-separated words before the first and after the last
        mention of the target in that sentence (clipped to the sentence, so
        a reported actor's words never mix with the speaker's).
    window : int, default 10
        Words either side of the mentions when ``context="window"``.
    sources : dict, optional
        ``{source name: fitted polarity source}``, e.g. ``{"scaling":
        LatentScaling().fit(texts)}``. A registered source not named (or
        None) is built with its defaults when it needs no corpus (the VADER
        lexicon, ``n_jobs`` workers); otherwise its column is NaN.
    reported, reporting_verbs, verb_window, holder_targets
        Attribution of reported words and acts; see
        :func:`~stancebook.stance.holders.attribute_sentences`.
    n_jobs : int, default 1
        Processes of the default lexicon source (-1: every core); the scores
        do not depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per (unit, sentence, target), the columns of
        :func:`triple_columns` (described in :mod:`stancebook.stance.triples`),
        polarities rounded to 6 decimals, sorted by unit order, sentence,
        target. No mentions: an empty frame with these columns.

    Raises
    ------
    ParameterError
        ``context`` is not one of ``CONTEXTS``, ``window`` is not a positive
        integer, or ``sources`` names an unknown source.
    CorpusError
        A required column is missing, or a mention points to a unit or
        sentence that the tables do not contain.

    See Also
    --------
    expand_groups : adds rows for target groups.
    stancebook.stance.stance_profiles : aggregates triples per holder and target.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["d"], "text": ["Moscow is a good partner."]})
    >>> sentences = pd.DataFrame({"unit_id": ["d"], "sentence": [1], "start": [0], "end": [25],
    ...                           "orig_start": [0], "orig_end": [25], "text": ["Moscow is a good partner."]})
    >>> mentions = pd.DataFrame({"unit_id": ["d"], "sentence": [1], "start": [0], "end": [6],
    ...     "orig_start": [0], "orig_end": [6], "surface": ["Moscow"], "target": ["russia"],
    ...     "kind": ["capital"], "groups": [""]})
    >>> float(stance_triples(units, sentences, mentions)["polarity_lexicon"].iloc[0]) > 0
    True
    """
    unit_ids = _checked_units(units, sentences, mentions, context, window)
    n_workers(n_jobs)
    scoring = _sources_to_score(sources, n_jobs)
    resolve_holders(units, holder_column=holder_column)  # validates the column before any work
    if len(mentions) == 0:
        return _empty_triples()
    m = _ordered_mentions(mentions, {u: i for i, u in enumerate(unit_ids)})
    sentence_spans = _sentence_spans(sentences, m)
    who = _holders(units, sentences, m, holder_column=holder_column, reported=reported,
                   reporting_verbs=reporting_verbs, verb_window=verb_window, holder_targets=holder_targets)
    groups = _mention_groups(m)
    unit_text = dict(zip(unit_ids, units["text"].astype(str).tolist()))
    contexts, masked = build_contexts(groups, unit_text, sentence_spans, context=context, window=window)
    targeted = _target_contexts(m, groups, unit_text, sentence_spans)
    polarity = _polarities(masked, targeted, scoring)
    triples = _assemble(m, groups, who, polarity, contexts)
    return pd.concat([triples, _acts(m, groups, polarity, contexts, targeted, scoring)], ignore_index=True)


def _acts(m: pd.DataFrame, groups: MentionGroups, polarity: dict, contexts: list[str], targeted: list,
          sources: dict) -> pd.DataFrame:
    """Triples whose holder is an actor whose acts the sentence reports ("Moscow's war against {T}").

    Holder source ``"act"``; the frames and the default stance take the
    relation's sign; the other sources, which read the sentence's words
    rather than a relation, have no score (NaN).
    """
    frames = sources.get("frames")
    if frames is None or not hasattr(frames, "relations"):
        return _empty_triples()
    found = frames.relations(targeted)
    if not found:
        return _empty_triples()
    index = [i for i, _agent, _value, _frame in found]
    relation = np.array([value for _i, _agent, value, _frame in found], dtype=float)
    rows = {column: relation if column in ("polarity_frames", "polarity_stance") else np.full(len(found), np.nan)
            for column in polarity}
    firsts = m.iloc[groups.first[index]]
    acts = pd.DataFrame({
        "holder": [agent for _i, agent, _value, _frame in found], "holder_source": "act",
        "target": firsts["target"].to_numpy(dtype=object), "level": "target", **rows,
        "unit_id": firsts["unit_id"].to_numpy(dtype=object), "sentence": firsts["sentence"].to_numpy(dtype=np.int64),
        "n_mentions": 1, "surface": firsts["surface"].astype(str).to_numpy(dtype=object),
        "start": firsts["start"].to_numpy(dtype=np.int64), "end": firsts["end"].to_numpy(dtype=np.int64),
        "orig_start": firsts["orig_start"].to_numpy(dtype=np.int64),
        "orig_end": firsts["orig_end"].to_numpy(dtype=np.int64),
        "context": np.asarray(contexts, dtype=object)[index]})
    return acts[triple_columns()].drop_duplicates(["holder", "target", "unit_id", "sentence"]).astype(triple_dtypes())


def expand_groups(triples: pd.DataFrame, dictionary) -> pd.DataFrame:
    """Add one row per sentence and target group (the West = United States, NATO, EU, ...).

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`stance_triples`.
    dictionary : stancebook.resources.actors.ActorDictionary or dict
        Its ``groups`` (``{group_id: [target_id, ...]}``), or that dict itself.

    Returns
    -------
    pandas.DataFrame
        ``triples`` followed by the group rows, same columns. A group row
        (``level="group"``, ``target`` = the group id) stands for one
        (holder, unit, sentence) in which members of the group are
        mentioned: each polarity is the mean over those members' triples
        (of the scores they have), ``n_mentions`` their sum, offsets, surface
        and context those of the first member. A holder that is itself a
        member of a group gets no row toward it (no stance toward oneself).
        Sorted by unit order, sentence, level, target.

    See Also
    --------
    stance_triples : the target rows.

    Examples
    --------
    >>> t = pd.DataFrame({"holder": ["a", "a"], "holder_source": ["speaker"] * 2, "target": ["nato", "europe"],
    ...     "level": ["target"] * 2, **{c: [0.2, 0.4] for c in polarity_columns()},
    ...     "unit_id": ["u", "u"], "sentence": [1, 1], "n_mentions": [1, 1], "surface": ["NATO", "EU"],
    ...     "start": [0, 9], "end": [4, 11], "orig_start": [0, 9], "orig_end": [4, 11], "context": ["..."] * 2})
    >>> expand_groups(t, {"west": ["europe", "nato"]})[["target", "level", "polarity_lexicon"]].values.tolist()[-1]
    ['west', 'group', 0.3]
    """
    groups = getattr(dictionary, "groups", dictionary)
    if not isinstance(groups, dict):
        raise ParameterError("`dictionary` must be an ActorDictionary or a dict {group_id: [target_id, ...]}.")
    columns = triple_columns()
    require_columns(triples, columns, "triples")
    base = triples[triples["level"] == "target"]
    if not groups or base.empty:
        return triples.reset_index(drop=True)
    polarity = polarity_columns()
    unit_order = {u: i for i, u in enumerate(dict.fromkeys(triples["unit_id"].astype(str)))}
    key = ["holder", "holder_source", "unit_id", "sentence"]
    pieces = []
    for group in sorted(groups):
        members = {str(t) for t in groups[group]}
        sub = base[base["target"].isin(members) & ~base["holder"].isin(members)]
        if sub.empty:
            continue
        agg = sub.groupby(key, sort=False).agg(**{c: (c, "mean") for c in polarity},
                                               n_mentions=("n_mentions", "sum"), start=("start", "min"))
        firsts = sub.sort_values("start", kind="stable").drop_duplicates(key).set_index(key)
        agg = agg.join(firsts[["surface", "end", "orig_start", "orig_end", "context"]]).reset_index()
        pieces.append(agg.assign(target=group, level="group"))
    if not pieces:
        return triples.reset_index(drop=True)
    extra = pd.concat(pieces, ignore_index=True)
    extra = extra.assign(**{c: extra[c].round(DECIMALS) for c in polarity})
    out = pd.concat([triples, extra[columns]], ignore_index=True)
    out = out.assign(_order=out["unit_id"].astype(str).map(unit_order),
                     _level=(out["level"] == "group").astype(int))
    out = out.sort_values(["_order", "sentence", "_level", "target"], kind="stable")
    return out[columns].reset_index(drop=True).astype(triple_dtypes())
