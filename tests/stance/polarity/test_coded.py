"""The codes-trained source: it learns the researcher's codes, never scores a pair with its own code, and waits
for enough codes."""

import numpy as np
import pandas as pd
import pytest

from stancebook.stance.polarity import CodedPolarity, StanceDecision
from stancebook.stance.polarity.base import TargetContext


def _previous(n):
    return {f"polarity_{name}": np.zeros(n) for name in ("lexicon", "scaling", "clause", "learned")} | {
        "polarity_frames": np.full(n, np.nan)}


def test_held_out_codes_are_recovered_from_the_wording(coded_pairs):
    contexts, codes = coded_pairs()
    scores = CodedPolarity(codes=codes, min_codes=50, min_per_class=5).score_targets(contexts, _previous(len(codes)))
    predicted = np.where(scores > 0, "for", np.where(scores < 0, "against", "neutral"))
    assert (predicted == codes["code"].to_numpy()).mean() >= 0.9
    assert np.all(np.abs(scores) <= 1)


def test_a_pair_is_never_scored_by_a_model_that_saw_its_code(coded_pairs):
    contexts, codes = coded_pairs()
    source = CodedPolarity(codes=codes, min_codes=50, min_per_class=5)
    before = source.score_targets(contexts, _previous(len(codes)))
    flipped = codes.copy()
    flipped.loc[0, "code"] = "for"  # an 'against' sentence coded 'for'
    after = CodedPolarity(codes=flipped, min_codes=50, min_per_class=5).score_targets(contexts, _previous(len(codes)))
    assert after[0] == before[0] and before[0] < 0


def test_too_few_codes_give_no_score_and_the_default_goes_on_to_the_frames(coded_pairs):
    contexts, codes = coded_pairs(repeats=1)
    previous = _previous(len(codes)) | {"polarity_frames": np.ones(len(codes))}
    previous["polarity_coded"] = CodedPolarity(codes=codes, min_codes=100).score_targets(contexts, previous)
    assert np.isnan(previous["polarity_coded"]).all()
    assert (StanceDecision().score_targets(contexts, previous) == 1).all()


def test_the_earlier_sources_are_read_as_features():
    """Sentences with no telling words, coded as the frames say: the source follows the frames."""
    rng = np.random.default_rng(0)
    contexts, rows, frames = [], [], []
    for i in range(150):
        code = ["against", "neutral", "for"][i % 3]
        contexts.append(TargetContext("Russia was mentioned today.", ((0, 6, "russia"),), "russia", f"u{i}", 1))
        rows.append({"unit_id": f"u{i}", "sentence": 1, "target": "russia", "code": code})
        frames.append({"against": -1.0, "neutral": np.nan, "for": 1.0}[code] if rng.random() < 0.95 else np.nan)
    previous = _previous(150) | {"polarity_frames": np.array(frames)}
    scores = CodedPolarity(codes=pd.DataFrame(rows), min_codes=50).score_targets(contexts, previous)
    predicted = np.where(scores > 0, "for", np.where(scores < 0, "against", "neutral"))
    assert (predicted == pd.DataFrame(rows)["code"].to_numpy()).mean() >= 0.9


@pytest.mark.parametrize("codes", [None, pd.DataFrame(columns=["unit_id", "sentence", "target", "code"])])
def test_no_codes_no_scores(codes, coded_pairs):
    contexts, _ = coded_pairs(repeats=1)
    assert np.isnan(CodedPolarity(codes=codes).score_targets(contexts, _previous(len(contexts)))).all()


def test_scores_do_not_depend_on_how_many_folds_run_side_by_side(coded_pairs):
    contexts, codes = coded_pairs()
    one = CodedPolarity(codes=codes, min_codes=50, min_per_class=5, n_jobs=1).score_targets(
        contexts, _previous(len(codes)))
    two = CodedPolarity(codes=codes, min_codes=50, min_per_class=5, n_jobs=2).score_targets(
        contexts, _previous(len(codes)))
    np.testing.assert_array_equal(one, two)
