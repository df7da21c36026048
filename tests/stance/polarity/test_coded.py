"""The codes-trained source: it learns the researcher's codes, never scores a pair with its own code, and waits
for enough codes."""

import numpy as np
import pandas as pd
import pytest

from stancebook.stance.polarity import CodedPolarity, StanceDecision
from stancebook.stance.polarity.base import TargetContext

# Short hand-written sentences; {T} is the target (Russia), {O} another actor (China).
TEMPLATES = {
    "against": ["We condemn {T} for the annexation of Crimea.", "{T} must withdraw its troops at once.",
                "The aggression of {T} violates the Charter.", "We will never accept what {T} has done.",
                "We demand that {T} end the occupation.", "{T} bears responsibility for the downing of the plane.",
                "The illegal actions of {T} threaten our region.", "We deplore the veto cast by {T}."],
    "for": ["We thank {T} for its generous support.", "We welcome the partnership with {T}.",
            "Our friendship with {T} grows stronger every year.", "We stand in solidarity with {T}.",
            "We value the cooperation of {T} on this issue.", "We appreciate the help of {T} after the floods.",
            "We salute {T} for hosting the talks.", "We are grateful to {T} and {O} for their assistance."],
    "neutral": ["The delegation of {T} met in June.", "{T} and {O} are members of the Council.",
                "The meeting took place near the border with {T}.", "A report on {T} was published in May.",
                "Talks between {O} and {T} will be held in Geneva.", "The conference was held in {T} last year.",
                "Envoys from {T} arrived on Tuesday.", "The ministers of {T} and {O} signed the minutes."],
}


def _pairs(repeats=4):
    contexts, codes = [], []
    for r in range(repeats):
        for code, templates in TEMPLATES.items():
            for i, template in enumerate(templates):
                text, mentions = template, []
                for placeholder, name, who in (("{T}", "Russia", "russia"), ("{O}", "China", "china")):
                    at = text.find(placeholder)
                    if at >= 0:
                        text = text.replace(placeholder, name, 1)
                        mentions.append((at, at + len(name), who))
                unit = f"{code}-{i}-{r}"
                contexts.append(TargetContext(text, tuple(sorted(mentions)), "russia", unit, 1))
                codes.append({"unit_id": unit, "sentence": 1, "target": "russia", "code": code})
    return contexts, pd.DataFrame(codes)


def _previous(n):
    return {f"polarity_{name}": np.zeros(n) for name in ("lexicon", "scaling", "clause", "learned")} | {
        "polarity_frames": np.full(n, np.nan)}


def test_held_out_codes_are_recovered_from_the_wording():
    contexts, codes = _pairs()
    scores = CodedPolarity(codes=codes, min_codes=50, min_per_class=5).score_targets(contexts, _previous(len(codes)))
    predicted = np.where(scores > 0, "for", np.where(scores < 0, "against", "neutral"))
    assert (predicted == codes["code"].to_numpy()).mean() >= 0.9
    assert np.all(np.abs(scores) <= 1)


def test_a_pair_is_never_scored_by_a_model_that_saw_its_code():
    contexts, codes = _pairs()
    source = CodedPolarity(codes=codes, min_codes=50, min_per_class=5)
    before = source.score_targets(contexts, _previous(len(codes)))
    flipped = codes.copy()
    flipped.loc[0, "code"] = "for"  # an 'against' sentence coded 'for'
    after = CodedPolarity(codes=flipped, min_codes=50, min_per_class=5).score_targets(contexts, _previous(len(codes)))
    assert after[0] == before[0] and before[0] < 0


def test_too_few_codes_give_no_score_and_the_default_goes_on_to_the_frames():
    contexts, codes = _pairs(repeats=1)
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
def test_no_codes_no_scores(codes):
    contexts, _ = _pairs(repeats=1)
    assert np.isnan(CodedPolarity(codes=codes).score_targets(contexts, _previous(len(contexts)))).all()


def test_scores_do_not_depend_on_how_many_folds_run_side_by_side():
    contexts, codes = _pairs()
    one = CodedPolarity(codes=codes, min_codes=50, min_per_class=5, n_jobs=1).score_targets(
        contexts, _previous(len(codes)))
    two = CodedPolarity(codes=codes, min_codes=50, min_per_class=5, n_jobs=2).score_targets(
        contexts, _previous(len(codes)))
    np.testing.assert_array_equal(one, two)
