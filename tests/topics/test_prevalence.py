"""Tests of stancebook.topics.prevalence: bootstrap intervals per group."""

import numpy as np
import pandas as pd
import pytest

from stancebook.errors import ParameterError
from stancebook.topics import topic_prevalence


def test_prevalence_intervals_contain_the_estimate_and_narrow_with_more_units(prevalence_data):
    shares, unit_ids, meta = prevalence_data(20)
    small = topic_prevalence(shares, unit_ids, meta, "year", n_boot=500)
    assert list(small.columns) == ["year", "topic", "prevalence", "lower", "upper", "n_units"]
    assert small["year"].tolist() == [2020] * 3 + [2021] * 3
    assert small["n_units"].eq(20).all()
    assert (small["lower"] <= small["prevalence"]).all() and (small["prevalence"] <= small["upper"]).all()
    expected = shares[:20].mean(axis=0).round(6)
    np.testing.assert_allclose(small["prevalence"].iloc[:3], expected)
    big = topic_prevalence(*prevalence_data(400), "year", n_boot=500)
    assert ((big["upper"] - big["lower"]) < (small["upper"] - small["lower"]) / 2).all()


def test_prevalence_bootstrap_is_deterministic_with_its_seed(prevalence_data):
    shares, unit_ids, meta = prevalence_data(30)
    first = topic_prevalence(shares, unit_ids, meta, "year", n_boot=200, random_state=4)
    second = topic_prevalence(shares, unit_ids, meta, "year", n_boot=200, random_state=4)
    other = topic_prevalence(shares, unit_ids, meta, "year", n_boot=200, random_state=5)
    pd.testing.assert_frame_equal(first, second)
    assert not first[["lower", "upper"]].equals(other[["lower", "upper"]])


def test_prevalence_by_a_missing_column_names_it(prevalence_data):
    shares, unit_ids, meta = prevalence_data(5)
    with pytest.raises(ParameterError, match="'region'.*available columns.*'year'"):
        topic_prevalence(shares, unit_ids, meta, "region")


def test_prevalence_skips_units_without_terms_or_group():
    shares = np.array([[0.8, 0.2], [0.5, 0.5], [0.6, 0.4], [0.1, 0.9]])
    meta = pd.DataFrame({"unit_id": ["a", "b", "c", "d"], "actor": ["USA", "USA", None, "RUS"]})
    table = topic_prevalence(shares, ["a", "b", "c", "d"], meta, "actor", n_boot=50)
    assert table["actor"].tolist() == ["RUS", "RUS", "USA", "USA"]
    assert table["n_units"].tolist() == [1, 1, 1, 1]
    assert table.loc[table["actor"] == "USA", "prevalence"].tolist() == [0.8, 0.2]
