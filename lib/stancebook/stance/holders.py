"""Who holds a stance: the unit's speaker, or the actor whose words or acts a sentence reports.

By default the holder is the unit's speaker (a metadata column such as a
speech's country) or ``"author"``. A sentence is attributed to target A
(``holder_source="reported"``) when

* a mention of A starts within the first ``subject_words`` words of the
  sentence, with no subordinating conjunction or preposition before it
  ("Meanwhile, Putin ..." yes; "While clever Putin ...", "With Moscow ..."
  no), and a reporting or stance-taking verb (``reporting_verbs``) follows
  it, either within ``verb_window`` words or as a coordinated predicate
  ("... and vowed") later in the sentence. The verb must not be passive
  ("was praised") and must not have its own subject right before it
  (another mention or I/we/you/they: "Kim met Putin, who said ..."); or
* a mention of A follows "according to" within three words;
* the sentence opens with a quote and A is named, with a reporting verb,
  right after the closing quote (``"...," Putin said``; ``"...," said Putin``);
* a reporting verb in the passive is followed by "by A" ("was condemned by
  the European Union");

and the sentence mentions at least one *other* target: the stance the actor
holds is toward those ("Washington threatens peace" with no other target
stays the speaker's sentence about Washington). A holder never holds a
stance toward itself. Every other sentence keeps the unit's speaker
(``holder_source="speaker"``).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np
import pandas as pd

from stancebook.checks import check_int, require_columns
from stancebook.errors import CorpusError, ParameterError
from stancebook.resources.wordlists import load_word_list
from stancebook.stance.contexts import WORD

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "HOLDER_SOURCES",
    "REPORTING_VERBS",
    "attribute_sentences",
    "display_names",
    "holder_aliases",
    "holder_attribute",
    "holder_names",
    "match_holder_targets",
    "resolve_holders",
]

HOLDER_SOURCES = ("speaker", "reported")
# Verbs that report what an actor said or did toward others (resources/data/reporting_verbs.txt).
REPORTING_VERBS = tuple(sorted(set(load_word_list("reporting_verbs"))))
ATTRIBUTION_COLUMNS = ["unit_id", "sentence", "holder", "holder_source", "holder_target", "cue"]

_STRIP = ".,;:!?\"'“”‘’()[]{}—–-…*"
# A subject is not a subject after these (a subordinate clause, a prepositional phrase).
_NOT_BEFORE_SUBJECT = frozenset({
    "although", "though", "while", "whilst", "whereas", "if", "unless", "because", "since", "as", "when",
    "whether", "after", "before", "until", "despite", "than", "that", "which", "who", "whom", "whose", "where",
    "with", "against", "to", "for", "by", "from", "of", "on", "in", "at", "about", "toward", "towards",
    "between", "among", "amid", "without", "like", "unlike", "into", "onto", "over", "under", "upon", "via",
    "and", "or", "nor", "but",
})
# A verb right after these belongs to another subject, or is passive.
_OTHER_SUBJECT = frozenset({"i", "we", "you", "they"})
_PASSIVE = frozenset({"is", "are", "was", "were", "be", "been", "being", "am", "get", "gets", "got", "gotten"})


def resolve_holders(units: pd.DataFrame, *, holder_column: str = "", default_holder: str = "author") -> pd.Series:
    """Return who holds the stance expressed in each unit.

    Parameters
    ----------
    units : pandas.DataFrame
        The units table (``unit_id``, ``text`` and metadata columns).
    holder_column : str, default ""
        Metadata column naming the speaker of each unit (e.g. the country of
        a speech). Empty: every unit is held by ``default_holder``. Missing
        or empty values in the column also fall back to ``default_holder``.
    default_holder : str, default "author"
        Holder used when no column is given or a value is missing.

    Returns
    -------
    pandas.Series
        Strings aligned with ``units`` (same index), named ``"holder"``.

    Raises
    ------
    CorpusError
        ``holder_column`` is not a column of ``units``.
    ParameterError
        ``default_holder`` is empty.

    See Also
    --------
    attribute_sentences : the holder of each sentence, reported actors included.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["a", "b"], "text": ["x", "y"], "actor": ["RUS", None]})
    >>> resolve_holders(units, holder_column="actor").tolist()
    ['RUS', 'author']
    """
    if not isinstance(default_holder, str) or not default_holder.strip():
        raise ParameterError(
            f"`default_holder` must be a non-empty string, got {default_holder!r}; the default is 'author'."
        )
    if not holder_column:
        return pd.Series([default_holder] * len(units), index=units.index, name="holder", dtype="str")
    if holder_column not in units.columns:
        raise CorpusError(
            f"The holder column {holder_column!r} (parameter `holder_column`) is not a column of the units; "
            f"available columns: {list(units.columns)}. Name one of them, or leave `holder_column` empty "
            f"to attribute every unit to {default_holder!r}."
        )
    values = units[holder_column]
    holders = [
        default_holder if (pd.isna(v) or str(v).strip() == "") else str(v).strip()
        for v in values.tolist()
    ]
    return pd.Series(holders, index=units.index, name="holder", dtype="str")


def _holder_map(holder_targets) -> dict[str, str]:
    if holder_targets is None:
        return {}
    if not isinstance(holder_targets, dict):
        raise ParameterError(
            f"`holder_targets` must be a dict mapping holder names to target ids (e.g. {{'RUS': 'russia'}}), "
            f"got {type(holder_targets).__name__}."
        )
    return {str(k): str(v) for k, v in holder_targets.items()}


def _verb_set(reporting_verbs) -> frozenset[str]:
    if isinstance(reporting_verbs, str) or reporting_verbs is None:
        raise ParameterError(f"`reporting_verbs` must be a list of verb forms (e.g. ['said', 'warned']), "
                             f"got {reporting_verbs!r}.")
    return frozenset(str(v).strip().lower() for v in reporting_verbs if str(v).strip())


def _according_to(plain: list[str], spans: list, first_word: list[int]) -> tuple[str, str] | None:
    """"According to <mention>": the source is that mention, whatever the verb."""
    for i in range(len(plain) - 1):
        if plain[i] == "according" and plain[i + 1] == "to":
            for k, (_, _, target) in enumerate(spans):
                if i + 2 <= first_word[k] <= i + 4:
                    return target, "according to"
    return None


_OPENING_QUOTES = "\"\u201c\u2018'"
_CLOSING_QUOTES = "\"\u201d\u2019'"


def _quote_first(text: str, s_start: int, words: list, spans: list, first_word: list[int], verbs
                 ) -> tuple[str, str] | None:
    """``"...," Putin said`` / ``"...," said Putin``: the actor named right after the closing quote."""
    if not text.lstrip()[:1] or text.lstrip()[0] not in _OPENING_QUOTES:
        return None
    raw = [text[a - s_start:b - s_start] for a, b, _ in words]
    closing = next((k for k, w in enumerate(raw) if k > 0 and w.rstrip(".,;:!?")[-1:] in _CLOSING_QUOTES), None)
    if closing is None:
        return None
    plain = [w[2] for w in words]
    for k, start in enumerate(first_word):
        if start not in (closing + 1, closing + 2):
            continue
        verb = next((plain[v] for v in (start - 1, start + 1, start + 2) if 0 <= v < len(plain) and v != closing
                     and plain[v] in verbs), None)
        if verb:
            return spans[k][2], f"quote, {verb}"
    return None


def _passive_by(plain: list[str], spans: list, first_word: list[int], verbs) -> tuple[str, str] | None:
    """``... was condemned by the European Union``: the actor after "by" holds the stance."""
    starts = {w: k for k, w in enumerate(first_word)}
    for v in range(1, len(plain) - 1):
        if plain[v] in verbs and plain[v - 1] in _PASSIVE and plain[v + 1] == "by":
            k = starts.get(v + 2, starts.get(v + 3) if v + 2 < len(plain) and plain[v + 2] == "the" else None)
            if k is not None:
                return spans[k][2], f"{plain[v - 1]} {plain[v]} by"
    return None


def _subject(plain: list[str], first_word: list[int], subject_words: int) -> int | None:
    """The first mention near the sentence start with no subordinator or preposition before it."""
    for k, start in enumerate(first_word):
        if start >= subject_words:
            return None
        if not any(plain[j] in _NOT_BEFORE_SUBJECT for j in range(start)):
            return k
    return None


def _reported_subject(text: str, s_start: int, spans: list[tuple[int, int, str]], verbs: frozenset[str],
                      subject_words: int, verb_window: int) -> tuple[str, str] | None:
    """Return ``(target, cue)`` of the actor a sentence reports, or None.

    ``spans``: the sentence's mentions as (start, end, target) in unit
    offsets, sorted by start; ``text``: the sentence text starting at
    ``s_start``.
    """
    words = [(m.start() + s_start, m.end() + s_start, m.group().strip(_STRIP).lower()) for m in WORD.finditer(text)]
    if not words or len({target for _, _, target in spans}) < 2:
        return None  # nobody for a reported actor to hold a stance toward: the speaker keeps the sentence
    w_starts = [w[0] for w in words]
    w_ends = [w[1] for w in words]
    plain = [w[2] for w in words]
    first_word = [bisect.bisect_right(w_starts, a) - 1 for a, _, _ in spans]
    last_word = [bisect.bisect_left(w_ends, b) for _, b, _ in spans]
    found = (_according_to(plain, spans, first_word) or _quote_first(text, s_start, words, spans, first_word, verbs)
             or _passive_by(plain, spans, first_word, verbs))
    if found is not None:
        return found
    subject = _subject(plain, first_word, subject_words)
    if subject is None:
        return None
    target = spans[subject][2]
    end_word = last_word[subject]
    other_ends = {last_word[k] for k in range(len(spans)) if k != subject and first_word[k] > end_word}

    def claimed(before: int) -> bool:
        # the verb's own subject is another mention or a pronoun right before it
        return any(j in other_ends or (j >= 0 and plain[j] in _OTHER_SUBJECT) for j in (before - 1, before))

    for v in range(end_word + 1, len(plain)):
        if plain[v] not in verbs or plain[v - 1] in _PASSIVE:
            continue
        near = v - end_word <= verb_window
        coordinated = plain[v - 1] == "and"
        if near and not claimed(v - 1):
            return target, plain[v]
        if coordinated and not claimed(v - 2):
            return target, f"and {plain[v]}"
    return None


def _speakers_of_sentences(units: pd.DataFrame, sentences: pd.DataFrame, *, holder_column: str,
                           default_holder: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Unit id, sentence number and speaker of every sentence."""
    require_columns(units, ["unit_id", "text"], "units")
    require_columns(sentences, ["unit_id", "sentence", "start", "end"], "sentences")
    speakers = resolve_holders(units, holder_column=holder_column, default_holder=default_holder)
    unit_holder = dict(zip(units["unit_id"].astype(str), speakers.tolist()))
    s_units = sentences["unit_id"].astype(str).to_numpy(dtype=object)
    s_numbers = sentences["sentence"].to_numpy(dtype=np.int64)
    unknown = sorted(set(s_units.tolist()) - set(unit_holder))
    if unknown:
        raise CorpusError(f"The sentences table refers to unit(s) not in the units table, e.g. {unknown[:3]}; "
                          f"build units and sentences from the same run.")
    return s_units, s_numbers, [unit_holder[u] for u in s_units.tolist()]


def _mention_groups(mentions: pd.DataFrame):
    """Each sentence's mentions as ``(unit_id, sentence, [(start, end, target), ...])``, in order."""
    require_columns(mentions, ["unit_id", "sentence", "start", "end", "target"], "mentions")
    m = mentions.assign(unit_id=mentions["unit_id"].astype(str), target=mentions["target"].astype(str))
    m = m.sort_values(["unit_id", "sentence", "start", "end"], kind="stable")
    # Plain lists and group boundaries: a pandas groupby loop costs minutes at 10^5 sentences.
    m_unit, m_sentence = m["unit_id"].tolist(), m["sentence"].astype(np.int64).tolist()
    m_spans = list(zip(m["start"].astype(np.int64).tolist(), m["end"].astype(np.int64).tolist(),
                       m["target"].tolist()))
    bounds = [j for j in range(1, len(m_unit))
              if m_unit[j] != m_unit[j - 1] or m_sentence[j] != m_sentence[j - 1]]
    for a, b in zip([0] + bounds, bounds + [len(m_unit)]):
        yield m_unit[a], m_sentence[a], m_spans[a:b]


def _reported_rows(units, sentences, mentions, own: list[str], verbs, subject_words: int, verb_window: int):
    """``(row, target, cue)`` of each sentence that reports an actor other than its speaker's own target."""
    unit_text = dict(zip(units["unit_id"].astype(str), units["text"].astype(str).tolist()))
    s_units = sentences["unit_id"].astype(str).tolist()
    row_of = {(u, int(k)): i for i, (u, k) in enumerate(zip(s_units, sentences["sentence"].tolist()))}
    starts = sentences["start"].to_numpy(dtype=np.int64)
    ends = sentences["end"].to_numpy(dtype=np.int64)
    for u, k, spans in _mention_groups(mentions):
        i = row_of.get((u, k))
        if i is None or u not in unit_text or len({target for _, _, target in spans}) < 2:
            continue  # with one target, nobody for a reported actor to hold a stance toward
        found = _reported_subject(unit_text[u][starts[i]:ends[i]], int(starts[i]), spans, verbs, subject_words,
                                  verb_window)
        if found is not None and found[0] != own[i]:  # not the speaker speaking of itself ("China supports ...")
            yield i, found[0], found[1]


def attribute_sentences(units: pd.DataFrame, sentences: pd.DataFrame, mentions: pd.DataFrame, *,
                        holder_column: str = "", default_holder: str = "author", reported: bool = True,
                        reporting_verbs=REPORTING_VERBS, subject_words: int = 3, verb_window: int = 6,
                        holder_targets: dict | None = None) -> pd.DataFrame:
    """Decide who holds the stance of each sentence: the unit's speaker or a reported actor.

    A sentence is attributed to the actor it reports (a subject mention
    followed by a reporting verb, or "according to" a mention) by the rules
    of :mod:`stancebook.stance.holders`, when it mentions another target too.

    Parameters
    ----------
    units, sentences, mentions : pandas.DataFrame
        The stage tables (see :mod:`stancebook.catalog`).
    holder_column : str, default ""
        Metadata column naming the speaker; see :func:`resolve_holders`.
    default_holder : str, default "author"
        Speaker when no column is given.
    reported : bool, default True
        False: no attribution, every sentence belongs to its unit's speaker.
    reporting_verbs : sequence of str, default REPORTING_VERBS
        Verb forms (lower case) that mark reported words or acts.
    subject_words : int, default 3
        How near the sentence start a subject mention must begin (in words).
    verb_window : int, default 6
        Words after the subject within which the verb must come (a
        coordinated "and <verb>" may come later).
    holder_targets : dict, optional
        Speaker name → target id (``{"RUS": "russia"}``): Russia's reported
        words and Russia's own speech then share the holder "RUS", and a
        speaker's own target is known (no stance toward itself).

    Returns
    -------
    pandas.DataFrame
        One row per sentence of ``sentences`` (same order): ``unit_id,
        sentence, holder, holder_source ("speaker" | "reported"),
        holder_target`` (the holder's own target id, "" when unknown) and
        ``cue`` (the verb or "according to" that triggered attribution, "").

    See Also
    --------
    resolve_holders : the speaker of each unit.
    match_holder_targets : builds ``holder_targets`` from speakers' names.
    stancebook.stance.stance_triples : scores the stance of each holder.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": ["d"], "text": ["Kim vowed support for Moscow."]})
    >>> sentences = pd.DataFrame({"unit_id": ["d"], "sentence": [1], "start": [0], "end": [29]})
    >>> mentions = pd.DataFrame({"unit_id": ["d", "d"], "sentence": [1, 1], "start": [0, 22], "end": [3, 28],
    ...                          "target": ["north_korea", "russia"]})
    >>> attribute_sentences(units, sentences, mentions)[["holder", "holder_source", "cue"]].values.tolist()
    [['north_korea', 'reported', 'vowed']]
    """
    if not isinstance(reported, (bool, np.bool_)):
        raise ParameterError(f"`reported` must be True or False, got {reported!r}.")
    subject_words = check_int(subject_words, "subject_words")
    verb_window = check_int(verb_window, "verb_window")
    verbs = _verb_set(reporting_verbs)
    mapping = _holder_map(holder_targets)
    s_units, s_numbers, holder = _speakers_of_sentences(units, sentences, holder_column=holder_column,
                                                        default_holder=default_holder)
    source, own, cue = ["speaker"] * len(holder), [mapping.get(h, "") for h in holder], [""] * len(holder)
    if reported and len(mentions) and len(sentences):
        by_target = {}
        for name, target in mapping.items():
            by_target.setdefault(target, name)
        for i, target, why in _reported_rows(units, sentences, mentions, own, verbs, subject_words, verb_window):
            holder[i], source[i], own[i], cue[i] = by_target.get(target, target), "reported", target, why
    return pd.DataFrame({
        "unit_id": pd.Series(s_units, dtype="str"),
        "sentence": s_numbers,
        "holder": pd.Series(holder, dtype="str"),
        "holder_source": pd.Series(source, dtype="str"),
        "holder_target": pd.Series(own, dtype="str"),
        "cue": pd.Series(cue, dtype="str"),
    }, columns=ATTRIBUTION_COLUMNS)


def holder_aliases(units: pd.DataFrame, *, holder_column: str = "",
                   name_columns: Sequence[str] = ("country", "short_name")) -> dict[str, list[str]]:
    """Every holder with the names it goes by in the units' metadata.

    Parameters
    ----------
    units : pandas.DataFrame
        The units, with ``holder_column`` and possibly name columns (the
        UN General Debate loader adds ``country`` and ``short_name``).
    holder_column : str
        The speaker column; empty means the single default holder.
    name_columns : sequence of str
        Metadata columns holding names of the holder; absent ones are skipped.

    Returns
    -------
    dict
        ``{holder: [holder, name, ...]}`` for :func:`match_holder_targets`.

    See Also
    --------
    holder_names : one display name per holder.

    Examples
    --------
    >>> units = pd.DataFrame({"iso3": ["RUS", "RUS"], "country": ["Russian Federation"] * 2})
    >>> holder_aliases(units, holder_column="iso3")
    {'RUS': ['RUS', 'Russian Federation']}
    """
    if not holder_column:
        return {}
    require_columns(units, [holder_column], "units")
    columns = [holder_column] + [c for c in name_columns if c in units.columns and c != holder_column]
    rows = units[columns].dropna(subset=[holder_column]).drop_duplicates(subset=[holder_column])
    return {str(row[0]): [str(v) for v in dict.fromkeys(row) if isinstance(v, str) and v]
            for row in rows.itertuples(index=False, name=None)}


def holder_names(units: pd.DataFrame, *, holder_column: str = "", labels: dict | None = None) -> dict[str, str]:
    """A display name per holder: its last metadata name (a short name), else its target label.

    Parameters
    ----------
    units : pandas.DataFrame
        The units (see :func:`holder_aliases`).
    holder_column : str
        The speaker column.
    labels : dict, optional
        Target id → label, for holders that have no name in the metadata.

    Returns
    -------
    dict
        ``{holder: name}`` for the speakers of ``units``.

    Examples
    --------
    >>> units = pd.DataFrame({"iso3": ["RUS", "XYZ"], "short_name": ["Russia", None]})
    >>> holder_names(units, holder_column="iso3", labels={"XYZ": "Xyz"})
    {'RUS': 'Russia', 'XYZ': 'Xyz'}
    """
    labels = dict(labels or {})
    return {h: (names[-1] if len(names) > 1 else labels.get(h, h))
            for h, names in holder_aliases(units, holder_column=holder_column).items()}


def display_names(units: pd.DataFrame, holders, *, holder_column: str = "", labels: dict | None = None
                  ) -> dict[str, str]:
    """A display name for every holder of a map: speakers by :func:`holder_names`, reported actors by their label.

    A reported actor whose label is also a speaker's name (the actor
    ``russia`` quoted in others' speeches, beside the speaker ``RUS``) is
    marked "(reported)", so a map never shows two points of one name.

    Examples
    --------
    >>> units = pd.DataFrame({"iso3": ["RUS", "FRA"], "short_name": ["Russia", "France"]})
    >>> display_names(units, ["RUS", "russia", "north_korea"], holder_column="iso3",
    ...               labels={"russia": "Russia", "north_korea": "North Korea"})
    {'RUS': 'Russia', 'russia': 'Russia (reported)', 'north_korea': 'North Korea'}
    """
    labels = dict(labels or {})
    speakers = holder_names(units, holder_column=holder_column, labels=labels)
    taken = set(speakers.values())
    out = {}
    for holder in (str(h) for h in holders):
        if holder in speakers:
            out[holder] = speakers[holder]
            continue
        label = labels.get(holder, holder)
        out[holder] = f"{label} (reported)" if label in taken else label
    return out


def holder_attribute(units: pd.DataFrame, *, holder_column: str, column: str,
                     required: bool = False) -> pd.Series | None:
    """One metadata value per holder (its region, its known bloc), or None when unavailable.

    Parameters
    ----------
    units : pandas.DataFrame
        The units, with ``holder_column`` and ``column``.
    holder_column, column : str
        The speaker column and the attribute column; either empty or absent
        gives None.
    required : bool
        Raise instead, naming the column (for a ``label_column`` the user asked for).

    Returns
    -------
    pandas.Series or None
        Indexed by holder; the first unit of each holder gives its value.

    Examples
    --------
    >>> units = pd.DataFrame({"iso3": ["RUS", "RUS", "FRA"], "region": ["Europe", "Europe", "Europe"]})
    >>> holder_attribute(units, holder_column="iso3", column="region").to_dict()
    {'RUS': 'Europe', 'FRA': 'Europe'}
    """
    if required:
        require_columns(units, [holder_column, column], "units")
    if not holder_column or not column or column not in units.columns:
        return None
    require_columns(units, [holder_column], "units")
    return units.drop_duplicates(holder_column).set_index(holder_column)[column]


def match_holder_targets(names: dict, dictionary) -> dict[str, str]:
    """Map speakers to the targets they are, by their names (for ``holder_targets``).

    Parameters
    ----------
    names : dict
        Speaker → a name or a list of names (e.g. ``{"RUS": ["Russian
        Federation", "Russia"]}``, from :func:`holder_aliases`).
    dictionary : stancebook.resources.actors.ActorDictionary
        The actor dictionary; a speaker matches a target when one of its
        names equals one of the target's names (``names`` forms, exactly).

    Returns
    -------
    dict
        Speaker → target id, for the speakers that matched.

    Examples
    --------
    >>> from stancebook.resources.actors import load_actor_dictionary
    >>> match_holder_targets({"RUS": ["Russian Federation"], "FRA": "France"}, load_actor_dictionary())
    {'RUS': 'russia'}
    """
    if not isinstance(names, dict):
        raise ParameterError("`names` must be a dict mapping speakers to a name or a list of names.")
    form_of = {}
    for form, target, kind in dictionary.forms():
        if kind == "name":
            form_of.setdefault(form, target)
    out = {}
    for holder, candidates in names.items():
        candidates = [candidates] if isinstance(candidates, str) else list(candidates)
        for name in candidates:
            if isinstance(name, str) and name.strip() in form_of:
                out[str(holder)] = form_of[name.strip()]
                break
    return out
