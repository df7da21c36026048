"""The default stance of each pair: the first source in the order of evidence that has something to say.

The order is a run parameter (``stance_evidence``), by default the
classifier trained on the researcher's hand codes (``coded``, which scores
only when the run has enough codes), then the relation frames, then the
clause-scoped lexicon: a relation frame reads the target's role and is
right far more often than the mood of its clause (see the validation in the
README), so a frame decides where one matches; otherwise the clause lexicon
decides, neutral within ``band`` of 0. The frame-trained learned source
joins the order when named in it.
"""

from __future__ import annotations

import numpy as np

from stancebook.errors import ParameterError
from stancebook.stance.polarity.base import PolaritySource, RunSettings

__all__ = ["DECISIONS", "StanceDecision"]

# Sources whose score is a decision: its sign is the class, with no neutral band.
DECISIONS = frozenset({"frames", "coded", "stance"})


class StanceDecision(PolaritySource):
    """+1 (for), -1 (against) or 0 (neutral) of every pair, from the first source of ``evidence`` with a score.

    Parameters
    ----------
    evidence : sequence of str, default ("coded", "frames", "clause")
        Sources in the order they decide; each must be registered before ``stance``.
    band : float, default 0.5
        A continuous score (the clause lexicon, the learned p(for) - p(against)) within
        ``band`` of 0 is neutral.

    Examples
    --------
    >>> previous = {"polarity_frames": np.array([1.0, np.nan, np.nan]), "polarity_clause": np.array([-0.9, -0.7, 0.2])}
    >>> StanceDecision(evidence=("frames", "clause")).score_targets([None] * 3, previous).tolist()
    [1.0, -1.0, 0.0]
    """

    targeted = True
    scores_every_context = True

    def __init__(self, evidence=("coded", "frames", "clause"), band=0.5):
        self.evidence = evidence
        self.band = band

    @classmethod
    def for_run(cls, settings: RunSettings, **options) -> "StanceDecision":
        return cls(**options)

    def score(self, texts) -> np.ndarray:
        return np.zeros(len(texts))

    def score_targets(self, contexts, previous) -> np.ndarray:
        missing = [name for name in self.evidence if f"polarity_{name}" not in previous]
        if missing or not self.evidence:
            raise ParameterError(f"stance_evidence names {missing or '(nothing)'}; name sources registered before "
                                 f"'stance': {[c[len('polarity_'):] for c in previous]}.")
        decided = np.full(len(contexts), np.nan)
        for name in self.evidence:
            values = np.asarray(previous[f"polarity_{name}"], dtype=float)
            banded = np.where(values >= self.band, 1.0, np.where(values <= -self.band, -1.0, 0.0))
            step = np.sign(values) if name in DECISIONS else banded
            fill = np.isnan(decided) & ~np.isnan(values)
            decided[fill] = step[fill]
        return np.nan_to_num(decided, nan=0.0)
