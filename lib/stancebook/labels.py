"""Point labels that never overlap: each label goes where it covers no label placed before it.

Plot functions call :func:`place_labels` instead of one ``ax.annotate`` per
point. The labels take no part in the figure's constrained layout, so
placing them cannot move the axes they were measured in; the figure saver
places them once more (:func:`replace_labels`) after the last change to the
figure (a title set after plotting, a second panel), right before writing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.text import Text
from matplotlib.transforms import Bbox

# Offsets in points, nearest first: the four sides, the diagonals, then farther out (with a leader line).
_DIRECTIONS = ((1, 0.3), (-1, 0.3), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1), (1, -0.3), (-1, -0.3))
_DISTANCES = (4.0, 10.0, 18.0, 28.0)
_LEADER_FROM = 18.0  # from this distance on a thin line joins the label to its point


def _candidates() -> list[tuple[float, float, str, str]]:
    out = []
    for distance in _DISTANCES:
        for dx, dy in _DIRECTIONS:
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            va = "bottom" if dy > 0.5 else "top" if dy < -0.5 else "center"
            out.append((dx * distance, dy * distance, ha, va))
    return out


_CANDIDATES = _candidates()
_REGISTRY = "_stancebook_labels"


def _overlaps(box, boxes, pad: float) -> bool:
    return any(box.x0 < b.x1 + pad and b.x0 < box.x1 + pad and box.y0 < b.y1 + pad and b.y0 < box.y1 + pad
               for b in boxes)


def _inside(box, frame) -> bool:
    return box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1


def text_box(label, renderer=None):
    """The window extent of a label's text alone (an annotation's own extent also covers its leader line)."""
    renderer = renderer or label.figure.canvas.get_renderer()
    if hasattr(label, "update_positions"):
        label.update_positions(renderer)  # an annotation places its text only when drawn
    return Text.get_window_extent(label, renderer)


def _marker_boxes(ax, points: np.ndarray, marker: float) -> list:
    """A square of half-side ``marker`` points around every point: labels keep off the markers too."""
    half = marker * ax.figure.dpi / 72
    return [Bbox([[x - half, y - half], [x + half, y + half]]) for x, y in ax.transData.transform(points)]


def _place(ax, points: np.ndarray, texts: list[str], options: dict[str, Any], others: list, marker: float) -> list:
    """Annotate ``texts`` at ``points`` greedily, in order; returns the annotations (None for a label left out)."""
    fig = ax.figure
    fig.canvas.draw()  # the final layout (labels take no part in it) and the final data limits
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = [text_box(label, renderer) for label in others] + _marker_boxes(ax, points, marker)
    placed: list = []
    for (x, y), text in zip(points, texts):
        best, outside = None, None
        for dx, dy, ha, va in _CANDIDATES:
            leader = dict(arrowstyle="-", color="#999999", lw=0.5) if max(abs(dx), abs(dy)) >= _LEADER_FROM else None
            label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                arrowprops=leader, **options)
            label.set_in_layout(False)
            box = text_box(label, renderer)
            if _overlaps(box, taken, pad=1.0):
                label.remove()
            elif _inside(box, frame):
                best = (label, box)
                break
            elif outside is None:
                outside = (label, box)  # free, but beyond the axes: kept only if nothing inside is free
            else:
                label.remove()
        if best is None:
            best = outside
        elif outside is not None:
            outside[0].remove()
        if best is not None:
            taken.append(best[1])
        placed.append(None if best is None else best[0])
    return placed


def place_labels(ax, points, texts: Sequence[str], *, fontsize: float | str = 7, marker: float = 3.0,
                 **options: Any) -> list:
    """Write each text beside its point where it overlaps no other label of the axes.

    Labels are placed in the order given (put the most important first):
    to the right, left, above or below the point, then the diagonals, then
    farther out with a thin leader line; a label that finds no free place
    within 28 points is left out rather than drawn over another.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose data (and limits) are drawn already.
    points : array-like of shape (n, 2)
        Data coordinates of the points.
    texts : sequence of str
        One label per point.
    fontsize : float or str, default 7
    marker : float, default 3.0
        Half the size, in points, of the markers the labels keep off (3 for
        ``scatter(s=36)``; larger for a ringed point).
    **options
        Passed to :meth:`matplotlib.axes.Axes.annotate` (colour, weight).

    Returns
    -------
    list
        One :class:`matplotlib.text.Annotation` per label, None where a label
        was left out.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.scatter([0, 0.01], [0, 0])
    >>> labels = place_labels(ax, [[0, 0], [0.01, 0]], ["Russia", "Belarus"])
    >>> bool(text_box(labels[0]).overlaps(text_box(labels[1])))
    False
    """
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    texts = [str(t) for t in texts]
    options = dict(options, fontsize=fontsize)
    others = [label for group in getattr(ax, _REGISTRY, []) for label in group[3] if label is not None]
    placed = _place(ax, points, texts, options, others, marker)
    options["marker"] = marker
    setattr(ax, _REGISTRY, getattr(ax, _REGISTRY, []) + [(points, texts, options, placed)])
    return placed


def replace_labels(fig) -> None:
    """Place every label of :func:`place_labels` again in the figure as it is now (the saver calls this).

    A title or a panel added after the labels were placed moves the axes; the
    labels are measured again so that none overlaps in the saved figure.
    """
    for ax in fig.axes:
        groups = getattr(ax, _REGISTRY, None)
        if not groups:
            continue
        for _points, _texts, _options, placed in groups:
            for label in placed:
                if label is not None:
                    label.remove()
        setattr(ax, _REGISTRY, [])
        for points, texts, options, _placed in groups:
            place_labels(ax, points, texts, **options)
