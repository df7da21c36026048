"""Every figure of the stance stage: plot functions that draw on a given axes, their sizes, and the figure sets.

The plot functions (``plot_*``) draw on an axes and return it. The figure
sets (:func:`profile_figures`, :func:`source_figures`, :func:`holder_figures`,
:func:`unit_figures`) make notebook 03's figures from the workflow's results,
sized by :func:`heatmap_size` and :func:`holder_map_size`, each with its ID,
title and caption, for ``stage.figures.save``.
"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib
import matplotlib.colors as mcolors
import matplotlib.lines
import numpy as np
import pandas as pd
from matplotlib.patches import Patch, Rectangle
from scipy.stats import pearsonr, spearmanr

from stancebook.checks import require_columns
from stancebook.errors import ParameterError
from stancebook.labels import place_labels
from stancebook.resources.wordlists import load_word_list
from stancebook.stance._shared import cluster_name, labels_frame

__all__ = [
    "NOTABLE_HOLDERS",
    "StanceFigure",
    "heatmap_size",
    "holder_map_size",
    "plot_confusion",
    "plot_profile_heatmap",
    "plot_source_comparison",
    "plot_stance_map",
    "plot_word_polarity",
    "plot_agreement",
    "plot_map_intervals",
    "plot_positions",
]

# Names always written on a crowded holder map (resources/data/notable_holders.txt).
NOTABLE_HOLDERS = load_word_list("notable_holders")
_MISSING_COLOUR = "#d9d9d9"
_MISSING_HATCH = "///"
_MAX_ANNOTATED_ROWS = 30
_MAX_NAMED_POINTS = 40
# Above this many units, a unit heatmap is unreadable and is not drawn.
_MAX_HEATMAP_UNITS = 80


class StanceFigure(NamedTuple):
    """A figure of the stage, ready for ``stage.figures.save_all`` (its ``fig``, ``id``, ``title`` and ``caption``)."""

    id: str
    fig: object
    title: str
    caption: str


def heatmap_size(n_rows: int, n_columns: int, *, rows: str = "holders") -> tuple[float, float]:
    """Width and height (inches) of a heatmap of ``n_rows`` × ``n_columns`` targets.

    Parameters
    ----------
    n_rows, n_columns : int
        Rows (holders or units) and target columns.
    rows : {"holders", "units"}
        Holder rows shrink when there are more than 30 (values are then not
        written in the cells); unit rows keep one height.

    Examples
    --------
    >>> heatmap_size(4, 5)
    (7.5, 3.6)
    """
    width = max(5, 0.9 * n_columns + 3)
    if rows == "units":
        return width, max(3, 0.28 * n_rows + 1.6)
    row_height = 0.45 if n_rows <= _MAX_ANNOTATED_ROWS else 0.13
    return width, max(2.4, row_height * n_rows + 1.8)


def holder_map_size(n_points: int) -> tuple[float, float]:
    """Width and height (inches) of a holder map: larger when not every holder can be named.

    Examples
    --------
    >>> holder_map_size(10), holder_map_size(190)
    ((6.4, 5), (7.5, 6))
    """
    return (7.5, 6) if n_points > _MAX_NAMED_POINTS else (6.4, 5)


def _group_name(key, cluster_kind: str | None) -> str:
    """``H1`` / ``U1`` for a cluster of holders or units, the key itself for other groups (regions)."""
    return cluster_name(cluster_kind, key) if cluster_kind else str(key)


def _grouped_rows(m: pd.DataFrame, cluster, display: dict, cluster_kind: str | None = None):
    """Rows ordered by group (stable within a group), their ``[k]``-prefixed names and sorted group keys."""
    row_names = [str(r) for r in m.index]
    cl = pd.Series(cluster)
    cl.index = cl.index.astype(str)
    keys = [cl.get(r, None) for r in row_names]
    known = [k is not None and not (isinstance(k, float) and np.isnan(k)) for k in keys]
    # Rows without a group go last; groups may be cluster numbers or names (regions).
    order = sorted(range(len(row_names)), key=lambda i: (not known[i], str(type(keys[i])),
                                                         keys[i] if known[i] else 0, i))
    names = [f"[{_group_name(keys[i], cluster_kind)}] {display.get(row_names[i], row_names[i])}" if known[i]
             else display.get(row_names[i], row_names[i]) for i in order]
    return m.iloc[order], names, [keys[i] for i in order]


def _draw_cells(ax, values: np.ndarray, limit: float):
    """The coloured cells, hatched missing cells and (up to 30 rows) the values; returns the image."""
    # Missing cells are transparent in the image; one hatched patch under the whole image shows through
    # them (one patch per missing cell took seconds and a megabyte of SVG for 200 holders x 50 targets).
    cmap = matplotlib.colormaps["RdBu"].with_extremes(bad=(0, 0, 0, 0))
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=mcolors.Normalize(vmin=-limit, vmax=limit),
                      aspect="auto", interpolation="nearest")
    n_rows, n_cols = values.shape
    if np.isnan(values).any():
        ax.add_patch(Rectangle((-0.5, -0.5), n_cols, n_rows, facecolor=_MISSING_COLOUR, edgecolor="#808080",
                               hatch=_MISSING_HATCH, linewidth=0, zorder=image.get_zorder() - 0.5))
    if n_rows <= _MAX_ANNOTATED_ROWS:
        for i in range(n_rows):
            for j in range(n_cols):
                v = values[i, j]
                if np.isnan(v):
                    continue
                ax.text(j, i, f"{v:+.2f}", ha="center", va="center", fontsize=8,
                        color="white" if abs(v) > 0.6 * limit else "black")
    return image


def plot_profile_heatmap(ax, matrix: pd.DataFrame, *, target_labels=None, cluster=None, row_labels=None,
                         limit: float | None = 1.0, value_label: str = "polarity (VADER compound)",
                         cluster_kind: str | None = None):
    """Draw a holders × targets polarity heatmap; never-mentioned cells are marked missing.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    matrix : pandas.DataFrame
        Output of :func:`~stancebook.stance.profile_matrix` (holders ×
        targets, NaN = not mentioned) or
        :func:`~stancebook.stance.unit_polarity_matrix`.
    target_labels : dict, optional
        Target id → readable label for the column ticks.
    cluster : pandas.Series or dict, optional
        Cluster (or other group, such as a region) of each row; rows are
        then grouped (stable within a group), prefixed ``[group]`` and
        separated by lines.
    row_labels : dict, optional
        Display name of each row id (e.g. short unit ids); ids not in it are
        shown as they are.
    limit : float or None, default 1.0
        The colour scale runs from ``-limit`` to ``limit``; None: the
        largest absolute value (for standardised scaling scores).
    value_label : str, default "polarity (VADER compound)"
        Colour bar label.
    cluster_kind : {"holder", "unit"} or None
        ``cluster`` holds holder clusters (rows prefixed ``[H1]``) or unit
        clusters (``[U1]``); None: groups shown as they are.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Diverging ``RdBu`` colormap over [-limit, limit], centred at 0 (red =
    negative, blue = positive). Missing cells are grey and hatched with a
    "not mentioned" legend entry; values are written in the cells when
    there are at most 30 rows. Size the figure with :func:`heatmap_size`.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_profile_heatmap(ax, pd.DataFrame({"russia": [0.5, np.nan]}, index=["a", "b"]))
    """
    labels_map = dict(target_labels or {})
    m = matrix.copy()
    display = dict(row_labels or {})
    row_names = [str(r) for r in m.index]
    if cluster is not None:
        m, row_names, sorted_keys = _grouped_rows(m, cluster, display, cluster_kind)
    values = m.to_numpy(dtype=float) if m.size else np.zeros((0, 0))
    n_rows, n_cols = values.shape
    if n_rows == 0 or n_cols == 0:
        ax.text(0.5, 0.5, "no stance profile to show", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    if limit is None:
        finite = np.abs(values[np.isfinite(values)])
        limit = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    image = _draw_cells(ax, values, limit)
    if cluster is not None:
        for i in range(1, n_rows):
            if sorted_keys[i] != sorted_keys[i - 1]:
                ax.axhline(i - 0.5, color="black", linewidth=1.2)
    ax.set_xticks(range(n_cols))
    ax.set_xticklabels([labels_map.get(str(c), str(c)) for c in m.columns], rotation=45, ha="right")
    ax.set_yticks(range(n_rows))
    ax.set_yticklabels([display.get(r, r) for r in row_names] if cluster is None else row_names)
    ax.set_xlabel("target")
    row_kind = "unit" if m.index.name == "unit_id" else "holder"
    ax.set_ylabel(f"{row_kind} [{cluster_kind} cluster]" if cluster is not None and cluster_kind else row_kind)
    colorbar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    colorbar.set_label(value_label)
    ax.legend(handles=[Patch(facecolor=_MISSING_COLOUR, edgecolor="#808080", hatch=_MISSING_HATCH,
                             label="not mentioned")],
              loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


def _scatter_by_group(ax, coords, labels, clusters, groups, colours, cluster_kind=None) -> None:
    """Colours show the group, marker shapes the cluster; one legend each."""
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
                                               color="#555555", label=_legend_name(c, cluster_kind))
                       for ci, c in enumerate(clusters)]
    # outside the axes, on the right: inside, a legend hides the points at a corner (Cuba on the UN map)
    first = ax.legend(handles=group_handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="group",
                      title_fontsize=8, frameon=False)
    ax.add_artist(first)
    ax.legend(handles=cluster_handles, fontsize=7, loc="lower left", bbox_to_anchor=(1.01, 0.0),
              title=f"{cluster_kind or ''} cluster".strip(), title_fontsize=8, frameon=False)


def _legend_name(cluster, cluster_kind: str | None) -> str:
    return cluster_name(cluster_kind, cluster) if cluster_kind else f"cluster {cluster}"


def _shown_points(coords, labels, clusters, names: list[str], notable) -> list[int]:
    """Every point up to 40; else the notable ones and, per cluster, those farthest from the centre."""
    if len(coords) <= _MAX_NAMED_POINTS:
        return list(range(len(coords)))
    wanted = set(notable)
    shown = [i for i, name in enumerate(names) if name in wanted]
    spread = np.linalg.norm(coords - coords.mean(axis=0), axis=1)
    quota = max(1, (_MAX_NAMED_POINTS - len(shown)) // max(1, len(clusters)))
    for c in clusters:
        members = [m for m in np.flatnonzero(labels == c) if m not in shown]
        members = np.asarray(members, dtype=int)
        shown += members[np.argsort(-spread[members], kind="stable")][:quota].tolist()
    return sorted(set(shown))


def plot_stance_map(ax, coords, labels, names=None, *, groups=None, notable=(), cluster_kind: str | None = None):
    """Scatter the 2-D stance map coloured by cluster (or by group, with clusters as markers).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    coords : array-like of shape (n, 2)
        Output of :func:`~stancebook.stance.stance_map`.
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
        Names always written when present (e.g. :data:`NOTABLE_HOLDERS`).
    cluster_kind : {"holder", "unit"} or None
        The points are holders clustered (legend "holder cluster": H1, H2,
        ...) or units (U1, U2, ...); None: "cluster 1", ...

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
            ax.scatter(coords[sel, 0], coords[sel, 1], s=36, color=colours(i % 10), label=_legend_name(c, cluster_kind),
                       edgecolor="white", linewidth=0.5)
    else:
        groups = np.asarray([str(g) if pd.notna(g) else "unknown" for g in groups])
        if len(groups) != len(coords):
            raise ParameterError(f"`groups` has {len(groups)} entries for {len(coords)} points; pass one per point.")
        _scatter_by_group(ax, coords, labels, clusters, groups, colours, cluster_kind)
    if names is not None:
        names = [str(x) for x in names]
        if len(names) != len(coords):
            raise ParameterError(f"`names` has {len(names)} entries for {len(coords)} points; pass one per point.")
    ax.set_xlabel("PC1")
    ax.set_ylabel("PC2")
    ax.axhline(0, color="#bbbbbb", linewidth=0.6, zorder=0)
    ax.axvline(0, color="#bbbbbb", linewidth=0.6, zorder=0)
    if clusters and groups is None:
        ax.legend(title=f"{cluster_kind or ''} cluster".strip(), fontsize=8, loc="best")
    if names is not None:
        shown = _shown_points(coords, labels, clusters, names, notable)
        place_labels(ax, coords[shown], [names[i] for i in shown], fontsize=7)
    return ax


def plot_source_comparison(ax, profiles: pd.DataFrame, *, target_labels=None, level: str | None = "target"):
    """Scatter the two polarity sources against each other, one point per holder × target.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    profiles : pandas.DataFrame
        Output of :func:`~stancebook.stance.stance_profiles`.
    target_labels : dict, optional
        Target id → readable label, for the point names (holders that are
        targets too, such as ``north_korea``, get their label as well).
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
    require_columns(profiles, ["holder", "target", "polarity_lexicon", "polarity_scaling"], "profiles")
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
    if len(p) >= 3 and np.std(x) > 0 and np.std(y) > 0:
        r = pearsonr(x, y).statistic
        rho = spearmanr(x, y).statistic
        ax.set_title(f"Pearson r = {r:.2f}, Spearman rho = {rho:.2f} (n = {len(p)} holder-target cells)",
                     fontsize=9)
    else:
        ax.set_title(f"correlation not defined: {len(p)} holder-target cell(s) with both polarities", fontsize=9)
    ax.set_xlabel("polarity from the lexicon (VADER)")
    ax.set_ylabel("polarity from corpus-adapted scaling")
    if len(p) <= _MAX_ANNOTATED_ROWS:
        names = [f"{labels_map.get(str(h), str(h))} → {labels_map.get(str(t), str(t))}"
                 for h, t in zip(p["holder"], p["target"])]
        place_labels(ax, np.column_stack([x, y]), names, fontsize=7)
    return ax


def plot_confusion(ax, labels, truth, *, algorithm: str | None = None, cluster_kind: str = "holder"):
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
    cluster_kind : {"holder", "unit"}, default "holder"
        What was clustered: rows are named H1, H2, ... or U1, U2, ...

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    stancebook.stance.validate_clusters : the same comparison as scores.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> labels = pd.DataFrame({"id": ["a", "b", "c"], "kmeans": [1, 1, 2]})
    >>> ax = plot_confusion(ax, labels, {"a": "x", "b": "y", "c": "y"})
    """
    frame = labels_frame(labels)
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
    ax.set_yticklabels([cluster_name(cluster_kind, c) for c in table.index.tolist()])
    ax.set_xlabel("known label")
    ax.set_ylabel(f"{cluster_kind} cluster ({algorithm})")
    return ax


def plot_word_polarity(ax, table: pd.DataFrame):
    """Draw the words nearest each pole of corpus-adapted scaling as horizontal bars.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    table : pandas.DataFrame
        Output of :meth:`~stancebook.stance.LatentScaling.word_table`.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Blue bars: positive pole, red: negative; seed words are drawn hatched,
    so a reader sees which words the corpus *added* to the seeds.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> t = pd.DataFrame({"rank": [1, -1], "word": ["ally", "threat"], "polarity": [0.4, -0.5],
    ...                   "count": [3, 4], "seed": ["positive", ""]})
    >>> ax = plot_word_polarity(ax, t)
    """
    if len(table) == 0:
        ax.text(0.5, 0.5, "no word polarities to show", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    t = table.sort_values("polarity", kind="stable").reset_index(drop=True)
    cmap = matplotlib.colormaps["RdBu"]
    colours = [cmap(0.85) if v > 0 else cmap(0.15) for v in t["polarity"]]
    bars = ax.barh(range(len(t)), t["polarity"], color=colours, edgecolor="#404040", linewidth=0.4)
    for bar, seed in zip(bars, t["seed"]):
        if seed:
            bar.set_hatch("//")
    ax.set_yticks(range(len(t)))
    ax.set_yticklabels(t["word"].tolist(), fontsize=8)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel("word polarity (cosine to positive minus negative seed centroid)")
    return ax


# ---------------------------------------------------------------------------
# the figures of notebook 03, from the workflow's results
# ---------------------------------------------------------------------------

def plot_agreement(axes, table: pd.DataFrame):
    """Macro-F1 and Krippendorff's alpha of each source, one marker per set of codes (the ``stance_agreement`` table).

    ``axes`` is a pair of axes side by side (macro-F1, alpha); sets used
    only for testing are drawn as diamonds, training sets (scored
    cross-fitted) as circles.
    """
    require_columns(table, ["source", "macro_f1", "alpha"], "stance_agreement")
    table = table.assign(codes=table["codes"] if "codes" in table else "codes",
                         use=table["use"] if "use" in table else "")
    sources = list(dict.fromkeys(table["source"]))
    sets = list(dict.fromkeys(table["codes"]))
    colours = dict(zip(sets, matplotlib.colormaps["tab10"].colors))
    y_of = {source: i for i, source in enumerate(sources)}
    offsets = np.linspace(-0.25, 0.25, len(sets)) if len(sets) > 1 else [0.0]
    for ax, column, label in zip(axes, ("macro_f1", "alpha"), ("macro-F1", "Krippendorff's alpha")):
        for offset, name in zip(offsets, sets):
            rows = table[table["codes"] == name]
            use = str(rows["use"].iloc[0])
            ax.scatter(rows[column].fillna(0), [y_of[s] + offset for s in rows["source"]], s=22,
                       marker="D" if use == "test" else "o", color=colours[name],
                       label=f"{name} ({'test' if use == 'test' else 'cross-fitted' if use else 'codes'}, "
                             f"n={int(rows['n'].iloc[0])})")
        ax.set_yticks(range(len(sources)), sources)
        ax.set_xlim(min(0.0, float(table[column].min()) - 0.05), 1)
        ax.axvline(0, color="grey", lw=0.6)
        ax.grid(axis="x", color="0.9", lw=0.6)
        ax.set_xlabel(label)
    axes[0].set_ylim(len(sources) - 0.5, -0.5)  # the first source on top (the axes share y)
    axes[1].tick_params(labelleft=False)
    handles, labels = axes[0].get_legend_handles_labels()
    axes[0].figure.legend(handles, labels, loc="outside lower center", ncol=2, fontsize=7, frameon=False)
    return axes


def _ranked_points(ax, table: pd.DataFrame, value: str, *, names: dict, groups: dict, notable, always,
                   interval: tuple[str, str] | None = None, fontsize: float = 7):
    """Holders as dots sorted along ``value``, coloured by group, with an optional interval; notable ones named."""
    table = table.dropna(subset=[value]).sort_values(value).reset_index(drop=True)
    kinds = sorted({str(groups.get(h, "")) for h in table["holder"]})
    colours = dict(zip(kinds, matplotlib.colormaps["tab10"].colors))
    y = np.arange(len(table))
    for kind in kinds:
        pick = np.array([str(groups.get(h, "")) == kind for h in table["holder"]], dtype=bool)
        if interval is not None:
            ax.hlines(y[pick], table.loc[pick, interval[0]], table.loc[pick, interval[1]], color=colours[kind],
                      lw=0.8, alpha=0.55)
        ax.scatter(table.loc[pick, value], y[pick], s=14, color=colours[kind], label=kind or None,
                   **({} if interval is None else {"zorder": 3}))
    shown = [i for i, h in enumerate(table["holder"])
             if names.get(h, h) in notable or h in notable or always(i, table) or len(table) <= _MAX_NAMED_POINTS]
    right = table[interval[1]] if interval is not None else table[value]
    for i in shown:
        ax.annotate(names.get(table["holder"].iat[i], table["holder"].iat[i]), (right.iat[i], y[i]),
                    xytext=(4, 0), textcoords="offset points", fontsize=fontsize, va="center")
    ax.set_yticks([])
    ax.axvline(0, color="grey", lw=0.6)
    if any(kinds):
        ax.legend(fontsize=7, frameon=False, loc="lower right")
    return ax


def plot_positions(ax, positions: pd.DataFrame, *, names: dict | None = None, groups: dict | None = None,
                   notable=()):
    """Holders along the reference line (the ``holder_positions`` table), coloured by group, notable ones named."""
    require_columns(positions, ["holder", "rescaled", "reference"], "holder_positions")
    _ranked_points(ax, positions, "rescaled", names=names or {}, groups=groups or {}, notable=notable,
                   always=lambda i, table: not np.isnan(table["reference"].iat[i]))
    ax.set_xlabel("position (Wordscores, rescaled to the reference values)")
    return ax


def plot_map_intervals(ax, positions: pd.DataFrame, *, names: dict | None = None, groups: dict | None = None,
                       notable=()):
    """Holders along the holder map's first axis with their 95 % bootstrap intervals (``holder_map_positions``), all named.

    Examples
    --------
    >>> from stancebook.figures import new_figure
    >>> fig, ax = new_figure()
    >>> table = pd.DataFrame({"holder": ["a", "b"], "axis1": [-0.5, 0.2], "axis1_low": [-0.7, -0.1],
    ...                       "axis1_high": [-0.3, 0.4]})
    >>> len(plot_map_intervals(ax, table).collections)  # one set of intervals, one of dots
    2
    """
    require_columns(positions, ["holder", "axis1", "axis1_low", "axis1_high"], "holder_map_positions")
    # a ranked list: every holder is named, in a smaller type when there are many
    _ranked_points(ax, positions, "axis1", names=names or {}, groups=groups or {}, notable=notable,
                   always=lambda i, table: True, interval=("axis1_low", "axis1_high"),
                   fontsize=7 if len(positions) <= _MAX_NAMED_POINTS else 4.5)
    ax.set_xlabel("first axis of the holder map (dot), 95% bootstrap interval over the holder's units (line)")
    return ax
