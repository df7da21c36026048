"""Stance: who takes which position toward whom, in which words, and which blocs share it.

The stage turns target mentions into stance triples (holder, target,
polarity), aggregates them into holder × target profiles with bootstrap
uncertainty, clusters units or holders by their stance, maps them in 2-D,
explains each cluster by its keywords and its most typical sentences, and
scores clusters against a label column when one exists.

**Two polarity sources, side by side.** ``polarity_lexicon`` is VADER, an
evaluative lexicon with rules for negation, intensifiers, contrast ("but")
and emphasis. ``polarity_scaling`` comes from word vectors learned from the
corpus itself and scaled between seed words of cooperative and hostile
relations (:mod:`stancebook.scaling`, Latent Semantic Scaling-like). They
measure different things: the lexicon reads general evaluative language
("dreadful", "great"), the scaling reads the corpus's own vocabulary of
cooperation and hostility ("unprovoked", "brotherly"). Report both.

Choices that matter for reading the numbers:

* **Target names are neutral.** Before a context is scored, every target
  mention inside it is replaced, word for word, by the neutral placeholder
  ``entity``; nothing else is removed. Otherwise "United" in "United
  Nations" (+1.8) or "Security" in "Security Council" (+1.4) would make
  every sentence about the UN look friendly. The word count is kept so that
  VADER's negation and intensifier look-back still lands on the same words.
* **Policy-domain words are not evaluations.** VADER scores "security"
  (+1.4), "united" (+1.8), "interests" (+1.0), "defence" (+0.4) as
  positive; in international-relations text they name a policy domain
  ("security cooperation", "grave security risks"). They are removed from
  the lexicon for this stage (parameter ``lexicon_neutral``,
  :data:`DOMAIN_NEUTRAL_WORDS`).
* **Who holds the stance.** By default the unit's speaker (a column such as
  a speech's country) or ``"author"``. A sentence that reports an actor's
  words or acts is attributed to that actor: a target mentioned as the
  subject near the start of the sentence, followed by a reporting or
  stance-taking verb ("Kim vowed ...", "Meanwhile, Putin welcomed ...",
  "Washington warned ..."), or a mention right after "according to". The
  stance is then toward the *other* targets of the sentence; a holder never
  holds a stance toward itself. See :func:`attribute_sentences`.
* **Not mentioned is missing, not neutral.** A holder who never mentions a
  target has polarity NaN in its profile; clustering features carry this
  missingness in an explicit ``mentioned:<target>`` indicator (the polarity
  column is then filled with 0, which the indicator tells apart from a
  neutral mention).
"""

from __future__ import annotations

import bisect
import re
import warnings
from collections.abc import Iterable, Sequence

import matplotlib
import matplotlib.colors as mcolors
import matplotlib.lines
import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from matplotlib.patches import Patch, Rectangle
from scipy import sparse
from scipy.stats import pearsonr, spearmanr
from sklearn.cluster import HDBSCAN, AgglomerativeClustering, KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

from stancebook.errors import CorpusError, DataTooSmallWarning, ParameterError
from stancebook.stats import log_likelihood_g2
from stancebook.workers import n_workers

__all__ = [
    "CONTEXTS",
    "SOURCES",
    "CLUSTER_ALGORITHMS",
    "REPORTING_VERBS",
    "DOMAIN_NEUTRAL_WORDS",
    "TRIPLE_COLUMNS",
    "ATTRIBUTION_COLUMNS",
    "PROFILE_COLUMNS",
    "SCORE_COLUMNS",
    "VALIDATION_COLUMNS",
    "KEYWORD_COLUMNS",
    "TYPICAL_COLUMNS",
    "resolve_holders",
    "attribute_sentences",
    "match_holder_targets",
    "stance_triples",
    "expand_groups",
    "stance_profiles",
    "profiles_wide",
    "profile_matrix",
    "profile_features",
    "holder_stance_features",
    "unit_polarity_matrix",
    "unit_stance_features",
    "StanceClustering",
    "validate_clusters",
    "stance_map",
    "cluster_keywords",
    "typical_sentences",
    "plot_profile_heatmap",
    "plot_stance_map",
    "plot_source_comparison",
    "plot_confusion",
]

CONTEXTS = ("sentence", "window")
SOURCES = ("lexicon", "scaling")
CLUSTER_ALGORITHMS = ("kmeans", "agglomerative", "gmm", "hdbscan")
HOLDER_SOURCES = ("speaker", "reported")

# Verbs that report what an actor said or did toward others. Past and third
# person forms only: a bare "call" or "support" is more often the speaker's
# own ("we call on ...").
REPORTING_VERBS = tuple(sorted({
    "said", "says", "stated", "states", "announced", "announces", "declared", "declares", "told", "tells",
    "added", "adds", "noted", "notes", "argued", "argues", "claimed", "claims", "asserted", "asserts",
    "insisted", "insists", "emphasized", "emphasizes", "emphasised", "emphasises", "stressed", "stresses",
    "underlined", "underlines", "reiterated", "reiterates", "affirmed", "affirms", "reaffirmed", "reaffirms",
    "called", "calls", "urged", "urges", "demanded", "demands", "appealed", "appeals", "proposed", "proposes",
    "warned", "warns", "threatened", "threatens", "vowed", "vows", "pledged", "pledges", "promised",
    "promises", "welcomed", "welcomes", "praised", "praises", "thanked", "thanks", "congratulated",
    "congratulates", "hailed", "hails", "endorsed", "endorses", "supported", "supports", "backed", "backs",
    "condemned", "condemns", "denounced", "denounces", "accused", "accuses", "blamed", "blames",
    "criticized", "criticizes", "criticised", "criticises", "rejected", "rejects", "opposed", "opposes",
    "protested", "protests", "expressed", "expresses",
}))
# VADER lexicon words that name a policy domain in international-relations
# text rather than evaluate ("security cooperation", "national interests").
DOMAIN_NEUTRAL_WORDS = ("security", "united", "interests", "interest", "defence", "defense")

TRIPLE_COLUMNS = [
    "holder", "holder_source", "target", "level", "polarity_lexicon", "polarity_scaling", "unit_id", "sentence",
    "n_mentions", "surface", "start", "end", "orig_start", "orig_end", "context",
]
_TRIPLE_DTYPES = {
    "holder": "str", "holder_source": "str", "target": "str", "level": "str", "polarity_lexicon": "float64",
    "polarity_scaling": "float64", "unit_id": "str", "sentence": "int64", "n_mentions": "int64",
    "surface": "str", "start": "int64", "end": "int64", "orig_start": "int64", "orig_end": "int64",
    "context": "str",
}
ATTRIBUTION_COLUMNS = ["unit_id", "sentence", "holder", "holder_source", "holder_target", "cue"]
PROFILE_COLUMNS = [
    "holder", "target", "level", "n_sentences", "salience",
    "polarity_lexicon", "ci_low_lexicon", "ci_high_lexicon",
    "n_scaling", "polarity_scaling", "ci_low_scaling", "ci_high_scaling",
]
SCORE_COLUMNS = ["algorithm", "k", "n_found", "noise_share", "silhouette", "stability_seeds", "stability_bootstrap",
                 "selected"]
VALIDATION_COLUMNS = ["algorithm", "n", "n_clusters", "n_classes", "ari", "nmi", "purity"]
KEYWORD_COLUMNS = ["cluster", "rank", "term", "g2", "count_cluster", "count_rest"]
TYPICAL_COLUMNS = ["cluster", "rank", "unit_id", "sentence", "text", "distance"]

# Replaces each word of a target mention before scoring: absent from VADER's
# lexicon, booster and negation lists, lower case (so it never triggers the
# ALL-CAPS emphasis rule).
_PLACEHOLDER = "entity"
_DECIMALS = 6
_CI_LEVEL = 0.95
# Bootstrap resamples are drawn in chunks of at most this many indices, so
# memory stays bounded for holders with very many sentences.
_BOOT_CHUNK = 2_000_000
# Silhouette is quadratic in the number of rows; above this it is estimated
# on a seeded sample of this size. Stability is estimated on a seeded
# subsample of this many rows too.
_SILHOUETTE_SAMPLE = 5000
_STABILITY_SAMPLE = 1000
_MAX_ANNOTATED_ROWS = 30
_MAX_NAMED_POINTS = 40
_WORD = re.compile(r"\S+")
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


# ---------------------------------------------------------------------------
# holders and triples
# ---------------------------------------------------------------------------

def _require_columns(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CorpusError(
            f"The {name} table lacks the column(s) {missing}; it has {list(frame.columns)}. "
            f"Build it with the stage before (see the data contract) or rename the columns."
        )


def _positive_int(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(f"`{name}` must be an integer >= {minimum}, got {value!r}.")
    return int(value)


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


def _empty_triples() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=_TRIPLE_DTYPES[c]) for c in TRIPLE_COLUMNS})


def _merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _mask(text: str, offset: int, spans: list[tuple[int, int]]) -> str:
    """Replace every word of each mention span (unit offsets) inside ``text``.

    ``text`` starts at unit position ``offset``. Each non-space run inside a
    span becomes the placeholder, so the number of words VADER sees is kept.
    """
    pieces = []
    pos = 0
    end_text = len(text)
    for s, e in spans:
        s, e = max(s - offset, 0), min(e - offset, end_text)
        if e <= s or s < pos:
            continue
        pieces.append(text[pos:s])
        pieces.append(_WORD.sub(_PLACEHOLDER, text[s:e]))
        pos = e
    pieces.append(text[pos:])
    return "".join(pieces)


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


def _reported_subject(text: str, s_start: int, spans: list[tuple[int, int, str]], verbs: frozenset[str],
                      subject_words: int, verb_window: int) -> tuple[str, str] | None:
    """Return ``(target, cue)`` of the actor a sentence reports, or None.

    ``spans``: the sentence's mentions as (start, end, target) in unit
    offsets, sorted by start; ``text``: the sentence text starting at
    ``s_start``.
    """
    words = [(m.start() + s_start, m.end() + s_start, m.group().strip(_STRIP).lower()) for m in _WORD.finditer(text)]
    if not words or len({target for _, _, target in spans}) < 2:
        return None  # nobody for a reported actor to hold a stance toward: the speaker keeps the sentence
    w_starts = [w[0] for w in words]
    w_ends = [w[1] for w in words]
    plain = [w[2] for w in words]
    first_word = [bisect.bisect_right(w_starts, a) - 1 for a, _, _ in spans]
    last_word = [bisect.bisect_left(w_ends, b) for _, b, _ in spans]
    # "According to <mention>": the source is that mention, whatever the verb.
    for i in range(len(plain) - 1):
        if plain[i] == "according" and plain[i + 1] == "to":
            for k, (_, _, target) in enumerate(spans):
                if i + 2 <= first_word[k] <= i + 4:
                    return target, "according to"
    subject = None
    for k, (_, _, target) in enumerate(spans):
        if first_word[k] >= subject_words:
            break
        if not any(plain[j] in _NOT_BEFORE_SUBJECT for j in range(first_word[k])):
            subject = k
            break
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


def attribute_sentences(
    units: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    holder_column: str = "",
    default_holder: str = "author",
    reported: bool = True,
    reporting_verbs=REPORTING_VERBS,
    subject_words: int = 3,
    verb_window: int = 6,
    holder_targets: dict | None = None,
) -> pd.DataFrame:
    """Decide who holds the stance of each sentence: the unit's speaker or a reported actor.

    A sentence is attributed to target A (``holder_source="reported"``) when

    * a mention of A starts within the first ``subject_words`` words of the
      sentence, with no subordinating conjunction or preposition before it
      ("Meanwhile, Putin ..." yes; "While clever Putin ...", "With Moscow
      ..." no), and a reporting or stance-taking verb (``reporting_verbs``)
      follows it, either within ``verb_window`` words or as a coordinated
      predicate ("... and vowed") later in the sentence. The verb must not
      be passive ("was praised") and must not have its own subject right
      before it (another mention or I/we/you/they: "Kim met Putin, who
      said ..."); or
    * a mention of A follows "according to" within three words.

    and the sentence mentions at least one *other* target (the stance the
    actor holds is toward those; "Washington threatens peace" with no other
    target stays the speaker's sentence about Washington). Every other
    sentence keeps the unit's holder (``holder_source="speaker"``).

    Parameters
    ----------
    units, sentences, mentions : pandas.DataFrame
        The stage tables (see the data contract).
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
        Speaker name → target id (e.g. ``{"RUS": "russia"}``). A reported
        actor whose target id is listed is named by that speaker name, so
        Russia's reported words and Russia's own speech share one holder;
        and the speaker's own target is known (a holder never holds a
        stance toward itself).

    Returns
    -------
    pandas.DataFrame
        One row per sentence of ``sentences`` (same order): ``unit_id,
        sentence, holder, holder_source ("speaker" | "reported"),
        holder_target`` (the holder's own target id, "" when unknown) and
        ``cue`` (the verb or "according to" that triggered attribution, "").

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
    subject_words = _positive_int(subject_words, "subject_words")
    verb_window = _positive_int(verb_window, "verb_window")
    verbs = _verb_set(reporting_verbs)
    mapping = _holder_map(holder_targets)
    by_target = {}
    for name, target in mapping.items():
        by_target.setdefault(target, name)
    _require_columns(units, ["unit_id", "text"], "units")
    _require_columns(sentences, ["unit_id", "sentence", "start", "end"], "sentences")
    speakers = resolve_holders(units, holder_column=holder_column, default_holder=default_holder)
    unit_holder = dict(zip(units["unit_id"].astype(str), speakers.tolist()))
    unit_text = dict(zip(units["unit_id"].astype(str), units["text"].astype(str).tolist()))
    s_units = sentences["unit_id"].astype(str).to_numpy(dtype=object)
    s_numbers = sentences["sentence"].to_numpy(dtype=np.int64)
    unknown = sorted(set(s_units.tolist()) - set(unit_holder))
    if unknown:
        raise CorpusError(f"The sentences table refers to unit(s) not in the units table, e.g. {unknown[:3]}; "
                          f"build units and sentences from the same run.")
    holder = [unit_holder[u] for u in s_units.tolist()]
    source = ["speaker"] * len(holder)
    own = [mapping.get(h, "") for h in holder]
    cue = [""] * len(holder)
    if reported and len(mentions) and len(sentences):
        _require_columns(mentions, ["unit_id", "sentence", "start", "end", "target"], "mentions")
        row_of = {(u, int(k)): i for i, (u, k) in enumerate(zip(s_units.tolist(), s_numbers.tolist()))}
        m = mentions.assign(unit_id=mentions["unit_id"].astype(str), target=mentions["target"].astype(str))
        m = m.sort_values(["unit_id", "sentence", "start", "end"], kind="stable")
        starts = sentences["start"].to_numpy(dtype=np.int64)
        ends = sentences["end"].to_numpy(dtype=np.int64)
        # Plain lists and group boundaries: a pandas groupby loop costs minutes at 10^5 sentences.
        m_unit, m_sentence = m["unit_id"].tolist(), m["sentence"].astype(np.int64).tolist()
        m_spans = list(zip(m["start"].astype(np.int64).tolist(), m["end"].astype(np.int64).tolist(),
                           m["target"].tolist()))
        bounds = [j for j in range(1, len(m_unit))
                  if m_unit[j] != m_unit[j - 1] or m_sentence[j] != m_sentence[j - 1]]
        for a, b in zip([0] + bounds, bounds + [len(m_unit)]):
            u, k = m_unit[a], m_sentence[a]
            i = row_of.get((u, k))
            spans = m_spans[a:b]
            if i is None or u not in unit_text or len({target for _, _, target in spans}) < 2:
                continue  # with one target, nobody for a reported actor to hold a stance toward
            found = _reported_subject(unit_text[u][starts[i]:ends[i]], int(starts[i]), spans, verbs,
                                      subject_words, verb_window)
            if found is None:
                continue
            target, why = found
            if target == own[i]:
                continue  # the speaker speaking of itself in the third person ("China supports ...")
            holder[i] = by_target.get(target, target)
            source[i] = "reported"
            own[i] = target
            cue[i] = why
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

    Examples
    --------
    >>> units = pd.DataFrame({"iso3": ["RUS", "RUS"], "country": ["Russian Federation"] * 2})
    >>> holder_aliases(units, holder_column="iso3")
    {'RUS': ['RUS', 'Russian Federation']}
    """
    if not holder_column:
        return {}
    _require_columns(units, [holder_column], "units")
    columns = [holder_column] + [c for c in name_columns if c in units.columns and c != holder_column]
    rows = units[columns].dropna(subset=[holder_column]).drop_duplicates(subset=[holder_column])
    return {str(row[0]): [str(v) for v in dict.fromkeys(row) if isinstance(v, str) and v]
            for row in rows.itertuples(index=False, name=None)}


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
        _require_columns(units, [holder_column, column], "units")
    if not holder_column or not column or column not in units.columns:
        return None
    _require_columns(units, [holder_column], "units")
    return units.drop_duplicates(holder_column).set_index(holder_column)[column]


def match_holder_targets(names: dict, dictionary) -> dict[str, str]:
    """Map speakers to the targets they are, by their names (for ``holder_targets``).

    Parameters
    ----------
    names : dict
        Speaker → a name or a list of names (e.g. ``{"RUS": ["Russian
        Federation", "Russia"]}``, from the country table).
    dictionary : stancebook.tokenise.ActorDictionary
        The actor dictionary; a speaker matches a target when one of its
        names equals one of the target's names (``names`` forms, exactly).

    Returns
    -------
    dict
        Speaker → target id, for the speakers that matched.

    Examples
    --------
    >>> from stancebook.tokenise import load_actor_dictionary
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


def _lexicon_analyzer(neutral):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    if isinstance(neutral, str) or neutral is None:
        raise ParameterError(f"`lexicon_neutral` must be a list of words, got {neutral!r}.")
    analyzer = SentimentIntensityAnalyzer()
    drop = {str(w).strip().lower() for w in neutral}
    # an instance attribute: the analyzer is local to one call
    analyzer.lexicon = {w: v for w, v in analyzer.lexicon.items() if w not in drop}
    return analyzer


def _lexicon_scores(texts: list[str], neutral) -> list[float]:
    analyzer = _lexicon_analyzer(neutral)
    return [round(float(analyzer.polarity_scores(t)["compound"]), _DECIMALS) for t in texts]


# Below this many distinct contexts, starting worker processes costs more than it saves.
_MIN_PARALLEL_CONTEXTS = 5000


def stance_triples(
    units: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    holder_column: str = "",
    context: str = "sentence",
    window: int = 10,
    scaling=None,
    lexicon_neutral=DOMAIN_NEUTRAL_WORDS,
    reported: bool = True,
    reporting_verbs=REPORTING_VERBS,
    verb_window: int = 6,
    holder_targets: dict | None = None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Score the polarity toward each target in each sentence that mentions it, and who holds it.

    Parameters
    ----------
    units : pandas.DataFrame
        Units table (``unit_id``, ``text``, metadata).
    sentences : pandas.DataFrame
        Sentence table (``unit_id``, ``sentence``, ``start``, ``end`` in unit text).
    mentions : pandas.DataFrame
        Target mentions (``unit_id``, ``sentence``, ``start``, ``end``,
        ``orig_start``, ``orig_end``, ``surface``, ``target``).
    holder_column : str, default ""
        Metadata column naming the speaker; see :func:`resolve_holders`.
    context : {"sentence", "window"}, default "sentence"
        Text scored: the whole sentence, or the words within ``window``
        whitespace-separated words before the first and after the last
        mention of the target in that sentence (clipped to the sentence, so
        a reported actor's words never mix with the speaker's).
    window : int, default 10
        Words either side of the mentions when ``context="window"``.
    scaling : stancebook.scaling.LatentScaling, optional
        A fitted corpus-adapted scaling model; scores ``polarity_scaling``.
        None: that column is NaN.
    lexicon_neutral : sequence of str, default DOMAIN_NEUTRAL_WORDS
        Words removed from VADER's lexicon for this call (policy-domain
        words such as "security"); ``[]`` keeps the lexicon as shipped.
    reported, reporting_verbs, verb_window, holder_targets
        Attribution of reported words and acts; see :func:`attribute_sentences`.
    n_jobs : int, default 1
        Processes scoring the contexts with VADER (-1: every core); the
        scores do not depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per (unit, sentence, target) with columns ``holder,
        holder_source, target, level ("target"), polarity_lexicon,
        polarity_scaling, unit_id, sentence, n_mentions, surface, start,
        end, orig_start, orig_end, context``. Several mentions of a target
        in one sentence count once (``n_mentions`` keeps the count; offsets
        and ``surface`` are those of the first mention). ``polarity_lexicon``
        is VADER's compound score in [-1, 1]; ``polarity_scaling`` the
        scaling model's standardised score (NaN without evidence); both
        rounded to 6 decimals and computed after every target mention in
        the context is replaced word for word by the neutral placeholder
        ``"entity"``. ``context`` is the readable text scored, before that
        replacement. A sentence's triple toward its own holder (the reported
        actor, or the speaker's target from ``holder_targets``) is dropped.
        Sorted by unit order, sentence, target. No mentions: an empty frame
        with these columns.

    Raises
    ------
    ParameterError
        ``context`` is not one of ``CONTEXTS`` or ``window`` is not a positive integer.
    CorpusError
        A required column is missing, or a mention points to a unit or
        sentence that the tables do not contain.

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
    if context not in CONTEXTS:
        raise ParameterError(f"`context` must be one of {list(CONTEXTS)}, got {context!r}.")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ParameterError(f"`window` must be a positive integer (words either side of a mention), got {window!r}.")
    if scaling is not None and not hasattr(scaling, "score"):
        raise ParameterError("`scaling` must be a fitted stancebook.scaling.LatentScaling (or None).")
    _require_columns(units, ["unit_id", "text"], "units")
    _require_columns(mentions, ["unit_id", "sentence", "start", "end", "orig_start", "orig_end", "surface", "target"],
                     "mentions")
    _require_columns(sentences, ["unit_id", "sentence", "start", "end"], "sentences")
    unit_ids = units["unit_id"].astype(str).tolist()
    if len(set(unit_ids)) != len(unit_ids):
        dup = pd.Series(unit_ids)[pd.Series(unit_ids).duplicated()].iloc[0]
        raise CorpusError(f"The units table has duplicate unit_id values (e.g. {dup!r}); unit ids must be unique.")
    workers = n_workers(n_jobs)
    _lexicon_analyzer(lexicon_neutral)  # validates the word list before any work
    resolve_holders(units, holder_column=holder_column)  # validates the column before any work
    if len(mentions) == 0:
        return _empty_triples()

    unit_order = {u: i for i, u in enumerate(unit_ids)}
    unit_text = dict(zip(unit_ids, units["text"].astype(str).tolist()))
    m = mentions.assign(unit_id=mentions["unit_id"].astype(str), target=mentions["target"].astype(str))
    unknown = sorted(set(m["unit_id"]) - set(unit_order))
    if unknown:
        raise CorpusError(
            f"The mentions table refers to unit(s) not in the units table, e.g. {unknown[:3]}; "
            f"build units, sentences and mentions from the same run."
        )
    m = m.assign(_order=m["unit_id"].map(unit_order)).sort_values(
        ["_order", "sentence", "target", "start", "end"], kind="stable"
    )
    s = sentences
    sentence_spans = {
        (u, int(k)): (int(a), int(b))
        for u, k, a, b in zip(s["unit_id"].astype(str), s["sentence"], s["start"], s["end"])
    }
    for u, k, surface in zip(m["unit_id"].tolist(), m["sentence"].tolist(), m["surface"].tolist()):
        if (u, int(k)) not in sentence_spans:
            raise CorpusError(
                f"Mention {surface!r} in unit {u!r} points to sentence {int(k)}, "
                f"which the sentences table does not contain; build both from the same units."
            )
    mentioned = m[["unit_id", "sentence"]].drop_duplicates()
    s_keys = pd.MultiIndex.from_arrays([s["unit_id"].astype(str), s["sentence"].astype(np.int64)])
    keep = s_keys.isin(pd.MultiIndex.from_arrays([mentioned["unit_id"], mentioned["sentence"].astype(np.int64)]))
    attribution = attribute_sentences(units, s[keep], m, holder_column=holder_column, reported=reported,
                                      reporting_verbs=reporting_verbs, verb_window=verb_window,
                                      holder_targets=holder_targets)
    who = {(u, int(k)): (h, src, own) for u, k, h, src, own in zip(
        attribution["unit_id"], attribution["sentence"], attribution["holder"], attribution["holder_source"],
        attribution["holder_target"])}

    # Plain arrays: the loop below runs once per triple on corpora with 10^5-10^6 mentions.
    uid = m["unit_id"].to_numpy(dtype=object)
    order = m["_order"].to_numpy(dtype=np.int64)
    sent = m["sentence"].to_numpy(dtype=np.int64)
    target = m["target"].to_numpy(dtype=object)
    starts = m["start"].to_numpy(dtype=np.int64)
    ends = m["end"].to_numpy(dtype=np.int64)
    n = len(m)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (order[1:] != order[:-1]) | (sent[1:] != sent[:-1]) | (target[1:] != target[:-1])
    first = np.flatnonzero(new_group)
    counts = np.diff(np.append(first, n))
    group_start = np.minimum.reduceat(starts, first)
    group_end = np.maximum.reduceat(ends, first)
    new_unit = np.ones(n, dtype=bool)
    new_unit[1:] = order[1:] != order[:-1]
    unit_first = np.flatnonzero(new_unit)
    unit_last = np.append(unit_first[1:], n)

    contexts, masked = [], []
    g = 0
    for u0, u1 in zip(unit_first.tolist(), unit_last.tolist()):
        unit_id = uid[u0]
        text = unit_text[unit_id]
        spans = _merge_spans(zip(starts[u0:u1].tolist(), ends[u0:u1].tolist()))
        span_starts = [a for a, _ in spans]
        if context == "window":
            words = [(w.start(), w.end()) for w in _WORD.finditer(text)]
            word_starts = np.array([w[0] for w in words], dtype=np.int64)
            word_ends = np.array([w[1] for w in words], dtype=np.int64)
        while g < len(first) and first[g] < u1:
            i = first[g]
            s_start, s_end = sentence_spans[(unit_id, int(sent[i]))]
            if context == "sentence" or len(word_starts) == 0:
                c_start, c_end = s_start, s_end
            else:
                first_word = int(np.searchsorted(word_ends, group_start[g], side="right"))
                last_word = int(np.searchsorted(word_starts, group_end[g], side="left")) - 1
                lo = max(0, min(first_word, len(word_starts) - 1) - window)
                hi = min(len(word_starts) - 1, max(last_word, 0) + window)
                c_start = max(int(word_starts[lo]), s_start)
                c_end = min(int(word_ends[hi]), s_end)
            ctx = text[c_start:c_end]
            # spans are merged, hence disjoint and sorted by both ends
            k0 = max(bisect.bisect_left(span_starts, c_start) - 1, 0)
            k1 = bisect.bisect_left(span_starts, c_end)
            inside = [(a, b) for a, b in spans[k0:k1] if a < c_end and b > c_start]
            contexts.append(ctx)
            masked.append(_mask(ctx, c_start, inside))
            g += 1

    # Score each distinct masked context once (in sentence mode every target of a sentence shares one).
    distinct = list(dict.fromkeys(masked))
    neutral = tuple(lexicon_neutral)
    if workers > 1 and len(distinct) >= _MIN_PARALLEL_CONTEXTS:
        # VADER is pure Python: a few chunks per worker, so none waits long on the last one.
        bounds = np.linspace(0, len(distinct), 4 * workers + 1).astype(int)
        parts = Parallel(n_jobs=workers)(delayed(_lexicon_scores)(distinct[a:b], neutral)
                                        for a, b in zip(bounds[:-1], bounds[1:]))
        lexicon_of = dict(zip(distinct, (score for part in parts for score in part)))
    else:
        lexicon_of = dict(zip(distinct, _lexicon_scores(distinct, neutral)))
    if scaling is not None:
        scaling_of = dict(zip(distinct, np.asarray(scaling.score(distinct), dtype=float).tolist()))
    else:
        scaling_of = {}

    firsts = m.iloc[first]
    keys = list(zip(firsts["unit_id"].tolist(), firsts["sentence"].astype(int).tolist()))
    holder = [who[k][0] for k in keys]
    source = [who[k][1] for k in keys]
    own = [who[k][2] for k in keys]
    triples = pd.DataFrame({
        "holder": pd.Series(holder, dtype="str"),
        "holder_source": pd.Series(source, dtype="str"),
        "target": firsts["target"].to_numpy(dtype=object),
        "level": "target",
        "polarity_lexicon": np.array([lexicon_of[t] for t in masked], dtype=float),
        "polarity_scaling": np.array([scaling_of.get(t, np.nan) for t in masked], dtype=float),
        "unit_id": firsts["unit_id"].to_numpy(dtype=object),
        "sentence": firsts["sentence"].to_numpy(dtype=np.int64),
        "n_mentions": counts.astype(np.int64),
        "surface": firsts["surface"].astype(str).to_numpy(dtype=object),
        "start": firsts["start"].to_numpy(dtype=np.int64),
        "end": firsts["end"].to_numpy(dtype=np.int64),
        "orig_start": firsts["orig_start"].to_numpy(dtype=np.int64),
        "orig_end": firsts["orig_end"].to_numpy(dtype=np.int64),
        "context": np.asarray(contexts, dtype=object),
    })
    self_stance = triples["target"].to_numpy(dtype=object) == np.asarray(own, dtype=object)
    triples = triples[~self_stance]
    return triples[TRIPLE_COLUMNS].reset_index(drop=True).astype(_TRIPLE_DTYPES)


def expand_groups(triples: pd.DataFrame, dictionary) -> pd.DataFrame:
    """Add one row per sentence and target group (the West = United States, NATO, EU, ...).

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`stance_triples`.
    dictionary : stancebook.tokenise.ActorDictionary or dict
        Its ``groups`` (``{group_id: [target_id, ...]}``), or that dict itself.

    Returns
    -------
    pandas.DataFrame
        ``triples`` followed by the group rows, same columns. A group row
        (``level="group"``, ``target`` = the group id) stands for one
        (holder, unit, sentence) in which members of the group are
        mentioned: polarities are the mean over those members' triples,
        ``n_mentions`` their sum, offsets, surface and context those of the
        first member. A holder that is itself a member of a group gets no
        row toward it (no stance toward oneself). Sorted by unit order,
        sentence, level, target.

    Examples
    --------
    >>> t = pd.DataFrame({"holder": ["a", "a"], "holder_source": ["speaker"] * 2, "target": ["nato", "europe"],
    ...     "level": ["target"] * 2, "polarity_lexicon": [0.2, 0.4], "polarity_scaling": [np.nan] * 2,
    ...     "unit_id": ["u", "u"], "sentence": [1, 1], "n_mentions": [1, 1], "surface": ["NATO", "EU"],
    ...     "start": [0, 9], "end": [4, 11], "orig_start": [0, 9], "orig_end": [4, 11], "context": ["..."] * 2})
    >>> expand_groups(t, {"west": ["europe", "nato"]})[["target", "level", "polarity_lexicon"]].values.tolist()[-1]
    ['west', 'group', 0.3]
    """
    groups = getattr(dictionary, "groups", dictionary)
    if not isinstance(groups, dict):
        raise ParameterError("`dictionary` must be an ActorDictionary or a dict {group_id: [target_id, ...]}.")
    _require_columns(triples, TRIPLE_COLUMNS, "triples")
    base = triples[triples["level"] == "target"]
    if not groups or base.empty:
        return triples.reset_index(drop=True)
    unit_order = {u: i for i, u in enumerate(dict.fromkeys(triples["unit_id"].astype(str)))}
    pieces = []
    for group in sorted(groups):
        members = {str(t) for t in groups[group]}
        sub = base[base["target"].isin(members) & ~base["holder"].isin(members)]
        if sub.empty:
            continue
        key = ["holder", "holder_source", "unit_id", "sentence"]
        agg = sub.groupby(key, sort=False).agg(
            polarity_lexicon=("polarity_lexicon", "mean"), polarity_scaling=("polarity_scaling", "mean"),
            n_mentions=("n_mentions", "sum"), start=("start", "min"))
        firsts = sub.sort_values("start", kind="stable").drop_duplicates(key).set_index(key)
        agg = agg.join(firsts[["surface", "end", "orig_start", "orig_end", "context"]]).reset_index()
        pieces.append(agg.assign(target=group, level="group"))
    if not pieces:
        return triples.reset_index(drop=True)
    extra = pd.concat(pieces, ignore_index=True)
    extra = extra.assign(polarity_lexicon=extra["polarity_lexicon"].round(_DECIMALS),
                         polarity_scaling=extra["polarity_scaling"].round(_DECIMALS))
    out = pd.concat([triples, extra[TRIPLE_COLUMNS]], ignore_index=True)
    out = out.assign(_order=out["unit_id"].astype(str).map(unit_order),
                     _level=(out["level"] == "group").astype(int))
    out = out.sort_values(["_order", "sentence", "_level", "target"], kind="stable")
    return out[TRIPLE_COLUMNS].reset_index(drop=True).astype(_TRIPLE_DTYPES)


# ---------------------------------------------------------------------------
# profiles
# ---------------------------------------------------------------------------

def _target_list(targets, name: str = "targets") -> list[str]:
    if targets is None or isinstance(targets, str):
        raise ParameterError(
            f"`{name}` must be a list of target ids (e.g. ['russia', 'north_korea']), got {targets!r}."
        )
    out = list(dict.fromkeys(str(t) for t in targets))
    if not out:
        raise ParameterError(f"`{name}` is empty; pass the target ids of the actor dictionary.")
    return out


def _polarity_column(source: str) -> str:
    if source not in SOURCES:
        raise ParameterError(f"`source` must be one of {list(SOURCES)} (the polarity source), got {source!r}.")
    return f"polarity_{source}"


def _bootstrap_ci(values: np.ndarray, n_boot: int, random_state: int) -> tuple[float, float]:
    n = len(values)
    if n < 2:
        return np.nan, np.nan
    rng = np.random.default_rng(random_state)
    per_chunk = max(1, _BOOT_CHUNK // n)
    means = []
    done = 0
    while done < n_boot:
        size = min(per_chunk, n_boot - done)
        idx = rng.integers(0, n, size=(size, n))
        means.append(values[idx].mean(axis=1))
        done += size
    means = np.concatenate(means)
    alpha = (1 - _CI_LEVEL) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return float(low), float(high)


def stance_profiles(
    triples: pd.DataFrame,
    units: pd.DataFrame,
    *,
    targets=None,
    holder_column: str = "",
    n_boot: int = 1000,
    random_state: int = 0,
    sentences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Aggregate stance triples into holder × target profiles, one polarity per source.

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`stance_triples` (optionally :func:`expand_groups`).
    units : pandas.DataFrame
        Units table; every speaker found in it gets a row per target, even
        speakers that mention no target. Reported holders come from the triples.
    targets : list of str, optional
        Target (and group) ids, in the order wanted. None: every target of
        the triples, targets before groups, in order of first appearance.
    holder_column : str, default ""
        Metadata column naming the speaker; see :func:`resolve_holders`.
    n_boot : int, default 1000
        Bootstrap resamples for the confidence intervals.
    random_state : int, default 0
        Seed; each cell is resampled with a fresh
        ``np.random.default_rng(random_state)``, so a cell's interval depends
        only on its own sentences and the seed.
    sentences : pandas.DataFrame, optional
        Sentence table. When given, salience is the share of *all* the
        holder's sentences that mention the target (a speaker's sentences
        are those of its units minus the ones attributed to reported
        actors; a reported actor's are the sentences attributed to it that
        mention another target). Otherwise the share of the holder's
        sentences that mention any target.

    Returns
    -------
    pandas.DataFrame
        One row per (holder, target): holders sorted, targets in the given
        order, with ``holder, target, level, n_sentences, salience,
        polarity_lexicon, ci_low_lexicon, ci_high_lexicon, n_scaling,
        polarity_scaling, ci_low_scaling, ci_high_scaling``. Polarities are
        means over the holder's sentences about the target — NaN when never
        mentioned (missing, not neutral); ``n_scaling`` counts the sentences
        with a defined scaling score (the scaling mean is over those).
        Intervals: 95 % percentile bootstrap of the mean, NaN below two
        sentences. ``salience``: 0 when never mentioned. Floats rounded to 6
        decimals.

    Examples
    --------
    >>> triples = pd.DataFrame({"holder": ["author"], "target": ["russia"], "unit_id": ["d"], "sentence": [1],
    ...                         "polarity_lexicon": [0.4], "polarity_scaling": [np.nan]})
    >>> units = pd.DataFrame({"unit_id": ["d"], "text": ["..."]})
    >>> stance_profiles(triples, units, targets=["russia", "un"])["polarity_lexicon"].tolist()
    [0.4, nan]
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ParameterError(f"`n_boot` must be a positive integer (bootstrap resamples), got {n_boot!r}.")
    _require_columns(units, ["unit_id"], "units")
    _require_columns(triples, ["unit_id", "sentence", "target", "polarity_lexicon"], "triples")
    speakers = resolve_holders(units, holder_column=holder_column)
    unit_holder = dict(zip(units["unit_id"].astype(str), speakers.tolist()))
    t = triples.assign(unit_id=triples["unit_id"].astype(str), target=triples["target"].astype(str))
    unknown = sorted(set(t["unit_id"]) - set(unit_holder))
    if unknown:
        raise CorpusError(
            f"The triples refer to unit(s) not in the units table, e.g. {unknown[:3]}; "
            f"pass the units the triples were built from."
        )
    if "holder" not in t.columns:
        t = t.assign(holder=t["unit_id"].map(unit_holder))
    if "polarity_scaling" not in t.columns:
        t = t.assign(polarity_scaling=np.nan)
    if "level" not in t.columns:
        t = t.assign(level="target")
    t = t.assign(holder=t["holder"].astype(str))
    if targets is None:
        first_seen = t.assign(_group=(t["level"] == "group").astype(int)).drop_duplicates("target")
        target_ids = first_seen.sort_values("_group", kind="stable")["target"].tolist()
        if not target_ids:
            raise ParameterError("`targets` is None and the triples are empty: pass the target ids.")
    else:
        target_ids = _target_list(targets)
    level_of = dict(zip(t["target"], t["level"].astype(str)))

    sentence_rows = t.drop_duplicates(["unit_id", "sentence"])[["unit_id", "sentence", "holder"]]
    if sentences is not None:
        _require_columns(sentences, ["unit_id", "sentence"], "sentences")
        s = sentences.assign(unit_id=sentences["unit_id"].astype(str))
        s = s[s["unit_id"].isin(unit_holder)].drop_duplicates(["unit_id", "sentence"])
        totals = s["unit_id"].map(unit_holder).value_counts().to_dict()
        moved = sentence_rows[sentence_rows["holder"] != sentence_rows["unit_id"].map(unit_holder)]
        for speaker, count in moved["unit_id"].map(unit_holder).value_counts().items():
            totals[speaker] = totals.get(speaker, 0) - int(count)
        for holder, count in moved["holder"].value_counts().items():
            totals[holder] = totals.get(holder, 0) + int(count)
    else:
        totals = sentence_rows["holder"].value_counts().to_dict()

    lexicon = {key: g["polarity_lexicon"].to_numpy(dtype=float)
               for key, g in t.groupby(["holder", "target"], sort=False)}
    scaled = {key: g["polarity_scaling"].dropna().to_numpy(dtype=float)
              for key, g in t.groupby(["holder", "target"], sort=False)}
    empty = np.array([], dtype=float)
    rows = []
    for holder in sorted(set(speakers.tolist()) | set(t["holder"].tolist())):
        total = totals.get(holder, 0)
        for target in target_ids:
            lex = lexicon.get((holder, target), empty)
            sca = scaled.get((holder, target), empty)
            lex_low, lex_high = _bootstrap_ci(lex, int(n_boot), random_state)
            sca_low, sca_high = _bootstrap_ci(sca, int(n_boot), random_state)
            rows.append({
                "holder": holder, "target": target, "level": level_of.get(target, "target"),
                "n_sentences": len(lex), "salience": len(lex) / total if total else 0.0,
                "polarity_lexicon": float(lex.mean()) if len(lex) else np.nan,
                "ci_low_lexicon": lex_low, "ci_high_lexicon": lex_high,
                "n_scaling": len(sca),
                "polarity_scaling": float(sca.mean()) if len(sca) else np.nan,
                "ci_low_scaling": sca_low, "ci_high_scaling": sca_high,
            })
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    floats = ["salience", "polarity_lexicon", "ci_low_lexicon", "ci_high_lexicon", "polarity_scaling",
              "ci_low_scaling", "ci_high_scaling"]
    out = out.astype({"holder": "str", "target": "str", "level": "str", "n_sentences": "int64",
                      "n_scaling": "int64", **{c: "float64" for c in floats}})
    return out.round({c: _DECIMALS for c in floats})


def profiles_wide(profiles: pd.DataFrame) -> pd.DataFrame:
    """Spread a long profile table into one row per holder.

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`stance_profiles`.

    Returns
    -------
    pandas.DataFrame
        ``holder`` then, for each target in order, the columns
        ``polarity_lexicon:<t>, ci_low_lexicon:<t>, ci_high_lexicon:<t>,
        polarity_scaling:<t>, ci_low_scaling:<t>, ci_high_scaling:<t>,
        salience:<t>, n_sentences:<t>``. NaN polarity = never mentioned.

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a"], "target": ["x"], "n_sentences": [1], "salience": [1.0],
    ...     "polarity_lexicon": [0.5], "ci_low_lexicon": [np.nan], "ci_high_lexicon": [np.nan],
    ...     "polarity_scaling": [np.nan], "ci_low_scaling": [np.nan], "ci_high_scaling": [np.nan]})
    >>> profiles_wide(p).columns.tolist()[:3]
    ['holder', 'polarity_lexicon:x', 'ci_low_lexicon:x']
    """
    measures = ["polarity_lexicon", "ci_low_lexicon", "ci_high_lexicon", "polarity_scaling", "ci_low_scaling",
                "ci_high_scaling", "salience", "n_sentences"]
    _require_columns(profiles, ["holder", "target", *measures], "profiles")
    holders = list(dict.fromkeys(profiles["holder"].astype(str)))
    targets = list(dict.fromkeys(profiles["target"].astype(str)))
    columns = {"holder": pd.Series(holders, dtype="str")}
    for target in targets:
        sub = profiles[profiles["target"].astype(str) == target].set_index("holder").reindex(holders)
        for measure in measures:
            values = sub[measure].to_numpy()
            if measure == "n_sentences":
                values = np.nan_to_num(values.astype(float)).astype(np.int64)
            columns[f"{measure}:{target}"] = values
    return pd.DataFrame(columns)


def profile_matrix(profiles: pd.DataFrame, value: str = "polarity_lexicon") -> pd.DataFrame:
    """Pivot a profile table into a holders × targets matrix.

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`stance_profiles`.
    value : str, default "polarity_lexicon"
        Column to spread (``polarity_scaling``, ``salience``, ``n_sentences``, ...).

    Returns
    -------
    pandas.DataFrame
        Index ``holder``, columns ``target`` in the order of ``profiles``;
        NaN (never mentioned) is kept.

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "a"], "target": ["x", "y"], "polarity_lexicon": [0.5, np.nan]})
    >>> profile_matrix(p).loc["a", "x"]
    np.float64(0.5)
    """
    _require_columns(profiles, ["holder", "target"], "profiles")
    if value not in profiles.columns or value in ("holder", "target", "level"):
        raise ParameterError(
            f"`value` must be a value column of the profiles, one of "
            f"{[c for c in profiles.columns if c not in ('holder', 'target', 'level')]}; got {value!r}."
        )
    holders = list(dict.fromkeys(profiles["holder"].tolist()))
    targets = list(dict.fromkeys(profiles["target"].tolist()))
    matrix = profiles.pivot(index="holder", columns="target", values=value)
    matrix = matrix.reindex(index=holders, columns=targets)
    matrix.index.name = "holder"
    matrix.columns.name = "target"
    return matrix


# ---------------------------------------------------------------------------
# features
# ---------------------------------------------------------------------------

def _feature_names(targets: list[str]) -> list[str]:
    names = []
    for t in targets:
        names += [f"mentioned:{t}", f"polarity:{t}"]
    return names


def unit_stance_features(triples: pd.DataFrame, unit_ids, targets, *,
                         source: str = "lexicon") -> tuple[np.ndarray, list[str]]:
    """Build a unit × feature matrix of stance with explicit missingness.

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`stance_triples`.
    unit_ids : sequence of str
        Row order of the matrix.
    targets : list of str
        Target ids; triples about other targets are ignored.
    source : {"lexicon", "scaling"}, default "lexicon"
        Polarity source.

    Returns
    -------
    X : numpy.ndarray of shape (len(unit_ids), 2 * len(targets))
        For each target two columns: ``mentioned:<t>`` (1 when the unit has
        a polarity toward the target from this source, else 0) and
        ``polarity:<t>`` (mean polarity of the unit's sentences about the
        target; 0 when missing). The 0 stands in for a missing value: the
        indicator column is what tells "not mentioned" from "mentioned
        neutrally", so a clustering sees silence and neutrality as different.
    column_names : list of str

    Examples
    --------
    >>> triples = pd.DataFrame({"unit_id": ["a"], "target": ["russia"], "polarity_lexicon": [0.4]})
    >>> X, names = unit_stance_features(triples, ["a", "b"], ["russia"])
    >>> X.tolist(), names
    ([[1.0, 0.4], [0.0, 0.0]], ['mentioned:russia', 'polarity:russia'])
    """
    column = _polarity_column(source)
    target_ids = _target_list(targets)
    ids = [str(u) for u in unit_ids]
    X = np.zeros((len(ids), 2 * len(target_ids)), dtype=float)
    if len(triples):
        _require_columns(triples, ["unit_id", "target", column], "triples")
        t = triples.assign(unit_id=triples["unit_id"].astype(str), target=triples["target"].astype(str))
        means = t.dropna(subset=[column]).groupby(["unit_id", "target"], sort=False)[column].mean()
        row = {u: i for i, u in enumerate(ids)}
        col = {tg: j for j, tg in enumerate(target_ids)}
        for (u, tg), value in means.items():
            if u in row and tg in col:
                X[row[u], 2 * col[tg]] = 1.0
                X[row[u], 2 * col[tg] + 1] = round(float(value), _DECIMALS)
    return X, _feature_names(target_ids)


def profile_features(profiles: pd.DataFrame, *, source: str = "lexicon") -> tuple[np.ndarray, list[str], list[str]]:
    """Build a holder × feature matrix from a profile table.

    The holder-level counterpart of :func:`unit_stance_features`: for each
    target ``mentioned:<t>`` (the profile has a polarity from this source)
    and ``polarity:<t>`` (that polarity, 0 when missing — the indicator
    carries the missingness).

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`stance_profiles`.
    source : {"lexicon", "scaling"}, default "lexicon"
        Polarity source.

    Returns
    -------
    X : numpy.ndarray of shape (n_holders, 2 * n_targets)
    column_names : list of str
    holders : list of str
        Row order of ``X``.

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "b"], "target": ["x", "x"], "polarity_lexicon": [0.5, np.nan]})
    >>> profile_features(p)[0].tolist()
    [[1.0, 0.5], [0.0, 0.0]]
    """
    column = _polarity_column(source)
    _require_columns(profiles, ["holder", "target", column], "profiles")
    polarity = profile_matrix(profiles, column)
    mentioned = polarity.notna().to_numpy()
    targets = [str(t) for t in polarity.columns]
    X = np.zeros((len(polarity), 2 * len(targets)), dtype=float)
    X[:, 0::2] = mentioned.astype(float)
    X[:, 1::2] = np.where(mentioned, polarity.fillna(0.0).to_numpy(dtype=float), 0.0)
    return X, _feature_names(targets), [str(h) for h in polarity.index]


def holder_stance_features(profiles: pd.DataFrame, holders, targets, *,
                           source: str = "lexicon") -> tuple[np.ndarray, list[str]]:
    """Build a holder × feature matrix in a given row and column order.

    Same encoding as :func:`profile_features`, one row per holder.

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`stance_profiles`.
    holders : sequence of str
        Row order; holders absent from ``profiles`` get all-zero rows.
    targets : list of str
        Column order.
    source : {"lexicon", "scaling"}, default "lexicon"
        Polarity source.

    Returns
    -------
    X : numpy.ndarray of shape (len(holders), 2 * len(targets))
    column_names : list of str

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "b"], "target": ["x", "x"], "polarity_lexicon": [0.5, np.nan]})
    >>> holder_stance_features(p, ["b", "a"], ["x"])[0].tolist()
    [[0.0, 0.0], [1.0, 0.5]]
    """
    target_ids = _target_list(targets)
    X, names_in, rows = profile_features(profiles, source=source)
    position = {h: i for i, h in enumerate(rows)}
    column = {name: j for j, name in enumerate(names_in)}
    names = _feature_names(target_ids)
    out = np.zeros((len(holders), len(names)), dtype=float)
    for i, holder in enumerate(str(h) for h in holders):
        if holder not in position:
            continue
        for j, name in enumerate(names):
            if name in column:
                out[i, j] = X[position[holder], column[name]]
    return out, names


def unit_polarity_matrix(triples: pd.DataFrame, unit_ids, targets, *, source: str = "lexicon") -> pd.DataFrame:
    """Mean polarity of each unit toward each target, NaN where the unit is silent.

    The unit-level counterpart of :func:`profile_matrix`, ready for
    :func:`plot_profile_heatmap`.

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`stance_triples`.
    unit_ids : sequence of str
        Row order.
    targets : list of str
        Column order.
    source : {"lexicon", "scaling"}, default "lexicon"
        Polarity source.

    Returns
    -------
    pandas.DataFrame
        Index ``unit_id``, columns ``target``; values rounded to 6 decimals.

    Examples
    --------
    >>> t = pd.DataFrame({"unit_id": ["a"], "target": ["x"], "polarity_lexicon": [0.5]})
    >>> unit_polarity_matrix(t, ["a", "b"], ["x"])["x"].tolist()
    [0.5, nan]
    """
    column = _polarity_column(source)
    target_ids = _target_list(targets)
    ids = [str(u) for u in unit_ids]
    if len(triples):
        _require_columns(triples, ["unit_id", "target", column], "triples")
        t = triples.assign(unit_id=triples["unit_id"].astype(str), target=triples["target"].astype(str))
        means = t.groupby(["unit_id", "target"])[column].mean().unstack("target")
    else:
        means = pd.DataFrame()
    matrix = means.reindex(index=ids, columns=target_ids).astype(float).round(_DECIMALS)
    matrix.index.name = "unit_id"
    matrix.columns.name = "target"
    return matrix


# ---------------------------------------------------------------------------
# clustering
# ---------------------------------------------------------------------------

def _canonical_labels(raw: np.ndarray) -> np.ndarray:
    """Relabel clusters 1, 2, ... in the order their first member appears; noise (-1) stays -1."""
    mapping: dict[int, int] = {-1: -1}
    for value in raw.tolist():
        if value not in mapping:
            mapping[value] = len(mapping)
    return np.array([mapping[v] for v in raw.tolist()], dtype=np.int64)


def _centre_distances(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    distances = np.full(len(labels), np.nan, dtype=float)
    for c in np.unique(labels):
        if c < 0:
            continue
        members = labels == c
        centre = X[members].mean(axis=0)
        distances[members] = np.linalg.norm(X[members] - centre, axis=1)
    return distances


def _silhouette(X: np.ndarray, labels: np.ndarray, random_state: int) -> float:
    keep = labels >= 0
    found = len(np.unique(labels[keep]))
    if not 2 <= found <= keep.sum() - 1:
        return np.nan
    sample = _SILHOUETTE_SAMPLE if keep.sum() > _SILHOUETTE_SAMPLE else None
    return round(float(silhouette_score(X[keep], labels[keep], sample_size=sample, random_state=random_state)),
                 _DECIMALS)


def _fit_algorithm_single_threaded(clustering, algorithm, X, grid, n_clusters, sample):
    # Hundreds of small fits: one thread each is ~15x faster than OpenMP/BLAS thread
    # start-up and spinning on small matrices (and identical in result).
    with threadpool_limits(limits=1):
        return clustering._fit_algorithm(algorithm, X, grid, n_clusters, sample)


class StanceClustering:
    """Cluster units or holders by their stance features; choose k by silhouette and stability.

    Parameters
    ----------
    algorithms : sequence of str, default CLUSTER_ALGORITHMS
        Algorithms compared: ``"kmeans"`` (KMeans, ``n_init=5``),
        ``"agglomerative"`` (Ward linkage), ``"gmm"`` (Gaussian mixture,
        diagonal covariances, k-means initialisation) and ``"hdbscan"`` (density-based: finds its own
        number of clusters and may call rows noise, label -1).
    n_clusters : int, default 0
        Force this number of clusters (not for HDBSCAN); 0 chooses k per
        algorithm (see Notes).
    k_grid : sequence of int, optional
        Numbers of clusters compared; default ``2 .. min(6, n_distinct - 1)``
        where ``n_distinct`` is the number of distinct rows of ``X``.
    n_resamples : int, default 20
        Bootstrap resamples for the stability of each clustering.
    n_seeds : int, default 3
        Extra random seeds for the seed stability of k-means and GMM.
    min_stability : float, default 0.6
        A k counts as stable when its bootstrap stability (mean ARI) reaches this.
    min_cluster_size : int, default 0
        HDBSCAN's smallest cluster; 0 = ``max(3, round(n / 20))``.
    random_state : int, default 0
        Seed of every random choice (k-means, GMM, resamples, silhouette sample).
    n_jobs : int, default 1
        Algorithms fitted side by side in worker processes (-1: every
        core); the results do not depend on it.

    Attributes
    ----------
    scores_ : pandas.DataFrame
        ``algorithm, k, n_found, noise_share, silhouette, stability_seeds,
        stability_bootstrap, selected``: one row per algorithm and k (one
        row for HDBSCAN, whose ``k`` is the number of clusters it found).
        ``stability_seeds``: mean ARI between the clustering and refits with
        other seeds (NaN for the deterministic Ward and HDBSCAN).
        ``stability_bootstrap``: mean ARI, over bootstrap resamples of the
        rows, between the clustering of the resample and the clustering of
        all rows, on the rows drawn.
    labels_ : pandas.DataFrame
        ``id`` and one column per algorithm with 1-based cluster labels,
        numbered in the order in which each cluster's first id appears
        (HDBSCAN noise: -1).
    k_ : dict
        Algorithm → chosen k.
    reason_ : str
        Why each k was chosen, in plain language.
    distance_ : pandas.DataFrame
        ``id, algorithm, cluster, distance``: Euclidean distance of each row
        to the mean of its cluster (NaN for noise).

    Notes
    -----
    k is chosen per algorithm as the highest silhouette among the k whose
    bootstrap stability reaches ``min_stability`` (ties → the smaller k);
    when no k is stable, the highest silhouette overall, and ``reason_``
    says so. With fewer than three distinct rows nothing can be compared: a
    :class:`~stancebook.errors.DataTooSmallWarning` is issued and every id
    is put in cluster 1 (``k_ = 1``, empty ``scores_``). Stability is
    estimated on a seeded subsample of at most 1000 rows.

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 0.1], [5, 5], [5, 5.1]])
    >>> StanceClustering(algorithms=("kmeans",)).fit(X, ["a", "b", "c", "d"]).labels_["kmeans"].tolist()
    [1, 1, 2, 2]
    """

    def __init__(self, *, algorithms=CLUSTER_ALGORITHMS, n_clusters=0, k_grid=None, n_resamples=20, n_seeds=3,
                 min_stability=0.6, min_cluster_size=0, random_state=0, n_jobs=1):
        self.algorithms = algorithms
        self.n_clusters = n_clusters
        self.k_grid = k_grid
        self.n_resamples = n_resamples
        self.n_seeds = n_seeds
        self.min_stability = min_stability
        self.min_cluster_size = min_cluster_size
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _validated(self) -> tuple[list[str], int, list[int] | None]:
        algorithms = [self.algorithms] if isinstance(self.algorithms, str) else list(self.algorithms)
        bad = [a for a in algorithms if a not in CLUSTER_ALGORITHMS]
        if bad or not algorithms:
            raise ParameterError(
                f"`algorithms` must be a non-empty list drawn from {list(CLUSTER_ALGORITHMS)}; "
                f"got {list(algorithms)!r}" + (f" (unknown: {bad})." if bad else ".")
            )
        algorithms = list(dict.fromkeys(algorithms))
        n_clusters = self.n_clusters
        if isinstance(n_clusters, bool) or not isinstance(n_clusters, (int, np.integer)) or n_clusters < 0:
            raise ParameterError(
                f"`n_clusters` must be an integer >= 0 (0 = choose by silhouette and stability), got {n_clusters!r}."
            )
        _positive_int(self.n_resamples, "n_resamples", 0)
        _positive_int(self.n_seeds, "n_seeds", 0)
        _positive_int(self.min_cluster_size, "min_cluster_size", 0)
        n_workers(self.n_jobs)
        if isinstance(self.min_stability, bool) or not isinstance(self.min_stability, (int, float)) \
                or not 0 <= self.min_stability <= 1:
            raise ParameterError(f"`min_stability` must be a number in [0, 1], got {self.min_stability!r}.")
        grid = None
        if self.k_grid is not None and len(list(self.k_grid)) > 0:
            grid = list(self.k_grid)
            if any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2 for k in grid):
                raise ParameterError(f"`k_grid` must hold integers >= 2, got {grid!r}.")
            grid = sorted({int(k) for k in grid})
        return algorithms, int(n_clusters), grid

    def fit(self, X, ids) -> "StanceClustering":
        """Fit every algorithm over the k grid and keep the chosen partition.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Stance features, e.g. from :func:`unit_stance_features` or
            :func:`profile_features` (no NaN: missingness is encoded there).
        ids : sequence of str
            Row ids (unit ids or holders), in the order of ``X``.

        Returns
        -------
        StanceClustering
            ``self``, fitted.
        """
        X = np.asarray(X, dtype=float)
        if X.ndim != 2:
            raise ParameterError(f"`X` must be a 2-D feature matrix, got an array of shape {X.shape}.")
        if not np.isfinite(X).all():
            raise ParameterError(
                "`X` contains NaN or infinite values; build it with `unit_stance_features` or "
                "`profile_features`, which encode 'not mentioned' in indicator columns instead of NaN."
            )
        ids = [str(i) for i in ids]
        if len(ids) != X.shape[0]:
            raise ParameterError(f"`ids` has {len(ids)} entries but `X` has {X.shape[0]} rows; pass one id per row.")
        n = X.shape[0]
        n_distinct = len(np.unique(X, axis=0)) if n else 0
        algorithms, n_clusters, grid = self._validated()

        self.k_ = {}
        score_rows = []
        label_cols: dict[str, np.ndarray] = {}
        if n_distinct < 3:
            warnings.warn(
                f"Only {n_distinct} distinct stance vector(s) among {n} rows: too few to compare clusterings. "
                f"Every id is put in cluster 1; use a larger corpus or more targets.",
                DataTooSmallWarning,
                stacklevel=2,
            )
            for algorithm in algorithms:
                self.k_[algorithm] = 1
                label_cols[algorithm] = np.ones(n, dtype=np.int64)
            self.reason_ = (
                f"Only {n_distinct} distinct stance vector(s) among {n} rows, so no clustering was attempted: "
                f"every id is in cluster 1."
            )
        else:
            k_max = n_distinct - 1
            if grid is None:
                grid = list(range(2, min(6, k_max) + 1))
            else:
                kept = [k for k in grid if k <= k_max]
                if len(kept) < len(grid):
                    warnings.warn(
                        f"`k_grid` values above {k_max} (distinct rows - 1) were dropped: "
                        f"{[k for k in grid if k > k_max]}.",
                        DataTooSmallWarning,
                        stacklevel=2,
                    )
                grid = kept or [2]
            if n_clusters:
                if n_clusters > n_distinct:
                    warnings.warn(
                        f"`n_clusters`={n_clusters} exceeds the {n_distinct} distinct stance vectors; "
                        f"using {n_distinct}.",
                        DataTooSmallWarning,
                        stacklevel=2,
                    )
                    n_clusters = n_distinct
                grid = sorted(set(grid) | {n_clusters})
            rng = np.random.default_rng(self.random_state)
            sample = (np.arange(n) if n <= _STABILITY_SAMPLE
                      else np.sort(rng.choice(n, _STABILITY_SAMPLE, replace=False)))
            reasons = []
            fitted = Parallel(n_jobs=min(n_workers(self.n_jobs), len(algorithms)))(
                delayed(_fit_algorithm_single_threaded)(self, algorithm, X, grid, n_clusters, sample)
                for algorithm in algorithms)
            for algorithm, (rows, labels, why) in zip(algorithms, fitted):
                score_rows += rows
                self.k_[algorithm] = next(r["k"] for r in rows if r["selected"])
                label_cols[algorithm] = _canonical_labels(labels)
                reasons.append(f"{algorithm}: {why}")
            self.reason_ = (
                "; ".join(reasons) + ". (Silhouette compares each row's distance to its own cluster with its "
                "distance to the nearest other cluster: from -1 to 1, higher means better separated blocs. "
                "Stability is the mean adjusted Rand index between the clustering and its refits on bootstrap "
                "resamples: 1 = the same blocs every time.)"
            )
        self.scores_ = pd.DataFrame(score_rows, columns=SCORE_COLUMNS).astype(
            {"algorithm": "str", "k": "int64", "n_found": "int64", "noise_share": "float64", "silhouette": "float64",
             "stability_seeds": "float64", "stability_bootstrap": "float64", "selected": bool}
        )
        self.labels_ = pd.DataFrame({"id": pd.Series(ids, dtype="str"), **label_cols})
        distance_rows = []
        for algorithm in algorithms:
            labels = label_cols[algorithm]
            dist = _centre_distances(X, labels) if n else np.array([])
            distance_rows.append(pd.DataFrame({
                "id": pd.Series(ids, dtype="str"), "algorithm": algorithm, "cluster": labels,
                "distance": np.round(dist, _DECIMALS),
            }))
        self.distance_ = pd.concat(distance_rows, ignore_index=True).astype(
            {"id": "str", "algorithm": "str", "cluster": "int64", "distance": "float64"}
        )
        return self

    def _fit_algorithm(self, algorithm: str, X: np.ndarray, grid: list[int], n_clusters: int, sample: np.ndarray):
        n = len(X)
        fitted: dict[int, np.ndarray] = {}
        rows = []
        ks = [0] if algorithm == "hdbscan" else grid
        for k in ks:
            labels = self._fit_one(algorithm, X, k, self.random_state)
            fitted[k] = labels
            found = len(np.unique(labels[labels >= 0]))
            rows.append({
                "algorithm": algorithm, "k": found if algorithm == "hdbscan" else k, "n_found": found,
                "noise_share": round(float((labels < 0).mean()), _DECIMALS) if n else 0.0,
                "silhouette": _silhouette(X, labels, self.random_state),
                "stability_seeds": self._seed_stability(algorithm, X, k, labels, sample),
                "stability_bootstrap": self._bootstrap_stability(algorithm, X, k, labels, sample),
                "selected": False,
            })
        if algorithm == "hdbscan":
            chosen = 0
            r = rows[0]
            why = (f"found {r['n_found']} cluster(s) with {r['noise_share']:.0%} of rows as noise "
                   f"(min_cluster_size {self._min_cluster_size(n)})")
        elif n_clusters:
            chosen = n_clusters
            why = f"k={chosen} as set by `n_clusters`"
        else:
            by_k = {r["k"]: r for r in rows}
            valid = [k for k in grid if not np.isnan(by_k[k]["silhouette"])]
            stable = [k for k in valid if by_k[k]["stability_bootstrap"] >= self.min_stability]
            pool = stable or valid
            if pool:
                best = max(by_k[k]["silhouette"] for k in pool)
                chosen = min(k for k in pool if by_k[k]["silhouette"] == best)
                st = by_k[chosen]["stability_bootstrap"]
                if stable:
                    why = (f"k={chosen} has the highest silhouette ({best:.3f}) among the k={grid[0]}..{grid[-1]} "
                           f"whose bootstrap stability reaches {self.min_stability:g} (its stability {st:.2f})")
                else:
                    why = (f"k={chosen} has the highest silhouette ({best:.3f}) over k={grid[0]}..{grid[-1]}, "
                           f"but no k reached bootstrap stability {self.min_stability:g} (its stability {st:.2f}): "
                           f"read these clusters with caution")
            else:
                chosen = grid[0]
                why = f"k={chosen}: no k in the grid gave a defined silhouette, so the smallest was kept"
        for r, k in zip(rows, ks):
            r["selected"] = k == chosen
        return rows, fitted[chosen], why

    def _min_cluster_size(self, n: int) -> int:
        return int(self.min_cluster_size) or max(3, int(round(n / 20)))

    def _fit_one(self, algorithm: str, X: np.ndarray, k: int, seed: int) -> np.ndarray:
        if algorithm == "kmeans":
            return KMeans(n_clusters=k, n_init=5, random_state=seed).fit_predict(X)
        if algorithm == "agglomerative":
            return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(X)
        if algorithm == "gmm":
            model = GaussianMixture(n_components=k, covariance_type="diag", n_init=1, reg_covar=1e-3,
                                    random_state=seed)
            return model.fit(X).predict(X)
        size = min(self._min_cluster_size(len(X)), max(2, len(X)))
        return HDBSCAN(min_cluster_size=size, copy=True).fit_predict(X)

    def _seed_stability(self, algorithm, X, k, labels, sample) -> float:
        if algorithm not in ("kmeans", "gmm") or not self.n_seeds:
            return np.nan
        base = labels[sample]
        scores = [adjusted_rand_score(base, self._fit_one(algorithm, X[sample], k, self.random_state + s))
                  for s in range(1, int(self.n_seeds) + 1)]
        return round(float(np.mean(scores)), _DECIMALS)

    def _bootstrap_stability(self, algorithm, X, k, labels, sample) -> float:
        if not self.n_resamples:
            return np.nan
        rng = np.random.default_rng(self.random_state)  # the same resamples for every algorithm and k
        m = len(sample)
        scores = []
        for _ in range(int(self.n_resamples)):
            draw = rng.integers(0, m, m)
            rows = sample[draw]
            if algorithm != "hdbscan" and len(np.unique(X[rows], axis=0)) <= k:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # duplicate rows in a resample make some fits warn
                resampled = self._fit_one(algorithm, X[rows], k, self.random_state)
            drawn, first = np.unique(draw, return_index=True)
            scores.append(adjusted_rand_score(labels[sample[drawn]], resampled[first]))
        return round(float(np.mean(scores)), _DECIMALS) if scores else np.nan


def _labels_frame(labels, truth_ids=None) -> pd.DataFrame:
    if isinstance(labels, pd.DataFrame):
        _require_columns(labels, ["id"], "labels")
        return labels.assign(id=labels["id"].astype(str))
    series = _labels_series(labels, truth_ids)
    return pd.DataFrame({"id": series.index.astype(str), "cluster": series.to_numpy()})


def validate_clusters(labels, truth) -> pd.DataFrame:
    """Score clusterings against known labels (a party, a bloc, a region).

    Parameters
    ----------
    labels : pandas.DataFrame or pandas.Series
        ``StanceClustering.labels_`` (``id`` plus one column per algorithm),
        or one clustering as a Series indexed by id.
    truth : pandas.Series or dict
        Known label of each id. Ids without a known label are left out.

    Returns
    -------
    pandas.DataFrame
        ``algorithm, n, n_clusters, n_classes, ari, nmi, purity``: the
        adjusted Rand index (0 = chance, 1 = identical partitions),
        normalised mutual information (arithmetic mean normalisation) and
        purity (share of ids in their cluster's majority class) on the ``n``
        ids with both a cluster and a known label. HDBSCAN noise counts as
        one more cluster.

    Examples
    --------
    >>> labels = pd.DataFrame({"id": ["a", "b", "c", "d"], "kmeans": [1, 1, 2, 2]})
    >>> validate_clusters(labels, {"a": "x", "b": "x", "c": "y", "d": "y"})["ari"].tolist()
    [1.0]
    """
    frame = _labels_frame(labels)
    truth = pd.Series(truth) if isinstance(truth, dict) else truth
    if not isinstance(truth, pd.Series):
        raise ParameterError("`truth` must be a pandas Series or a dict mapping ids to known labels.")
    truth = truth.copy()
    truth.index = truth.index.astype(str)
    truth = truth.dropna()
    rows = []
    for algorithm in [c for c in frame.columns if c != "id"]:
        pairs = pd.DataFrame({"cluster": frame[algorithm].to_numpy(), "truth": frame["id"].map(truth).to_numpy()})
        pairs = pairs.dropna()
        n = len(pairs)
        if n == 0:
            rows.append({"algorithm": algorithm, "n": 0, "n_clusters": 0, "n_classes": 0,
                         "ari": np.nan, "nmi": np.nan, "purity": np.nan})
            continue
        clusters = pairs["cluster"].astype(str).to_numpy()
        classes = pairs["truth"].astype(str).to_numpy()
        table = pd.crosstab(clusters, classes)
        rows.append({
            "algorithm": algorithm, "n": n, "n_clusters": int(table.shape[0]), "n_classes": int(table.shape[1]),
            "ari": round(float(adjusted_rand_score(classes, clusters)), _DECIMALS),
            "nmi": round(float(normalized_mutual_info_score(classes, clusters)), _DECIMALS),
            "purity": round(float(table.max(axis=1).sum() / n), _DECIMALS),
        })
    return pd.DataFrame(rows, columns=VALIDATION_COLUMNS).astype(
        {"algorithm": "str", "n": "int64", "n_clusters": "int64", "n_classes": "int64", "ari": "float64",
         "nmi": "float64", "purity": "float64"})


# ---------------------------------------------------------------------------
# map and explanations
# ---------------------------------------------------------------------------

def stance_map(X, *, random_state=0) -> np.ndarray:
    """Project stance features onto their first two principal components.

    Parameters
    ----------
    X : array-like of shape (n, d)
        Stance features.
    random_state : int, default 0
        Passed to PCA (the full SVD used here is deterministic anyway).

    Returns
    -------
    numpy.ndarray of shape (n, 2)
        PC1 and PC2 scores. Each component's sign is fixed so that its
        largest-magnitude loading is positive (the map does not flip between
        runs or machines). Components without variance, and every column
        when ``n < 2`` or ``d == 0``, are 0.

    Examples
    --------
    >>> stance_map(np.array([[0.0, 1.0], [1.0, 0.0], [2.0, -1.0]])).shape
    (3, 2)
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ParameterError(f"`X` must be a 2-D feature matrix, got an array of shape {X.shape}.")
    n, d = X.shape
    coords = np.zeros((n, 2), dtype=float)
    if n < 2 or d == 0:
        return coords
    centred = X - X.mean(axis=0)
    total = float((centred ** 2).sum())
    if total <= 1e-12:
        return coords
    n_comp = min(2, n, d)
    pca = PCA(n_components=n_comp, svd_solver="full", random_state=random_state).fit(X)
    for j in range(n_comp):
        if pca.explained_variance_[j] * (n - 1) <= 1e-12 * total:
            continue
        loading = pca.components_[j]
        sign = 1.0 if loading[int(np.argmax(np.abs(loading)))] >= 0 else -1.0
        coords[:, j] = centred @ (loading * sign)
    return coords + 0.0


def _labels_series(labels, ids=None) -> pd.Series:
    if isinstance(labels, pd.Series):
        series = labels.copy()
        series.index = series.index.astype(str)
        return series
    labels = list(labels)
    if ids is None or len(ids) != len(labels):
        raise ParameterError("`labels` must be a pandas Series indexed by unit id, or a list aligned with `ids`.")
    return pd.Series(labels, index=[str(i) for i in ids])


def cluster_keywords(dtm_matrix, terms, dtm_unit_ids, labels, *, n: int = 8) -> pd.DataFrame:
    """List the terms each cluster over-uses compared with the other clusters.

    Keyness is Dunning's log-likelihood G2 of the 2 × 2 table (this term /
    all other terms × the cluster's units / the units of all other
    clusters), as in quanteda's ``textstat_keyness(measure = "lr")`` without
    a continuity correction.

    Parameters
    ----------
    dtm_matrix : scipy.sparse matrix of shape (n_units, n_terms)
        Term counts (``Dtm.matrix``).
    terms : sequence of str
        Column names (``Dtm.terms``).
    dtm_unit_ids : sequence of str
        Row names (``Dtm.unit_ids``).
    labels : pandas.Series
        Cluster of each unit, indexed by unit id. Units of the DTM without a
        label are left out of both sides.
    n : int, default 8
        Terms per cluster.

    Returns
    -------
    pandas.DataFrame
        ``cluster, rank, term, g2, count_cluster, count_rest``: for each
        cluster the ``n`` over-used terms (relative frequency higher in the
        cluster than in the rest) with the highest G2, ties broken by term.
        Empty, with a :class:`DataTooSmallWarning`, when there is only one cluster.

    Examples
    --------
    >>> m = sparse.csr_matrix(np.array([[3, 0], [0, 3]]))
    >>> cluster_keywords(m, ["peace", "war"], ["a", "b"], pd.Series([1, 2], index=["a", "b"]), n=1)["term"].tolist()
    ['peace', 'war']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"`n` must be a positive integer (terms per cluster), got {n!r}.")
    empty = pd.DataFrame({"cluster": pd.Series([], dtype="int64"), "rank": pd.Series([], dtype="int64"),
                          "term": pd.Series([], dtype="str"), "g2": pd.Series([], dtype="float64"),
                          "count_cluster": pd.Series([], dtype="int64"), "count_rest": pd.Series([], dtype="int64")})
    matrix = sparse.csr_matrix(dtm_matrix)
    terms = np.asarray([str(t) for t in terms], dtype=object)
    row_ids = [str(u) for u in dtm_unit_ids]
    if matrix.shape != (len(row_ids), len(terms)):
        raise ParameterError(
            f"The DTM matrix has shape {matrix.shape} but there are {len(row_ids)} unit ids and "
            f"{len(terms)} terms; pass `Dtm.matrix`, `Dtm.terms` and `Dtm.unit_ids` of the same DTM."
        )
    series = _labels_series(labels).dropna()
    row_labels = pd.Series(row_ids).map(series)
    keep = row_labels.notna().to_numpy()
    clusters = sorted(pd.unique(row_labels[keep]).tolist())
    if len(clusters) < 2:
        warnings.warn("Keywords need at least two clusters to compare; none were computed.",
                      DataTooSmallWarning, stacklevel=2)
        return empty
    sub = matrix[np.flatnonzero(keep)]
    sub_labels = row_labels[keep].to_numpy()
    grand = np.asarray(sub.sum(axis=0)).ravel().astype(float)
    total = grand.sum()
    frames = []
    for c in clusters:
        in_c = np.flatnonzero(sub_labels == c)
        a = np.asarray(sub[in_c].sum(axis=0)).ravel().astype(float)
        b = grand - a
        size_c = a.sum()
        size_r = total - size_c
        if size_c == 0 or size_r == 0:
            continue
        g2 = log_likelihood_g2(a, b, size_c - a, size_r - b)
        over = (a / size_c > b / size_r) & (a > 0)
        idx = np.flatnonzero(over)
        if len(idx) == 0:
            continue
        g = np.round(g2[idx], _DECIMALS)
        order = np.lexsort((terms[idx].astype(str), -g))[:n]
        chosen = idx[order]
        frames.append(pd.DataFrame({
            "cluster": c, "rank": np.arange(1, len(chosen) + 1), "term": terms[chosen],
            "g2": g[order], "count_cluster": a[chosen].astype(np.int64), "count_rest": b[chosen].astype(np.int64),
        }))
    if not frames:
        return empty
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"cluster": "int64", "rank": "int64", "term": "str", "g2": "float64",
                       "count_cluster": "int64", "count_rest": "int64"})


def typical_sentences(X, ids, labels, triples: pd.DataFrame, *, n: int = 3,
                      sentences: pd.DataFrame | None = None, by: str = "unit_id",
                      source: str = "lexicon") -> pd.DataFrame:
    """Quote the units (or holders) nearest each cluster's centre.

    Parameters
    ----------
    X : array-like of shape (n_rows, d)
        The features the clusters were fitted on.
    ids : sequence of str
        Row ids of ``X``: unit ids, or holders when ``by="holder"``.
    labels : pandas.Series or sequence
        Cluster of each id: a Series indexed by id, or a list aligned with ``ids``.
        Rows with label -1 (HDBSCAN noise) are not quoted.
    triples : pandas.DataFrame
        Output of :func:`stance_triples`; only ids with at least one triple
        are quoted.
    n : int, default 3
        Ids quoted per cluster.
    sentences : pandas.DataFrame, optional
        Sentence table; when given, ``text`` is the full sentence rather
        than the triple's scored context (which is a word window when
        ``context="window"``).
    by : {"unit_id", "holder"}, default "unit_id"
        The triples column the ids refer to.
    source : {"lexicon", "scaling"}, default "lexicon"
        Polarity used to pick each id's most evaluative sentence.

    Returns
    -------
    pandas.DataFrame
        ``cluster, rank, unit_id, sentence, text, distance`` (plus
        ``holder`` when ``by="holder"``): per cluster, the ``n`` ids with the
        smallest distance to the cluster mean (ties by row order), each with
        its most strongly evaluative sentence that mentions a target (the
        largest absolute polarity; ties → earliest sentence).

    Examples
    --------
    >>> triples = pd.DataFrame({"unit_id": ["a"], "sentence": [1], "target": ["russia"],
    ...                         "polarity_lexicon": [0.4], "context": ["We support Moscow."]})
    >>> typical_sentences(np.array([[1.0]]), ["a"], [1], triples)["text"].tolist()
    ['We support Moscow.']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"`n` must be a positive integer (units per cluster), got {n!r}.")
    if by not in ("unit_id", "holder"):
        raise ParameterError(f"`by` must be 'unit_id' or 'holder', got {by!r}.")
    column = _polarity_column(source)
    X = np.asarray(X, dtype=float)
    ids = [str(i) for i in ids]
    if X.ndim != 2 or X.shape[0] != len(ids):
        raise ParameterError(f"`X` must have one row per id: {X.shape} for {len(ids)} ids.")
    series = _labels_series(labels, ids)
    row_labels = pd.Series(ids).map(series).to_numpy()
    columns = TYPICAL_COLUMNS + (["holder"] if by == "holder" else [])
    dtypes = {"cluster": "int64", "rank": "int64", "unit_id": "str", "sentence": "int64", "text": "str",
              "distance": "float64", "holder": "str"}
    empty = pd.DataFrame({c: pd.Series([], dtype=dtypes[c]) for c in columns})
    if len(triples):
        _require_columns(triples, ["unit_id", "sentence", column, "context", by], "triples")
    if len(triples) == 0 or triples[column].notna().sum() == 0:
        return empty
    t = triples.dropna(subset=[column])
    t = t.assign(unit_id=t["unit_id"].astype(str), _key=t[by].astype(str), _abs=t[column].abs())
    t = t.sort_values(["_key", "_abs", "unit_id", "sentence"], ascending=[True, False, True, True], kind="stable")
    best = t.drop_duplicates("_key").set_index("_key")
    sentence_text: dict[tuple[str, int], str] = {}
    if sentences is not None:
        _require_columns(sentences, ["unit_id", "sentence", "text"], "sentences")
        sentence_text = {(str(u), int(k)): str(x) for u, k, x in
                         zip(sentences["unit_id"], sentences["sentence"], sentences["text"])}
    rows = []
    valid = pd.notna(row_labels)
    for c in sorted(pd.unique(row_labels[valid]).tolist()):
        if c == -1:
            continue
        members = np.flatnonzero(row_labels == c)
        centre = X[members].mean(axis=0)
        dist = np.round(np.linalg.norm(X[members] - centre, axis=1), _DECIMALS)
        order = members[np.argsort(dist, kind="stable")]
        dist_of = dict(zip(members.tolist(), dist.tolist()))
        rank = 0
        for i in order:
            key = ids[i]
            if key not in best.index:
                continue
            rank += 1
            row = best.loc[key]
            uid, k = str(row["unit_id"]), int(row["sentence"])
            entry = {"cluster": c, "rank": rank, "unit_id": uid, "sentence": k,
                     "text": sentence_text.get((uid, k), str(row["context"])), "distance": dist_of[i]}
            if by == "holder":
                entry["holder"] = key
            rows.append(entry)
            if rank == n:
                break
    if not rows:
        return empty
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({c: dtypes[c] for c in columns})


# ---------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------

_MISSING_COLOUR = "#d9d9d9"
_MISSING_HATCH = "///"


def plot_profile_heatmap(ax, matrix: pd.DataFrame, *, target_labels=None, cluster=None, row_labels=None,
                         limit: float | None = 1.0, value_label: str = "polarity (VADER compound)"):
    """Draw a holders × targets polarity heatmap; never-mentioned cells are marked missing.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    matrix : pandas.DataFrame
        Output of :func:`profile_matrix` (holders × targets, NaN = not mentioned).
    target_labels : dict, optional
        Target id → readable label for the column ticks.
    cluster : pandas.Series or dict, optional
        Cluster of each holder; rows are then grouped by cluster (stable
        within a cluster), prefixed ``[k]`` and separated by lines.
    row_labels : dict, optional
        Display name of each row id (e.g. short unit ids); ids not in it are
        shown as they are.
    limit : float or None, default 1.0
        The colour scale runs from ``-limit`` to ``limit``; None: the
        largest absolute value (for standardised scaling scores).
    value_label : str, default "polarity (VADER compound)"
        Colour bar label.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Diverging ``RdBu`` colormap over [-limit, limit], centred at 0 (red =
    negative, blue = positive). Missing cells are grey and hatched with a
    "not mentioned" legend entry; values are written in the cells when
    there are at most 30 rows.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_profile_heatmap(ax, pd.DataFrame({"russia": [0.5, np.nan]}, index=["a", "b"]))
    """
    labels_map = dict(target_labels or {})
    m = matrix.copy()
    row_names = [str(r) for r in m.index]
    display = dict(row_labels or {})
    if cluster is not None:
        cl = pd.Series(cluster)
        cl.index = cl.index.astype(str)
        keys = [cl.get(r, None) for r in row_names]
        known = [k is not None and not (isinstance(k, float) and np.isnan(k)) for k in keys]
        # Rows without a group go last; groups may be cluster numbers or names (regions).
        order = sorted(range(len(row_names)), key=lambda i: (not known[i], str(type(keys[i])),
                                                             keys[i] if known[i] else 0, i))
        m = m.iloc[order]
        row_names = [f"[{keys[i]}] {display.get(row_names[i], row_names[i])}" if known[i]
                     else display.get(row_names[i], row_names[i]) for i in order]
        sorted_keys = [keys[i] for i in order]
    values = m.to_numpy(dtype=float) if m.size else np.zeros((0, 0))
    n_rows, n_cols = values.shape
    if n_rows == 0 or n_cols == 0:
        ax.text(0.5, 0.5, "no stance profile to show", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    # Missing cells are transparent in the image and drawn as hatched patches below.
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad=(0, 0, 0, 0))
    if limit is None:
        finite = np.abs(values[np.isfinite(values)])
        limit = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=mcolors.Normalize(vmin=-limit, vmax=limit),
                      aspect="auto", interpolation="nearest")
    missing = np.argwhere(np.isnan(values))
    for i, j in missing:
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=_MISSING_COLOUR, edgecolor="#808080",
                               hatch=_MISSING_HATCH, linewidth=0))
    if n_rows <= _MAX_ANNOTATED_ROWS:
        for i in range(n_rows):
            for j in range(n_cols):
                v = values[i, j]
                if np.isnan(v):
                    continue
                ax.text(j, i, f"{v:+.2f}", ha="center", va="center", fontsize=8,
                        color="white" if abs(v) > 0.6 * limit else "black")
    if cluster is not None:
        for i in range(1, n_rows):
            if sorted_keys[i] != sorted_keys[i - 1]:
                ax.axhline(i - 0.5, color="black", linewidth=1.2)
    ax.set_xticks(range(n_cols))
    ax.set_xticklabels([labels_map.get(str(c), str(c)) for c in m.columns], rotation=45, ha="right")
    ax.set_yticks(range(n_rows))
    ax.set_yticklabels([display.get(r, r) for r in row_names] if cluster is None else row_names)
    ax.set_xlabel("target")
    ax.set_ylabel("unit [cluster]" if m.index.name == "unit_id" else "holder")
    colorbar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    colorbar.set_label(value_label)
    ax.legend(handles=[Patch(facecolor=_MISSING_COLOUR, edgecolor="#808080", hatch=_MISSING_HATCH,
                             label="not mentioned")],
              loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


def plot_stance_map(ax, coords, labels, names=None, *, groups=None, notable=()):
    """Scatter the 2-D stance map coloured by cluster (or by group, with clusters as markers).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    coords : array-like of shape (n, 2)
        Output of :func:`stance_map`.
    labels : array-like of shape (n,)
        Cluster of each point.
    names : sequence of str, optional
        Point names. All are written when there are at most 40 points;
        otherwise the ``notable`` ones and, per cluster, the points farthest
        from the map's centre (the most distinct stances), 40 in all.
    groups : array-like of shape (n,), optional
        A category of each point (a region): colours then show the group and
        marker shapes the cluster.
    notable : sequence of str
        Names always written when present (e.g. the permanent members).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_stance_map(ax, np.array([[0.0, 0.0], [1.0, 1.0]]), [1, 2], names=["a", "b"])
    >>> ax = plot_stance_map(ax, np.array([[0.0, 0.0], [1.0, 1.0]]), [1, 2], groups=["Asia", "Europe"])
    """
    coords = np.asarray(coords, dtype=float).reshape(-1, 2)
    labels = np.asarray(list(labels))
    if len(labels) != len(coords):
        raise ParameterError(f"`labels` has {len(labels)} entries for {len(coords)} points; pass one per point.")
    clusters = sorted(pd.unique(labels).tolist())
    colours = matplotlib.colormaps["tab10"]
    if groups is None:
        for i, c in enumerate(clusters):
            sel = labels == c
            ax.scatter(coords[sel, 0], coords[sel, 1], s=36, color=colours(i % 10), label=f"cluster {c}",
                       edgecolor="white", linewidth=0.5)
    else:
        groups = np.asarray([str(g) if pd.notna(g) else "unknown" for g in groups])
        if len(groups) != len(coords):
            raise ParameterError(f"`groups` has {len(groups)} entries for {len(coords)} points; pass one per point.")
        markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
        group_names = sorted(pd.unique(groups).tolist())
        for gi, g in enumerate(group_names):
            for ci, c in enumerate(clusters):
                sel = (groups == g) & (labels == c)
                if sel.any():
                    ax.scatter(coords[sel, 0], coords[sel, 1], s=34, color=colours(gi % 10),
                               marker=markers[ci % len(markers)], edgecolor="white", linewidth=0.5)
        group_handles = [Patch(color=colours(gi % 10), label=g) for gi, g in enumerate(group_names)]
        cluster_handles = [matplotlib.lines.Line2D([], [], marker=markers[ci % len(markers)], linestyle="",
                                                   color="#555555", label=f"cluster {c}")
                           for ci, c in enumerate(clusters)]
        first = ax.legend(handles=group_handles, fontsize=7, loc="upper left", title="group", title_fontsize=8)
        ax.add_artist(first)
        ax.legend(handles=cluster_handles, fontsize=7, loc="lower left", title="cluster", title_fontsize=8)
    if names is not None:
        names = [str(x) for x in names]
        if len(names) != len(coords):
            raise ParameterError(f"`names` has {len(names)} entries for {len(coords)} points; pass one per point.")
        if len(coords) <= _MAX_NAMED_POINTS:
            shown = list(range(len(coords)))
        else:
            wanted = set(notable)
            shown = [i for i, name in enumerate(names) if name in wanted]
            spread = np.linalg.norm(coords - coords.mean(axis=0), axis=1)
            quota = max(1, (_MAX_NAMED_POINTS - len(shown)) // max(1, len(clusters)))
            for c in clusters:
                members = [m for m in np.flatnonzero(labels == c) if m not in shown]
                members = np.asarray(members, dtype=int)
                shown += members[np.argsort(-spread[members], kind="stable")][:quota].tolist()
            shown = sorted(set(shown))
        for i in shown:
            ax.annotate(names[i], coords[i], xytext=(3, 3), textcoords="offset points", fontsize=7)
    ax.set_xlabel("PC1")
    ax.set_ylabel("PC2")
    ax.axhline(0, color="#bbbbbb", linewidth=0.6, zorder=0)
    ax.axvline(0, color="#bbbbbb", linewidth=0.6, zorder=0)
    if clusters and groups is None:
        ax.legend(title="cluster", fontsize=8, loc="best")
    return ax


def plot_source_comparison(ax, profiles: pd.DataFrame, *, target_labels=None, level: str | None = "target"):
    """Scatter the two polarity sources against each other, one point per holder × target.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    profiles : pandas.DataFrame
        Output of :func:`stance_profiles`.
    target_labels : dict, optional
        Target id → readable label, for the point names.
    level : {"target", "group"} or None, default "target"
        Profile rows compared; None: all rows.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Only cells with both polarities are drawn (never-mentioned cells are
    missing, not neutral). The title gives Pearson's r and Spearman's rho
    with the number of cells; below three cells, or without variance, they
    are not defined and the title says so. Points are named
    "holder → target" when there are at most 30.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> p = pd.DataFrame({"holder": list("abc"), "target": ["x"] * 3, "level": ["target"] * 3,
    ...                   "polarity_lexicon": [0.1, 0.5, -0.3], "polarity_scaling": [0.2, 1.0, -0.8]})
    >>> plot_source_comparison(ax, p).get_title().startswith("Pearson r = 1.00")
    True
    """
    _require_columns(profiles, ["holder", "target", "polarity_lexicon", "polarity_scaling"], "profiles")
    p = profiles
    if level is not None and "level" in p.columns:
        p = p[p["level"] == level]
    p = p.dropna(subset=["polarity_lexicon", "polarity_scaling"])
    labels_map = dict(target_labels or {})
    x = p["polarity_lexicon"].to_numpy(dtype=float)
    y = p["polarity_scaling"].to_numpy(dtype=float)
    ax.axhline(0, color="#bbbbbb", linewidth=0.6, zorder=0)
    ax.axvline(0, color="#bbbbbb", linewidth=0.6, zorder=0)
    ax.scatter(x, y, s=28, color=matplotlib.colormaps["tab10"](0), edgecolor="white", linewidth=0.5)
    if len(p) <= _MAX_ANNOTATED_ROWS:
        for xi, yi, h, t in zip(x, y, p["holder"], p["target"]):
            ax.annotate(f"{h} → {labels_map.get(str(t), str(t))}", (xi, yi), xytext=(3, 3),
                        textcoords="offset points", fontsize=7)
    if len(p) >= 3 and np.std(x) > 0 and np.std(y) > 0:
        r = pearsonr(x, y).statistic
        rho = spearmanr(x, y).statistic
        ax.set_title(f"Pearson r = {r:.2f}, Spearman rho = {rho:.2f} (n = {len(p)} holder-target cells)",
                     fontsize=9)
    else:
        ax.set_title(f"correlation not defined: {len(p)} holder-target cell(s) with both polarities", fontsize=9)
    ax.set_xlabel("polarity from the lexicon (VADER)")
    ax.set_ylabel("polarity from corpus-adapted scaling")
    return ax


def plot_confusion(ax, labels, truth, *, algorithm: str | None = None):
    """Draw clusters × known classes as a count matrix.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    labels : pandas.DataFrame or pandas.Series
        ``StanceClustering.labels_`` or one clustering indexed by id.
    truth : pandas.Series or dict
        Known label of each id.
    algorithm : str, optional
        Column of ``labels`` to draw; default the first algorithm.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> labels = pd.DataFrame({"id": ["a", "b", "c"], "kmeans": [1, 1, 2]})
    >>> ax = plot_confusion(ax, labels, {"a": "x", "b": "y", "c": "y"})
    """
    frame = _labels_frame(labels)
    columns = [c for c in frame.columns if c != "id"]
    if algorithm is None:
        algorithm = columns[0] if columns else None
    if algorithm not in columns:
        raise ParameterError(f"`algorithm` must be one of the labels' columns {columns}, got {algorithm!r}.")
    truth = pd.Series(truth) if isinstance(truth, dict) else truth
    truth = truth.copy()
    truth.index = truth.index.astype(str)
    pairs = pd.DataFrame({"cluster": frame[algorithm].to_numpy(), "truth": frame["id"].map(truth).to_numpy()}).dropna()
    if pairs.empty:
        ax.text(0.5, 0.5, "no id has both a cluster and a known label", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    table = pd.crosstab(pairs["cluster"].astype(np.int64), pairs["truth"].astype(str))
    values = table.to_numpy()
    ax.imshow(values, cmap="Blues", aspect="auto", interpolation="nearest", vmin=0)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, str(values[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if values[i, j] > 0.6 * values.max() else "black")
    ax.set_xticks(range(values.shape[1]))
    ax.set_xticklabels(table.columns.tolist(), rotation=45, ha="right")
    ax.set_yticks(range(values.shape[0]))
    ax.set_yticklabels(["noise" if c == -1 else f"cluster {c}" for c in table.index.tolist()])
    ax.set_xlabel("known label")
    ax.set_ylabel(f"{algorithm} cluster")
    return ax
