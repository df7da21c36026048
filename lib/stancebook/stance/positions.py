"""Reference-holder scaling: each holder's position on a line fixed by reference holders (Wordscores).

Political scientists place UN speeches on a West-East line by anchoring it
with reference speakers (``reference_holders: {USA: 1, RUS: -1}``) and
scoring every other speaker by the words they share with them. The position
is independent of the stance sources: it reads word use, not stance toward
targets, and is reported beside the stance clusters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from stancebook.checks import require_columns
from stancebook.errors import ParameterError

POSITION_COLUMNS = ["holder", "reference", "position", "rescaled", "n_scored_words"]

__all__ = ["POSITION_COLUMNS", "wordscores"]


def wordscores(matrix, holder_of_row, reference: dict, *, min_count: int = 1) -> pd.DataFrame:
    """Wordscores positions of every holder from the word counts of its units.

    Parameters
    ----------
    matrix : scipy.sparse matrix of shape (n_units, n_terms)
        Term counts per unit (the run's DTM).
    holder_of_row : sequence of str
        The holder of each row of ``matrix``.
    reference : dict of str to float
        Reference holders and their positions, at least two distinct values.
    min_count : int, default 1
        Words seen fewer times across the reference holders get no score.

    Returns
    -------
    pandas.DataFrame
        :data:`POSITION_COLUMNS`, one row per holder, sorted by position:
        ``position`` is the raw Wordscores score, ``rescaled`` the Martin &
        Vanberg (2008) transformation that gives virgin holders the spread
        of the reference scores; reference holders keep their reference
        value in ``reference``.

    Raises
    ------
    ParameterError
        Fewer than two reference holders with text, or one value for all.

    References
    ----------
    .. [1] Laver, M., Benoit, K., & Garry, J. (2003). Extracting policy positions from political texts
       using words as data. American Political Science Review, 97(2), 311-331.
    .. [2] Martin, L. W., & Vanberg, G. (2008). A robust transformation procedure for interpreting
       political text. Political Analysis, 16(1), 93-100.

    Examples
    --------
    >>> X = sparse.csr_matrix(np.array([[4, 0, 1], [0, 4, 1], [2, 2, 1], [3, 1, 0]]))
    >>> out = wordscores(X, ["west", "east", "mid", "leaning"], {"west": 1, "east": -1})
    >>> out.set_index("holder").loc[["west", "mid", "leaning", "east"], "position"].round(2).tolist()
    [0.8, 0.0, 0.5, -0.8]
    """
    holders = np.asarray([str(h) for h in holder_of_row], dtype=object)
    if len(holders) != matrix.shape[0]:
        raise ParameterError(f"holder_of_row has {len(holders)} entries for {matrix.shape[0]} rows.")
    names, index = np.unique(holders, return_inverse=True)
    pooled = sparse.csr_matrix((np.ones(len(holders)), (index, np.arange(len(holders)))),
                               shape=(len(names), len(holders))) @ sparse.csr_matrix(matrix)
    pooled = sparse.csr_matrix(pooled, dtype=float)
    refs = [(i, float(reference[h])) for i, h in enumerate(names) if h in reference]
    if len(refs) < 2 or len({v for _, v in refs}) < 2:
        raise ParameterError(f"reference_holders needs at least two holders with text and two different values; "
                             f"found {[names[i] for i, _ in refs]} among the holders.")
    rows, values = [i for i, _ in refs], np.array([v for _, v in refs])
    ref_counts = pooled[rows].toarray()
    relative = ref_counts / np.maximum(ref_counts.sum(axis=1, keepdims=True), 1)
    scored = ref_counts.sum(axis=0) >= min_count
    share = relative / np.where(relative.sum(axis=0) > 0, relative.sum(axis=0), 1)
    word_score = np.where(scored, (share * values[:, None]).sum(axis=0), 0.0)
    counts = pooled.toarray()[:, scored]
    totals = counts.sum(axis=1)
    position = np.where(totals > 0, counts @ word_score[scored] / np.maximum(totals, 1), np.nan)
    virgin = np.array([i not in rows for i in range(len(names))]) & ~np.isnan(position)
    rescaled = position.copy()
    if virgin.sum() >= 2 and np.nanstd(position[virgin]) > 0:
        ref_raw = position[rows]
        low, high = ref_raw.min(), ref_raw.max()
        rescaled = (position - low) / (high - low) * (values.max() - values.min()) + values.min() \
            if high > low else position
    out = pd.DataFrame({"holder": names, "reference": [reference.get(h, np.nan) for h in names],
                        "position": position.round(6), "rescaled": np.round(rescaled, 6),
                        "n_scored_words": totals.astype(np.int64)})
    require_columns(out, POSITION_COLUMNS, "positions")
    return out.sort_values(["position", "holder"], kind="stable").reset_index(drop=True)
