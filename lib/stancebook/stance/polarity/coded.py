"""The codes-trained source: the researcher's hand codes teach a classifier that reads every other source too.

With enough hand-coded (sentence, target) pairs in the run, a logistic
regression learns from them over the target-masked sentence, the words near
the target (also joined to the target's name), the target itself and what
every earlier source says of the pair
(the frame that matched, the clause and sentence lexicons, corpus scaling,
the frame-trained learned source). It is cross-fitted by unit: each pair is
scored by a model that never saw its unit's codes, so the agreement the run
reports for coded pairs is an out-of-sample estimate.
"""

from __future__ import annotations

import numpy as np

from stancebook.stance.polarity.learned import (ACTOR_TOKEN, CLASSES, TARGET_TOKEN, VALUE_OF, LearnedPolarity,
                                                LearnedStance, masked_views)

__all__ = ["CodedPolarity", "pair_features", "target_words"]

# Earlier sources read as features, in this order; a source the run lacks gives zeros.
_SCORE_SOURCES = ("clause", "lexicon", "scaling", "learned")


def target_words(near: str, target: str) -> str:
    """The words near the target, each joined to the target's name: a word may mean one thing near one target
    and another near the next (*threat* near the West, near North Korea).

    Examples
    --------
    >>> target_words("we condemn TARGET 's aggression against ACTOR", "russia")
    "russia_we russia_condemn russia_'s russia_aggression russia_against"
    """
    return " ".join(f"{target}_{word}" for word in near.split() if word not in (TARGET_TOKEN, ACTOR_TOKEN))


def pair_features(contexts, previous: dict) -> np.ndarray:
    """The dense features of each pair: what the earlier sources say of it, and its target.

    Parameters
    ----------
    contexts : list of TargetContext
    previous : dict
        ``polarity_<source>`` arrays of the sources scored before.

    Returns
    -------
    numpy.ndarray of shape (n_pairs, n_features)
        A frame for / against / none; each continuous score divided by its
        standard deviation over the run's pairs (no label is used) and its
        absolute value; one indicator per target.

    Examples
    --------
    >>> from stancebook.stance.polarity.base import TargetContext
    >>> pairs = [TargetContext("a", (), "russia"), TargetContext("b", (), "china")]
    >>> pair_features(pairs, {"polarity_frames": np.array([-1.0, np.nan])})[:, :3].tolist()
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    n = len(contexts)
    frames = np.asarray(previous.get("polarity_frames", np.full(n, np.nan)), dtype=float)
    columns = [frames > 0, frames < 0, np.isnan(frames)]
    for name in _SCORE_SOURCES:
        values = np.nan_to_num(np.asarray(previous.get(f"polarity_{name}", np.zeros(n)), dtype=float))
        scale = values.std() or 1.0
        columns += [values / scale, np.abs(values) / scale]
    targets = sorted({c.target for c in contexts})
    of_pair = np.array([c.target for c in contexts], dtype=object)
    columns += [of_pair == t for t in targets]
    return np.column_stack(columns).astype(float) if n else np.zeros((0, len(columns)))


class CodedPolarity(LearnedPolarity):
    """Stance learned from the researcher's hand codes, reading the sentence and every earlier source.

    Scores only when the run has at least ``min_codes`` hand codes
    (``codes``, matched to the run); otherwise it gives no score and the
    default stance goes on to the next source of its evidence. The score is
    a decision: ``+p`` where *for* is the most probable class (``p`` its
    probability), ``-p`` where *against* is, 0 where *neutral* is.

    Parameters
    ----------
    codes : pandas.DataFrame, optional
        Hand codes to learn from (``unit_id, sentence, target, code``). Codes
        kept for testing only are never passed here.
    min_codes : int, default=100
        Fewer codes and the source gives no scores.
    n_folds : int, default=5
        Folds of the cross-fitting by unit.
    window : int, default=6
        Words either side of the target in the near view.
    C : float, default=1.0
        Inverse regularisation strength of the logistic regression.
    min_per_class : int, default=10
        Fewer codes of any class and the source gives no scores (with a warning).
    n_jobs : int, default=1
        Cross-fitting folds fitted side by side (worker processes).
    random_state : int, default=0
        Seed of the fold assignment.

    References
    ----------
    .. [1] Wolpert, D. H. (1992). Stacked generalization. *Neural Networks* 5(2), 241-259.
    .. [2] Chernozhukov, V. et al. (2018). Double/debiased machine learning for
       treatment and structural parameters. *The Econometrics Journal* 21(1) (cross-fitting).
    """

    def __init__(self, codes=None, min_codes=100, n_folds=5, window=6, C=1.0, min_per_class=10, n_jobs=1,
                 random_state=0):
        self.codes = codes
        self.min_codes = min_codes
        self.n_folds = n_folds
        self.window = window
        self.C = C
        self.min_per_class = min_per_class
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _code_labels(self, contexts) -> np.ndarray:
        code_of = {(str(u), int(s), str(t)): c for u, s, t, c in
                   zip(self.codes["unit_id"], self.codes["sentence"], self.codes["target"], self.codes["code"])}
        return np.array([code_of.get((c.unit_id, c.sentence, c.target)) for c in contexts], dtype=object)

    def score_targets(self, contexts, previous) -> np.ndarray:
        self.model_ = None
        if self.codes is None or len(self.codes) < self.min_codes or not contexts:
            return np.full(len(contexts), np.nan)
        labels = self._code_labels(contexts)
        sentences, nears = masked_views(contexts, window=self.window)
        by_target = [target_words(near, c.target) for near, c in zip(nears, contexts)]
        self.model_ = LearnedStance(n_folds=self.n_folds, window=self.window, C=self.C,
                                    min_per_class=self.min_per_class, vocabulary="labelled", n_jobs=self.n_jobs,
                                    random_state=self.random_state)
        self.model_.fit(sentences, nears, labels, groups=[c.unit_id for c in contexts],
                        dense=pair_features(contexts, previous), extra_views=[by_target])
        proba = self.model_.proba_
        out = np.full(len(contexts), np.nan)
        scored = ~np.isnan(proba).any(axis=1)
        best = proba[scored].argmax(axis=1)
        sign = np.array([VALUE_OF[c] for c in CLASSES], dtype=float)[best]
        out[scored] = sign * proba[scored][np.arange(len(best)), best]
        return np.round(out, 6)

    def run_note(self) -> str:
        model = getattr(self, "model_", None)
        if model is None or np.isnan(model.proba_).all():
            return ""
        counts = ", ".join(f"{n} {c}" for c, n in model.n_labels_.items())
        return (f"learned from {sum(model.n_labels_.values())} hand codes ({counts}) over the masked sentence, "
                f"the target and every earlier source; cross-fitted in {self.n_folds} folds by unit.")

