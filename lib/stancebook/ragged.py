"""Index arithmetic over groups laid end to end (CSR-like arrays): positions within groups, ranges expanded.

Shared by the stages (tokenise lays out pieces, tokens and mentions with it; the stance stage's n-gram
counter, each text's words and bigrams).
"""

from __future__ import annotations

import numpy as np

__all__ = ["expand_ranges", "positions_in_groups"]


def positions_in_groups(counts) -> np.ndarray:
    """``0, 1, ..., counts[k] - 1`` for each group ``k``, laid end to end.

    Examples
    --------
    >>> positions_in_groups(np.array([2, 0, 3])).tolist()
    [0, 1, 0, 1, 2]
    """
    counts = np.asarray(counts, dtype=np.int64)
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def expand_ranges(starts, counts) -> np.ndarray:
    """``starts[k], starts[k] + 1, ..., starts[k] + counts[k] - 1`` for each ``k``, laid end to end.

    Examples
    --------
    >>> expand_ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist()
    [5, 6, 9, 10, 11]
    """
    counts = np.asarray(counts, dtype=np.int64)
    return np.repeat(np.asarray(starts, dtype=np.int64), counts) + positions_in_groups(counts)
