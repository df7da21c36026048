"""Stance features of units and holders keep missingness in indicator columns."""

import numpy as np
import pandas as pd
import pytest

from stancebook import stance
from stancebook.errors import ParameterError


def test_unit_features_keep_missingness_in_indicator_columns():
    triples = pd.DataFrame({"unit_id": ["a", "a", "b"], "target": ["russia", "russia", "west"],
                            "polarity_lexicon": [0.5, 0.0, 0.0]})
    X, names = stance.unit_stance_features(triples, ["a", "b", "c"], ["russia", "west"])
    assert names == ["mentioned:russia", "polarity:russia", "mentioned:west", "polarity:west"]
    assert X.tolist() == [[1, 0.25, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]  # b: neutral about the West; c: silent


def test_scaling_features_treat_a_context_without_evidence_as_missing():
    triples = pd.DataFrame({"unit_id": ["a", "b"], "target": ["russia", "russia"],
                            "polarity_lexicon": [0.5, 0.1], "polarity_scaling": [1.2, np.nan]})
    X, _ = stance.unit_stance_features(triples, ["a", "b"], ["russia"], source="scaling")
    assert X.tolist() == [[1.0, 1.2], [0.0, 0.0]]
    with pytest.raises(ParameterError, match="`source`"):
        stance.unit_stance_features(triples, ["a"], ["russia"], source="vader")


def test_holder_features_follow_the_requested_order_and_mark_silence(blocs):
    *_, profiles = blocs
    X, names = stance.holder_stance_features(profiles, ["poland", "cuba", "nobody"], ["west", "china"])
    assert names == ["mentioned:west", "polarity:west", "mentioned:china", "polarity:china"]
    assert X[0, 0] == 1 and X[0, 1] > 0 and X[1, 1] < 0  # poland likes the West, cuba does not
    assert X[:, 2:].sum() == 0 and X[2].sum() == 0  # nobody mentions China; unknown holder is silent


def test_unit_polarity_matrix_keeps_silence_as_nan(blocs):
    _, _, _, triples, _ = blocs
    matrix = stance.unit_polarity_matrix(triples, ["cuba-speech", "poland-speech"], ["russia", "china"])
    assert matrix.loc["cuba-speech", "russia"] > 0 > matrix.loc["poland-speech", "russia"]
    assert matrix["china"].isna().all() and matrix.index.name == "unit_id"
