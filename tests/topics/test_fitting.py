"""Tests of stancebook.topics.fitting: the jobs of a grid, the units of each refit, the held-out split."""

import numpy as np
import pytest

from stancebook.errors import DataTooSmallWarning
from stancebook.topics.fitting import heldout_split, plan_jobs, stability_rows


def test_plan_has_the_kept_fit_the_refits_and_one_heldout_fit_per_lda_k():
    jobs = plan_jobs(["lda", "nmf"], [2, 3], 2, heldout=True)
    assert jobs[:3] == [("lda", 2, 0, "main"), ("lda", 2, 1, "seed"), ("lda", 2, 0, "heldout")]
    assert len(jobs) == 2 * 3 + 2 * 2
    assert not any(role == "heldout" for model, _, _, role in jobs if model == "nmf")
    assert not any(role == "heldout" for *_, role in plan_jobs(["lda"], [2], 1, heldout=False))


def test_refits_draw_the_same_seeded_sample_for_every_k():
    assert stability_rows(50, 3, 0, "main", sample=0.8, random_state=0) is None
    assert stability_rows(50, 3, 1, "seed", sample=1.0, random_state=0) is None
    k3 = stability_rows(50, 3, 1, "seed", sample=0.8, random_state=0)
    k5 = stability_rows(50, 5, 1, "seed", sample=0.8, random_state=0)
    np.testing.assert_array_equal(k3, k5)
    assert k3.size == 40 and np.all(np.diff(k3) > 0)
    assert not np.array_equal(k3, stability_rows(50, 3, 2, "seed", sample=0.8, random_state=0))
    # Never fewer units than a k-topic fit needs.
    assert stability_rows(10, 9, 1, "seed", sample=0.1, random_state=0).size == 10


def test_heldout_split_is_seeded_and_needs_twenty_units():
    notes = []
    train, test = heldout_split(60, 0.25, 0, has_lda=True, notes=notes)
    assert test.size == 15 and np.union1d(train, test).tolist() == list(range(60))
    np.testing.assert_array_equal(test, heldout_split(60, 0.25, 0, has_lda=True, notes=[])[1])
    assert heldout_split(60, 0.25, 0, has_lda=False, notes=notes)[1].size == 0
    with pytest.warns(DataTooSmallWarning, match="20 units"):
        _, test = heldout_split(19, 0.25, 0, has_lda=True, notes=notes)
    assert test.size == 0 and len(notes) == 1
