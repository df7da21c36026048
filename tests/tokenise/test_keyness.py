"""Reading the DTM: top terms, keyness, and the group of units a keyness figure contrasts."""

import numpy as np
import pandas as pd
import pytest

from stancebook.errors import ParameterError
from stancebook.tokenise import keyness, keyness_group, top_terms
from tests.tokenise.samples import TINY, dtm_of, units_of


def test_top_terms_count_and_document_frequency():
    table = top_terms(dtm_of(units_of(*TINY)), n=3)
    assert table.values.tolist() == [["nuclear", 3, 2], ["peace", 3, 2], ["weapons", 3, 2]]


def test_keyness_puts_the_planted_word_first():
    texts = [f"Trade talks on sanctions and trade number {i}." for i in range(6)]
    texts[0] = texts[1] = "Missile missile missile launch over trade."
    dtm = dtm_of(units_of(*texts))
    table = keyness(dtm, np.array([True, True, False, False, False, False]), n=5)
    assert list(table.columns) == ["term", "count_target", "count_reference", "g2", "log_ratio"]
    assert table["term"].iloc[0] == "missile" and table["g2"].iloc[0] > 0 and table["log_ratio"].iloc[0] > 0
    assert table["g2"].is_monotonic_decreasing and table["g2"].iloc[-1] < 0


def test_keyness_refuses_a_mask_selecting_everything():
    with pytest.raises(ParameterError, match="mask"):
        keyness(dtm_of(units_of(*TINY)), [True, True, True, True])


def test_keyness_refuses_a_mask_that_is_not_one_boolean_per_row():
    with pytest.raises(ParameterError, match="4 booleans"):
        keyness(dtm_of(units_of(*TINY)), [1, 0, 0, 0])


def test_keyness_group_skips_a_target_every_unit_mentions():
    # Every unit names the UN, so the UN contrasts nothing; Russia, next most mentioned, splits them.
    mentions = pd.DataFrame({"unit_id": pd.array(["u1", "u2", "u3", "u1"], dtype="string"),
                             "target": ["un", "un", "un", "russia"]})
    counts = pd.DataFrame({"target": ["un", "russia"]})
    target, mask = keyness_group(["u1", "u2", "u3"], mentions, counts)
    assert target == "russia"
    assert mask.tolist() == [True, False, False]
    assert keyness_group(["u1", "u2", "u3"], mentions, counts, target="un")[0] == ""
    target, mask = keyness_group(["u1", "u2", "u3"], mentions, counts, target="china")
    assert target == "" and not mask.any()


def test_default_keyness_group_skips_a_target_nearly_every_unit_mentions():
    # The UN General Debate: the UN is named in all but one of 20 speeches, Russia in 6; the default
    # contrasts Russia's speeches with the others, not 19 speeches with 1.
    ids = [f"u{i:02d}" for i in range(20)]
    rows = [(u, "un") for u in ids[1:]] + [(u, "russia") for u in ids[:6]]
    mentions = pd.DataFrame(rows, columns=["unit_id", "target"])
    counts = pd.DataFrame({"target": ["un", "russia"]})
    target, mask = keyness_group(ids, mentions, counts)
    assert target == "russia" and mask.sum() == 6
    assert keyness_group(ids, mentions, counts, target="un")[1].sum() == 19, "a target asked for is kept"
    only_un = mentions[mentions["target"] == "un"]
    assert keyness_group(ids, only_un, counts)[0] == "un", "with no balanced target, the least lopsided one"
