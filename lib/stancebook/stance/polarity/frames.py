"""Stance from relation frames: the target's role in its clause, not the sentence's mood.

A frame is a pattern around a target slot with a direction: "aggression
against {T}" is for T, "{T}'s aggression" against T, "condemn ... {T}"
against T, "solidarity with {T}" for T (the shipped frames are listed in
``resources/data/stance_frames.yaml``, with the pattern language). Patterns
are matched on the words of one clause, with every mention of a dictionary
actor collapsed into one slot, so two targets of one sentence can get
opposite stances ("We support Ukraine and denounce the aggressor, Russia").
A negation in the three words before a frame, or inside it, reverses or
cancels it as the frame says ("does not support {T}" is against T; "will
never accept {T}'s annexation" stays against T).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np

from stancebook.resources.frames import load_stance_frames
from stancebook.stance.polarity.base import PolaritySource, RunSettings
from stancebook.text.tokens import tokenize

__all__ = ["FrameHit", "FrameMatcher", "FramePolarity"]

STANCE_VALUES = {"for": 1, "against": -1, "neutral": 0}
NEGATORS = frozenset({
    "not", "no", "never", "n't", "cannot", "nor", "neither", "without", "none", "nothing", "don't", "doesn't",
    "didn't", "won't", "can't", "isn't", "aren't", "wasn't", "weren't", "shouldn't", "wouldn't", "couldn't",
})
CLAUSE_WORDS = frozenset({"but", "whereas", "although", "though", "however", "yet"})
CLAUSE_PUNCT = frozenset({";", ":", "\u2014", "\u2013", "(", ")", "?", "!"})
LIST_GLUE = frozenset({",", "and", "the", "of", "as", "well", "&", "or", "both", "its", "their"})
GAP = 6
NEGATION_WINDOW = 3
_MAX_LIST_GLUE = 4
_ALLIES = frozenset({"allies", "partners", "friends", "allied", "satellites", "proxies"})
_PREPOSITIONS = ("against", "on", "of", "to", "with", "from", "in", "by", "for", "into", "upon", "toward", "towards",
                 "at")
_MAX_CACHED_WORDS = 500_000  # distinct words whose frame triggers are remembered
# checked after " @T" (the same test, so a pattern starts with a literal the regex engine can search for fast)
_SUBJECT_GUARD = "".join(f"(?<! {w} @T)(?<! \\^{w} @T)" for w in _PREPOSITIONS)


@dataclass(frozen=True)
class FrameHit:
    """One frame matched for one target: its id, the stance value (+1, -1, 0) and whether negation changed it."""

    frame: str
    value: int
    negated: bool


def _element(piece: str, first: bool) -> str:
    if piece == "{T}":
        return r" @T" + _SUBJECT_GUARD if first else r"(?: \^?the)? @T"
    if piece == "{A}":
        return r"(?: \^?the)? (?P<agent>@X\d+)"
    if piece == "{E}":
        return r"(?P<enemy>)"
    if piece == "{X}":
        return r"(?: \^?the)? @X\d*"
    if piece.startswith("..."):
        rest = piece[3:]
        actors = rest.startswith("x")
        n = int(rest.lstrip("x") or GAP)
        word = r"(?!\||@T)\S+" if actors else r"(?![|@])\S+"
        return rf"(?: {word}){{0,{n}}}(?: (?:\^\S*|,|and|the|of|or|@X\d*))*"
    if piece == "'s":
        return r"(?: 's)?"
    optional = piece.startswith("(") and piece.endswith(")")
    body = piece[1:-1] if optional else piece
    words = [re.escape(w[:-1]) + r"[^\s|@]*" if w.endswith("*") else re.escape(w)
             for w in body.replace("\u2019", "'").split("|")]
    regex = r" \^?(?:" + "|".join(words) + ")"
    return f"(?:{regex})?" if optional else regex


def _trigger(pattern: str) -> tuple:
    """The words a pattern cannot match without: those of its first required word element.

    Returns ``(exact words, prefixes)``; ``(None, ())`` when the pattern has no
    required word (it is then always searched).
    """
    for piece in pattern.split():
        if piece.startswith(("{", "...", "(")) or piece == "'s":
            continue
        words = [w.replace("\u2019", "'") for w in piece.split("|")]
        return ({w for w in words if not w.endswith("*")}, tuple(w[:-1] for w in words if w.endswith("*")))
    return None, ()


def compile_pattern(pattern: str) -> re.Pattern:
    """The regular expression of one frame pattern over a rendered clause (see :class:`FrameMatcher`).

    Examples
    --------
    >>> bool(compile_pattern("solidarity with {T}").search(" our solidarity with the @T ."))
    True
    """
    pieces = pattern.split()
    return re.compile("".join(_element(p, i == 0) for i, p in enumerate(pieces)) + r"(?= |$)")


@dataclass
class _Rendered:
    words: list[str]          # lower-case words; "^" marks a capitalised word; "@" a mention
    owner: list               # per word: the target id of the mention, or None
    clause: list[int]         # per word: the clause number


@dataclass
class _Prepared:
    """One sentence ready for matching: its mentions, words, lists of mentions, candidate frames, strings."""

    mentions: list
    rendered: _Rendered
    group: list[int]
    frames: list
    strings: dict

    def string(self, target) -> str:
        """:meth:`FrameMatcher._string` for ``target``, built once per target."""
        if target not in self.strings:
            self.strings[target] = FrameMatcher._string(self.rendered, target, self.group)
        return self.strings[target]


class FrameMatcher:
    """Match stance frames in sentences, for every target a sentence mentions.

    Parameters
    ----------
    frames : sequence of FrameSpec, optional
        From :func:`stancebook.resources.frames.load_stance_frames`; default
        the shipped frames.

    Examples
    --------
    >>> matcher = FrameMatcher()
    >>> text = "We condemn Russia's aggression against Ukraine."
    >>> mentions = [(11, 17, "russia"), (39, 46, "ukraine")]
    >>> {t: matcher.score(hits) for t, hits in matcher.match(text, mentions).items()}
    {'russia': -1, 'ukraine': 1}

    References
    ----------
    .. [1] van Atteveldt, W., Sheafer, T., Shenhav, S. R., & Fogel-Dror, Y. (2017). Clause analysis:
       Using syntactic information to automatically extract source, subject, and predicate from texts
       with an application to the 2008-2009 Gaza War. Political Analysis, 25(2), 207-222.
    .. [2] Deng, L., & Wiebe, J. (2015). Joint prediction for entity/event-level sentiment analysis
       using probabilistic soft logic models. Proceedings of EMNLP 2015, 179-189.
    """

    def __init__(self, frames=None):
        specs = load_stance_frames() if frames is None else tuple(frames)
        self.frames = [(spec, compile_pattern(spec.pattern)) for spec in specs]
        self._triggers = [_trigger(spec.pattern) for spec in specs]
        self._always = sum(1 << i for i, (exact, _) in enumerate(self._triggers) if exact is None)
        self._word_masks: dict[str, int] = {}

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_word_masks": {}}  # a cache: workers build their own

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "_always" not in state:  # a matcher pickled before the cache existed
            self._always = sum(1 << i for i, (exact, _) in enumerate(self._triggers) if exact is None)
        self._word_masks = {}

    def _word_mask(self, word: str) -> int:
        """Bit i set when ``word`` is a first word of frame i (cached per distinct word)."""
        mask = 0
        for i, (exact, prefixes) in enumerate(self._triggers):
            if exact is not None and (word in exact or (prefixes and word.startswith(prefixes))):
                mask |= 1 << i
        if len(self._word_masks) >= _MAX_CACHED_WORDS:
            self._word_masks.clear()
        self._word_masks[word] = mask
        return mask

    def _candidates(self, rendered: _Rendered) -> list:
        """The frames whose first word occurs in the sentence: the only ones worth a regex search."""
        mask, masks = self._always, self._word_masks
        for word in {w.lstrip("^") for w in rendered.words}:
            bits = masks.get(word)
            mask |= self._word_mask(word) if bits is None else bits
        return [frame for i, frame in enumerate(self.frames) if mask >> i & 1]

    @staticmethod
    def _render(text: str, mentions) -> _Rendered:
        spans = sorted((int(a), int(b), t) for a, b, t in mentions)
        tokens = tokenize(text)
        # The mentions each token overlaps (tokens are disjoint and in order, so a mention overlaps a run of them).
        starts, ends = [t[0] for t in tokens], [t[1] for t in tokens]
        overlapping: dict[int, list[int]] = {}
        for j, (a, b, _t) in enumerate(spans):
            for k in range(bisect_right(ends, a), bisect_left(starts, b)):
                overlapping.setdefault(k, []).append(j)
        words, owner = [], []
        emitted: set[int] = set()
        for k, (start, end, surface, _kind) in enumerate(tokens):
            inside = overlapping.get(k)
            if inside:
                # one slot per mention, also when one token holds two ("Putin-Kim")
                for j in inside:
                    if j not in emitted:
                        emitted.add(j)
                        words.append("@")
                        owner.append(spans[j][2])
                continue
            word = surface.lower().replace("\u2019", "'")
            words.append("^" + word if surface[:1].isupper() and words else word)
            owner.append(None)
        clause, number = [], 0
        for k, word in enumerate(words):
            if word in CLAUSE_PUNCT or (k > 0 and word.lstrip("^") in CLAUSE_WORDS):
                number += 1
            clause.append(number)
        return _Rendered(words, owner, clause)

    @staticmethod
    def _lists(rendered: _Rendered) -> list[int]:
        """Per word, the coordinated list of mentions it belongs to (-1: none)."""
        group = [-1] * len(rendered.words)
        current, last, glue = 0, None, 0
        opened_by_between = False
        for k, (word, owner) in enumerate(zip(rendered.words, rendered.owner)):
            if owner is not None:
                joined = (last is not None and glue <= _MAX_LIST_GLUE and rendered.clause[k] == rendered.clause[last]
                          and not opened_by_between)  # "between X and Y" relates X and Y, it is no list
                if not joined:
                    opened_by_between = k > 0 and rendered.words[k - 1].lstrip("^") == "between"
                if not joined:
                    current += 1
                group[k] = group[last] if joined else current
                last, glue = k, 0
            elif word in LIST_GLUE or word.startswith("^"):
                glue += 1
            else:
                glue = _MAX_LIST_GLUE + 1
        return group

    @staticmethod
    def _string(rendered: _Rendered, target: str, group: list[int]) -> str:
        """The sentence as ' w w ...' with clause breaks ' |', the target (and its list) '@T', others '@X<k>'."""
        in_target_list = {g for g, o in zip(group, rendered.owner) if o == target}
        parts, clause = [], 0
        for k, word in enumerate(rendered.words):
            if rendered.clause[k] != clause:
                parts.append(" |")
                clause = rendered.clause[k]
            if rendered.owner[k] is not None:
                word = "@T" if rendered.owner[k] == target or group[k] in in_target_list else f"@X{k}"
            parts.append(" " + word)
        return "".join(parts)

    @staticmethod
    def _negated(string: str, match: re.Match) -> bool:
        before = string[:match.start()].split(" ")[-NEGATION_WINDOW:]
        if "|" in before:
            before = before[len(before) - before[::-1].index("|"):]
        words = before + match.group(0).split()
        return any(w.lstrip("^") in NEGATORS for w in words)

    def match(self, text: str, mentions) -> dict[str, list[FrameHit]]:
        """The frames matched for each target mentioned in one sentence.

        Parameters
        ----------
        text : str
            The sentence.
        mentions : iterable of (int, int, str)
            ``(start, end, target)`` of every actor mention in ``text``.

        Returns
        -------
        dict of str to list of FrameHit
            Every mentioned target, with the holder-stance frames that
            matched it. A holder frame of the same direction inside the words
            of an agent frame ("cooperation between {A} and {T}") is a
            relation between the two actors, not the holder's stance, and is
            left out.
        """
        return self._match(self._prepare(text, mentions))

    def analyse(self, text: str, mentions, *, groups: dict | None = None) -> tuple[dict, list]:
        """:meth:`match` and :meth:`relations` of one sentence, ``(hits by target, relations)``, rendered once."""
        prepared = self._prepare(text, mentions)
        return self._match(prepared), self._relations(prepared, groups)

    def _prepare(self, text: str, mentions) -> _Prepared:
        mentions = list(mentions)
        rendered = self._render(text, mentions)
        return _Prepared(mentions, rendered, self._lists(rendered), self._candidates(rendered), {})

    def _match(self, prepared: _Prepared) -> dict[str, list[FrameHit]]:
        frames = prepared.frames
        found = {}
        for target in dict.fromkeys(t for _, _, t in prepared.mentions):
            string = prepared.string(target)
            agent_spans = [(m.start(), m.end(), STANCE_VALUES[spec.stance]) for spec, regex in frames
                           if spec.agent for m in regex.finditer(string)]
            hits = []
            for spec, regex in frames:
                if spec.agent:
                    continue
                for found_match in regex.finditer(string):
                    if any(a <= found_match.start() and found_match.end() <= b and value == STANCE_VALUES[spec.stance]
                           for a, b, value in agent_spans):
                        continue  # the agent relation explains these words ("cooperation between A and T")
                    negated = spec.negated != "ignore" and self._negated(string, found_match)
                    stance = spec.negated if negated else spec.stance
                    hits.append(FrameHit(spec.id, STANCE_VALUES[stance], negated))
            found[target] = hits
        return found

    def relations(self, text: str, mentions, *, groups: dict | None = None) -> list[tuple[str, str, int, str]]:
        """Agent frames: ``(agent, target, stance value, frame id)`` for "{A}'s war against {T}" and the like.

        An agent followed by "and its allies" (partners, friends) stands for
        its group of ``groups`` (``{group: (member, ...)}``), so "Washington
        and its allies are threatening their enemies" is the West's stance.
        ``{E}`` frames ("{A} ... threatening their enemies") relate the agent
        to every other actor of the sentence outside its group and its list.
        """
        return self._relations(self._prepare(text, mentions), groups)

    def _relations(self, prepared: _Prepared, groups: dict | None) -> list[tuple[str, str, int, str]]:
        rendered, group = prepared.rendered, prepared.group
        frames = [frame for frame in prepared.frames if frame[0].agent]
        out = []
        for target in [*dict.fromkeys(t for _, _, t in prepared.mentions), None] if frames else []:
            string = prepared.string(target)
            for spec, regex in frames:
                if not spec.agent or (("{E}" in spec.pattern.split()) != (target is None)):
                    continue
                for found_match in regex.finditer(string):
                    index = int(found_match.group("agent")[2:])
                    agent, members = self._agent(rendered, index, groups or {})
                    targets = [target] if target is not None else self._enemies(rendered, index, group, members)
                    out += [(agent, t, STANCE_VALUES[spec.stance], spec.id) for t in targets
                            if t not in members]
        return list(dict.fromkeys(out))

    @staticmethod
    def _agent(rendered: _Rendered, index: int, groups: dict) -> tuple[str, set]:
        """The agent at word ``index`` (its group after "and its allies") and the actors it stands for."""
        agent = rendered.owner[index]
        after = [w.lstrip("^") for w in rendered.words[index + 1:index + 4]]
        if after[:1] == ["and"] and after[1:2] in (["its"], ["their"]) and after[2:3] and after[2] in _ALLIES:
            for name, members in groups.items():
                if agent in members:
                    return name, {name, *members}
        return agent, {agent}

    @staticmethod
    def _enemies(rendered: _Rendered, index: int, group: list[int], members: set) -> list[str]:
        return list(dict.fromkeys(o for k, o in enumerate(rendered.owner)
                                  if o is not None and o not in members and group[k] != group[index]))

    @staticmethod
    def score(hits) -> int:
        """One stance from a target's hits: the sign of their sum (0 for none or a tie)."""
        total = sum(hit.value for hit in hits)
        return (total > 0) - (total < 0)


_MIN_PARALLEL_SENTENCES = 4000
_MIN_CHUNK_SENTENCES = 1000


def _match_job(keys: list, matcher: "FrameMatcher", groups) -> list:
    """:func:`_match_chunk` in the engine's calling convention (the job first, shared arguments by name)."""
    return _match_chunk(matcher, keys, groups)


def _match_chunk(matcher: FrameMatcher, keys: list, groups) -> list:
    """Frames and agent relations of each ``(text, mentions)`` (module level, so worker processes can run it)."""
    return [matcher.analyse(text, mentions, groups=groups) for text, mentions in keys]


class FramePolarity(PolaritySource):
    """Stance toward each target from the relation frames that match it: +1, -1, 0, or NaN without a frame.

    Parameters
    ----------
    frames : str, default ""
        A YAML file replacing the shipped frames; empty: shipped
        (``resources/data/stance_frames.yaml``).
    extend : str, default ""
        A YAML file whose frames are added to (or replace by id) the chosen ones.
    groups : dict, optional
        The actor dictionary's groups, for agents named with their allies.
    n_jobs : int, default 1
        Processes matching the sentences (-1: every core); the scores do not depend on it.
    engine : stancebook.engine.Engine, optional
        Where the chunks of sentences are matched (local processes or a Dask
        cluster); None: local processes from ``n_jobs``.

    Notes
    -----
    A targeted source (:attr:`targeted`): it reads the unmasked sentence and
    the position of every actor. It needs no corpus and gives no score where
    no frame matches (:attr:`scores_every_context` is False), so later
    evidence (the clause lexicon) can take over there.

    See Also
    --------
    FrameMatcher : the matching itself.
    stancebook.resources.frames.load_stance_frames : reading the frames.
    """

    targeted = True
    scores_every_context = False

    def __init__(self, frames="", extend="", groups=None, n_jobs=1, engine=None):
        self.frames = frames
        self.extend = extend
        self.groups = groups
        self.n_jobs = n_jobs
        self.engine = engine

    @classmethod
    def for_run(cls, settings: RunSettings, **options) -> "FramePolarity":
        return cls(**{"n_jobs": settings.n_jobs, "engine": settings.engine, **options})

    def fit(self, texts) -> "FramePolarity":
        specs = load_stance_frames(self.frames or None, extend=self.extend or None)
        self.matcher_ = FrameMatcher(specs)
        return self

    def score(self, texts) -> np.ndarray:
        return np.full(len(texts), np.nan)

    def score_targets(self, contexts, previous) -> np.ndarray:
        by_sentence = self._by_sentence(contexts)
        out = np.full(len(contexts), np.nan)
        for i, item in enumerate(contexts):
            hits = by_sentence[(item.text, item.mentions)][0].get(item.target, [])
            if hits:
                out[i] = FrameMatcher.score(hits)
        return out

    def _by_sentence(self, contexts) -> dict:
        """``{(text, mentions): (hits by target, relations)}`` of every distinct sentence, on the engine's workers."""
        cached = getattr(self, "_cache", None)
        if cached is not None and cached[0] is contexts:
            return cached[1]
        if getattr(self, "matcher_", None) is None:
            self.fit([])
        keys = list(dict.fromkeys((item.text, item.mentions) for item in contexts))
        engine = self._engine()
        if engine.remote or (engine.n_workers > 1 and len(keys) >= _MIN_PARALLEL_SENTENCES):
            size = max(_MIN_CHUNK_SENTENCES, -(-len(keys) // (4 * engine.n_workers)))  # a few chunks per worker
            chunks = [keys[a:a + size] for a in range(0, len(keys), size)]
            results = engine.map(_match_job, chunks, shared={"matcher": self.matcher_, "groups": self.groups})
        else:
            chunks, results = [keys], [_match_chunk(self.matcher_, keys, self.groups)]
        found = {key: value for chunk, result in zip(chunks, results) for key, value in zip(chunk, result)}
        self._cache = (contexts, found)
        return found

    def relations(self, contexts) -> list[tuple[int, str, int, str]]:
        """Agent relations of each pair's sentence: ``(index of the pair, agent, stance value, frame)``.

        For "Moscow's war efforts against its enemy ... Ukrainian fronts" the
        pair (sentence, ukraine) gets ``(i, "russia", -1, "agent-war")``:
        Russia holds a hostile stance toward Ukraine, whoever wrote the sentence.
        """
        by_sentence = self._by_sentence(contexts)
        return [(i, agent, value, frame) for i, item in enumerate(contexts)
                for agent, target, value, frame in by_sentence[(item.text, item.mentions)][1]
                if target == item.target]
