"""Figures of the corpus stage; each function draws on an axes it is given and returns it."""

from __future__ import annotations

import numpy as np


def unit_lengths_figsize() -> tuple[float, float]:
    """Width and height in inches of the unit-length histogram (:func:`plot_unit_lengths`).

    Examples
    --------
    >>> unit_lengths_figsize()
    (6.0, 3.2)
    """
    return 6.0, 3.2


def plot_unit_lengths(ax, units, *, unit=None, n_documents=None):
    """Histogram of unit lengths in words.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to draw on.
    units : pandas.DataFrame
        The units table.
    unit : str, optional
        The unit of analysis (``"sentence"``), named in the title together
        with ``n_documents``.
    n_documents : int, optional
        How many documents the units come from. When both are given the
        title reads ``"40 sentence units from 1 document(s)"``, else
        ``"Unit lengths (40 units)"``.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with labelled axes.

    See Also
    --------
    unit_lengths_figsize : The size of the figure to draw it in.

    Examples
    --------
    >>> import matplotlib.pyplot as plt  # doctest: +SKIP
    >>> fig, ax = plt.subplots(figsize=unit_lengths_figsize())  # doctest: +SKIP
    >>> plot_unit_lengths(ax, units, unit="sentence", n_documents=1)  # doctest: +SKIP
    """
    # Counted, not split: splitting every speech of a large corpus into word lists took gigabytes for a histogram.
    lengths = units["text"].astype("str").str.count(r"\S+").to_numpy(dtype=np.int64)
    if lengths.size:
        edges = np.histogram_bin_edges(lengths, bins="auto")
        ax.hist(lengths, bins=edges, color="#4c72b0", edgecolor="white")
    else:
        ax.text(0.5, 0.5, "no units", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("Unit length (words)")
    ax.set_ylabel("Number of units")
    if unit is not None and n_documents is not None:
        ax.set_title(f"{lengths.size} {unit} units from {n_documents} document(s)")
    else:
        ax.set_title(f"Unit lengths ({lengths.size} units)")
    return ax
