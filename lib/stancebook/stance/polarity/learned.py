"""A learned stance source: a classifier over target-masked contexts, cross-fitted on the corpus's own pairs.

Confident evidence labels some (sentence, target) pairs: the relation frames
(for, against) and pairs with neither a frame nor any evaluative word in
the target's clause (neutral). A logistic regression over TF-IDF of the
masked sentence and of the words near the target learns the corpus's own
vocabulary from them and scores every pair, cross-fitted by unit. The same
classifier, trained on hand codes, is the ``coded`` source
(:mod:`stancebook.stance.polarity.coded`).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np
from scipy import sparse
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from stancebook.checks import check_int
from stancebook.errors import DataTooSmallWarning
from stancebook.stance.polarity.base import PolaritySource, RunSettings
from stancebook.stance.polarity.ngrams import count_ngrams
from stancebook.workers import n_workers

CLASSES = ("against", "neutral", "for")
TARGET_TOKEN = "TARGET"
ACTOR_TOKEN = "ACTOR"
_MAX_FEATURES = 50_000  # per view: the most frequent n-grams; bounds memory and fitting time on large corpora
_WORD = re.compile(r"'s\b|[^\W\d_][\w'\u2019-]*|TARGET|ACTOR")

__all__ = ["CLASSES", "LearnedPolarity", "LearnedStance", "masked_context", "masked_views", "text_features"]
VALUE_OF = {"against": -1, "neutral": 0, "for": 1}


def masked_context(text: str, mentions, target: str, *, window: int | None = None) -> str:
    """The words of ``text`` with ``target``'s mentions as TARGET and other actors as ACTOR, lower case.

    Parameters
    ----------
    window : int, optional
        Keep only the words at most this far from a TARGET.

    Examples
    --------
    >>> masked_context("We condemn Russia's attack on Ukraine.", [(11, 17, "russia"), (30, 37, "ukraine")], "ukraine")
    "we condemn ACTOR 's attack on TARGET"
    >>> masked_context("We condemn Russia's attack on Ukraine.", [(11, 17, "russia"), (30, 37, "ukraine")], "ukraine",
    ...                window=2)
    'attack on TARGET'
    """
    words = _masked_words(text, mentions, target)
    return " ".join(words if window is None else _near(words, window))


def _masked_words(text: str, mentions, target: str) -> list[str]:
    out = text
    for start, end, who in sorted(mentions, reverse=True):
        out = out[:start] + (f" {TARGET_TOKEN} " if who == target else f" {ACTOR_TOKEN} ") + out[end:]
    return [w if w in (TARGET_TOKEN, ACTOR_TOKEN) else w.lower().replace("\u2019", "'")
            for w in _WORD.findall(re.sub(r"['\u2019]s\b", " 's", out))]


def _near(words: list[str], window: int) -> list[str]:
    at = [i for i, w in enumerate(words) if w == TARGET_TOKEN]
    keep = {j for i in at for j in range(i - window, i + window + 1)}
    return [w for i, w in enumerate(words) if i in keep]


def masked_views(contexts, *, window: int) -> tuple[list[str], list[str]]:
    """Each pair's masked sentence and its masked words near the target (:func:`masked_context`), one pass."""
    sentences, nears = [], []
    for c in contexts:
        words = _masked_words(c.text, c.mentions, c.target)
        sentences.append(" ".join(words))
        nears.append(" ".join(_near(words, window)))
    return sentences, nears


def text_features(contexts, *, window: int, n_jobs: int = 1):
    """TF-IDF unigrams and bigrams of each pair's masked sentence and near-target words, side by side.

    What :class:`LearnedStance` fits with ``vocabulary="all"`` (:func:`masked_views`, one vectoriser per
    view). With ``n_jobs`` other than 1 the two views are built at once in two worker processes and
    joined in a third, so neither the texts nor the counting of every n-gram (0.6 GB on all UN speeches)
    reach this process, which only reads the finished matrix; the matrix is the same.
    """
    if n_workers(n_jobs) == 1:
        return LearnedStance._features(*masked_views(contexts, window=window))
    # The matrices travel through files, read straight into their arrays (a pickled return would hold
    # a matrix twice for a moment).
    with tempfile.TemporaryDirectory(prefix="stancebook-learned-") as folder:
        views = [Path(folder) / f"view{k}.npz" for k in range(2)]
        joined = Path(folder) / "features.npz"
        Parallel(n_jobs=2)(delayed(_save_view_features)(contexts, k, file, window=window)
                           for k, file in enumerate(views))
        # n_jobs=2 for one task: joblib runs it in a worker (n_jobs=1 would run it here)
        Parallel(n_jobs=2)(delayed(_save_joined)(views, joined) for _ in range(1))
        return sparse.load_npz(joined)


def _save_view_features(contexts, view: int, file, *, window: int) -> None:
    texts = masked_views(contexts, window=window)[view]
    sparse.save_npz(file, LearnedStance._view_features(texts), compressed=False)


def _save_joined(files, file) -> None:
    sparse.save_npz(file, sparse.hstack([sparse.load_npz(f) for f in files], format="csr"), compressed=False)


def _count_labels(labels) -> dict:
    labels = np.asarray([lab if isinstance(lab, str) else None for lab in labels], dtype=object)
    return {c: int((labels == c).sum()) for c in CLASSES}


def _fit_fold(X, labels, fold, k, *, C):
    """Train on the labelled pairs outside fold ``k``; the class probabilities of the pairs in it."""
    test = np.flatnonzero(fold == k)
    if len(test) == 0:
        return test, np.zeros((0, len(CLASSES)))
    train = np.flatnonzero((fold != k) & (labels != None))  # noqa: E711 (element-wise)
    with threadpool_limits(limits=1, user_api="blas"):
        model = LogisticRegression(C=C, max_iter=2000, tol=1e-3, class_weight="balanced")
        model.fit(X[train], labels[train])
        order = [list(model.classes_).index(c) for c in CLASSES]
        return test, model.predict_proba(X[test])[:, order]


class LearnedStance(BaseEstimator):
    """Stance toward a target learned from the corpus: TF-IDF of masked contexts, logistic regression.

    Two views of each (sentence, target) pair are featurised side by side:
    the whole masked sentence and the words near the target. The model is
    cross-fitted: pairs are split into folds by unit, and each pair is scored
    by a model trained on the other folds only, so no pair is scored by a
    model that saw it (or its unit) with a label.

    Parameters
    ----------
    n_folds : int, default=5
        Folds of the cross-fitting.
    window : int, default=6
        Words either side of the target in the near view.
    C : float, default=2.0
        Inverse regularisation strength of the logistic regression.
    min_per_class : int, default=10
        Fewer labelled pairs of any class and the source gives no scores (with a warning).
    vocabulary : {"all", "labelled"}, default="all"
        The n-grams (and their idf) are those of every pair, or of the
        labelled pairs only (a few thousand hand codes: a far smaller model,
        with the same information for the classifier).
    n_jobs : int, default=1
        Folds fitted side by side (worker processes).
    random_state : int, default=0
        Seed of the fold assignment.

    Attributes
    ----------
    proba_ : numpy.ndarray of shape (n_pairs, 3)
        Cross-fitted probabilities of against, neutral, for.
    n_labels_ : dict
        Labelled pairs per class used for training.

    References
    ----------
    .. [1] Chernozhukov, V. et al. (2018). Double/debiased machine learning for
       treatment and structural parameters. The Econometrics Journal, 21(1) (cross-fitting).
    .. [2] Watanabe, K. (2021). Latent Semantic Scaling: A semisupervised text
       analysis technique for new domains and languages. Communication Methods
       and Measures, 15(2) (learning a corpus's own vocabulary from seed evidence).

    Examples
    --------
    >>> texts = ["we thank TARGET for its help", "we condemn TARGET 's aggression", "TARGET met in june"] * 12
    >>> labels = np.array(["for", "against", "neutral"] * 12, dtype=object)
    >>> model = LearnedStance(n_folds=3, min_per_class=2).fit(texts, texts, labels, groups=np.arange(36))
    >>> model.predict()[:3].tolist()
    ['for', 'against', 'neutral']
    """

    def __init__(self, *, n_folds=5, window=6, C=2.0, min_per_class=10, vocabulary="all", n_jobs=1,
                 random_state=0):
        self.n_folds = n_folds
        self.n_jobs = n_jobs
        self.vocabulary = vocabulary
        self.window = window
        self.C = C
        self.min_per_class = min_per_class
        self.random_state = random_state

    @staticmethod
    def _view_features(texts):
        """TF-IDF unigrams and bigrams of one view, vocabulary and idf from all of it."""
        # One pass over the texts instead of fit-then-transform, counted with numpy: the weights are those of
        # CountVectorizer's matrix with TfidfTransformer to the last bit.
        counts, _ = count_ngrams(texts, min_df=2, max_features=_MAX_FEATURES)
        return TfidfTransformer(sublinear_tf=True).fit(counts).transform(counts)

    @staticmethod
    def _features(*texts, learn_from=None):
        # The vocabulary and idf use no label, so one fit serves all folds.
        views = []
        for view in texts:
            if learn_from is None:
                views.append(LearnedStance._view_features(view))
                continue
            vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=_MAX_FEATURES, sublinear_tf=True,
                                         lowercase=False)
            views.append(vectorizer.fit([view[i] for i in learn_from]).transform(view))
        return sparse.hstack(views).tocsr()

    def fit(self, sentences, nears, labels, *, groups, dense=None, extra_views=(), features=None):
        """Cross-fit on the labelled pairs and score every pair.

        Parameters
        ----------
        sentences, nears : list of str
            Each pair's masked sentence and its words near the target (:func:`masked_context`).
        labels : array-like of object
            ``"against"``, ``"neutral"``, ``"for"`` for training pairs; None/NaN for pairs only scored.
        groups : array-like
            The unit of each pair; folds never split a unit.
        dense : array-like of shape (n_pairs, n_features), optional
            More features of each pair, side by side with the two views
            (other sources' scores, the target), on a scale comparable to TF-IDF.
        extra_views : sequence of list of str, default ()
            More texts of each pair, each featurised like ``sentences``.
        features : scipy.sparse matrix, optional
            The pairs' text features, built beforehand by :func:`text_features`
            (``vocabulary="all"``); the texts are then not read.

        Returns
        -------
        LearnedStance
        """
        n_folds = check_int(self.n_folds, "n_folds", minimum=2)
        labels = np.asarray([lab if isinstance(lab, str) else None for lab in labels], dtype=object)
        self.n_labels_ = _count_labels(labels)
        self.proba_ = np.full((len(labels), len(CLASSES)), np.nan)
        if min(self.n_labels_.values()) < self.min_per_class:
            import warnings

            warnings.warn(DataTooSmallWarning(
                f"the learned stance source needs at least {self.min_per_class} labelled pairs of each class, "
                f"got {self.n_labels_}; it gives no scores."), stacklevel=2)
            return self
        unique = np.unique(np.asarray(groups).astype(str))
        rng = np.random.default_rng(self.random_state)
        fold_of_group = dict(zip(unique, rng.permutation(len(unique)) % n_folds))
        fold = np.array([fold_of_group[g] for g in np.asarray(groups).astype(str)])
        if self.vocabulary not in ("all", "labelled"):
            raise ValueError(f"vocabulary must be 'all' or 'labelled', got {self.vocabulary!r}.")
        if features is not None:
            X = sparse.csr_matrix(features)
        else:
            X = self._features(sentences, nears, *extra_views, learn_from=np.flatnonzero(labels != None)  # noqa: E711
                               if self.vocabulary == "labelled" else None)
        if dense is not None:
            X = sparse.hstack([X, sparse.csr_matrix(np.asarray(dense, dtype=float))]).tocsr()
        # Folds are independent fits, in worker processes (joblib memory-maps X once for all of them; lbfgs
        # holds the GIL, so threads did not overlap). One BLAS thread per fit: each fold's result is the same
        # whether folds run side by side or one after another.
        for test, proba in Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_fold)(X, labels, fold, k, C=self.C) for k in range(n_folds)):
            self.proba_[test] = proba
        return self

    def predict(self) -> np.ndarray:
        """The most probable class of every pair (None where the source gives no score)."""
        out = np.full(len(self.proba_), None, dtype=object)
        scored = ~np.isnan(self.proba_).any(axis=1)
        out[scored] = np.asarray(CLASSES, dtype=object)[self.proba_[scored].argmax(axis=1)]
        return out

    def polarity(self) -> np.ndarray:
        """p(for) - p(against) of every pair, in [-1, 1] (NaN where no score)."""
        return self.proba_[:, 2] - self.proba_[:, 0]


class LearnedPolarity(PolaritySource):
    """The learned source of the stage: p(for) - p(against) of :class:`LearnedStance` for every pair.

    Trained on the frames' labels (``polarity_frames``: +1 for, -1 against)
    and on neutral pairs (no frame, clause lexicon within ``neutral_below``
    of 0), at most ``neutral_ratio`` times as many as the polar labels, drawn
    with ``random_state``. The researcher's hand codes train another source,
    :class:`~stancebook.stance.polarity.coded.CodedPolarity`, which reads this
    one among its features.

    Parameters
    ----------
    neutral_below : float, default=0.05
    neutral_ratio : float, default=0.6
    n_folds, window, C, min_per_class, n_jobs, random_state
        As in :class:`LearnedStance`.
    """

    targeted = True
    scores_every_context = False

    def __init__(self, neutral_below=0.05, neutral_ratio=0.6, n_folds=5, window=6, C=2.0,
                 min_per_class=10, n_jobs=1, random_state=0):
        self.neutral_below = neutral_below
        self.neutral_ratio = neutral_ratio
        self.n_folds = n_folds
        self.window = window
        self.C = C
        self.min_per_class = min_per_class
        self.n_jobs = n_jobs
        self.random_state = random_state

    @classmethod
    def for_run(cls, settings: RunSettings, **options) -> "LearnedPolarity":
        return cls(**{"random_state": settings.random_state, "n_jobs": settings.n_jobs, **options})

    def score(self, texts) -> np.ndarray:
        return np.full(len(texts), np.nan)

    def _labels(self, contexts, previous) -> tuple[np.ndarray, str]:
        labels = np.full(len(contexts), None, dtype=object)
        frames = previous.get("polarity_frames")
        clause = previous.get("polarity_clause")
        if frames is None:
            return labels, "no evidence"
        labels[frames > 0] = "for"
        labels[frames < 0] = "against"
        if clause is not None:
            quiet = np.flatnonzero(np.isnan(frames) & (np.abs(clause) < self.neutral_below))
            n_polar = int((frames > 0).sum() + (frames < 0).sum())
            take = min(len(quiet), max(self.min_per_class, int(self.neutral_ratio * n_polar)))
            rng = np.random.default_rng(self.random_state)
            labels[rng.choice(quiet, size=take, replace=False)] = "neutral"
        return labels, "frame matches"

    def score_targets(self, contexts, previous) -> np.ndarray:
        labels, self.trained_on_ = self._labels(contexts, previous)
        self.model_ = LearnedStance(n_folds=self.n_folds, window=self.window, C=self.C,
                                    min_per_class=self.min_per_class, n_jobs=self.n_jobs,
                                    random_state=self.random_state)
        groups = [c.unit_id for c in contexts]
        if n_workers(self.n_jobs) > 1 and min(_count_labels(labels).values()) >= self.min_per_class:
            # Built in worker processes: counting every n-gram of every pair before the most frequent are kept
            # was this process's peak (0.6-0.9 GB over its base on all UN speeches); the workers start small.
            features = text_features(contexts, window=self.window, n_jobs=self.n_jobs)
            self.model_.fit(None, None, labels, groups=groups, features=features)
        else:
            sentences, nears = masked_views(contexts, window=self.window)
            self.model_.fit(sentences, nears, labels, groups=groups)
        return np.round(self.model_.polarity(), 6)

    def run_note(self) -> str:
        model = getattr(self, "model_", None)
        if model is None or np.isnan(model.proba_).all():
            return ""
        counts = ", ".join(f"{n} {c}" for c, n in model.n_labels_.items())
        return f"learned from {self.trained_on_} ({counts}), cross-fitted in {self.n_folds} folds by unit."
