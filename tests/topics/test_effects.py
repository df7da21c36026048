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


def test_the_stage_writes_effects_when_asked(tmp_path, make_planted_corpus):
    from stancebook import catalog
    from stancebook.artefacts import Dtm
    from stancebook.params import defaults
    from stancebook.paths import RunPaths
    from stancebook.topics import fit_and_describe

    dtm, terms, unit_ids, _ = make_planted_corpus(seed=7, n_docs=60, doc_len=25)
    paths = RunPaths.for_run("effects-test", run_dir=tmp_path / "run", figures_dir=tmp_path / "figures").ensure()
    catalog.write(Dtm(dtm.tocsr(), terms, unit_ids), paths, "dtm")
    catalog.write(pd.DataFrame({"unit_id": unit_ids, "doc_id": "d", "unit_index": 0, "text": "t", "orig_start": 0,
                                "orig_end": 1, "offset_breaks": [[0, 0]] * 60, "year": np.arange(60) % 10 + 2010,
                                "region": np.where(np.arange(60) % 2, "Asia", "Africa")}), paths, "units")
    params = defaults() | {"topic_models": ["nmf"], "k_grid": [3], "topic_seeds": 1, "n_boot": 100,
                           "topic_effects": "year + region", "prevalence_by": []}
    result = fit_and_describe(paths, params)
    expected, differences = result.effects
    assert set(expected["group"]) == {"Africa", "Asia"} and len(differences) == 3
    assert catalog.read(paths, "topic_effect_differences")["reference"].eq("Africa").all()
    missing = fit_and_describe(paths, params | {"topic_effects": "year + bloc"})
    assert missing.effects is None and any("'bloc'" in note for note in missing.notes)


def test_a_bad_effects_formula_is_refused_by_name():
    from stancebook.params import validate

    with pytest.raises(ParameterError, match="topic_effects"):
        validate({"topic_effects": "year"})


def test_plot_effects_draws_a_band_per_group_for_each_topic(planted):
    import matplotlib.pyplot as plt

    from stancebook.topics import plot_effects

    expected, _ = planted
    fig, axes = plt.subplots(1, 3)
    try:
        assert plot_effects(axes, expected, labels=["rising", "falling"]) is axes
        assert [len(ax.lines) for ax in axes[:2]] == [2, 2] and not axes[2].get_visible()
        assert axes[0].get_title() == "Topic 1: rising"
    finally:
        plt.close(fig)
