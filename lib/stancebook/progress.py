"""Progress bars for the long loops of every stage, in one place.

Every stage wraps its long loops (files read, tokenise chunks, topic fits,
polarity sources, bootstrap cells, clustering resamples) in :func:`bar`.
The bars are tqdm's text bars written to ``stderr``: never into a table, a
figure or anything else a run saves, so they cannot break byte-identical
outputs. In an executed notebook they are the cell's stderr output.

When bars show is decided once, here:

* ``progress=True`` / ``False`` given to a function wins;
* else the environment variable ``STANCEBOOK_PROGRESS`` (``1``/``0``);
* else bars show inside a Jupyter kernel (JupyterLab, papermill: the
  executed notebook keeps the last state of each bar) and on an
  interactive terminal, and stay quiet everywhere else (pytest, pipes,
  CI logs).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

from tqdm import tqdm

PROGRESS_ENV = "STANCEBOOK_PROGRESS"
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _in_kernel() -> bool:
    shell = sys.modules.get("IPython")
    get = getattr(shell, "get_ipython", None)
    return bool(get and get() is not None and "ipykernel" in sys.modules and hasattr(get(), "kernel"))


def enabled(progress: bool | None = None) -> bool:
    """Whether progress bars show.

    Parameters
    ----------
    progress : bool or None
        True or False decide; None: ``$STANCEBOOK_PROGRESS`` if set, else
        on in a Jupyter kernel or on a terminal, off otherwise.

    Returns
    -------
    bool

    Examples
    --------
    >>> enabled(False)
    False
    """
    if progress is not None:
        return bool(progress)
    setting = os.environ.get(PROGRESS_ENV, "").strip().lower()
    if setting in _TRUE:
        return True
    if setting in _FALSE:
        return False
    if _in_kernel():
        return True
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def bar(iterable: Iterable | None = None, *, desc: str, total: int | None = None, unit: str = "it",
        progress: bool | None = None, **options: Any) -> tqdm:
    """A progress bar over ``iterable`` (or one updated by hand), shown when :func:`enabled` says so.

    Parameters
    ----------
    iterable : iterable, optional
        Wrapped and yielded unchanged.
    desc : str
        What is counted, shown before the bar (``"topic fits"``).
    total : int, optional
        Number of steps when ``iterable`` has no length.
    unit : str
        Name of one step (``"file"``, ``"chunk"``, ``"fit"``).
    progress : bool or None
        See :func:`enabled`.
    **options
        Passed to :class:`tqdm.tqdm`.

    Returns
    -------
    tqdm.tqdm
        Iterate over it, or call ``update(n)``; a disabled bar costs nothing.

    Examples
    --------
    >>> sum(bar(range(3), desc="steps", progress=False))
    3
    """
    return tqdm(iterable, desc=desc, total=total, unit=unit, disable=not enabled(progress), file=sys.stderr,
                mininterval=0.5, dynamic_ncols=True, leave=True, **options)
