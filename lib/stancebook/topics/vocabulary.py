"""The topic vocabulary: which DTM columns the topic models may use.

With ``topic_exclude_names`` the topics stage drops the terms that name
places and leaders (:func:`stancebook.resources.place_names.load_place_words`)
from the matrix it fits, so that topics are themes rather than regions. The
DTM artefact itself is untouched: mentions and stance still see every term.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["place_term_mask", "without_columns"]


def place_term_mask(terms, words) -> np.ndarray:
    """Mark the terms that name a place or leader.

    A term matches when its lower-case form, or that form without a final
    possessive ``'s``, is one of ``words``; a multiword term (``north_korea``)
    matches as a whole.

    Parameters
    ----------
    terms : array-like of str
        The DTM columns.
    words : collection of str
        Lower-case place and leader words (``load_place_words``).

    Returns
    -------
    numpy.ndarray of bool, shape (n_terms,)
        True for a place or leader term.

    Examples
    --------
    >>> place_term_mask(["climate", "Fiji's", "fijian", "north_korea", "DPRK"], {"fiji", "fijian", "north_korea", "dprk"})
    array([False,  True,  True,  True,  True])
    """
    words = frozenset(words)

    def is_place(term: str) -> bool:
        folded = term.replace("\u2019", "'").lower()
        return folded in words or (folded.endswith("'s") and folded[:-2] in words)

    return np.fromiter((is_place(str(t)) for t in terms), dtype=bool, count=len(terms))


def without_columns(matrix, drop: np.ndarray) -> sp.csr_matrix:
    """The matrix with the columns marked in ``drop`` set to zero (same shape; the input is not modified).

    Zeroed columns never occur, so the topic models leave them out (they fit
    the used columns only) and every table keeps one row per DTM term.

    Examples
    --------
    >>> without_columns(sp.csr_matrix([[1, 2], [3, 4]]), np.array([True, False])).toarray().tolist()
    [[0, 2], [0, 4]]
    """
    matrix = sp.csr_matrix(matrix)
    keep = sp.diags((~np.asarray(drop, dtype=bool)).astype(matrix.dtype), dtype=matrix.dtype)
    result = (matrix @ keep).tocsr()
    result.eliminate_zeros()
    result.sort_indices()
    return result
