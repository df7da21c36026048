"""The document-term matrix: counts gathered chunk by chunk, then pruned by document frequency."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp

from stancebook.artefacts import Dtm
from stancebook.checks import is_int, is_number
from stancebook.errors import ParameterError

__all__ = ["TermCounts", "df_bounds", "prune_dtm"]

# Document frequencies are whole numbers; the tolerance keeps a share such as 0.5 x 4 units = 2 exact.
_EPS = 1e-9


def _df_bound(value, name: str, n_units: int) -> float:
    """A document-frequency bound as a number of units (a float is a share of ``n_units``)."""
    if not is_number(value):
        raise ParameterError(f"{name} must be a number, got {value!r}.")
    if not is_int(value):
        if not 0.0 < value <= 1.0:
            raise ParameterError(f"{name}={value!r}: a float is a share of units and must be in (0, 1].")
        return value * n_units
    if value < 1:
        raise ParameterError(f"{name}={value!r}: an integer is a number of units and must be >= 1.")
    return float(value)


def df_bounds(min_df, max_df, n_units: int) -> tuple[float, float]:
    """Check ``min_df`` and ``max_df`` and return them as numbers of units.

    Parameters
    ----------
    min_df, max_df : int or float
        An int is a number of units (>= 1); a float is a share of units in (0, 1].
    n_units : int
        The number of rows of the DTM.

    Returns
    -------
    (float, float)
        The lowest and highest number of units a kept term may occur in.

    Raises
    ------
    ParameterError
        Naming ``min_df`` or ``max_df`` when one is not a number, out of range,
        or when together they can keep no term.

    Examples
    --------
    >>> df_bounds(2, 0.5, 10)
    (2.0, 5.0)
    """
    low = _df_bound(min_df, "min_df", n_units)
    high = _df_bound(max_df, "max_df", n_units)
    if n_units and math.ceil(low - _EPS) > math.floor(high + _EPS):
        raise ParameterError(f"min_df={min_df!r} keeps terms in at least {math.ceil(low - _EPS)} units but "
                             f"max_df={max_df!r} keeps them in at most {math.floor(high + _EPS)}; "
                             "lower min_df or raise max_df.")
    return low, high


def prune_dtm(matrix, vocabulary: np.ndarray, unit_ids: np.ndarray, *, min_df=1, max_df=1.0,
              df: np.ndarray | None = None) -> Dtm:
    """Drop the columns outside the document-frequency bounds; an int64 CSR matrix with sorted indices.

    Parameters
    ----------
    matrix : scipy.sparse matrix
        Counts, one row per unit, one column per term of ``vocabulary``.
    vocabulary : numpy.ndarray of str
        The column labels, sorted.
    unit_ids : numpy.ndarray of str
        The row labels.
    min_df, max_df : int or float
        As in :func:`df_bounds`.
    df : numpy.ndarray of int, optional
        The units holding each term, when the caller has counted them
        (stored entries per column); counted from ``matrix`` otherwise.

    Returns
    -------
    Dtm

    Raises
    ------
    ParameterError
        The bounds remove every term.

    Examples
    --------
    >>> matrix = sp.csr_matrix([[1, 2], [0, 1]])
    >>> prune_dtm(matrix, np.array(["peace", "war"]), np.array(["a", "b"]), min_df=2).terms.tolist()
    ['war']
    """
    low, high = df_bounds(min_df, max_df, len(unit_ids))
    if len(vocabulary):
        # stored entries per column: a bincount of a CSR's column indices is the
        # same count as the CSC column pointer, without converting the matrix
        if df is None:
            df = (np.bincount(matrix.indices, minlength=len(vocabulary))
                  if sp.issparse(matrix) and matrix.format == "csr" else np.diff(sp.csc_matrix(matrix).indptr))
        keep = (df >= low - _EPS) & (df <= high + _EPS)
        if not keep.any():
            raise ParameterError(f"min_df={min_df!r} and max_df={max_df!r} remove every one of the "
                                 f"{len(vocabulary)} terms; lower min_df or raise max_df.")
        if not keep.all():
            matrix = matrix[:, np.flatnonzero(keep)]
            vocabulary = vocabulary[keep]
    matrix = sp.csr_matrix(matrix, dtype=np.int64)
    matrix.sort_indices()
    return Dtm(matrix=matrix, terms=vocabulary, unit_ids=unit_ids)


class TermCounts:
    """(unit, term) counts gathered chunk by chunk into one vocabulary.

    Each chunk numbers its own terms; :meth:`to_dtm` maps them to the corpus
    vocabulary at once (one hash-based factorisation of every chunk's terms,
    then the distinct terms sorted), so nothing is done per term while the
    chunks stream in. When each chunk numbers its terms in sorted order,
    gives each row's entries by ascending column, and covers rows after
    those of the chunk before (as :func:`stancebook.tokenise.chunk.chunk_tables`
    and :func:`~stancebook.tokenise.tokenise_corpus` do), the columns stay
    sorted within each row, the row pointer and the document frequencies
    are counted per chunk as it arrives, and the matrix is assembled as it
    stands. Any other chunks are accepted too; their entries are then
    sorted, and a (row, term) given twice summed, at the end.

    Examples
    --------
    >>> counts = TermCounts()
    >>> counts.add(["war", "peace"], rows=np.array([0, 0]), cols=np.array([0, 1]), counts=np.array([2, 1]))
    >>> counts.add(["war"], rows=np.array([0]), cols=np.array([0]), counts=np.array([1]), first_row=1)
    >>> counts.to_dtm(np.array(["a", "b"])).matrix.toarray().tolist()
    [[1, 2], [0, 1]]
    """

    def __init__(self) -> None:
        self._in_order = True
        self._next_row = 0  # the first row a chunk in order may start at
        self._terms: list[np.ndarray] = []
        self._first_rows: list[int] = []
        self._rows: list[np.ndarray] = []  # as given, without first_row
        self._cols: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []
        self._df: list[np.ndarray] = []  # per chunk term: its entries (units), while every chunk is in order

    def add(self, terms: list, *, rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, first_row: int = 0) -> None:
        """Add one chunk: ``counts[i]`` of chunk term ``terms[cols[i]]`` in row ``first_row + rows[i]``."""
        terms = np.asarray(terms, dtype=object).reshape(-1)
        rows, cols, counts = (np.asarray(x).reshape(-1) for x in (rows, cols, counts))
        self._in_order = self._in_order and _in_order(terms, rows, cols, first_row, self._next_row)
        if self._in_order:
            self._df.append(np.bincount(cols, minlength=len(terms)))
            if rows.size:
                self._next_row = first_row + int(rows[-1]) + 1
        self._terms.append(terms)
        self._first_rows.append(int(first_row))
        self._rows.append(rows)
        self._cols.append(cols)
        self._counts.append(counts.astype(np.int64, copy=False))

    def _vocabulary(self) -> tuple[np.ndarray, np.ndarray]:
        """The sorted vocabulary (object array) and the column of every chunk term, chunk after chunk."""
        if not self._terms:
            return np.zeros(0, dtype=object), np.zeros(0, dtype=np.int32)
        codes, distinct = pd.factorize(np.concatenate(self._terms), sort=False)
        distinct = np.asarray(distinct, dtype=object)
        order = np.array(sorted(range(len(distinct)), key=distinct.__getitem__), dtype=np.int64)
        rank = np.empty(len(order), dtype=np.int32)  # scipy keeps int32 column indices
        rank[order] = np.arange(len(order), dtype=np.int32)
        return distinct[order], rank[codes]

    def to_dtm(self, unit_ids: np.ndarray, *, min_df=1, max_df=1.0) -> Dtm:
        """The DTM of every chunk added: one row per unit id, columns sorted by term, pruned by df."""
        terms, column_of = self._vocabulary()
        offsets = np.cumsum([0] + [len(t) for t in self._terms])
        cols = _joined([column_of[offsets[k]:offsets[k + 1]][c] for k, c in enumerate(self._cols)])
        counts = _joined(self._counts)
        shape = (len(unit_ids), len(terms))
        if self._in_order and self._next_row <= shape[0]:
            # rows ascending, columns ascending within each row: the CSR arrays as they stand
            per_row = np.zeros(shape[0], dtype=np.int64)
            for first, rows in zip(self._first_rows, self._rows):
                if rows.size:
                    per_row[first:first + int(rows[-1]) + 1] += np.bincount(rows)
            indptr = np.concatenate(([0], np.cumsum(per_row)))
            matrix = sp.csr_matrix((counts, cols, indptr), shape=shape, dtype=np.int64)
            matrix.has_sorted_indices = True
            df = np.bincount(column_of, weights=_joined(self._df), minlength=len(terms)).astype(np.int64)
        else:
            rows = _joined([np.asarray(r, dtype=np.int64) + f for f, r in zip(self._first_rows, self._rows)])
            matrix = sp.csr_matrix((counts, (rows, cols)), shape=shape, dtype=np.int64)
            matrix.sum_duplicates()  # sorts the indices; sums a (row, term) given twice
            df = None
        vocabulary = np.asarray(terms.tolist() if len(terms) else [], dtype=str)
        return prune_dtm(matrix, vocabulary, unit_ids, min_df=min_df, max_df=max_df, df=df)


def _in_order(terms: np.ndarray, rows: np.ndarray, cols: np.ndarray, first_row: int, next_row: int) -> bool:
    """Whether a chunk keeps the DTM's columns sorted: terms sorted, entries by row then column, rows after the last."""
    if not rows.size:
        return True
    if first_row < next_row or rows[0] < 0 or not np.all(terms[1:] > terms[:-1]):
        return False
    same_row = rows[1:] == rows[:-1]
    return bool(np.all(rows[1:] >= rows[:-1]) and not np.any(same_row & (cols[1:] <= cols[:-1])))


def _joined(parts: list) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
