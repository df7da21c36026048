"""Reference-holder scaling (Wordscores) places holders between the references by the words they use."""

import numpy as np
import pytest
from scipy import sparse

from stancebook.errors import ParameterError
from stancebook.stance.positions import wordscores


def test_holders_fall_between_the_references_in_the_order_of_their_words():
    # columns: "sovereignty", "sanctions", "democracy", "multilateral"
    counts = np.array([[0, 1, 6, 3],    # USA speech
                       [6, 5, 0, 3],    # RUS speech
                       [5, 4, 1, 3],    # close to RUS
                       [1, 1, 5, 3],    # close to USA
                       [3, 3, 3, 3]])   # in between
    out = wordscores(sparse.csr_matrix(counts), ["USA", "RUS", "SYR", "GBR", "IND"], {"USA": 1, "RUS": -1})
    order = out.sort_values("rescaled")["holder"].tolist()
    assert order == ["RUS", "SYR", "IND", "GBR", "USA"]
    rescaled = out.set_index("holder")["rescaled"]
    assert rescaled["RUS"] == pytest.approx(-1) and rescaled["USA"] == pytest.approx(1)


def test_units_of_one_holder_are_pooled():
    counts = sparse.csr_matrix(np.array([[3, 0], [0, 3], [1, 0], [1, 0]]))
    out = wordscores(counts, ["A", "B", "C", "C"], {"A": 1, "B": -1}).set_index("holder")
    assert out.loc["C", "position"] == pytest.approx(1.0) and out.loc["C", "n_scored_words"] == 2


def test_one_reference_is_not_a_line():
    with pytest.raises(ParameterError, match="reference_holders needs at least two"):
        wordscores(sparse.csr_matrix(np.eye(2)), ["A", "B"], {"A": 1, "Z": -1})
