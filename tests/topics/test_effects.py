"""Covariate effects recover a planted time trend and a planted group difference."""

import numpy as np
import pandas as pd
import pytest

from stancebook.errors import ParameterError
from stancebook.topics.effects import topic_effects

TREND_PER_YEAR = 0.01  # topic 1 gains one point of share a year
GROUP_GAP = 0.10  # ... and ten points more in group "south" than in "north"


@pytest.fixture(scope="module")
def planted():
    rng = np.random.default_rng(5)
    n = 600
    years = rng.integers(2000, 2020, n)
    groups = rng.choice(["north", "south"], n)
    first = 0.2 + TREND_PER_YEAR * (years - 2000) + GROUP_GAP * (groups == "south") + rng.normal(0, 0.05, n)
    shares = np.column_stack([first, 1 - first])
    ids = np.array([f"u{i:03d}" for i in range(n)])
    units = pd.DataFrame({"unit_id": ids, "year": years, "region": groups})
    return topic_effects(shares, ids, units, group="region", n_boot=200)


def test_the_planted_trend_is_recovered_with_its_sign(planted):
    expected, _ = planted
    north = expected[(expected["topic"] == 1) & (expected["group"] == "north")].sort_values("time")
    first, last = north.iloc[0], north.iloc[-1]
    assert last["low"] > first["high"]  # rises, beyond the intervals
    truth = 0.2 + TREND_PER_YEAR * (last["time"] - 2000)
    assert last["low"] <= truth <= last["high"]


def test_the_planted_group_difference_is_covered(planted):
    _, differences = planted
    row = differences[differences["topic"] == 1].iloc[0]
    assert (row["group"], row["reference"]) == ("south", "north")
    assert 0 < row["low"] <= GROUP_GAP <= row["high"]
    other = differences[differences["topic"] == 2].iloc[0]
    assert other["high"] < 0  # shares sum to one: the other topic loses what the first gains


def test_effects_need_two_groups():
    ids = np.array([f"u{i}" for i in range(40)])
    units = pd.DataFrame({"unit_id": ids, "year": np.arange(40), "region": "one"})
    shares = np.column_stack([np.linspace(0.1, 0.9, 40), np.linspace(0.9, 0.1, 40)])
    with pytest.raises(ParameterError, match="two groups"):
        topic_effects(shares, ids, units, group="region")
