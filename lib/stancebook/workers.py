"""The one reading of an ``n_jobs`` parameter, shared by every stage that starts worker processes."""

from __future__ import annotations

import os

import numpy as np

from stancebook.errors import ParameterError


def n_workers(n_jobs) -> int:
    """Validate ``n_jobs`` and return the number of processes it asks for.

    Parameters
    ----------
    n_jobs : int
        A positive number of processes, or -1 for every core this process
        may use.

    Returns
    -------
    int
        At least 1.

    Raises
    ------
    ParameterError
        ``n_jobs`` is not an integer, is 0 or is below -1; the message names it.

    Examples
    --------
    >>> n_workers(2)
    2
    >>> n_workers(-1) >= 1
    True
    """
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise ParameterError(f"`n_jobs` must be a positive number of processes or -1 (every core), got {n_jobs!r}.")
    if n_jobs == -1:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return int(n_jobs)
