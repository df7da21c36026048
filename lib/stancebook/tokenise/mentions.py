"""Mentions of the targets of the actor dictionary: the matcher, and the table of mentions per target.

One compiled, case-aware regular expression runs over the unit text (not
over tokens), longest form first, with hyphens as word boundaries; a demonym
(or a name with ``'s``, or a metonym) followed by role words and a leader of
the same target is merged into one ``leader`` mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stancebook.errors import ParameterError
from stancebook.resources.actors import MENTION_KINDS, ActorDictionary
from stancebook.ragged import expand_ranges
from stancebook.text.tokens import NOT_BEFORE_WORD, WORD_CHAR

__all__ = ["MentionMatcher", "mention_counts"]

# Whitespace inside a multiword form: any run of spaces holding at most one newline,
# so that a form never spans a paragraph break ("\n\n").
SPACE = r"(?:[^\S\n]+\n?[^\S\n]*|\n[^\S\n]*)"
_WHITESPACE = re.compile(r"\s+")


def variants(form: str) -> list[str]:
    """A form as written, with a capitalised first letter, with curly apostrophes.

    Examples
    --------
    >>> variants("the West's")
    ["the West's", "The West's", 'the West’s', 'The West’s']
    """
    out = [form]
    if form[0].islower():
        out.append(form[0].upper() + form[1:])
    out += [v.replace("'", "\u2019") for v in out if "'" in v]
    return out


def _lower_first(char: str) -> tuple[bool, str]:
    return not char.islower(), char


def trie_pattern(forms: Iterable[str], *, not_after_word: bool = False) -> str:
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

    Examples
    --------
    >>> [m.group() for m in re.finditer(trie_pattern(["Korea", "North Korea"]), "North Korea, Korea")]
    ['North Korea', 'Korea']
    """
    root: dict = {}
    for form in forms:
        node = root
        for char in form:
            node = node.setdefault(char, {})
        node[""] = True

    def piece(char: str) -> str:
        return SPACE if char == " " else re.escape(char)

    def render(node: dict, last: str, lead: str = "") -> str:
        # Lower-case characters first: the engine tries the branches in order, and in running
        # text most positions it tries start with a lower-case letter ("the West", "western").
        # Siblings never match the same character, so their order does not change the matches.
        branches = [piece(c) + lead + render(node[c], c) for c in sorted((k for k in node if k), key=_lower_first)]
        if "" in node:
            branches.append(NOT_BEFORE_WORD if re.match(WORD_CHAR, last) else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return render(root, "", rf"(?<!{WORD_CHAR}[\s\S])" if not_after_word else "")


@dataclass(frozen=True)
class MentionMatcher:
    """Every form of a dictionary compiled into one pattern, with what each form stands for.

    Build it with :meth:`from_dictionary`; it pickles, so worker processes
    receive it with their chunk of units.

    Attributes
    ----------
    pattern : re.Pattern
        Every form and its variants, longest first.
    lookup : dict
        ``{form with single spaces: (target, kind)}``; ``(None, None)`` for
        ignored phrases ("West Bank").
    after_demonym, after_name : re.Pattern
        The gaps (``'s``, role words) that may join a demonym, or a name or
        metonym, to a following leader of the same target.
    groups : dict
        ``{target: "group,group"}``, the ``groups`` column of the mentions.
    first_words : re.Pattern
        Where a form may start, for :meth:`candidates`: a position not after
        a word character where the first word of a form (up to its first
        space) begins.
    whole_words : re.Pattern
        The forms without a space (a candidate needs nothing after it).
    leading_words : frozenset
        First words of the forms with a space ("the", "North"): a candidate
        there needs the whole piece to be that word, and the next piece to
        begin with one of ``second_words``.
    second_words : tuple of str
        Second words of the forms with a space.
    """

    pattern: re.Pattern
    lookup: dict
    after_demonym: re.Pattern
    after_name: re.Pattern
    groups: dict
    first_words: re.Pattern = re.compile("(?!)")
    whole_words: re.Pattern = re.compile("(?!)")
    leading_words: frozenset = frozenset()
    second_words: tuple = ()

    @classmethod
    def from_dictionary(cls, dictionary: ActorDictionary) -> "MentionMatcher":
        """Compile the forms, ignored phrases and role words of ``dictionary``."""
        if not isinstance(dictionary, ActorDictionary):
            raise ParameterError("dictionary must be an ActorDictionary from load_actor_dictionary().")
        lookup: dict[str, tuple[str | None, str | None]] = {}
        for form, target, kind in dictionary.forms():
            for variant in variants(form):
                lookup.setdefault(variant, (target, kind))
        for form in dictionary.ignore:
            for variant in variants(form) + variants("the " + form):
                lookup.setdefault(variant, (None, None))
        # A dictionary without forms matches nothing (an empty trie would match everywhere).
        pattern = trie_pattern(lookup, not_after_word=True) if lookup else "(?!)"
        role = "(?:" + trie_pattern(dictionary.role_words) + ")" if dictionary.role_words else "(?!)"
        words = [form.split(" ", 2) for form in lookup]
        whole = [w[0] for w in words if len(w) == 1]
        return cls(
            pattern=re.compile(pattern),
            lookup={re.sub(r"\s+", " ", f): v for f, v in lookup.items()},
            after_demonym=re.compile(rf"(?:['\u2019]s)?(?:{SPACE}{role})*{SPACE}", re.IGNORECASE),
            after_name=re.compile(rf"(?:['\u2019]s(?:{SPACE}{role})*|(?:{SPACE}{role})+){SPACE}", re.IGNORECASE),
            groups={t: ",".join(dictionary.groups_of(t)) for t in dictionary.targets},
            # zero-width, so that overlapping starts are all found
            first_words=re.compile(rf"(?<!{WORD_CHAR})(?=" + trie_pattern({w[0] for w in words}) + ")"
                                   if words else "(?!)"),
            whole_words=re.compile(trie_pattern(whole) if whole else "(?!)"),
            leading_words=frozenset(w[0] for w in words if len(w) > 1),
            second_words=tuple(sorted({w[1] for w in words if len(w) > 1})),
        )

    def candidates(self, distinct: list[str], codes: np.ndarray, owner: np.ndarray,
                   start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every position of a chunk where a form may start, from its whitespace-separated pieces.

        A superset of the positions where :attr:`pattern` matches: a form
        starts in a piece, at its start or after a character that is not a
        letter or digit, with its first word; a form with a space also needs
        its first word to end the piece and its second word to begin the
        next piece of the unit. Each distinct piece is searched once.

        Parameters
        ----------
        distinct : list of str
            The distinct pieces.
        codes, owner, start : numpy.ndarray of int
            Each piece (in text order) as an index into ``distinct``, its
            unit, and its start there.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray)
            The unit and the position in it of each candidate, in text order.
        """
        joined = "\n".join(distinct)
        piece_start = np.cumsum([0] + [len(p) + 1 for p in distinct])[:-1]
        hits = np.fromiter((m.start() for m in self.first_words.finditer(joined)), dtype=np.int64)
        hit_piece = np.searchsorted(piece_start, hits, side="right") - 1
        hit_offset = hits - piece_start[hit_piece]
        needs_next = np.zeros(len(hits), dtype=bool)
        keep = np.ones(len(hits), dtype=bool)
        for h, (k, q) in enumerate(zip(hit_piece.tolist(), hit_offset.tolist())):
            rest = distinct[k][q:]
            if self.whole_words.match(rest):
                continue
            if rest in self.leading_words:
                needs_next[h] = True
            else:
                keep[h] = False
        hit_piece, hit_offset, needs_next = hit_piece[keep], hit_offset[keep], needs_next[keep]
        # every occurrence of a piece with hits, once per hit (hits sorted by piece, then offset)
        n_hits = np.bincount(hit_piece, minlength=len(distinct))
        first_hit = np.cumsum(n_hits) - n_hits
        at = np.flatnonzero(n_hits[codes] > 0)
        per = n_hits[codes[at]]
        occurrence = np.repeat(at, per)
        hit = expand_ranges(first_hit[codes[at]], per)
        ok = ~needs_next[hit]
        check = np.flatnonzero(~ok)
        if check.size:
            after = occurrence[check] + 1
            inside = after < len(codes)
            after_ok = np.zeros(len(check), dtype=bool)
            following = codes[after[inside]]
            wanted = np.zeros(len(distinct), dtype=bool)
            wanted[following] = True
            wanted = np.flatnonzero(wanted)
            begins = np.zeros(len(distinct), dtype=bool)
            begins[wanted] = [distinct[k].startswith(self.second_words) for k in wanted.tolist()]
            after_ok[inside] = begins[following] & (owner[after[inside]] == owner[occurrence[check][inside]])
            ok[check] = after_ok
        occurrence, hit = occurrence[ok], hit[ok]
        return owner[occurrence], start[occurrence] + hit_offset[hit]

    def find(self, text: str, starts=None) -> list[tuple[int, int, str, str]]:
        """The mentions of one text as ``(start, end, target, kind)``, in text order.

        A demonym, a name with ``'s`` or a metonym, followed by role words and
        a leader of the same target, is merged into one ``leader`` mention.
        ``starts``, ascending positions that include every position where a
        form matches (see :meth:`candidates`), spares the search of the rest
        of the text; the mentions are the same.

        Examples
        --------
        >>> from stancebook.resources.actors import load_actor_dictionary
        >>> MentionMatcher.from_dictionary(load_actor_dictionary()).find("Russian President Vladimir Putin met Kim.")
        [(0, 32, 'russia', 'leader'), (37, 40, 'north_korea', 'leader')]
        """
        raw = []
        for match in self.pattern.finditer(text) if starts is None else self._matches_at(text, starts):
            target, kind = self.lookup[_WHITESPACE.sub(" ", match.group())]
            if target is not None:
                raw.append([match.start(), match.end(), target, kind])
        merged = []
        i = 0
        while i < len(raw):
            start, end, target, kind = raw[i]
            gap = self.after_demonym if kind == "demonym" else self.after_name if kind in ("name", "metonym") else None
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

    def _matches_at(self, text: str, starts) -> Iterable[re.Match]:
        """The matches :meth:`re.Pattern.finditer` finds, tried only at ``starts``."""
        end = 0
        match_at = self.pattern.match
        for position in starts:
            if position < end:
                continue
            match = match_at(text, position)
            if match is not None:
                end = match.end()
                yield match


def mention_counts(mentions: pd.DataFrame, dictionary: ActorDictionary) -> pd.DataFrame:
    """Mentions per target, most mentioned first, with the count of each kind.

    Parameters
    ----------
    mentions : pandas.DataFrame
        The mentions table of :func:`~stancebook.tokenise.tokenise_corpus`.
    dictionary : ActorDictionary
        Supplies labels and groups; targets never mentioned are left out.

    Returns
    -------
    pandas.DataFrame
        ``target, label, groups, mentions, units`` and one column per mention
        kind; sorted by mentions (descending), then dictionary order.

    See Also
    --------
    stancebook.tokenise.plot_mentions : the same counts, stacked by kind.
    stancebook.tokenise.keyness_group : picks a target from these counts.

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
