"""Covariate effects recover a planted time trend and a planted group difference."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from stancebook.errors import ParameterError
from stancebook.topics.effects import topic_effects

TREND_PER_YEAR = 0.01  # topic 1 gains one point of share a year
GROUP_GAP = 0.10  # ... and ten points more in group "south" than in "north"


@pytest.fixture(scope="module")
def planted_shares():
    rng = np.random.default_rng(5)
    n = 600
    years = rng.integers(2000, 2020, n)
    groups = rng.choice(["north", "south"], n)
    first = 0.2 + TREND_PER_YEAR * (years - 2000) + GROUP_GAP * (groups == "south") + rng.normal(0, 0.05, n)
    shares = np.column_stack([first, 1 - first])
    ids = np.array([f"u{i:03d}" for i in range(n)])
    units = pd.DataFrame({"unit_id": ids, "year": years, "region": groups})
    return shares, ids, units


@pytest.fixture(scope="module")
def planted(planted_shares):
    shares, ids, units = planted_shares
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


def _planted_trend_corpus(*, seed=3, n_docs=800, doc_len=20, words=20, overlap=6):
    """Three topics over overlapping vocabularies; topic 1's mean share rises by a year and is higher in the south.

    Shares ~ Dirichlet with mean (m, (1 - m) / 2, (1 - m) / 2), m = 0.2 + 0.01 (year - 2000) + 0.1 south;
    neighbouring topics share ``overlap`` words, so refits of the topic model differ somewhat.
    """
    rng = np.random.default_rng(seed)
    years = rng.integers(2000, 2020, n_docs)
    south = rng.random(n_docs) < 0.5
    first = 0.2 + TREND_PER_YEAR * (years - 2000) + GROUP_GAP * south
    theta = np.vstack([rng.dirichlet([m, (1 - m) / 2, (1 - m) / 2]) for m in first])
    n_terms = 3 * words
    beta = np.zeros((3, n_terms))
    for t in range(3):
        lo, hi = max(0, t * words - overlap), min(n_terms, (t + 1) * words + overlap)
        beta[t, lo:hi] = rng.dirichlet(np.ones(hi - lo))
    counts = np.vstack([rng.multinomial(doc_len, p) for p in theta @ beta])
    ids = np.array([f"d{i:03d}" for i in range(n_docs)])
    units = pd.DataFrame({"unit_id": ids, "year": years, "region": np.where(south, "south", "north")})
    terms = np.array([f"w{i:02d}" for i in range(n_terms)])
    return sp.csr_matrix(counts), terms, ids, units, beta


@pytest.fixture(scope="module")
def fitted_trend():
    """An LDA fit (k = 3, two refits) of the planted-trend corpus, and the effects without and with its refits."""
    from stancebook.topics import TopicModelSelection
    from stancebook.topics.quality import match_topics

    dtm, terms, ids, units, beta = _planted_trend_corpus()
    selection = TopicModelSelection(models=("lda",), n_topics=3, n_seeds=3).fit(dtm, terms, ids)
    planted = int(match_topics(beta, selection.topic_word_)[0]) + 1
    alone = topic_effects(selection.unit_topic_, ids, units, group="region", n_boot=300)
    composed = topic_effects(selection.unit_topic_, ids, units, group="region", n_boot=300,
                             model_draws=selection.refit_unit_topic_)
    return selection, planted, alone, composed


def test_refit_shares_follow_the_kept_topics(fitted_trend):
    selection, *_ = fitted_trend
    assert len(selection.refit_unit_topic_) == 2
    for draw in selection.refit_unit_topic_:
        assert draw.shape == selection.unit_topic_.shape and np.allclose(draw.sum(axis=1), 1)
        # topics matched to the kept fit's: each refit topic's shares track the same kept topic
        same = [np.corrcoef(draw[:, t], selection.unit_topic_[:, t])[0, 1] for t in range(3)]
        assert min(same) > 0.8


def test_model_uncertainty_widens_the_bands_and_they_still_cover_the_truth(fitted_trend):
    _, planted, alone, composed = fitted_trend
    width = [(table["high"] - table["low"]).mean() for table in (alone[0], composed[0])]
    assert width[1] > width[0]
    gap = composed[1][composed[1]["topic"] == planted].iloc[0]
    assert gap["low"] <= GROUP_GAP <= gap["high"] and gap["low"] > 0
    north = composed[0][(composed[0]["topic"] == planted) & (composed[0]["group"] == "north")].sort_values("time")
    for row in (north.iloc[0], north.iloc[len(north) // 2], north.iloc[-1]):
        assert row["low"] <= 0.2 + TREND_PER_YEAR * (row["time"] - 2000) <= row["high"]


def test_draws_equal_to_the_kept_shares_change_nothing(planted_shares):
    shares, ids, units = planted_shares
    alone = topic_effects(shares, ids, units, group="region", n_boot=100)
    same = topic_effects(shares, ids, units, group="region", n_boot=100, model_draws=[shares, shares])
    pd.testing.assert_frame_equal(alone[0], same[0])
    pd.testing.assert_frame_equal(alone[1], same[1])
    with pytest.raises(ParameterError, match="model_draws"):
        topic_effects(shares, ids, units, group="region", model_draws=[shares[:, :1]])
