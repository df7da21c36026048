"""Figures of the tokenise stage: top terms, keyness, target mentions, and their sizes.

Every function draws on the axes it is given and returns it; saving is the
notebook's ``stage.figures.save``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.errors import ParameterError
from stancebook.resources.actors import MENTION_KINDS, ActorDictionary

__all__ = ["figure_size", "plot_keyness", "plot_mentions", "plot_top_terms"]

_MENTION_COLOURS = ["#4C72B0", "#55A868", "#C44E52", "#8172B2", "#CCB974"]


def figure_size(figure: str, *, n_terms: int = 0) -> dict[str, float]:
    """Width and height in inches of a figure of the stage, for ``new_figure(**figure_size(...))``.

    Parameters
    ----------
    figure : {"terms-overview", "keyness"}
        The figure: top terms beside target mentions, or the keyness bars.
    n_terms : int, default 0
        Rows of the keyness table: each bar gets a fifth of an inch.

    Returns
    -------
    dict
        ``{"width": ..., "height": ...}``.

    Examples
    --------
    >>> figure_size("keyness", n_terms=10)
    {'width': 6.5, 'height': 3.2}
    """
    if figure == "terms-overview":
        return {"width": 10, "height": 4.8}
    if figure == "keyness":
        return {"width": 6.5, "height": 1.2 + 0.2 * n_terms}
    raise ParameterError(f"figure={figure!r}: the tokenise figures are 'terms-overview' and 'keyness'.")


def plot_top_terms(ax, table: pd.DataFrame):
    """Horizontal bars of term counts, the most frequent on top.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    table : pandas.DataFrame
        From :func:`~stancebook.tokenise.top_terms` (``term``, ``count``).

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    stancebook.tokenise.top_terms : the table drawn.

    Examples
    --------
    >>> plot_top_terms(ax, top_terms(dtm))  # doctest: +SKIP
    """
    terms = table["term"].astype(str).tolist()[::-1]
    counts = table["count"].to_numpy()[::-1]
    ax.barh(np.arange(len(terms)), counts, color="#4C72B0")
    ax.set_yticks(np.arange(len(terms)), labels=terms)
    ax.set_xlabel("Occurrences in the corpus")
    ax.set_title("Most frequent terms")
    if not terms:
        ax.text(0.5, 0.5, "no terms", ha="center", va="center", transform=ax.transAxes)
    return ax


def plot_keyness(ax, table: pd.DataFrame, *, title: str = "Keyness: target units against the rest"):
    """Diverging bars of signed G2: over-used terms right, under-used left.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    table : pandas.DataFrame
        From :func:`~stancebook.tokenise.keyness` (``term``, ``g2``).
    title : str
        The axes title.

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    stancebook.tokenise.keyness : the table drawn.
    figure_size : the height that fits the bars.

    Examples
    --------
    >>> plot_keyness(ax, keyness(dtm, mask))  # doctest: +SKIP
    """
    terms = table["term"].astype(str).tolist()[::-1]
    g2 = table["g2"].to_numpy(dtype=float)[::-1]
    colors = np.where(g2 >= 0, "#C44E52", "#4C72B0")
    ax.barh(np.arange(len(terms)), g2, color=colors)
    ax.set_yticks(np.arange(len(terms)), labels=terms)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel("Signed log-likelihood G² (right: more in target units, left: more in the rest)")
    ax.set_title(title)
    if not terms:
        ax.text(0.5, 0.5, "no key terms", ha="center", va="center", transform=ax.transAxes)
    return ax


def plot_mentions(ax, mentions: pd.DataFrame, dictionary: ActorDictionary):
    """Mentions per target, stacked by kind (name, demonym, capital, leader, metonym).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    mentions : pandas.DataFrame
        The mentions table (``target``, ``kind``).
    dictionary : ActorDictionary
        Supplies the target labels.

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    stancebook.tokenise.mention_counts : the same counts as a table.

    Examples
    --------
    >>> plot_mentions(ax, mentions, load_actor_dictionary())  # doctest: +SKIP
    """
    labels = dictionary.labels
    counts = pd.crosstab(mentions["target"].astype(str), mentions["kind"].astype(str)) if len(mentions) else None
    if counts is None or counts.empty:
        ax.text(0.5, 0.5, "no target mentions", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    counts = counts.reindex(columns=[k for k in MENTION_KINDS if k in counts.columns])
    totals = counts.sum(axis=1)
    position = {t: i for i, t in enumerate(labels)}
    # barh draws bottom-up: the most mentioned target (ties: first in the dictionary) ends on top.
    order = sorted(counts.index, key=lambda t: (totals[t], -position.get(t, len(position)), t))
    counts = counts.loc[order]
    y = np.arange(len(order))
    left = np.zeros(len(order))
    palette = dict(zip(MENTION_KINDS, _MENTION_COLOURS))
    for kind in counts.columns:
        values = counts[kind].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=palette[kind], label=kind)
        left += values
    ax.set_yticks(y, labels=[labels.get(t, t) for t in order])
    ax.set_xlabel("Mentions")
    ax.set_title("Target mentions by kind")
    ax.legend(title="kind", loc="lower right", frameon=False)
    return ax
