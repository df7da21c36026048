"""Figures of the topics stage: model selection, topic terms, prevalence, the topic map.

Every ``plot_*`` function draws on the axes it is given and returns them;
the ``*_figure`` functions make a figure of the right size for the number
of topics, and the ``*_caption`` functions say what a figure shows, so
that notebooks hold neither sizing formulas nor caption arithmetic.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd

from matplotlib.ticker import MaxNLocator

from stancebook.checks import require_columns
from stancebook.errors import ParameterError
from stancebook.figures import new_figure
from stancebook.labels import place_labels
from stancebook.topics._common import MODEL_NAMES

__all__ = [
    "plot_model_selection",
    "plot_topic_terms",
    "plot_prevalence",
    "plot_topic_map",
    "plot_effects",
    "effects_caption",
    "model_selection_figure",
    "topic_terms_figure",
    "topic_map_figure",
    "prevalence_figure",
    "model_selection_caption",
    "prevalence_caption",
    "prevalence_figure_id",
]

# Prevalence figures show at most this many topics (legibility), four panels a row.
MAX_PREVALENCE_TOPICS = 8
_PREVALENCE_COLUMNS = 4

_SELECTION_PANELS = (
    ("frontier", "mean NPMI coherence"),
    ("npmi", "mean NPMI coherence (top words)"),
    ("exclusivity", "exclusivity (mean FREX of top words)"),
    ("stability", "stability (matched cosine across refits)"),
    ("heldout_perplexity", "held-out perplexity (LDA)"),
    ("diversity", "topic diversity"),
)


def plot_model_selection(ax, table: pd.DataFrame):
    """Plot the model-selection measures against k, one line per model, the chosen fit ringed.

    With one axes: the frontier (mean NPMI against exclusivity, one point per
    fit labelled with its k, the fits no other stable fit beats on both
    joined by a line, as STM's ``searchK`` plots show the trade-off). With an
    array of axes, in order: the frontier, NPMI (error bars: one standard
    error of the per-topic NPMI), exclusivity, stability, held-out
    perplexity, diversity (as many panels as axes, up to six).

    Parameters
    ----------
    ax : matplotlib.axes.Axes or array of Axes
    table : pandas.DataFrame
        ``TopicModelSelection.table_``.

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray
        What was given.

    See Also
    --------
    TopicModelSelection : Makes the table.
    model_selection_figure : A figure of six panels for it.

    Examples
    --------
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_model_selection(ax, selection.table_)  # doctest: +SKIP
    """
    require_columns(table, ["model", "k", "npmi", "selected"], "model selection",
                    hint="Pass TopicModelSelection.table_.", error=ParameterError)
    flat = np.ravel(np.asarray(ax, dtype=object))
    if len(flat) > len(_SELECTION_PANELS):
        raise ParameterError(f"ax: at most {len(_SELECTION_PANELS)} axes (one per measure), got {len(flat)}.")
    ks = np.sort(table["k"].unique())
    for panel, (column, ylabel) in zip(flat, _SELECTION_PANELS):
        if column == "frontier":
            _plot_frontier(panel, table, ylabel)
            continue
        if column not in table.columns:
            panel.set_visible(False)
            continue
        ordered = table.sort_values(["model", "k"], kind="stable")
        for name, part in ordered.groupby("model", sort=True):
            if part[column].isna().all():
                continue
            yerr = part["npmi_se"].to_numpy() if column == "npmi" and "npmi_se" in part else None
            panel.errorbar(part["k"], part[column], yerr=yerr, marker="o", capsize=3,
                           label=MODEL_NAMES.get(name, str(name)))
        chosen = table[table["selected"]]
        if len(chosen) and chosen[column].notna().all():
            panel.scatter(chosen["k"], chosen[column], s=220, facecolors="none", edgecolors="black",
                          linewidths=1.5, zorder=5, label="selected")
        if table[column].isna().all():
            reason = ("not computed: too few units to hold some out" if column == "heldout_perplexity"
                      else "not computed")
            # wrapped to stay inside the panel, clear of the axis label
            panel.text(0.5, 0.5, textwrap.fill(reason, 22), ha="center", va="center", transform=panel.transAxes,
                       color="#555555")
            panel.set_yticks([])
            panel.set_xlim(min(ks) - 0.5, max(ks) + 0.5)
        panel.set_xticks(ks)
        panel.set_xlabel("number of topics k")
        panel.set_ylabel(ylabel)
    flat[0].legend(frameon=False)
    return ax


def plot_effects(axes, expected: pd.DataFrame, *, labels=None, topics=None, max_topics: int = MAX_PREVALENCE_TOPICS):
    """Plot the expected share of each topic over time, one line and band per group (STM's effect plots).

    Parameters
    ----------
    axes : array of matplotlib.axes.Axes
        Small multiples, one topic per panel (extra axes hidden).
    expected : pandas.DataFrame
        The first table of :func:`~stancebook.topics.effects.topic_effects`.
    labels : list of str, optional
        One label per topic of the model.
    topics : list of int, optional
        Topics to draw; default: the ``max_topics`` with the largest mean expected share.
    max_topics : int, default 8

    Returns
    -------
    numpy.ndarray of Axes
        What was given.
    """
    require_columns(expected, ["topic", "group", "time", "share", "low", "high"], "topic effects",
                    hint="Pass the first table of topic_effects.", error=ParameterError)
    if topics is None:
        means = expected.groupby("topic")["share"].mean()
        topics = sorted(means.sort_values(ascending=False, kind="stable").index[:max_topics])
    flat = list(np.ravel(axes))
    if len(flat) < len(topics):
        raise ParameterError(f"axes: {len(topics)} topics need at least {len(topics)} axes, got {len(flat)}.")
    groups = sorted(expected["group"].unique())
    for ax, topic in zip(flat, topics):
        part = expected[expected["topic"] == topic]
        for j, name in enumerate(groups):
            line = part[part["group"] == name].sort_values("time")
            ax.plot(line["time"], line["share"], color=f"C{j % 10}", label=str(name))
            ax.fill_between(line["time"], line["low"], line["high"], color=f"C{j % 10}", alpha=0.2, linewidth=0)
        ax.set_title(textwrap.fill(f"Topic {topic}" + (f": {labels[topic - 1]}" if labels is not None else ""), 32),
                     fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, not 2017.5
    for ax in flat[len(topics):]:
        ax.set_visible(False)
    flat[0].legend(frameon=False, fontsize=7)
    return axes


def effects_caption(formula: str, n_boot: int, n_fits: int = 1) -> str:
    """Caption of the topic-effects figure.

    ``n_fits`` is the number of fits of the topic model whose shares the
    bootstrap composes (:attr:`TopicsResult.effect_fits
    <stancebook.topics.TopicsResult>`); 1: the kept fit only.

    Examples
    --------
    >>> effects_caption("year + region", 500)[:40]
    'Expected topic share by year for each re'
    """
    time, group = [p.strip() for p in formula.split("+")]
    if n_fits > 1:
        uncertainty = (f"each replicate draws one of {n_fits} fits of the topic model, so the bands include the "
                       "topic model's own uncertainty")
    else:
        uncertainty = "the topic model's own uncertainty is not included"
    return (f"Expected topic share by {time} for each {group}, from a regression of the unit shares on a cubic "
            f"spline of {time} and the {group} groups, with 95% percentile bootstrap bands ({n_boot} resamples "
            f"of the units; {uncertainty}).")


def _plot_frontier(panel, table: pd.DataFrame, ylabel: str) -> None:
    """Mean NPMI against exclusivity, one point per fit labelled by k; the frontier joined; the choice ringed."""
    if "exclusivity" not in table.columns:
        panel.set_visible(False)
        return
    for name, part in table.sort_values(["model", "k"], kind="stable").groupby("model", sort=True):
        panel.scatter(part["exclusivity"], part["npmi"], marker="o", label=MODEL_NAMES.get(name, str(name)))
    if "frontier" in table.columns and table["frontier"].any():
        edge = table[table["frontier"]].sort_values("exclusivity", kind="stable")
        panel.plot(edge["exclusivity"], edge["npmi"], color="#555555", linewidth=1, zorder=1, label="frontier")
    chosen = table[table["selected"]]
    panel.scatter(chosen["exclusivity"], chosen["npmi"], s=220, facecolors="none", edgecolors="black",
                  linewidths=1.5, zorder=5, label="selected")
    panel.set_xlabel("exclusivity (mean FREX of top words)")
    panel.set_ylabel(ylabel)
    ordered = table.sort_values(["model", "k"], kind="stable")
    place_labels(panel, ordered[["exclusivity", "npmi"]].to_numpy(dtype=float), [str(k) for k in ordered["k"]],
                 fontsize=7, marker=8.0)  # clear of the ring around the selected fit


def plot_topic_terms(axes, topic_terms_table: pd.DataFrame, labels):
    """Draw one horizontal bar panel of top terms per topic.

    Parameters
    ----------
    axes : array of matplotlib.axes.Axes
        At least k axes (any shape; read in row order). Extra axes are hidden.
    topic_terms_table : pandas.DataFrame
        Output of :func:`topic_terms` (or :func:`distinctive_terms`: the bars
        show ``weight``, the probability of the term in the topic).
    labels : list of str
        One label per topic (e.g. :func:`topic_labels`), shown in the titles.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The axes, as given.

    See Also
    --------
    topic_terms : Makes the table.
    topic_terms_figure : A grid of panels sized to the number of topics.

    Examples
    --------
    >>> fig, axes = plt.subplots(2, 2)  # doctest: +SKIP
    >>> plot_topic_terms(axes, topic_terms(tw, terms), topic_labels(tw, terms))  # doctest: +SKIP
    """
    flat = np.ravel(np.asarray(axes, dtype=object))
    topics = np.sort(topic_terms_table["topic"].unique())
    if len(flat) < len(topics):
        raise ParameterError(
            f"axes: {len(topics)} topics need at least {len(topics)} axes, got {len(flat)}."
        )
    if len(labels) != len(topics):
        raise ParameterError(f"labels: expected {len(topics)} labels (one per topic), got {len(labels)}.")
    for ax, topic, label in zip(flat, topics, labels):
        part = topic_terms_table[topic_terms_table["topic"] == topic].sort_values("rank", kind="stable")
        positions = np.arange(len(part))
        ax.barh(positions, part["weight"], color="C0")
        ax.set_yticks(positions, labels=part["term"].tolist())
        ax.invert_yaxis()
        ax.set_title(f"Topic {topic}: {label}", fontsize="medium", loc="left")
        ax.set_xlabel("weight in topic")
    for ax in flat[len(topics):]:
        ax.set_visible(False)
    return axes


def _prevalence_topics(table: pd.DataFrame, topics, max_topics: int) -> list[int]:
    if topics is not None:
        chosen = [int(t) for t in topics]
        unknown = sorted(set(chosen) - set(table["topic"].astype(int)))
        if unknown:
            raise ParameterError(f"topics: topic(s) {unknown} are not in the prevalence table.")
        return chosen[:max_topics]
    mean = table.groupby("topic", sort=True)["prevalence"].mean()
    ranked = mean.sort_values(ascending=False, kind="stable").index[:max_topics]
    return sorted(int(t) for t in ranked)


def plot_prevalence(axes, table: pd.DataFrame, *, labels=None, topics=None, max_topics: int = MAX_PREVALENCE_TOPICS):
    """Plot topic prevalence per group with its bootstrap interval.

    With an array of axes: small multiples, one topic per panel (extra axes
    hidden). With one axes: all drawn topics on it, with a legend. Numeric
    groups (years) are drawn as lines with shaded bands; other groups
    (actors, regions) as points with interval bars.

    Parameters
    ----------
    axes : matplotlib.axes.Axes or array of Axes
    table : pandas.DataFrame
        Output of :func:`topic_prevalence` (its first column is the group).
    labels : list of str, optional
        One label per topic of the model (topic t is ``labels[t - 1]``).
    topics : list of int, optional
        Topics to draw; default: the ``max_topics`` most prevalent, in topic order.
    max_topics : int, default 8
        At most this many topics are drawn (legibility).

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray
        What was given.

    See Also
    --------
    topic_prevalence : Makes the table.
    prevalence_figure : Small multiples sized to the number of topics.

    Examples
    --------
    >>> fig, axes = plt.subplots(2, 4, sharey=True)  # doctest: +SKIP
    >>> plot_prevalence(axes, topic_prevalence(shares, ids, units, "year"))  # doctest: +SKIP
    """
    needed = {"topic", "prevalence", "lower", "upper"}
    if needed - set(table.columns) or table.columns[0] in needed:
        raise ParameterError("table: expected the output of topic_prevalence (group column first).")
    group = table.columns[0]
    chosen = _prevalence_topics(table, topics, max_topics)
    single = not isinstance(axes, np.ndarray)
    flat = [axes] * len(chosen) if single else list(np.ravel(axes))
    if not single and len(flat) < len(chosen):
        raise ParameterError(f"axes: {len(chosen)} topics need at least {len(chosen)} axes, got {len(flat)}.")
    numeric = pd.api.types.is_numeric_dtype(table[group])
    categories = list(pd.unique(table[group]))
    for i, (ax, topic) in enumerate(zip(flat, chosen)):
        part = table[table["topic"] == topic]
        name = f"Topic {topic}" + (f": {labels[topic - 1]}" if labels is not None else "")
        colour = f"C{i % 10}" if single else "C0"
        if numeric:
            ax.plot(part[group], part["prevalence"], color=colour, marker="o", markersize=3, label=name)
            ax.fill_between(part[group], part["lower"], part["upper"], color=colour, alpha=0.25, linewidth=0)
        else:
            x = np.array([categories.index(v) for v in part[group]], dtype=np.float64)
            if single:
                x = x + (i - (len(chosen) - 1) / 2) * 0.8 / max(len(chosen), 1)
            ax.errorbar(x, part["prevalence"],
                        yerr=[part["prevalence"] - part["lower"], part["upper"] - part["prevalence"]],
                        fmt="o", color=colour, capsize=2, label=name)
            ax.set_xticks(range(len(categories)), labels=[str(c) for c in categories], rotation=90)
        if not single:
            # Panels are about three inches wide: long labels wrap instead of running into the next title.
            ax.set_title(textwrap.fill(name, 32), fontsize="medium", loc="left")
        ax.set_xlabel(group)
        ax.set_ylabel("mean topic share")
        ax.set_ylim(bottom=0)
    if single and chosen:
        axes.legend(frameon=False, fontsize="small")
    if not single:
        for ax in flat[len(chosen):]:
            ax.set_visible(False)
    return axes


def plot_topic_map(ax, map_table: pd.DataFrame, *, labels=None):
    """Draw the topic map: one circle per topic, area by prevalence, labelled.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    map_table : pandas.DataFrame
        Output of :func:`topic_map`.
    labels : list of str, optional
        One label per topic, written beside the topic number.

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    topic_map : Makes the table.
    topic_map_figure : A figure of the right size.

    Examples
    --------
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_topic_map(ax, topic_map(sel.topic_word_, sel.unit_topic_), labels=labels)  # doctest: +SKIP
    """
    require_columns(map_table, ["topic", "x", "y", "prevalence"], "topic map",
                    hint="Pass the output of topic_map.", error=ParameterError)
    prevalence = map_table["prevalence"].to_numpy(dtype=np.float64)
    sizes = 3000 * prevalence / max(prevalence.max(), 1e-12) * min(1.0, 8 / len(map_table))
    ax.scatter(map_table["x"], map_table["y"], s=sizes, alpha=0.35, color="C0", edgecolors="C0")
    span = max(np.ptp(map_table["x"]), np.ptp(map_table["y"]), 1e-6)
    ax.set_xlim(map_table["x"].min() - 0.25 * span, map_table["x"].max() + 0.25 * span)
    ax.set_ylim(map_table["y"].min() - 0.25 * span, map_table["y"].max() + 0.25 * span)
    ax.set_xlabel("principal coordinate 1 (Jensen-Shannon distance)")
    ax.set_ylabel("principal coordinate 2")
    ax.set_aspect("equal", adjustable="datalim")
    place_labels(ax, map_table[["x", "y"]].to_numpy(dtype=float),
                 [str(t) if labels is None else f"{t}: {labels[t - 1]}" for t in map_table["topic"]], fontsize="small")
    return ax


def model_selection_figure():
    """Return a figure with six panels (two rows of three) for :func:`plot_model_selection`.

    Returns
    -------
    (matplotlib.figure.Figure, numpy.ndarray of Axes)
        Frontier, NPMI, exclusivity, stability, held-out perplexity and diversity panels.
    """
    return new_figure(2, 3, width=11, height=6.8)


def topic_terms_figure(n_topics: int):
    """Return a grid of panels for :func:`plot_topic_terms`: three a row, one per topic.

    Parameters
    ----------
    n_topics : int

    Returns
    -------
    (matplotlib.figure.Figure, numpy.ndarray of Axes)
        A 2-D array of axes (extra panels are hidden by the plot).
    """
    n_cols = min(3, n_topics)
    n_rows = math.ceil(n_topics / n_cols)
    return new_figure(n_rows, n_cols, width=3.4 * n_cols, height=2.8 * n_rows, squeeze=False)


def topic_map_figure():
    """Return a figure with one axes for :func:`plot_topic_map`."""
    return new_figure(width=6, height=5)


def prevalence_figure(n_topics: int, *, max_topics: int = MAX_PREVALENCE_TOPICS):
    """Return small multiples for :func:`plot_prevalence`: four panels a row, one per topic shown.

    Parameters
    ----------
    n_topics : int
        Topics of the model; at most ``max_topics`` of them are shown.
    max_topics : int, default 8

    Returns
    -------
    (matplotlib.figure.Figure, numpy.ndarray of Axes)
        A 2-D array of axes.
    """
    shown = min(max_topics, n_topics)
    n_cols = min(_PREVALENCE_COLUMNS, shown)
    n_rows = math.ceil(shown / _PREVALENCE_COLUMNS)
    return new_figure(n_rows, n_cols, width=3 * n_cols, height=2.6 * n_rows, squeeze=False)


def prevalence_figure_id(by: str) -> str:
    """Return the figure ID of the prevalence by a metadata column.

    Examples
    --------
    >>> prevalence_figure_id("un_region")
    'topic-prevalence-un-region'
    """
    return f"topic-prevalence-{by.lower().replace('_', '-')}"


def model_selection_caption(selection) -> str:
    """Return the caption of the model-selection figure: what each panel measures, and the choice.

    Parameters
    ----------
    selection : TopicModelSelection
        Fitted.

    Returns
    -------
    str
    """
    return (f"Top left: the frontier of coherence against exclusivity, one point per fit (labelled by k). "
            f"Then by number of topics: mean NPMI coherence of the top {selection.n_top_words} words "
            f"({selection.coherence} reference, +/- one standard error over topics), exclusivity (mean FREX of "
            f"the top words), stability (mean matched cosine of the topic-word "
            f"distributions of the kept fit and {selection.n_seeds - 1} refits on "
            f"{selection.stability_sample:.0%} samples of the units), held-out perplexity (LDA, "
            f"{selection.holdout:.0%} of units held out) and topic diversity; the ringed point is the "
            f"chosen model. {selection.reason_}")


def prevalence_caption(by: str, n_topics: int, n_boot: int, *, max_topics: int = MAX_PREVALENCE_TOPICS) -> str:
    """Return the caption of the prevalence figure by ``by``.

    Examples
    --------
    >>> prevalence_caption("year", 3, 1000)[:52]
    'Mean topic share per year of the 3 most prevalent to'
    """
    return (f"Mean topic share per {by} of the {min(max_topics, n_topics)} most prevalent topics, with 95% "
            f"percentile bootstrap intervals ({n_boot} resamples of the units within each group).")
