"""The frame-trained source: the same scores whether its features are built in this process or in a worker."""

import numpy as np

from stancebook.stance.polarity.learned import LearnedPolarity


def _previous(codes):
    frames = np.where(codes == "for", 1.0, np.where(codes == "against", -1.0, np.nan))
    return {"polarity_frames": frames, "polarity_clause": np.zeros(len(codes))}


def test_features_built_in_a_worker_give_the_scores_of_features_built_here(coded_pairs):
    contexts, coded = coded_pairs(repeats=8)
    codes = coded["code"].to_numpy(dtype=object)
    here = LearnedPolarity(min_per_class=5, n_jobs=1).score_targets(contexts, _previous(codes))
    worker = LearnedPolarity(min_per_class=5, n_jobs=2).score_targets(contexts, _previous(codes))
    np.testing.assert_array_equal(here, worker)
    assert np.isfinite(here).all()
    # cross-fitted, the frames' labels are learned from the wording: 'for' pairs above 'against' pairs
    assert here[codes == "for"].mean() > 0 > here[codes == "against"].mean()
