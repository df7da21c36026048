"""Stance profiles: holder × target means of each polarity source, with bootstrap intervals and salience.

A holder who never mentions a target has polarity NaN in its profile: not
mentioned is missing, not neutral.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.checks import require_columns
from stancebook.errors import CorpusError, ParameterError
from stancebook.progress import bar
from stancebook.stance._shared import DECIMALS, target_list
from stancebook.stance.holders import resolve_holders
from stancebook.stance.polarity import SOURCES

__all__ = ["bootstrap_ci", "bootstrap_cis", "profile_columns", "profile_matrix", "profiles_wide", "stance_profiles"]

_CI_LEVEL = 0.95
# Bootstrap resamples are drawn in chunks of at most this many indices, so
# memory stays bounded for holders with very many sentences.
_BOOT_CHUNK = 2_000_000


def _source_columns(name: str) -> list[str]:
    counted = [] if SOURCES[name].scores_every_context else [f"n_{name}"]
    return counted + [f"polarity_{name}", f"ci_low_{name}", f"ci_high_{name}"]


def profile_columns() -> list[str]:
    """The columns of a profile table, following the registered polarity sources.

    ``holder, target, level, n_sentences, salience``, then for each source
    ``polarity_<s>, ci_low_<s>, ci_high_<s>``, preceded by ``n_<s>`` (the
    sentences it scored) for a source that may leave a context unscored.

    Examples
    --------
    >>> profile_columns()[5:12]  # doctest: +NORMALIZE_WHITESPACE
    ['polarity_lexicon', 'ci_low_lexicon', 'ci_high_lexicon',
     'n_scaling', 'polarity_scaling', 'ci_low_scaling', 'ci_high_scaling']
    """
    return ["holder", "target", "level", "n_sentences", "salience"] + [c for s in SOURCES for c in _source_columns(s)]


def bootstrap_ci(values: np.ndarray, n_boot: int, random_state: int) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the mean of ``values``.

    Parameters
    ----------
    values : numpy.ndarray
        The sentences' polarities of one profile cell.
    n_boot : int
        Resamples.
    random_state : int
        Seed of a fresh ``np.random.default_rng``: a cell's interval depends
        only on its own values and the seed.

    Returns
    -------
    (float, float)
        The 2.5 % and 97.5 % quantiles of the resampled means; NaN below two values.

    References
    ----------
    .. [1] Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the
       Bootstrap*. Chapman & Hall, ch. 13 (percentile intervals).

    Examples
    --------
    >>> low, high = bootstrap_ci(np.array([0.1, 0.5, 0.3]), 200, 0)
    >>> 0.1 <= low <= 0.3 <= high <= 0.5
    True
    """
    low, high = bootstrap_cis(np.asarray(values, dtype=float)[None, :], n_boot, random_state)
    return float(low[0]), float(high[0])


def bootstrap_cis(values: np.ndarray, n_boot: int, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bootstrap_ci` of each row of ``values``, all rows resampled with the same indices.

    The indices are those :func:`bootstrap_ci` draws for one row of this
    length, so each row's interval equals its own :func:`bootstrap_ci`:
    the sources of one profile cell share one draw.

    Parameters
    ----------
    values : numpy.ndarray of shape (n_rows, n)
    n_boot, random_state
        As in :func:`bootstrap_ci`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The 2.5 % and 97.5 % quantiles per row; NaN below two values.
    """
    rows, n = values.shape
    if n < 2:
        return np.full(rows, np.nan), np.full(rows, np.nan)
    rng = np.random.default_rng(random_state)
    per_chunk = max(1, _BOOT_CHUNK // n)
    means = []
    done = 0
    while done < n_boot:
        size = min(per_chunk, n_boot - done)
        idx = rng.integers(0, n, size=(size, n))
        # row by row: a 3-D mean sums in another order, and the intervals must not depend on the grouping
        means.append(np.stack([row[idx].mean(axis=1) for row in values]))
        done += size
    means = np.concatenate(means, axis=1)
    alpha = (1 - _CI_LEVEL) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha], axis=1)
    return low, high


def _profile_input(triples: pd.DataFrame, units: pd.DataFrame, holder_column: str):
    """The triples with string ids, a holder, a level and every source column; the speakers; unit → speaker."""
    require_columns(units, ["unit_id"], "units")
    every = [f"polarity_{s}" for s, kind in SOURCES.items() if kind.scores_every_context]
    require_columns(triples, ["unit_id", "sentence", "target", *every], "triples")
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
    t = t.assign(**{f"polarity_{s}": np.nan for s in SOURCES if f"polarity_{s}" not in t.columns})
    if "level" not in t.columns:
        t = t.assign(level="target")
    return t.assign(holder=t["holder"].astype(str)), speakers, unit_holder


def _profile_targets(t: pd.DataFrame, targets) -> list[str]:
    if targets is not None:
        return target_list(targets)
    first_seen = t.assign(_group=(t["level"] == "group").astype(int)).drop_duplicates("target")
    target_ids = first_seen.sort_values("_group", kind="stable")["target"].tolist()
    if not target_ids:
        raise ParameterError("`targets` is None and the triples are empty: pass the target ids.")
    return target_ids


def _sentence_totals(t: pd.DataFrame, sentences, unit_holder: dict) -> dict:
    """Sentences of each holder: the denominators of salience."""
    sentence_rows = t.drop_duplicates(["unit_id", "sentence"])[["unit_id", "sentence", "holder"]]
    if sentences is None:
        return sentence_rows["holder"].value_counts().to_dict()
    require_columns(sentences, ["unit_id", "sentence"], "sentences")
    s = sentences.assign(unit_id=sentences["unit_id"].astype(str))
    s = s[s["unit_id"].isin(unit_holder)].drop_duplicates(["unit_id", "sentence"])
    totals = s["unit_id"].map(unit_holder).value_counts().to_dict()
    moved = sentence_rows[sentence_rows["holder"] != sentence_rows["unit_id"].map(unit_holder)]
    for speaker, count in moved["unit_id"].map(unit_holder).value_counts().items():
        totals[speaker] = totals.get(speaker, 0) - int(count)
    for holder, count in moved["holder"].value_counts().items():
        totals[holder] = totals.get(holder, 0) + int(count)
    return totals


def _cell(polarities: np.ndarray, n_boot: int, random_state: int) -> dict:
    """Count, mean and interval of each source in one holder × target cell.

    ``polarities`` holds the cell's sentences (rows) by source (columns, in
    the order of ``SOURCES``); rows of reported acts carry only the
    relation's sources (frames, stance), NaN elsewhere.
    """
    row = {"n_sentences": len(polarities)}
    values = {name: polarities[~np.isnan(polarities[:, j]), j] for j, name in enumerate(SOURCES)}
    intervals = {}
    for n in {len(v) for v in values.values()}:  # sources with as many values share one bootstrap draw
        names = [name for name, v in values.items() if len(v) == n]
        lows, highs = bootstrap_cis(np.stack([values[name] for name in names]), n_boot, random_state)
        intervals.update(zip(names, zip(lows.tolist(), highs.tolist())))
    for name, kind in SOURCES.items():
        if not kind.scores_every_context:
            row[f"n_{name}"] = len(values[name])
        row[f"polarity_{name}"] = float(values[name].mean()) if len(values[name]) else np.nan
        row[f"ci_low_{name}"], row[f"ci_high_{name}"] = intervals[name]
    return row


def stance_profiles(triples: pd.DataFrame, units: pd.DataFrame, *, targets=None, holder_column: str = "",
                    n_boot: int = 1000, random_state: int = 0, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """Aggregate stance triples into holder × target profiles, one polarity per source.

    Parameters
    ----------
    triples : pandas.DataFrame
        Output of :func:`~stancebook.stance.stance_triples` (optionally
        :func:`~stancebook.stance.expand_groups`); a missing polarity column
        is NaN, except the lexicon's (a source scoring every context).
    units : pandas.DataFrame
        Units table; every speaker found in it gets a row per target, even
        speakers that mention no target. Reported holders come from the triples.
    targets : list of str, optional
        Target (and group) ids, in the order wanted. None: every target of
        the triples, targets before groups, in order of first appearance.
    holder_column : str, default ""
        Metadata column naming the speaker; see :func:`~stancebook.stance.holders.resolve_holders`.
    n_boot : int, default 1000
        Bootstrap resamples for the confidence intervals.
    random_state : int, default 0
        Seed of each cell's own fresh generator (see :func:`bootstrap_ci`).
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
        One row per (holder, target), holders sorted, targets in the given
        order, the columns of :func:`profile_columns`. Polarities are means
        over the holder's sentences about the target, NaN when never
        mentioned (missing, not neutral); ``n_scaling`` counts the sentences
        with a scaling score (its mean is over those). Intervals: 95 %
        percentile bootstrap of the mean (:func:`bootstrap_ci`), NaN below
        two sentences. ``salience``: 0 when never mentioned. Floats rounded
        to 6 decimals.

    See Also
    --------
    profiles_wide : one row per holder.
    profile_matrix : holders × targets of one column.

    Examples
    --------
    >>> from stancebook.stance.polarity import polarity_columns
    >>> triples = pd.DataFrame({"holder": ["author"], "target": ["russia"], "unit_id": ["d"], "sentence": [1],
    ...                         **{c: [0.4 if c == "polarity_lexicon" else 0.0] for c in polarity_columns()}})
    >>> units = pd.DataFrame({"unit_id": ["d"], "text": ["..."]})
    >>> stance_profiles(triples, units, targets=["russia", "un"])["polarity_lexicon"].tolist()
    [0.4, nan]
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ParameterError(f"`n_boot` must be a positive integer (bootstrap resamples), got {n_boot!r}.")
    t, speakers, unit_holder = _profile_input(triples, units, holder_column)
    target_ids = _profile_targets(t, targets)
    level_of = dict(zip(t["target"], t["level"].astype(str)))
    totals = _sentence_totals(t, sentences, unit_holder)
    cells = t.groupby(["holder", "target"], sort=False).indices
    polarities = t[[f"polarity_{name}" for name in SOURCES]].to_numpy(dtype=float)
    empty = polarities[:0]
    rows = []
    holders = sorted(set(speakers.tolist()) | set(t["holder"].tolist()))
    for holder in bar(holders, desc="profile bootstrap (holders)", unit="holder"):
        total = totals.get(holder, 0)
        for target in target_ids:
            at = cells.get((holder, target))
            row = _cell(empty if at is None else polarities[at], int(n_boot), random_state)
            row.update(holder=holder, target=target, level=level_of.get(target, "target"),
                       salience=row["n_sentences"] / total if total else 0.0)
            rows.append(row)
    columns = profile_columns()
    out = pd.DataFrame(rows, columns=columns)
    ints = ["n_sentences"] + [f"n_{s}" for s, kind in SOURCES.items() if not kind.scores_every_context]
    floats = [c for c in columns if c not in ("holder", "target", "level", *ints)]
    out = out.astype({"holder": "str", "target": "str", "level": "str", **{c: "int64" for c in ints},
                      **{c: "float64" for c in floats}})
    return out.round({c: DECIMALS for c in floats})


def profiles_wide(profiles: pd.DataFrame) -> pd.DataFrame:
    """Spread a long profile table into one row per holder.

    Parameters
    ----------
    profiles : pandas.DataFrame
        Output of :func:`stance_profiles`.

    Returns
    -------
    pandas.DataFrame
        ``holder`` then, for each target in order, ``polarity_<s>:<t>,
        ci_low_<s>:<t>, ci_high_<s>:<t>`` for each polarity source (lexicon,
        then scaling), then ``salience:<t>, n_sentences:<t>``. NaN polarity =
        never mentioned.

    Examples
    --------
    >>> from stancebook.stance.polarity import SOURCES
    >>> p = pd.DataFrame({"holder": ["a"], "target": ["x"], "n_sentences": [1], "salience": [1.0],
    ...     **{f"{m}_{s}": [0.5 if s == "lexicon" else np.nan] for s in SOURCES
    ...        for m in ("polarity", "ci_low", "ci_high")}})
    >>> profiles_wide(p).columns.tolist()[:3]
    ['holder', 'polarity_lexicon:x', 'ci_low_lexicon:x']
    """
    measures = [f"{m}_{s}" for s in SOURCES for m in ("polarity", "ci_low", "ci_high")] + ["salience", "n_sentences"]
    require_columns(profiles, ["holder", "target", *measures], "profiles")
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

    See Also
    --------
    stancebook.stance.plots.plot_profile_heatmap : draws it.
    stancebook.stance.features.unit_polarity_matrix : the same for units.

    Examples
    --------
    >>> p = pd.DataFrame({"holder": ["a", "a"], "target": ["x", "y"], "polarity_lexicon": [0.5, np.nan]})
    >>> profile_matrix(p).loc["a", "x"]
    np.float64(0.5)
    """
    require_columns(profiles, ["holder", "target"], "profiles")
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
