"""The 2-D stance map."""

import numpy as np

from stancebook import stance


def test_stance_map_has_a_fixed_sign_and_handles_tiny_input(blocs):
    *_, profiles = blocs
    X, _, _ = stance.profile_features(profiles)
    coords = stance.stance_map(X)
    assert coords.shape == (8, 2)
    np.testing.assert_allclose(coords, stance.stance_map(X[::-1])[::-1], atol=1e-12)  # row order irrelevant
    flipped = stance.stance_map(-X)  # same geometry: the sign convention makes the map identical
    np.testing.assert_allclose(np.abs(flipped), np.abs(coords), atol=1e-12)
    assert stance.stance_map(X[:1]).tolist() == [[0.0, 0.0]]
    assert stance.stance_map(np.ones((4, 3))).tolist() == [[0.0, 0.0]] * 4
