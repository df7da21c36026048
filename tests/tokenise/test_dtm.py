"""The document-term matrix: counts per unit, document-frequency bounds, saving."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from stancebook.errors import ParameterError
from stancebook.tokenise import load_dtm, save_dtm, tokenise_corpus
from tests.tokenise.samples import NO_ACTORS, TINY, dtm_of, units_of


def test_dtm_counts_terms_per_unit_in_the_units_order():
    dtm = dtm_of(units_of(*reversed(TINY), ids=["u4", "u3", "u2", "u1"]))
    assert dtm.unit_ids.tolist() == ["u4", "u3", "u2", "u1"]
    assert dtm.terms.tolist() == sorted(dtm.terms.tolist())
    counts = pd.DataFrame(dtm.matrix.toarray(), index=dtm.unit_ids, columns=dtm.terms)
    assert counts.loc["u1", "nuclear"] == 2 and counts.loc["u2", "peace"] == 2 and counts.loc["u3"].sum() == 0
    assert dtm.matrix.dtype == np.int64 and dtm.matrix.shape == (4, 9)


def test_dtm_min_df_and_max_df_prune_terms():
    units = units_of(*TINY)
    assert dtm_of(units, min_df=2).terms.tolist() == ["nuclear", "peace", "weapons"]
    assert dtm_of(units, min_df=0.5).terms.tolist() == ["nuclear", "peace", "weapons"]
    assert "nuclear" not in dtm_of(units, max_df=0.25).terms


@pytest.mark.parametrize("kwargs, name", [
    ({"min_df": 0}, "min_df"), ({"min_df": 1.5}, "min_df"), ({"max_df": 0.0}, "max_df"),
    ({"min_df": "2"}, "min_df"), ({"min_df": 3, "max_df": 0.5}, "max_df"),
])
def test_dtm_bad_df_values_are_refused_by_name(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        tokenise_corpus(units_of(*TINY), dictionary=NO_ACTORS, **kwargs)


def test_dtm_bounds_that_remove_every_term_are_refused():
    with pytest.raises(ParameterError, match="remove every one"):
        dtm_of(units_of("Peace now.", "War now.", "Trade now."), min_df=2, max_df=2)


def test_save_and_load_dtm_round_trip_with_identical_bytes(tmp_path):
    dtm = dtm_of(units_of(*TINY))
    first = save_dtm(dtm, tmp_path / "a.npz")
    second = save_dtm(dtm, tmp_path / "b.npz")
    assert first.read_bytes() == second.read_bytes()
    loaded = load_dtm(first)
    assert (loaded.matrix != dtm.matrix).nnz == 0 and loaded.matrix.dtype == np.int64
    assert loaded.terms.tolist() == dtm.terms.tolist() and loaded.unit_ids.tolist() == dtm.unit_ids.tolist()
    assert not list(tmp_path.glob("*.tmp"))


def test_term_counts_give_the_same_dtm_whatever_order_the_chunks_come_in():
    from stancebook.tokenise.dtm import TermCounts

    chunks = [(["war", "peace"], [0, 0, 1], [0, 1, 1], [2, 1, 4], 0), (["peace", "aid"], [0, 1], [1, 0], [3, 1], 2)]
    dense = []
    for order in (chunks, chunks[::-1]):
        counts = TermCounts()
        for terms, rows, cols, values, first in order:
            counts.add(terms, rows=np.array(rows), cols=np.array(cols), counts=np.array(values), first_row=first)
        dtm = counts.to_dtm(np.array(["a", "b", "c", "d"]))
        assert dtm.terms.tolist() == ["aid", "peace", "war"] and dtm.matrix.has_canonical_format
        dense.append(dtm.matrix.toarray().tolist())
    assert dense[0] == dense[1] == [[0, 1, 2], [0, 4, 0], [3, 0, 0], [0, 1, 0]]


def test_term_counts_prune_by_the_document_frequencies_counted_as_chunks_arrive():
    from stancebook.tokenise.dtm import TermCounts, prune_dtm

    rng = np.random.default_rng(7)
    dense = rng.integers(0, 3, size=(9, 6)) * (rng.random((9, 6)) < 0.4)
    names = np.array(["aid", "arms", "peace", "sanctions", "trade", "war"])
    counts = TermCounts()
    for first in (0, 4, 7):  # chunks of rows 0-3, 4-6, 7-8, each numbering only the terms it holds
        block = dense[first:first + (4 if first == 0 else 3 if first == 4 else 2)]
        held = np.flatnonzero(block.sum(axis=0))
        rows, cols = np.nonzero(block[:, held])
        counts.add(names[held].tolist(), rows=rows, cols=cols, counts=block[:, held][rows, cols], first_row=first)
    ids = np.array([f"u{i}" for i in range(9)])
    for min_df, max_df in ((1, 1.0), (2, 1.0), (1, 3), (0.3, 0.6)):
        got = counts.to_dtm(ids, min_df=min_df, max_df=max_df)
        held = dense.sum(axis=0) > 0
        expected = prune_dtm(sp.csr_matrix(dense[:, held]), names[held], ids, min_df=min_df, max_df=max_df)
        assert got.terms.tolist() == expected.terms.tolist(), (min_df, max_df)
        assert got.matrix.toarray().tolist() == expected.matrix.toarray().tolist()
        assert got.matrix.has_canonical_format


def test_term_counts_sum_a_unit_and_term_given_twice():
    from stancebook.tokenise.dtm import TermCounts

    counts = TermCounts()
    counts.add(["peace", "war"], rows=np.array([0, 0, 0]), cols=np.array([0, 1, 1]), counts=np.array([1, 2, 3]))
    counts.add(["war"], rows=np.array([0]), cols=np.array([0]), counts=np.array([4]), first_row=1)
    dtm = counts.to_dtm(np.array(["a", "b"]), min_df=2)
    assert dtm.terms.tolist() == ["war"] and dtm.matrix.toarray().tolist() == [[5], [4]]
