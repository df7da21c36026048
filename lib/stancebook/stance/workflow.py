"""The stance stage as notebook 03 runs it: score, profile and cluster, writing every table through the catalog.

Each function reads the earlier stages' artefacts with
:func:`stancebook.catalog.read`, writes its tables with
:func:`stancebook.catalog.write`, records plain-language notes for the report
and returns what the figures need (:mod:`stancebook.stance.plots`).

``notes`` is the notebook's :class:`stancebook.workbook.Stage` (anything with
``note(text)`` and ``notes_from_warnings(prefix)``); without it, notes are
dropped and warnings are left alone.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from stancebook import catalog
from stancebook.engine import open_engine
from stancebook.errors import CorpusError, ParameterError
from stancebook.resources.actors import ActorDictionary
from stancebook.progress import bar
from stancebook.stance._shared import with_cluster_names
from stancebook.stance.agreement import cell_agreement, evaluate_codes
from stancebook.stance.clustering import ALGORITHMS, StanceClustering
from stancebook.stance.coding import apply_hand_codes, match_codes, read_code_sets
from stancebook.stance.explain import cluster_keywords, typical_sentences
from stancebook.stance.features import (CENTRES, MISSING, centre_holders, holder_stance_features, shrunk_holder_features,
                                        unit_stance_features)
from stancebook.stance.holders import (REPORTING_VERBS, holder_aliases, holder_attribute, match_holder_targets,
                                       resolve_holders)
from stancebook.stance.map_intervals import holder_map_intervals, open_sides
from stancebook.stance.maps import map_axes, project, stance_map
from stancebook.stance.polarity import RunSettings, make_sources
from stancebook.stance.positions import wordscores
from stancebook.stance.profiles import profiles_wide, stance_profiles
from stancebook.stance.triples import expand_groups, stance_triples
from stancebook.stance.validate import validate_clusters

__all__ = ["HolderClusters", "StanceScores", "UnitClusters", "cluster_holders", "cluster_units", "holder_positions",
           "score_stances"]


class _NoNotes:
    """Where notes go without a stage: nowhere; warnings stay warnings."""

    def note(self, text: str) -> str:
        return text

    def notes_from_warnings(self, prefix: str):
        return contextlib.nullcontext([])


@dataclass
class StanceScores:
    """What :func:`score_stances` computed, for the clustering and the figures.

    Attributes
    ----------
    units, sentences : pandas.DataFrame
        The stage's inputs.
    dictionary : ActorDictionary
        The actor dictionary of stage 1.
    sources : dict
        The fitted polarity sources, by name.
    tables : dict
        The sources' own tables (``{"scaling_words": ...}``), by catalog name.
    triples, profiles : pandas.DataFrame
        The stance triples (with group rows when asked) and the long profiles.
    targets : list of str
        Target ids with at least one triple, in dictionary order.
    labels : dict
        Readable names of targets and groups.
    holder_column, context : str
        As given, for captions and holder metadata.
    """

    units: pd.DataFrame
    sentences: pd.DataFrame
    dictionary: ActorDictionary
    sources: dict
    tables: dict
    triples: pd.DataFrame
    profiles: pd.DataFrame
    targets: list
    labels: dict
    holder_column: str = ""
    context: str = "sentence"

    @property
    def target_profiles(self) -> pd.DataFrame:
        """The profile rows of single targets (no groups)."""
        return self.profiles[self.profiles["level"] == "target"]


@dataclass
class HolderClusters:
    """What :func:`cluster_holders` found; ``clustering`` is None when there were fewer than three holders."""

    holders: np.ndarray
    primary: str
    features: np.ndarray | None = None
    clustering: StanceClustering | None = None
    labels: pd.Series | None = None
    truth: pd.Series | None = None
    coords: np.ndarray | None = field(default=None, repr=False)
    missing: str = "indicator"
    centre: str = "none"
    treatments: dict = field(default_factory=dict, repr=False)  # holder map coordinates under each treatment
    positions: pd.DataFrame | None = None  # map positions with bootstrap intervals (holder_map_positions)


@dataclass
class UnitClusters:
    """What :func:`cluster_units` found: the units that mention a target, their clusters and map."""

    units: np.ndarray
    primary: str
    features: np.ndarray
    clustering: StanceClustering
    labels: pd.Series
    coords: np.ndarray = field(repr=False)


def _read_inputs(paths):
    units = catalog.read(paths, "units")
    sentences = catalog.read(paths, "sentences")
    mentions = catalog.read(paths, "mentions")
    dictionary = ActorDictionary.from_dict(catalog.read(paths, "actor_dictionary"))
    stopwords = frozenset(catalog.read(paths, "stopwords"))
    if mentions.empty:
        raise CorpusError("No target of the actor dictionary is mentioned in this corpus: there is no stance to "
                          "measure. Extend the dictionary (parameter actor_dictionary_extend).")
    return units, sentences, mentions, dictionary, stopwords


def _fit_sources(paths, texts, options, settings: RunSettings, notes) -> tuple[dict, dict]:
    """Every registered source fitted on the sentences, its note recorded and its tables written."""
    sources, tables = make_sources(options, settings), {}
    for name, source in bar(sources.items(), desc="polarity sources fitted", unit="source"):
        with notes.notes_from_warnings(f"Stance {name}"):
            source.fit(texts)
        if source.run_note():
            notes.note(f"Stance {name}: {source.run_note()}")
        for table_name, table in source.run_tables().items():
            catalog.write(table, paths, table_name)
            tables[table_name] = table
    return sources, tables


def score_stances(paths, *, holder_column: str = "", context: str = "sentence", window: int = 10,
                  reported: bool = True, reporting_verbs=(), verb_window: int = 6, groups: bool = True,
                  sources: dict | None = None, codes=(), test_codes=(), use_codes: bool = True, n_boot: int = 1000,
                  random_state: int = 0, n_jobs: int = 1, notes=None, engine="local",
                  dask_scheduler: str = "") -> StanceScores:
    """Fit the polarity sources, score the stance triples, aggregate the profiles and write their tables.

    Reads ``units``, ``sentences``, ``mentions``, ``actor_dictionary`` and
    ``stopwords``; writes each source's tables (``scaling_words``),
    ``stance_triples``, ``stance_profiles`` (wide) and ``stance_profiles_long``.

    Parameters
    ----------
    paths : stancebook.paths.RunPaths
        The run's folders.
    holder_column, context, window, reported, verb_window
        As in :func:`~stancebook.stance.stance_triples`.
    reporting_verbs : sequence of str, default ()
        Verbs that report; empty: :data:`~stancebook.stance.REPORTING_VERBS`.
    groups : bool, default True
        Add the target groups' rows (:func:`~stancebook.stance.expand_groups`).
    sources : dict, optional
        Each polarity source's options, ``{"lexicon": {"neutral": [...]},
        "scaling": {"positive": [...], "window": 5, ...}}`` (see each
        source's ``for_run``); every registered source is scored.
    codes : str or sequence of str, default ()
        CSVs of hand codes (:func:`~stancebook.stance.coding.read_codes`): with enough of them the
        ``coded`` source trains on them (cross-fitted by unit), and every source's agreement with each
        file is written (``stance_agreement``, ``stance_confusion``).
    test_codes : str or sequence of str, default ()
        CSVs of hand codes only reported, never trained on.
    use_codes : bool, default True
        Pairs coded in ``codes`` take their code as their default stance in the triples, profiles and maps
        (:func:`~stancebook.stance.coding.apply_hand_codes`), after the agreement is measured on the
        model's cross-fitted predictions; ``test_codes`` never do.
    n_boot, random_state, n_jobs
        Bootstrap resamples of the profiles, seed, worker processes.
    notes : stancebook.workbook.Stage, optional
        Where notes and warnings go (warnings of a source's fit become notes
        ``"Stance <source>: ..."``).
    engine, dask_scheduler : str, default "local" and ""
        Where the sources' chunks of work run (reading the words for
        scaling, matching frames, scoring the lexicons): local processes
        (``n_jobs``) or a Dask cluster (a LocalCluster of ``n_jobs`` workers,
        or the scheduler at ``dask_scheduler``); see
        :func:`stancebook.engine.open_engine`. Profiles are computed here.

    Returns
    -------
    StanceScores

    Raises
    ------
    CorpusError
        No target of the actor dictionary is mentioned in the corpus.

    See Also
    --------
    cluster_holders, cluster_units : the next steps.
    """
    notes = notes or _NoNotes()
    units, sentences, mentions, dictionary, stopwords = _read_inputs(paths)
    holder_targets = match_holder_targets(holder_aliases(units, holder_column=holder_column), dictionary)
    read = read_code_sets(codes, test_codes)
    matched = match_codes(read, sentences, units) if read is not None else None
    options = {name: dict(values) for name, values in (sources or {}).items()}
    options.setdefault("frames", {}).setdefault("groups", dict(dictionary.groups))
    if matched is not None:
        options.setdefault("coded", {})["codes"] = matched[matched["use"] == "training"].reset_index(drop=True)
    with open_engine(engine, n_jobs=n_jobs, scheduler=dask_scheduler) as running:
        settings = RunSettings(stopwords=stopwords, random_state=random_state, n_jobs=n_jobs, engine=running)
        fitted, tables = _fit_sources(paths, sentences["text"], options, settings, notes)
        with notes.notes_from_warnings("Stance"):
            triples = stance_triples(
                units, sentences, mentions, holder_column=holder_column, context=context, window=window,
                sources=fitted, reported=reported, reporting_verbs=tuple(reporting_verbs) or REPORTING_VERBS,
                verb_window=verb_window, holder_targets=holder_targets, n_jobs=n_jobs)
    for source in fitted.values():
        if getattr(source, "engine", None) is not None:
            source.engine = None  # the cluster is closed: any later scoring runs on local processes (n_jobs)
    for name, source in fitted.items():
        if source is not None and source.targeted and source.run_note():
            notes.note(f"Stance {name}: {source.run_note()}")
    if matched is not None:
        tables.update(_agreement(paths, triples, matched, fitted, notes))
        if use_codes:
            triples, n_coded = apply_hand_codes(triples, matched)
            if n_coded:
                notes.note(f"Stance: {n_coded} hand-coded pair(s) take their code as their default stance in the "
                           "profiles and maps; the agreement reported is the model's, cross-fitted, on those pairs.")
    if groups:
        triples = expand_groups(triples, dictionary)
    profiles = stance_profiles(triples, units, holder_column=holder_column, n_boot=n_boot, random_state=random_state,
                               sentences=sentences)
    catalog.write(triples, paths, "stance_triples")
    catalog.write(profiles_wide(profiles), paths, "stance_profiles")
    catalog.write(profiles, paths, "stance_profiles_long")
    quoted = triples[triples["holder_source"] == "reported"]
    notes.note(f"Stance: {len(triples)} stance triples; {len(quoted)} from reported speech "
               f"({quoted['holder'].nunique()} reported holder(s)).")
    return StanceScores(
        units=units, sentences=sentences, dictionary=dictionary, sources=fitted, tables=tables, triples=triples,
        profiles=profiles, targets=[t for t in dictionary.targets if t in set(triples["target"])],
        labels=dict(dictionary.labels, **{g: g.replace("_", " ").title() for g in dictionary.groups}),
        holder_column=holder_column, context=context)


def _agreement(paths, triples, matched, fitted, notes) -> dict:
    """Every source's agreement with the hand codes, written and noted."""
    band = getattr(fitted.get("stance"), "band", 0.5)
    agreement, confusion, coded = evaluate_codes(triples, matched, list(fitted), band=band)
    catalog.write(agreement, paths, "stance_agreement")
    catalog.write(confusion, paths, "stance_confusion")
    for row in agreement[agreement["source"] == "stance"].itertuples():
        how = {"training": "trained on, scored cross-fitted", "test": "never trained on"}.get(row.use, row.use)
        notes.note(f"Stance validation on {row.codes} ({row.n} hand-coded pairs; {how}): the default stance "
                   f"agrees on {row.accuracy:.0%} (macro-F1 {row.macro_f1:.2f}, Krippendorff's alpha "
                   f"{row.alpha:.2f}).")
    cells, summary = cell_agreement(coded, source="stance" if "stance" in fitted else list(fitted)[0])
    catalog.write(cells, paths, "stance_cell_agreement")
    for use, row in summary.items():
        worst = cells[cells["use"] == use].head(3)
        gaps = "; ".join(f"{h} -> {t}: codes {c:+.2f}, default {m:+.2f}"
                         for h, t, c, m in zip(worst["holder"], worst["target"], worst["code_mean"], worst["model_mean"]))
        follow = ("too few cells that differ within a target for a correlation" if np.isnan(row["correlation"]) else
                  f"the default's cell means follow the readers' with a within-target correlation of "
                  f"{row['correlation']:.2f} and slope {row['slope']:.2f} (1: holders as far apart as the readers "
                  f"put them)")
        notes.note(f"Stance profiles against the {use or 'hand'} codes ({row['n_cells']} holder x target cells with at "
                   f"least 4 codes): {follow}; largest gaps: {gaps} ({catalog.entry('stance_cell_agreement').file}).")
    return {"stance_agreement": agreement, "stance_confusion": confusion, "stance_cell_agreement": cells}


def holder_positions(paths, scores: StanceScores, *, reference: dict, notes=None) -> pd.DataFrame | None:
    """Place every holder on the line fixed by ``reference`` holders (Wordscores) and write ``holder_positions``.

    Returns None (with a note) when no reference is given or fewer than two
    reference holders speak in the corpus.

    See Also
    --------
    stancebook.stance.positions.wordscores : the scaling itself.
    """
    notes = notes or _NoNotes()
    if not reference:
        return None
    dtm = catalog.read(paths, "dtm")
    holder_of_unit = dict(zip(scores.units["unit_id"].astype(str),
                              resolve_holders(scores.units, holder_column=scores.holder_column).tolist()))
    try:
        positions = wordscores(dtm.matrix, [holder_of_unit.get(str(u), "") for u in dtm.unit_ids], reference)
    except ParameterError as error:
        notes.note(f"Stance positions: not computed: {error}")
        return None
    catalog.write(positions, paths, "holder_positions")
    notes.note(f"Stance positions: {len(positions)} holders placed by Wordscores between the reference holders "
               f"{', '.join(f'{h} ({v:+g})' for h, v in reference.items())}.")
    return positions


def _clustering(algorithms, options: dict) -> tuple[StanceClustering, str]:
    names = list(ALGORITHMS) if algorithms is None else list(algorithms)
    return StanceClustering(algorithms=tuple(names), **options), names[0]


def cluster_holders(paths, scores: StanceScores, *, source: str = "lexicon", missing: str = "indicator",
                    centre: str = "none", algorithms=None, label_column: str = "", n_boot: int = 1000,
                    random_state: int = 0, notes=None, **options) -> HolderClusters:
    """Cluster the holders by their profiles, map them, and write the four tables (five with a label column).

    With at least three holders, writes ``holder_cluster_scores``,
    ``holder_clusters``, ``holder_cluster_quotes``, ``holder_map_positions``
    (each holder's map position with bootstrap intervals:
    :func:`~stancebook.stance.map_intervals.holder_map_intervals`) and, with
    ``label_column``, ``holder_cluster_validation``; otherwise notes why
    holders are not clustered. Holder clusters are named H1, H2, ... (unit
    clusters U1, U2, ...: :func:`~stancebook.stance._shared.cluster_name`).

    Parameters
    ----------
    paths : stancebook.paths.RunPaths
        The run's folders.
    scores : StanceScores
        From :func:`score_stances`.
    source : str, default "lexicon"
        The polarity source clustered on.
    missing : {"indicator", "shrink"}, default "indicator"
        How a target a holder rarely or never mentions enters the distances: a mentioned/not-mentioned
        column per target (:func:`~stancebook.stance.features.holder_stance_features`), or positions shrunk
        toward the target's mean by how much the holder says (:func:`~stancebook.stance.features.shrunk_holder_features`).
    centre : {"none", "holder"}, default "none"
        "holder": each holder's positions minus its mean over the targets
        (:func:`~stancebook.stance.features.centre_holders`), so holders are
        compared by whom they favour, not by their overall tone.
    algorithms : sequence of str, optional
        Algorithms compared; the first one's clusters are the ones quoted
        and drawn. None: every registered algorithm.
    label_column : str, default ""
        Metadata column with known groups of holders, to validate the clusters.
    n_boot : int, default 1000
        Resamples of the map positions' intervals.
    random_state : int, default 0
        Seed of the clustering, the map and its intervals.
    notes : stancebook.workbook.Stage, optional
        Where notes and warnings go.
    **options
        More :class:`~stancebook.stance.StanceClustering` parameters
        (``n_clusters``, ``n_resamples``, ``min_stability``,
        ``algorithm_options``, ``n_jobs``).

    Returns
    -------
    HolderClusters

    See Also
    --------
    cluster_units : the same for units.
    """
    notes = notes or _NoNotes()
    if missing not in MISSING:
        raise ParameterError(f"`missing` (cluster_missing) must be one of {list(MISSING)}, got {missing!r}.")
    model, primary = _clustering(algorithms, dict(options, random_state=random_state))
    target_profiles = scores.target_profiles
    holders = target_profiles["holder"].drop_duplicates().to_numpy()
    if len(holders) < 3:
        notes.note(f"Stance: {len(holders)} holder(s) only, so holders are not clustered; units are.")
        return HolderClusters(holders=holders, primary=primary)
    if centre not in CENTRES:
        raise ParameterError(f"`centre` (cluster_centre) must be one of {list(CENTRES)}, got {centre!r}.")
    shrunk, _ = shrunk_holder_features(target_profiles, holders, scores.targets, source=source)
    indicator, names = holder_stance_features(target_profiles, holders, scores.targets, source=source)
    if centre == "holder":
        shrunk = centre_holders(shrunk)
        indicator = centre_holders(indicator, columns=[j for j, n in enumerate(names) if n.startswith("polarity:")])
    treatments = {"shrink": shrunk, "indicator": indicator}
    H = treatments[missing]
    with notes.notes_from_warnings("Stance clusters of holders"):
        model.fit(H, holders)
    labels = model.labels_.set_index("id")[primary]
    catalog.write(model.scores_, paths, "holder_cluster_scores")
    catalog.write(with_cluster_names(model.distance_.rename(columns={"id": "holder"}), "holder"), paths,
                  "holder_clusters")
    quotes = typical_sentences(H, holders, labels, scores.triples, sentences=scores.sentences, by="holder",
                               source=source)
    catalog.write(with_cluster_names(quotes, "holder"), paths, "holder_cluster_quotes")
    notes.note(f"Stance clusters of holders ({source} polarity): {model.reason_}")
    truth = None
    if label_column:
        truth = holder_attribute(scores.units, holder_column=scores.holder_column, column=label_column, required=True)
        catalog.write(validate_clusters(model.labels_, truth), paths, "holder_cluster_validation")
    centre_point, loadings = map_axes(H, random_state=random_state)
    coords = project(H, centre_point, loadings)
    positions = holder_map_intervals(scores.triples, scores.units, holders, scores.targets, coords=coords,
                                     centre_point=centre_point, loadings=loadings,
                                     holder_column=scores.holder_column, source=source, missing=missing,
                                     centre=centre, n_boot=n_boot, random_state=random_state)
    catalog.write(positions, paths, "holder_map_positions")
    unsettled = open_sides(positions)
    notes.note(f"Holder map: the 95% interval of {len(holders) - len(unsettled)} of {len(holders)} holders' first-axis "
               f"positions ({n_boot} resamples of their units) lies on one side of 0; the speeches leave the side of "
               f"{len(unsettled)} open ({catalog.entry('holder_map_positions').file}).")
    return HolderClusters(holders=holders, primary=primary, features=H, clustering=model, labels=labels, truth=truth,
                          coords=coords, missing=missing, centre=centre,
                          treatments={name: stance_map(X, random_state=random_state)
                                      for name, X in treatments.items()}, positions=positions)


def cluster_units(paths, scores: StanceScores, *, holders: HolderClusters | None = None, source: str = "lexicon",
                  algorithms=None, random_state: int = 0, notes=None, **options) -> UnitClusters:
    """Cluster the units that mention a target and write their tables.

    Writes ``unit_cluster_scores``, ``unit_clusters``,
    ``unit_cluster_keywords`` (from the ``dtm`` artefact) and
    ``unit_cluster_quotes``. Unit clusters are named U1, U2, ... (holder
    clusters H1, H2, ...).

    Parameters
    ----------
    paths : stancebook.paths.RunPaths
        The run's folders.
    scores : StanceScores
        From :func:`score_stances`.
    holders : HolderClusters, optional
        From :func:`cluster_holders`; kept for callers of earlier versions
        (both clusterings now write their own quotes).
    source, algorithms, random_state, notes, **options
        As in :func:`cluster_holders`.

    Returns
    -------
    UnitClusters
    """
    notes = notes or _NoNotes()
    model, primary = _clustering(algorithms, dict(options, random_state=random_state))
    triples = scores.triples
    units = triples.loc[triples["level"] == "target", "unit_id"].drop_duplicates().to_numpy()
    X, _ = unit_stance_features(triples, units, scores.targets, source=source)
    with notes.notes_from_warnings("Stance clusters of units"):
        model.fit(X, units)
    notes.note(f"Stance clusters of units ({source} polarity): {model.reason_}")
    labels = model.labels_.set_index("id")[primary]
    dtm = catalog.read(paths, "dtm")
    catalog.write(model.scores_, paths, "unit_cluster_scores")
    catalog.write(with_cluster_names(model.distance_.rename(columns={"id": "unit_id"}), "unit"), paths,
                  "unit_clusters")
    catalog.write(with_cluster_names(cluster_keywords(dtm.matrix, dtm.terms, dtm.unit_ids, labels), "unit"), paths,
                  "unit_cluster_keywords")
    catalog.write(with_cluster_names(typical_sentences(X, units, labels, triples, sentences=scores.sentences,
                                                       source=source), "unit"), paths, "unit_cluster_quotes")
    return UnitClusters(units=units, primary=primary, features=X, clustering=model, labels=labels,
                        coords=stance_map(X, random_state=random_state))
