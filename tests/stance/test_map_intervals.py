"""How firmly the speeches place each holder on the holder map (bootstrap intervals of map positions)."""

import numpy as np
import pandas as pd
import pytest

from stancebook import stance
from stancebook.errors import ParameterError
from stancebook.stance.features import centre_holders, holder_stance_features, shrunk_holder_features
from stancebook.stance.map_intervals import cell_features
from stancebook.stance.polarity import polarity_columns


def _triples(rows):
    """Triples from (holder, unit, sentence, target, stance) rows; every other source neutral."""
    frame = pd.DataFrame(rows, columns=["holder", "unit_id", "sentence", "target", "polarity_stance"])
    for column in polarity_columns():
        if column != "polarity_stance":
            frame[column] = 0.0
    return frame.drop(columns="holder"), frame.set_index("unit_id")["holder"].groupby(level=0).first()


def _corpus(seed=0):
    """Two firm blocs, six speeches each, and a quiet holder who names each pole once, warmly."""
    rng = np.random.default_rng(seed)
    rows = []
    for bloc, (x, y) in {"east": (1.0, -1.0), "west": (-1.0, 1.0)}.items():
        for h in range(3):
            for u in range(6):
                for s in range(4):
                    noise = rng.choice([0.0, 0.0, 0.0, -1.0]) if s == 0 else 0.0
                    rows.append((f"{bloc}{h}", f"{bloc}{h}-{u}", s, "x", x + noise if x > 0 else x))
                    rows.append((f"{bloc}{h}", f"{bloc}{h}-{u}", s + 10, "y", y))
                    rows.append((f"{bloc}{h}", f"{bloc}{h}-{u}", s + 20, "un", 1.0))
    for u in range(6):
        rows.append(("quiet", f"quiet-{u}", 0, "un", 1.0))
    rows.append(("quiet", "quiet-0", 1, "x", 1.0))
    rows.append(("quiet", "quiet-3", 1, "y", 1.0))
    rows.append(("single", "single-0", 0, "x", 1.0))
    rows.append(("single", "single-0", 1, "x", 1.0))
    rows.append(("single", "single-0", 2, "y", -1.0))
    triples, holder_of = _triples(rows)
    units = pd.DataFrame({"unit_id": list(holder_of.index) + ["silent-0"],
                          "speaker": list(holder_of.to_numpy()) + ["silent"], "text": "..."})
    return triples, units


def _map_and_intervals(triples, units, *, n_boot=400, random_state=0):
    profiles = stance.stance_profiles(triples, units, targets=["x", "y", "un"], holder_column="speaker", n_boot=100)
    holders = profiles["holder"].drop_duplicates().to_numpy()
    H = centre_holders(shrunk_holder_features(profiles, holders, ["x", "y", "un"], source="stance")[0])
    centre_point, loadings = stance.map_axes(H)
    coords = stance.stance_map(H)
    out = stance.holder_map_intervals(triples, units, holders, ["x", "y", "un"], coords=coords,
                                      centre_point=centre_point, loadings=loadings, holder_column="speaker",
                                      n_boot=n_boot, random_state=random_state)
    return out.set_index("holder")


def test_cell_features_are_the_maps_own_features():
    """The array form used for every resample equals the map's feature functions (the oracle) on one table."""
    profiles = pd.DataFrame({"holder": ["a", "a", "b", "b", "c", "c"], "target": ["x", "y"] * 3,
                             "n_sentences": [9, 1, 2, 0, 5, 5], "polarity_stance": [1.0, -1.0, 0.5, np.nan, -1.0, 0.0]})
    values = profiles.pivot(index="holder", columns="target", values="polarity_stance").to_numpy()
    counts = profiles.pivot(index="holder", columns="target", values="n_sentences").to_numpy()
    shrunk, _ = shrunk_holder_features(profiles, ["a", "b", "c"], ["x", "y"])
    np.testing.assert_allclose(cell_features(values, counts, centre="none"), shrunk, atol=1e-12)
    np.testing.assert_allclose(cell_features(values, counts), centre_holders(shrunk), atol=1e-12)
    indicator, names = holder_stance_features(profiles, ["a", "b", "c"], ["x", "y"], source="stance")
    centred = centre_holders(indicator, columns=[j for j, n in enumerate(names) if n.startswith("polarity:")])
    np.testing.assert_allclose(cell_features(values, counts, missing="indicator"), centred, atol=1e-12)
    stacked = cell_features(np.stack([values, values]), np.stack([counts, counts]))
    np.testing.assert_allclose(stacked[1], centre_holders(shrunk), atol=1e-12)
    with pytest.raises(ParameterError, match="missing"):
        cell_features(values, counts, missing="drop")


def test_firm_blocs_are_settled_and_a_quiet_holder_is_not():
    out = _map_and_intervals(*_corpus())
    east = out.loc[["east0", "east1", "east2"]]
    west = out.loc[["west0", "west1", "west2"]]
    # the blocs are on opposite sides, and every resample keeps them there
    assert (np.sign(east["axis1"].to_numpy()) == -np.sign(west["axis1"].to_numpy())).all()
    for side in (east, west):
        assert ((side["axis1_low"] > 0) | (side["axis1_high"] < 0)).all()
        assert side["axis1_share_negative"].isin([0.0, 1.0]).all()
        assert ((side["axis1_low"] <= side["axis1"]) & (side["axis1"] <= side["axis1_high"])).all()
    # one warm word for each pole in six speeches: the map puts it near the middle, and says the side is open
    quiet = out.loc["quiet"]
    assert quiet["axis1_low"] < 0 < quiet["axis1_high"]
    assert 0.05 < quiet["axis1_share_negative"] < 0.95
    assert (quiet["resampled"], quiet["n_resampled"]) == ("units", 6)


def test_what_is_resampled_is_reported():
    out = _map_and_intervals(*_corpus())
    assert (out.loc["single", "resampled"], out.loc["single", "n_resampled"]) == ("sentences", 3)
    silent = out.loc["silent"]  # no stance sentence: nothing of its own to resample; it sits at the targets' means
    assert (silent["resampled"], silent["n_resampled"]) == ("none", 0)
    assert silent["axis1_low"] <= silent["axis1"] <= silent["axis1_high"]
    assert list(out.reset_index().columns) == list(stance.MAP_POSITION_COLUMNS)


def test_intervals_are_reproducible_and_follow_the_seed():
    triples, units = _corpus()
    first = _map_and_intervals(triples, units, random_state=3)
    pd.testing.assert_frame_equal(first, _map_and_intervals(triples, units, random_state=3))
    other = _map_and_intervals(triples, units, random_state=4)
    assert not first["axis1_share_negative"].equals(other["axis1_share_negative"])
    with pytest.raises(ParameterError, match="n_boot"):
        _map_and_intervals(triples, units, n_boot=0)
