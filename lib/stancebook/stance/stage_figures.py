"""The stage's figures, as notebook 03 saves them: each generator yields ready figures with ID, title and caption.

The drawing itself lives in :mod:`stancebook.stance.plots` (functions that
draw on a given axes); this module chooses what to draw from the stage's
results and writes the captions.
"""

from __future__ import annotations

import numpy as np

from stancebook import catalog
from stancebook.figures import new_figure, short_unit_labels
from stancebook.stance.features import unit_polarity_matrix
from stancebook.stance.holders import display_names, holder_attribute, holder_names
from stancebook.stance.map_intervals import open_sides
from stancebook.stance.plots import (
    _MAX_HEATMAP_UNITS,
    NOTABLE_HOLDERS,
    StanceFigure,
    heatmap_size,
    holder_map_size,
    plot_agreement,
    plot_confusion,
    plot_map_intervals,
    plot_positions,
    plot_profile_heatmap,
    plot_source_comparison,
    plot_stance_map,
    plot_word_polarity,
)
from stancebook.stance.profiles import profile_matrix

__all__ = ["holder_figures", "missing_figures", "position_figures", "profile_figures", "source_figures",
           "unit_figures", "validation_figures"]


def profile_figures(scores, holders):
    """Holder x target heatmaps of the default stance, the lexicon baseline and corpus scaling, rows by cluster.

    Yields
    ------
    StanceFigure
        ``profile-heatmap`` (the default stance), ``profile-heatmap-lexicon``, ``profile-heatmap-scaling``.
    """
    shown = (("polarity_stance", "profile-heatmap", "default stance", 1.0, "position (-1 against, +1 for)"),
             ("polarity_lexicon", "profile-heatmap-lexicon", "sentence lexicon, baseline", 1.0, "polarity"),
             ("polarity_scaling", "profile-heatmap-scaling", "corpus scaling", None,
              "polarity (corpus scaling, standardised)"))
    explained = {
        "polarity_stance": "Mean default stance (relation frames, else the lexicon of the target's clause: +1 for, "
                           "0 neutral, -1 against) of each of the {n} holder(s) toward each target",
        "polarity_lexicon": f"Mean VADER polarity of the {scores.context} contexts in which each of {{n}} holder(s) "
                            "mentions each target (the sentence-mood baseline)",
        "polarity_scaling": "Mean corpus-adapted polarity (standardised: 0 is the corpus's average sentence) of "
                            "each of {n} holder(s) toward each target"}
    for column, figure_id, name, limit, value_label in shown:
        matrix = profile_matrix(scores.target_profiles, value=column)
        width, height = heatmap_size(len(matrix), len(scores.targets))
        fig, ax = new_figure(width=width, height=height)
        plot_profile_heatmap(ax, matrix, target_labels=scores.labels, cluster=holders.labels,
                             row_labels=scores.labels, limit=limit, value_label=value_label, cluster_kind="holder")
        yield StanceFigure(
            figure_id, fig, f"Stance profiles: holder x target ({name})",
            explained[column].format(n=len(matrix)) + f", rows grouped by holder cluster ([H1], [H2], ...; "
            f"{holders.primary}) where holders are clustered; hatched: never mentioned (missing, not neutral) or "
            "no evidence.")


def validation_figures(scores):
    """Agreement of every stance source with the run's hand codes, when the run has codes.

    Yields
    ------
    StanceFigure
        ``stance-validation``: macro-F1 and Krippendorff's alpha per source.
    """
    table = scores.tables.get("stance_agreement")
    if table is None or table.empty:
        return
    sets = list(dict.fromkeys(table["codes"]))
    fig, axes = new_figure(1, 2, width=8.4, height=2.6 + 0.3 * table["source"].nunique() + 0.2 * len(sets),
                           sharey=True)
    plot_agreement(axes, table)
    yield StanceFigure(
        "stance-validation", fig, "Agreement of each stance source with hand coding",
        f"Macro-F1 over against / neutral / for and Krippendorff's alpha of each source against each of "
        f"{len(sets)} set(s) of (sentence, target) pairs coded by reading; circles: codes the coded source "
        "trains on, each pair scored by a model that never saw its speech (cross-fitted); diamonds: codes "
        "never trained on. 'stance' is the default source, 'lexicon' the sentence-level VADER baseline.")


def source_figures(scores):
    """The lexicon against corpus scaling, and the words nearest each pole of the scaling.

    Yields
    ------
    StanceFigure
        ``source-comparison``, ``scaling-words``.
    """
    fig, ax = new_figure(width=5.6, height=4.6)
    plot_source_comparison(ax, scores.profiles, target_labels=scores.labels)
    yield StanceFigure(
        "source-comparison", fig, "Lexicon vs corpus-adapted polarity",
        "One point per holder x target profile cell: VADER lexicon polarity against the corpus-adapted scale; "
        "Pearson and Spearman correlations in the title.")
    fig, ax = new_figure(width=6.4, height=4.6)
    plot_word_polarity(ax, scores.tables["scaling_words"])
    yield StanceFigure(
        "scaling-words", fig, "The stance poles as this corpus uses them",
        "Words nearest the positive and the negative pole of the corpus-adapted scale; hatched bars are seed "
        "words. " + scores.sources["scaling"].run_note())


def holder_figures(scores, holders, *, region_column: str = "", label_column: str = ""):
    """The holder map, the profiles grouped by region, the clusters against known labels, as they apply.

    Parameters
    ----------
    scores : stancebook.stance.workflow.StanceScores
    holders : stancebook.stance.workflow.HolderClusters
    region_column : str
        Metadata column grouping holders (absent: no region figure, map coloured by cluster).
    label_column : str
        Metadata column of known groups (empty: no confusion figure).

    Yields
    ------
    StanceFigure
        ``holder-map`` and ``holder-map-axis`` (holders clustered),
        ``profiles-by-region`` (a region column), ``cluster-confusion``
        (clustered and a label column).
    """
    on_map = display_names(scores.units, holders.holders, holder_column=scores.holder_column, labels=scores.labels)
    region = holder_attribute(scores.units, holder_column=scores.holder_column, column=region_column)
    on_map_region = None if region is None else region.reindex(holders.holders).fillna("reported actor")
    clustering = holders.clustering
    if clustering is not None:
        width, height = holder_map_size(len(holders.holders))
        fig, ax = new_figure(width=width, height=height)
        plot_stance_map(ax, holders.coords, holders.labels.loc[holders.holders].to_numpy(),
                        names=[on_map[h] for h in holders.holders],
                        groups=None if on_map_region is None else on_map_region.to_numpy(),
                        notable=NOTABLE_HOLDERS, cluster_kind="holder")
        coloured = ("region (colour; reported actor: quoted in the speeches, never speaking) and "
                    if region is not None else "")
        yield StanceFigure(
            "holder-map", fig, "Holder stance map",
            f"PCA of the stance profiles of {len(holders.holders)} holders"
            f"{', each less its mean over the targets (its overall tone)' if holders.centre == 'holder' else ''}, "
            f"by {coloured}holder cluster (H1, H2, ...; {holders.primary}); the most distinct and the notable holders "
            f"are named. {clustering.reason_}")
    if clustering is not None and holders.positions is not None:
        fig, ax = new_figure(width=6.4, height=max(3.0, 0.09 * len(holders.positions) + 1.5))
        plot_map_intervals(ax, holders.positions, notable=NOTABLE_HOLDERS,
                           names=on_map,
                           groups={} if on_map_region is None else on_map_region.to_dict())
        n_open = len(open_sides(holders.positions))
        yield StanceFigure(
            "holder-map-axis", fig, "How firmly the speeches place each holder on the map's first axis",
            f"Each holder's position on the first axis of the holder map (dot) and its 95% percentile bootstrap "
            f"interval (line): every holder's units (its sentences when it has one unit) redrawn with replacement, "
            f"the profiles, shrinkage and centring rebuilt, and the holders placed on the map's fixed axes. "
            f"{n_open} of {len(holders.positions)} intervals span 0: the speeches do not settle which side those "
            f"holders are on. The intervals leave out the stance source's own errors.")
    if region is not None:
        matrix = profile_matrix(scores.target_profiles, value="polarity_lexicon")
        width, height = heatmap_size(len(matrix), len(scores.targets))
        fig, ax = new_figure(width=width, height=height)
        plot_profile_heatmap(ax, matrix, target_labels=scores.labels, cluster=region,
                             row_labels=display_names(scores.units, matrix.index, holder_column=scores.holder_column,
                                                      labels=scores.labels))
        yield StanceFigure(
            "profiles-by-region", fig, "Stance profiles grouped by region",
            f"Mean lexicon polarity of each of {len(matrix)} holders toward each target, rows grouped by "
            f"{region_column}; hatched: never mentioned.")
    if clustering is not None and label_column:
        fig, ax = new_figure(width=5.2, height=4.4)
        plot_confusion(ax, clustering.labels_, holders.truth, algorithm=holders.primary, cluster_kind="holder")
        yield StanceFigure(
            "cluster-confusion", fig, f"Holder clusters against {label_column}",
            f"Holders by holder cluster ({holders.primary}) and by their known {label_column}; ARI, NMI and purity "
            f"in {catalog.entry('holder_cluster_validation').file}.")


def missing_figures(scores, holders):
    """The holder map under both treatments of rarely mentioned targets, side by side, coloured by holder cluster.

    Yields
    ------
    StanceFigure
        ``holder-map-missing``.
    """
    if len(holders.treatments) < 2:
        return
    fig, axes = new_figure(1, 2, width=11, height=4.8)
    names = display_names(scores.units, holders.holders, holder_column=scores.holder_column, labels=scores.labels)
    labels = holders.labels.loc[holders.holders].to_numpy()
    for ax, (treatment, coords) in zip(np.ravel(axes), holders.treatments.items()):
        ax.set_title(f"{treatment}{' (used)' if treatment == holders.missing else ''}")
        plot_stance_map(ax, coords, labels, names=[names[h] for h in holders.holders],
                        cluster_kind="holder")
    yield StanceFigure(
        "holder-map-missing", fig, "What a holder never mentions: shrunk positions against missingness columns",
        f"Principal components of {len(holders.holders)} holders' profiles. Left: positions shrunk toward each "
        "target's mean by how much the holder says about it; right: one mentioned/not-mentioned column per target, "
        "which lets the choice of targets drive the map. Colours: the holder clusters of the treatment used.")


def unit_figures(scores, units, *, names: dict | None = None):
    """The unit map and, for at most 80 units, their polarity toward each target by unit cluster.

    Parameters
    ----------
    scores : stancebook.stance.workflow.StanceScores
    units : stancebook.stance.workflow.UnitClusters
    names : dict, optional
        Display name of each unit id; default :func:`stancebook.figures.short_unit_labels` (the unit part of
        the id when every unit comes from one document).

    Yields
    ------
    StanceFigure
        ``stance-map``, ``unit-heatmap``.
    """
    names = short_unit_labels(units.units) if names is None else dict(names)
    fig, ax = new_figure(width=6.4, height=5)
    plot_stance_map(ax, units.coords, units.labels.loc[units.units].to_numpy(), names=[names[u] for u in units.units],
                    cluster_kind="unit")
    yield StanceFigure(
        "stance-map", fig, "Unit stance map",
        f"PCA of the stance vectors of {len(units.units)} units, coloured by unit cluster (U1, U2, ...; "
        f"{units.primary}). {units.clustering.reason_}")
    if len(units.units) > _MAX_HEATMAP_UNITS:
        return
    matrix = unit_polarity_matrix(scores.triples, units.units, scores.targets)
    width, height = heatmap_size(len(matrix), len(scores.targets), rows="units")
    fig, ax = new_figure(width=width, height=height)
    plot_profile_heatmap(ax, matrix, target_labels=scores.labels, cluster=units.labels, row_labels=names,
                         cluster_kind="unit")
    yield StanceFigure(
        "unit-heatmap", fig, "Unit stances by unit cluster",
        f"Lexicon polarity toward each target in the {len(matrix)} units that mention one, ordered by unit "
        f"cluster ([U1], [U2], ...; {units.primary}); hatched: not mentioned.")


def position_figures(scores, positions, *, region_column: str = ""):
    """The holders on the line fixed by the reference holders, when the run asked for it.

    Yields
    ------
    StanceFigure
        ``holder-positions``.
    """
    if positions is None or positions.empty:
        return
    names = holder_names(scores.units, holder_column=scores.holder_column, labels=scores.labels)
    groups = {}
    if region_column and region_column in scores.units.columns:
        groups = holder_attribute(scores.units, holder_column=scores.holder_column, column=region_column).to_dict()
    fig, ax = new_figure(width=6.4, height=max(3.0, 0.09 * len(positions) + 1.5))
    plot_positions(ax, positions, names=names, groups=groups, notable=NOTABLE_HOLDERS)
    refs = positions.dropna(subset=["reference"])
    yield StanceFigure(
        "holder-positions", fig, "Holders on the line fixed by the reference holders",
        f"Wordscores positions of {len(positions)} holders from the words of their units, anchored at "
        + ", ".join(f"{names.get(h, h)} = {v:+g}" for h, v in zip(refs["holder"], refs["reference"]))
        + " (Laver, Benoit & Garry 2003), rescaled so the references keep their values (Martin & Vanberg 2008).")
