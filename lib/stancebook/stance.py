"""Stance: who takes which position toward whom, and which blocs share it.

The stage turns target mentions into stance triples (holder, target,
polarity), aggregates them into holder × target profiles with bootstrap
uncertainty, clusters units or holders by their stance, maps them in 2-D and
explains each cluster by its keywords and its most typical sentences.

Polarity comes from VADER, an evaluative lexicon with rules for negation,
intensifiers, contrast ("but") and emphasis. Two choices matter for reading
the numbers:

* **Target names are neutral.** Before a context is scored, every target
  mention inside it is replaced, word for word, by the neutral placeholder
  ``entity``; nothing else is removed. Otherwise "United" in "United
  Nations" (+1.8) or "Security" in "Security Council" (+1.4) would make
  every sentence about the UN look friendly. The word count is kept so that
  VADER's negation and intensifier look-back still lands on the same words.
* **Not mentioned is missing, not neutral.** A holder who never mentions a
  target has polarity NaN in its profile; clustering features carry this
  missingness in an explicit ``mentioned:<target>`` indicator.

Holders are resolved per unit (the speaker of a speech, or ``"author"``).
Attributing reported speech ("Kim vowed full support for Moscow" → holder
north_korea) is a later extension; see :func:`_attribute_triples`.
"""

from __future__ import annotations

import bisect
import re
import warnings
from collections.abc import Iterable, Sequence

import matplotlib
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.patches import Patch, Rectangle
from scipy import sparse
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

from stancebook.errors import CorpusError, DataTooSmallWarning, ParameterError
from stancebook.stats import log_likelihood_g2

__all__ = [
    "CONTEXTS",
    "CLUSTER_ALGORITHMS",
    "TRIPLE_COLUMNS",
    "PROFILE_COLUMNS",
    "KEYWORD_COLUMNS",
    "TYPICAL_COLUMNS",
    "resolve_holders",
    "stance_triples",
    "stance_profiles",
    "profile_matrix",
    "profile_features",
    "holder_stance_features",
    "unit_polarity_matrix",
    "unit_stance_features",
    "StanceClustering",
    "stance_map",
    "cluster_keywords",
    "typical_sentences",
    "plot_profile_heatmap",
    "plot_stance_map",
]

CONTEXTS = ("sentence", "window")
CLUSTER_ALGORITHMS = ("kmeans", "agglomerative")
TRIPLE_COLUMNS = [
    "holder", "target", "unit_id", "sentence", "polarity", "n_mentions", "surface",
    "start", "end", "orig_start", "orig_end", "context",
]
_TRIPLE_DTYPES = {
    "holder": "str", "target": "str", "unit_id": "str", "sentence": "int64", "polarity": "float64",
    "n_mentions": "int64", "surface": "str", "start": "int64", "end": "int64", "orig_start": "int64",
    "orig_end": "int64", "context": "str",
}
PROFILE_COLUMNS = ["holder", "target", "n_sentences", "polarity", "ci_low", "ci_high", "salience"]
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
# on a seeded sample of this size.
_SILHOUETTE_SAMPLE = 5000
_MAX_ANNOTATED_ROWS = 30
_MAX_NAMED_POINTS = 40
_WORD = re.compile(r"\S+")


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


def _attribute_triples(triples: pd.DataFrame, unit_holders: dict[str, str]) -> pd.Series:
    """Return the holder of each triple.

    Extension point: today every triple inherits the holder of its unit.
    Reported speech ("Kim vowed full support for Moscow" → holder
    north_korea) will override the unit holder here, sentence by sentence,
    from the sentence's speech verb and its subject mention.
    """
    return triples["unit_id"].map(unit_holders).astype("str")


def stance_triples(
    units: pd.DataFrame,
    sentences: pd.DataFrame,
    mentions: pd.DataFrame,
    *,
    holder_column: str = "",
    context: str = "sentence",
    window: int = 10,
) -> pd.DataFrame:
    """Score the polarity toward each target in each sentence that mentions it.

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
        Metadata column naming the holder; see :func:`resolve_holders`.
    context : {"sentence", "window"}, default "sentence"
        Text scored: the whole sentence, or the words within ``window``
        whitespace-separated words before the first and after the last
        mention of the target in that sentence (taken from the unit text,
        so a window may cross sentence boundaries).
    window : int, default 10
        Words either side of the mentions when ``context="window"``.

    Returns
    -------
    pandas.DataFrame
        One row per (unit, sentence, target) with columns ``holder, target,
        unit_id, sentence, polarity, n_mentions, surface, start, end,
        orig_start, orig_end, context``. Several mentions of a target in one
        sentence count once (``n_mentions`` keeps the count; offsets and
        ``surface`` are those of the first mention). ``polarity`` is VADER's
        compound score in [-1, 1] rounded to 6 decimals, computed after every
        target mention in the context is replaced word for word by the
        neutral placeholder ``"entity"`` (names carry no sentiment; nothing
        else is stripped). ``context`` is the readable text scored, before
        that replacement. Sorted by unit order, sentence, target. No
        mentions: an empty frame with these columns.

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
    >>> float(stance_triples(units, sentences, mentions)["polarity"].iloc[0]) > 0
    True
    """
    if context not in CONTEXTS:
        raise ParameterError(f"`context` must be one of {list(CONTEXTS)}, got {context!r}.")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ParameterError(f"`window` must be a positive integer (words either side of a mention), got {window!r}.")
    _require_columns(units, ["unit_id", "text"], "units")
    _require_columns(mentions, ["unit_id", "sentence", "start", "end", "orig_start", "orig_end", "surface", "target"],
                     "mentions")
    if context == "sentence":
        _require_columns(sentences, ["unit_id", "sentence", "start", "end"], "sentences")
    unit_ids = units["unit_id"].astype(str).tolist()
    if len(set(unit_ids)) != len(unit_ids):
        dup = pd.Series(unit_ids)[pd.Series(unit_ids).duplicated()].iloc[0]
        raise CorpusError(f"The units table has duplicate unit_id values (e.g. {dup!r}); unit ids must be unique.")
    holders = resolve_holders(units, holder_column=holder_column)
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

    sentence_spans: dict[tuple[str, int], tuple[int, int]] = {}
    if context == "sentence":
        s = sentences
        sentence_spans = {
            (u, int(k)): (int(a), int(b))
            for u, k, a, b in zip(s["unit_id"].astype(str), s["sentence"], s["start"], s["end"])
        }

    # One analyzer per call: no module-level state; scores are cached per masked text
    # (in sentence mode every target of a sentence shares one masked text).
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    analyzer = SentimentIntensityAnalyzer()
    cache: dict[str, float] = {}

    def score(text: str) -> float:
        if text not in cache:
            cache[text] = round(float(analyzer.polarity_scores(text)["compound"]), _DECIMALS)
        return cache[text]

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

    contexts, scores = [], []
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
            if context == "sentence":
                span = sentence_spans.get((unit_id, int(sent[i])))
                if span is None:
                    raise CorpusError(
                        f"Mention {m['surface'].iloc[i]!r} in unit {unit_id!r} points to sentence {int(sent[i])}, "
                        f"which the sentences table does not contain; build both from the same units."
                    )
                c_start, c_end = span
            elif len(word_starts) == 0:
                c_start, c_end = int(group_start[g]), int(group_end[g])
            else:
                first_word = int(np.searchsorted(word_ends, group_start[g], side="right"))
                last_word = int(np.searchsorted(word_starts, group_end[g], side="left")) - 1
                lo = max(0, min(first_word, len(word_starts) - 1) - window)
                hi = min(len(word_starts) - 1, max(last_word, 0) + window)
                c_start, c_end = int(word_starts[lo]), int(word_ends[hi])
            ctx = text[c_start:c_end]
            # spans are merged, hence disjoint and sorted by both ends
            k0 = max(bisect.bisect_left(span_starts, c_start) - 1, 0)
            k1 = bisect.bisect_left(span_starts, c_end)
            inside = [(a, b) for a, b in spans[k0:k1] if a < c_end and b > c_start]
            contexts.append(ctx)
            scores.append(score(_mask(ctx, c_start, inside)))
            g += 1

    firsts = m.iloc[first]
    triples = pd.DataFrame({
        "target": firsts["target"].to_numpy(dtype=object),
        "unit_id": firsts["unit_id"].to_numpy(dtype=object),
        "sentence": firsts["sentence"].to_numpy(dtype=np.int64),
        "polarity": np.asarray(scores, dtype=float),
        "n_mentions": counts.astype(np.int64),
        "surface": firsts["surface"].astype(str).to_numpy(dtype=object),
        "start": firsts["start"].to_numpy(dtype=np.int64),
        "end": firsts["end"].to_numpy(dtype=np.int64),
        "orig_start": firsts["orig_start"].to_numpy(dtype=np.int64),
        "orig_end": firsts["orig_end"].to_numpy(dtype=np.int64),
        "context": np.asarray(contexts, dtype=object),
    })
    unit_holders = dict(zip(unit_ids, holders.tolist()))
    triples = triples.assign(holder=_attribute_triples(triples, unit_holders))
    return triples[TRIPLE_COLUMNS].reset_index(drop=True).astype(_TRIPLE_DTYPES)


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
    targets,
    holder_column: str = "",
    n_boot: int = 1000,
    random_state: int = 0,
    sentences: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Aggregate stance triples into a holder × target profile.

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`stance_triples`.
    units : pandas.DataFrame
        Units table; every holder found in it gets a row per target, even
        holders that mention no target.
    targets : list of str
        Target ids, in the order wanted (duplicates are dropped).
    holder_column : str, default ""
        Metadata column naming the holder; see :func:`resolve_holders`. The
        holder of a triple is taken from its unit through this column.
    n_boot : int, default 1000
        Bootstrap resamples for the confidence interval.
    random_state : int, default 0
        Seed; each cell is resampled with a fresh
        ``np.random.default_rng(random_state)``, so a cell's interval depends
        only on its own sentences and the seed.
    sentences : pandas.DataFrame, optional
        Sentence table. When given, salience is the share of *all* the
        holder's sentences that mention the target; otherwise the share of
        the holder's sentences that mention any target.

    Returns
    -------
    pandas.DataFrame
        One row per (holder, target): holders sorted, targets in the given
        order, with ``holder, target, n_sentences, polarity, ci_low,
        ci_high, salience``. ``polarity`` is the mean over the holder's
        sentences about the target — NaN when never mentioned (missing, not
        neutral). ``ci_low``/``ci_high``: 95 % percentile bootstrap interval
        of that mean, NaN when fewer than two sentences. ``salience``: 0
        when never mentioned. Floats rounded to 6 decimals.

    Examples
    --------
    >>> triples = pd.DataFrame({"holder": ["author"], "target": ["russia"], "unit_id": ["d"],
    ...                         "sentence": [1], "polarity": [0.4]})
    >>> units = pd.DataFrame({"unit_id": ["d"], "text": ["..."]})
    >>> stance_profiles(triples, units, targets=["russia", "un"])["polarity"].tolist()
    [0.4, nan]
    """
    target_ids = _target_list(targets)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ParameterError(f"`n_boot` must be a positive integer (bootstrap resamples), got {n_boot!r}.")
    _require_columns(units, ["unit_id"], "units")
    _require_columns(triples, ["unit_id", "sentence", "target", "polarity"], "triples")
    holders = resolve_holders(units, holder_column=holder_column)
    unit_holder = dict(zip(units["unit_id"].astype(str), holders.tolist()))
    t = triples.assign(unit_id=triples["unit_id"].astype(str), target=triples["target"].astype(str))
    unknown = sorted(set(t["unit_id"]) - set(unit_holder))
    if unknown:
        raise CorpusError(
            f"The triples refer to unit(s) not in the units table, e.g. {unknown[:3]}; "
            f"pass the units the triples were built from."
        )
    t = t.assign(holder=t["unit_id"].map(unit_holder).astype("str"))

    if sentences is not None:
        _require_columns(sentences, ["unit_id", "sentence"], "sentences")
        s = sentences.assign(unit_id=sentences["unit_id"].astype(str))
        s = s[s["unit_id"].isin(unit_holder)]
        s = s.assign(holder=s["unit_id"].map(unit_holder))
        totals = s.drop_duplicates(["unit_id", "sentence"]).groupby("holder").size()
    else:
        totals = t.drop_duplicates(["unit_id", "sentence"]).groupby("holder").size()
    totals = totals.to_dict()

    groups = {key: g["polarity"].to_numpy(dtype=float) for key, g in t.groupby(["holder", "target"], sort=False)}
    rows = []
    for holder in sorted(set(holders.tolist())):
        total = totals.get(holder, 0)
        for target in target_ids:
            values = groups.get((holder, target), np.array([], dtype=float))
            n = len(values)
            low, high = _bootstrap_ci(values, int(n_boot), random_state)
            rows.append({
                "holder": holder,
                "target": target,
                "n_sentences": n,
                "polarity": float(values.mean()) if n else np.nan,
                "ci_low": low,
                "ci_high": high,
                "salience": n / total if total else 0.0,
            })
    out = pd.DataFrame(rows, columns=PROFILE_COLUMNS)
    out = out.astype({"holder": "str", "target": "str", "n_sentences": "int64", "polarity": "float64",
                      "ci_low": "float64", "ci_high": "float64", "salience": "float64"})
    return out.round({c: _DECIMALS for c in ["polarity", "ci_low", "ci_high", "salience"]})


def profile_matrix(profiles: pd.DataFrame, value: str = "polarity") -> pd.DataFrame:
    """Pivot a profile table into a holders × targets matrix.

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`stance_profiles`.
    value : str, default "polarity"
        Column to spread (``polarity``, ``salience``, ``n_sentences``, ...).

    Returns
    -------
    pandas.DataFrame
        Index ``holder``, columns ``target`` in the order of ``profiles``;
        NaN (never mentioned) is kept.

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "a"], "target": ["x", "y"], "polarity": [0.5, np.nan]})
    >>> profile_matrix(p).loc["a", "x"]
    np.float64(0.5)
    """
    _require_columns(profiles, ["holder", "target"], "profiles")
    if value not in profiles.columns or value in ("holder", "target"):
        raise ParameterError(
            f"`value` must be a value column of the profiles, one of "
            f"{[c for c in profiles.columns if c not in ('holder', 'target')]}; got {value!r}."
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


def unit_stance_features(triples: pd.DataFrame, unit_ids, targets) -> tuple[np.ndarray, list[str]]:
    """Build a unit × feature matrix of stance with explicit missingness.

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`stance_triples`.
    unit_ids : sequence of str
        Row order of the matrix.
    targets : list of str
        Target ids; triples about other targets are ignored.

    Returns
    -------
    X : numpy.ndarray of shape (len(unit_ids), 2 * len(targets))
        For each target two columns: ``mentioned:<t>`` (1 when the unit
        mentions the target, else 0) and ``polarity:<t>`` (mean polarity of
        the unit's sentences about the target; 0 when not mentioned). The
        0 stands in for a missing value: the indicator column is what tells
        "not mentioned" from "mentioned neutrally", so a clustering sees
        silence and neutrality as different.
    column_names : list of str

    Examples
    --------
    >>> triples = pd.DataFrame({"unit_id": ["a"], "target": ["russia"], "polarity": [0.4]})
    >>> X, names = unit_stance_features(triples, ["a", "b"], ["russia"])
    >>> X.tolist(), names
    ([[1.0, 0.4], [0.0, 0.0]], ['mentioned:russia', 'polarity:russia'])
    """
    target_ids = _target_list(targets)
    ids = [str(u) for u in unit_ids]
    X = np.zeros((len(ids), 2 * len(target_ids)), dtype=float)
    if len(triples):
        _require_columns(triples, ["unit_id", "target", "polarity"], "triples")
        t = triples.assign(unit_id=triples["unit_id"].astype(str), target=triples["target"].astype(str))
        means = t.groupby(["unit_id", "target"], sort=False)["polarity"].mean()
        row = {u: i for i, u in enumerate(ids)}
        col = {tg: j for j, tg in enumerate(target_ids)}
        for (u, tg), value in means.items():
            if u in row and tg in col:
                X[row[u], 2 * col[tg]] = 1.0
                X[row[u], 2 * col[tg] + 1] = round(float(value), _DECIMALS)
    return X, _feature_names(target_ids)


def profile_features(profiles: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    """Build a holder × feature matrix from a profile table.

    The holder-level counterpart of :func:`unit_stance_features`: for each
    target ``mentioned:<t>`` (``n_sentences > 0``) and ``polarity:<t>`` (the
    profile's mean polarity, 0 when never mentioned — the indicator carries
    the missingness).

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`stance_profiles`.

    Returns
    -------
    X : numpy.ndarray of shape (n_holders, 2 * n_targets)
    column_names : list of str
    holders : list of str
        Row order of ``X``.

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "b"], "target": ["x", "x"], "n_sentences": [2, 0],
    ...                   "polarity": [0.5, np.nan]})
    >>> profile_features(p)[0].tolist()
    [[1.0, 0.5], [0.0, 0.0]]
    """
    _require_columns(profiles, ["holder", "target", "polarity"], "profiles")
    polarity = profile_matrix(profiles, "polarity")
    mentioned = polarity.notna()
    if "n_sentences" in profiles.columns:
        mentioned = profile_matrix(profiles, "n_sentences").fillna(0) > 0
    targets = [str(t) for t in polarity.columns]
    X = np.zeros((len(polarity), 2 * len(targets)), dtype=float)
    X[:, 0::2] = mentioned.to_numpy(dtype=float)
    X[:, 1::2] = np.where(mentioned.to_numpy(), polarity.fillna(0.0).to_numpy(dtype=float), 0.0)
    return X, _feature_names(targets), [str(h) for h in polarity.index]


def holder_stance_features(profiles: pd.DataFrame, holders, targets) -> tuple[np.ndarray, list[str]]:
    """Build a holder × feature matrix in a given row and column order.

    Same encoding as :func:`unit_stance_features`, one row per holder:
    ``mentioned:<t>`` (1 when the holder mentions the target at all) and
    ``polarity:<t>`` (the profile's mean polarity, 0 when never mentioned —
    the indicator carries the missingness).

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`stance_profiles`.
    holders : sequence of str
        Row order; holders absent from ``profiles`` get all-zero rows.
    targets : list of str
        Column order.

    Returns
    -------
    X : numpy.ndarray of shape (len(holders), 2 * len(targets))
    column_names : list of str

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "b"], "target": ["x", "x"], "n_sentences": [2, 0],
    ...                   "polarity": [0.5, np.nan]})
    >>> holder_stance_features(p, ["b", "a"], ["x"])[0].tolist()
    [[0.0, 0.0], [1.0, 0.5]]
    """
    target_ids = _target_list(targets)
    X, _, rows = profile_features(profiles)
    position = {h: i for i, h in enumerate(rows)}
    names_in = _feature_names([str(t) for t in profile_matrix(profiles).columns])
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


def unit_polarity_matrix(triples: pd.DataFrame, unit_ids, targets) -> pd.DataFrame:
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

    Returns
    -------
    pandas.DataFrame
        Index ``unit_id``, columns ``target``; values rounded to 6 decimals.

    Examples
    --------
    >>> t = pd.DataFrame({"unit_id": ["a"], "target": ["x"], "polarity": [0.5]})
    >>> unit_polarity_matrix(t, ["a", "b"], ["x"])["x"].tolist()
    [0.5, nan]
    """
    target_ids = _target_list(targets)
    ids = [str(u) for u in unit_ids]
    if len(triples):
        _require_columns(triples, ["unit_id", "target", "polarity"], "triples")
        t = triples.assign(unit_id=triples["unit_id"].astype(str), target=triples["target"].astype(str))
        means = t.groupby(["unit_id", "target"])["polarity"].mean().unstack("target")
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
    """Relabel clusters 1, 2, ... in the order their first member appears."""
    mapping: dict[int, int] = {}
    for value in raw.tolist():
        if value not in mapping:
            mapping[value] = len(mapping) + 1
    return np.array([mapping[v] for v in raw.tolist()], dtype=np.int64)


def _centre_distances(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    distances = np.zeros(len(labels), dtype=float)
    for c in np.unique(labels):
        members = labels == c
        centre = X[members].mean(axis=0)
        distances[members] = np.linalg.norm(X[members] - centre, axis=1)
    return distances


class StanceClustering:
    """Cluster units or holders by their stance features, choosing k by silhouette.

    Parameters
    ----------
    algorithms : sequence of str, default ("kmeans", "agglomerative")
        Algorithms compared: ``"kmeans"`` (KMeans, ``n_init=10``) and
        ``"agglomerative"`` (Ward linkage).
    n_clusters : int, default 0
        Force this number of clusters; 0 chooses k per algorithm by the
        highest silhouette (ties → the smaller k).
    k_grid : sequence of int, optional
        Numbers of clusters compared; default ``2 .. min(6, n_distinct - 1)``
        where ``n_distinct`` is the number of distinct rows of ``X``.
    random_state : int, default 0
        Seed of KMeans and of the silhouette sample on large inputs.

    Attributes
    ----------
    scores_ : pandas.DataFrame
        ``algorithm, k, silhouette, selected``.
    labels_ : pandas.DataFrame
        ``id`` and one column per algorithm with 1-based cluster labels,
        numbered in the order in which each cluster's first id appears.
    k_ : dict
        Algorithm → chosen k.
    reason_ : str
        Why each k was chosen, in plain language.
    distance_ : pandas.DataFrame
        ``id, algorithm, cluster, distance``: Euclidean distance of each row
        to the mean of its cluster.

    Notes
    -----
    With fewer than three distinct rows nothing can be compared: a
    :class:`~stancebook.errors.DataTooSmallWarning` is issued and every id is
    put in cluster 1 (``k_ = 1``, empty ``scores_``).

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 0.1], [5, 5], [5, 5.1]])
    >>> StanceClustering(algorithms=("kmeans",)).fit(X, ["a", "b", "c", "d"]).labels_["kmeans"].tolist()
    [1, 1, 2, 2]
    """

    def __init__(self, *, algorithms=("kmeans", "agglomerative"), n_clusters=0, k_grid=None, random_state=0):
        self.algorithms = algorithms
        self.n_clusters = n_clusters
        self.k_grid = k_grid
        self.random_state = random_state

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
                f"`n_clusters` must be an integer >= 0 (0 = choose by silhouette), got {n_clusters!r}."
            )
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
            Stance features, e.g. from :func:`unit_stance_features`.
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
            sample = _SILHOUETTE_SAMPLE if n > _SILHOUETTE_SAMPLE else None
            reasons = []
            for algorithm in algorithms:
                fitted: dict[int, np.ndarray] = {}
                scores: dict[int, float] = {}
                for k in grid:
                    labels = self._fit_one(algorithm, X, k)
                    fitted[k] = labels
                    n_found = len(np.unique(labels))
                    if 2 <= n_found <= n - 1:
                        s = silhouette_score(X, labels, sample_size=sample, random_state=self.random_state)
                        scores[k] = round(float(s), _DECIMALS)
                    else:
                        scores[k] = np.nan
                if n_clusters:
                    chosen = n_clusters
                    why = f"k={chosen} as set by `n_clusters`"
                    if not np.isnan(scores[chosen]):
                        why += f" (silhouette {scores[chosen]:.3f})"
                else:
                    valid = [k for k in grid if not np.isnan(scores[k])]
                    if valid:
                        best = max(scores[k] for k in valid)
                        chosen = min(k for k in valid if scores[k] == best)
                        why = (f"k={chosen} has the highest silhouette ({best:.3f}) over "
                               f"k={grid[0]}..{grid[-1]}")
                    else:
                        chosen = grid[0]
                        why = f"k={chosen}: no k in the grid gave a defined silhouette, so the smallest was kept"
                self.k_[algorithm] = chosen
                label_cols[algorithm] = _canonical_labels(fitted[chosen])
                for k in grid:
                    score_rows.append({"algorithm": algorithm, "k": k, "silhouette": scores[k],
                                       "selected": k == chosen})
                reasons.append(f"{algorithm}: {why}")
            self.reason_ = (
                "; ".join(reasons) + ". (Silhouette compares each row's distance to its own cluster with its "
                "distance to the nearest other cluster: from -1 to 1, higher means better separated blocs.)"
            )
        self.scores_ = pd.DataFrame(score_rows, columns=["algorithm", "k", "silhouette", "selected"]).astype(
            {"algorithm": "str", "k": "int64", "silhouette": "float64", "selected": bool}
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

    def _fit_one(self, algorithm: str, X: np.ndarray, k: int) -> np.ndarray:
        if algorithm == "kmeans":
            model = KMeans(n_clusters=k, n_init=10, random_state=self.random_state)
        else:
            model = AgglomerativeClustering(n_clusters=k, linkage="ward")
        return model.fit_predict(X)


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
                      sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quote the units nearest each cluster's centre.

    Parameters
    ----------
    X : array-like of shape (n_units, d)
        The features the clusters were fitted on.
    ids : sequence of str
        Row ids of ``X``.
    labels : pandas.Series or sequence
        Cluster of each id: a Series indexed by id, or a list aligned with ``ids``.
    triples : pandas.DataFrame
        Output of :func:`stance_triples`; only units with at least one
        triple are quoted.
    n : int, default 3
        Units quoted per cluster.
    sentences : pandas.DataFrame, optional
        Sentence table; when given, ``text`` is the full sentence rather
        than the triple's scored context (which is a word window when
        ``context="window"``).

    Returns
    -------
    pandas.DataFrame
        ``cluster, rank, unit_id, sentence, text, distance``: per cluster,
        the ``n`` units with the smallest distance to the cluster mean (ties
        by row order), each with its most strongly evaluative sentence (the
        largest absolute polarity; ties → earliest sentence).

    Examples
    --------
    >>> triples = pd.DataFrame({"unit_id": ["a"], "sentence": [1], "target": ["russia"],
    ...                         "polarity": [0.4], "context": ["We support Moscow."]})
    >>> typical_sentences(np.array([[1.0]]), ["a"], [1], triples)["text"].tolist()
    ['We support Moscow.']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ParameterError(f"`n` must be a positive integer (units per cluster), got {n!r}.")
    X = np.asarray(X, dtype=float)
    ids = [str(i) for i in ids]
    if X.ndim != 2 or X.shape[0] != len(ids):
        raise ParameterError(f"`X` must have one row per id: {X.shape} for {len(ids)} ids.")
    series = _labels_series(labels, ids)
    row_labels = pd.Series(ids).map(series).to_numpy()
    empty = pd.DataFrame({"cluster": pd.Series([], dtype="int64"), "rank": pd.Series([], dtype="int64"),
                          "unit_id": pd.Series([], dtype="str"), "sentence": pd.Series([], dtype="int64"),
                          "text": pd.Series([], dtype="str"), "distance": pd.Series([], dtype="float64")})
    if len(triples) == 0:
        return empty
    _require_columns(triples, ["unit_id", "sentence", "polarity", "context"], "triples")
    t = triples.assign(unit_id=triples["unit_id"].astype(str), _abs=triples["polarity"].abs())
    t = t.sort_values(["unit_id", "_abs", "sentence"], ascending=[True, False, True], kind="stable")
    best = t.drop_duplicates("unit_id").set_index("unit_id")
    sentence_text: dict[tuple[str, int], str] = {}
    if sentences is not None:
        _require_columns(sentences, ["unit_id", "sentence", "text"], "sentences")
        sentence_text = {(str(u), int(k)): str(x) for u, k, x in
                         zip(sentences["unit_id"], sentences["sentence"], sentences["text"])}
    rows = []
    valid = pd.notna(row_labels)
    for c in sorted(pd.unique(row_labels[valid]).tolist()):
        members = np.flatnonzero(row_labels == c)
        centre = X[members].mean(axis=0)
        dist = np.round(np.linalg.norm(X[members] - centre, axis=1), _DECIMALS)
        order = members[np.argsort(dist, kind="stable")]
        dist_of = dict(zip(members.tolist(), dist.tolist()))
        rank = 0
        for i in order:
            uid = ids[i]
            if uid not in best.index:
                continue
            rank += 1
            row = best.loc[uid]
            k = int(row["sentence"])
            rows.append({"cluster": c, "rank": rank, "unit_id": uid, "sentence": k,
                         "text": sentence_text.get((uid, k), str(row["context"])), "distance": dist_of[i]})
            if rank == n:
                break
    if not rows:
        return empty
    out = pd.DataFrame(rows, columns=TYPICAL_COLUMNS)
    return out.astype({"cluster": "int64", "rank": "int64", "unit_id": "str", "sentence": "int64",
                       "text": "str", "distance": "float64"})


# ---------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------

_MISSING_COLOUR = "#d9d9d9"
_MISSING_HATCH = "///"


def plot_profile_heatmap(ax, matrix: pd.DataFrame, *, target_labels=None, cluster=None, row_labels=None):
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

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Diverging ``RdBu`` colormap fixed to [-1, 1] and centred at 0 (red =
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
        keys = [cl.get(r, np.inf) for r in row_names]
        order = sorted(range(len(row_names)), key=lambda i: (keys[i], i))
        m = m.iloc[order]
        row_names = [f"[{keys[i]}] {display.get(row_names[i], row_names[i])}" if np.isfinite(keys[i])
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
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=mcolors.Normalize(vmin=-1, vmax=1),
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
                        color="white" if abs(v) > 0.6 else "black")
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
    colorbar.set_label("polarity (VADER compound)")
    ax.legend(handles=[Patch(facecolor=_MISSING_COLOUR, edgecolor="#808080", hatch=_MISSING_HATCH,
                             label="not mentioned")],
              loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


def plot_stance_map(ax, coords, labels, names=None):
    """Scatter the 2-D stance map coloured by cluster.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    coords : array-like of shape (n, 2)
        Output of :func:`stance_map`.
    labels : array-like of shape (n,)
        Cluster of each point.
    names : sequence of str, optional
        Point names. All are written when there are at most 40 points;
        otherwise, per cluster, the points farthest from the map's centre
        (the most distinct stances), 40 in all.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_stance_map(ax, np.array([[0.0, 0.0], [1.0, 1.0]]), [1, 2], names=["a", "b"])
    """
    coords = np.asarray(coords, dtype=float).reshape(-1, 2)
    labels = np.asarray(list(labels))
    if len(labels) != len(coords):
        raise ParameterError(f"`labels` has {len(labels)} entries for {len(coords)} points; pass one per point.")
    clusters = sorted(pd.unique(labels).tolist())
    colours = matplotlib.colormaps["tab10"]
    for i, c in enumerate(clusters):
        sel = labels == c
        ax.scatter(coords[sel, 0], coords[sel, 1], s=36, color=colours(i % 10), label=f"cluster {c}",
                   edgecolor="white", linewidth=0.5)
    if names is not None:
        names = [str(x) for x in names]
        if len(names) != len(coords):
            raise ParameterError(f"`names` has {len(names)} entries for {len(coords)} points; pass one per point.")
        if len(coords) <= _MAX_NAMED_POINTS:
            shown = list(range(len(coords)))
        else:
            spread = np.linalg.norm(coords - coords.mean(axis=0), axis=1)
            quota = max(1, _MAX_NAMED_POINTS // max(1, len(clusters)))
            shown = []
            for c in clusters:
                members = np.flatnonzero(labels == c)
                shown += members[np.argsort(-spread[members], kind="stable")][:quota].tolist()
            shown = sorted(shown)
        for i in shown:
            ax.annotate(names[i], coords[i], xytext=(3, 3), textcoords="offset points", fontsize=7)
    ax.set_xlabel("PC1")
    ax.set_ylabel("PC2")
    ax.axhline(0, color="#bbbbbb", linewidth=0.6, zorder=0)
    ax.axvline(0, color="#bbbbbb", linewidth=0.6, zorder=0)
    if clusters:
        ax.legend(title="cluster", fontsize=8, loc="best")
    return ax
