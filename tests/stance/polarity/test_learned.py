"""The frame-trained source: the same scores whether its features are built in this process or in a worker."""

import numpy as np

from stancebook.stance.polarity.base import TargetContext
from stancebook.stance.polarity.learned import LearnedPolarity

TEMPLATES = {
    "against": ["We condemn {T} for the annexation.", "{T} must withdraw its troops at once.",
                "The aggression of {T} violates the Charter.", "We deplore the veto cast by {T}."],
    "for": ["We thank {T} for its generous support.", "We welcome the partnership with {T}.",
            "We stand in solidarity with {T}.", "We are grateful to {T} for its assistance."],
    "neutral": ["The delegation of {T} met in June.", "A report on {T} was published in May.",
                "Envoys from {T} arrived on Tuesday.", "The conference was held in {T} last year."],
}


def _pairs(repeats):
    contexts, codes = [], []
    for r in range(repeats):
        for code, templates in TEMPLATES.items():
            for i, template in enumerate(templates):
                at = template.find("{T}")
                contexts.append(TargetContext(template.replace("{T}", "Russia"), ((at, at + 6, "russia"),), "russia",
                                              f"{code}-{i}-{r}", 1))
                codes.append(code)
    return contexts, np.array(codes, dtype=object)


def _previous(codes):
    frames = np.where(codes == "for", 1.0, np.where(codes == "against", -1.0, np.nan))
    return {"polarity_frames": frames, "polarity_clause": np.zeros(len(codes))}


def test_features_built_in_a_worker_give_the_scores_of_features_built_here():
    contexts, codes = _pairs(repeats=8)
    here = LearnedPolarity(min_per_class=5, n_jobs=1).score_targets(contexts, _previous(codes))
    worker = LearnedPolarity(min_per_class=5, n_jobs=2).score_targets(contexts, _previous(codes))
    np.testing.assert_array_equal(here, worker)
    assert np.isfinite(here).all()
    # cross-fitted, the frames' labels are learned from the wording: 'for' pairs above 'against' pairs
    assert here[codes == "for"].mean() > 0 > here[codes == "against"].mean()
