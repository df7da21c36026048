"""Topics fitted on passages of long documents, and their shares aggregated back to the documents.

A 3,000-word speech touches many themes; fitted as one unit, its topic
shares blur them and its most frequent words (its own country, its region)
dominate. Fitted on passages of about 150 words (the ``passage_dtm`` that
stage 1 writes when ``topic_unit`` is ``passage``), each passage is mostly
about one theme. A document's share of a topic is then the mean of its
passages' shares, weighted by their numbers of terms, so that every term of
the document counts once, as in a document-level fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from stancebook.errors import StancebookError

__all__ = ["passage_units", "document_shares"]

SEPARATOR = "#p"


def passage_units(passage_ids, unit_ids) -> np.ndarray:
    """Row of each passage's unit in ``unit_ids`` (passage ids are ``<unit_id>#p<n>``).

    Raises
    ------
    StancebookError
        A passage names a unit the DTM does not have (the two artefacts are
        from different runs).

    Examples
    --------
    >>> passage_units(["a#p1", "a#p2", "b#p1"], ["b", "a"]).tolist()
    [1, 1, 0]
    """
    owners = [str(p).rsplit(SEPARATOR, 1)[0] for p in passage_ids]
    row_of = pd.Series(np.arange(len(unit_ids)), index=pd.Index(np.asarray(unit_ids, dtype=str), dtype=object))
    rows = row_of.reindex(owners).to_numpy()
    if np.isnan(rows).any():
        missing = owners[int(np.flatnonzero(np.isnan(rows))[0])]
        raise StancebookError(f"passage_dtm: passage unit {missing!r} is not a unit of the dtm; the two artefacts "
                              "come from different runs. Re-run 01_tokenise.")
    return rows.astype(np.int64)


def document_shares(passage_topic: np.ndarray, passage_counts, rows: np.ndarray, n_units: int) -> np.ndarray:
    """Each unit's topic shares: the mean of its passages' shares weighted by their numbers of terms.

    Parameters
    ----------
    passage_topic : numpy.ndarray, shape (n_passages, k)
        Shares of every passage (rows sum to 1).
    passage_counts : sparse matrix, shape (n_passages, n_terms)
        The counts the model saw (the weights are their row sums).
    rows : numpy.ndarray of int, shape (n_passages,)
        Unit of each passage (:func:`passage_units`).
    n_units : int

    Returns
    -------
    numpy.ndarray, shape (n_units, k)
        Rows sum to 1; a unit without terms gets equal shares ``1/k``.

    Examples
    --------
    >>> shares = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    >>> counts = sp.csr_matrix([[3], [1], [0]])
    >>> document_shares(shares, counts, np.array([0, 0, 1]), 2).tolist()
    [[0.75, 0.25], [0.5, 0.5]]
    """
    k = passage_topic.shape[1]
    weights = np.asarray(sp.csr_matrix(passage_counts).sum(axis=1)).ravel()
    owner = sp.csr_matrix((weights, (rows, np.arange(rows.size))), shape=(n_units, rows.size))
    totals = np.asarray(owner.sum(axis=1)).ravel()
    summed = owner @ passage_topic
    shares = np.full((n_units, k), 1.0 / k)
    has = totals > 0
    shares[has] = summed[has] / totals[has, None]
    return shares
