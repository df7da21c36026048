"""Polarity from VADER's evaluative lexicon, with policy-domain words made neutral.

VADER reads general evaluative language ("dreadful", "great") with rules for
negation, intensifiers, contrast ("but") and emphasis. Two choices adapt it to
international-relations text:

* **Target names are neutral.** The stage masks every target mention in a
  context word for word with the placeholder ``entity`` before scoring
  (:mod:`stancebook.stance.contexts`), so "United" in "United Nations"
  (+1.8) or "Security" in "Security Council" (+1.4) never makes a sentence
  about the UN look friendly. The word count is kept, so VADER's negation
  and intensifier look-back still lands on the same words.
* **Policy-domain words are not evaluations.** VADER scores "security"
  (+1.4), "united" (+1.8), "interests" (+1.0), "defence" (+0.4) as positive;
  in this text they name a domain ("security cooperation", "grave security
  risks"). They are removed from the lexicon (run parameter
  ``lexicon_neutral``, :data:`DOMAIN_NEUTRAL_WORDS`, shipped in
  ``resources/data/domain_neutral_words.txt``).
"""

from __future__ import annotations

import numpy as np

from stancebook.errors import ParameterError
from stancebook.resources.wordlists import load_word_list
from stancebook.stance.polarity.base import PolaritySource, RunSettings
from stancebook.workers import n_workers

__all__ = ["DOMAIN_NEUTRAL_WORDS", "LexiconPolarity"]

DOMAIN_NEUTRAL_WORDS = load_word_list("domain_neutral_words")

_DECIMALS = 6
# Below this many distinct contexts, starting worker processes costs more than it saves.
_MIN_PARALLEL_CONTEXTS = 5000


def _check_neutral(neutral) -> tuple:
    if isinstance(neutral, str) or neutral is None:
        raise ParameterError(f"`lexicon_neutral` must be a list of words, got {neutral!r}.")
    return tuple(neutral)


def _analyzer(neutral):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    _check_neutral(neutral)
    analyzer = SentimentIntensityAnalyzer()
    drop = {str(w).strip().lower() for w in neutral}
    # an instance attribute: the analyzer is local to one call
    analyzer.lexicon = {w: v for w, v in analyzer.lexicon.items() if w not in drop}
    return analyzer


def _scores(texts: list[str], neutral) -> list[float]:
    analyzer = _analyzer(neutral)
    return [round(float(analyzer.polarity_scores(t)["compound"]), _DECIMALS) for t in texts]


class LexiconPolarity(PolaritySource):
    """VADER's compound score of each context, policy-domain words removed from the lexicon.

    Parameters
    ----------
    neutral : sequence of str, default DOMAIN_NEUTRAL_WORDS
        Words removed from VADER's lexicon (policy-domain words such as
        "security"); ``[]`` keeps the lexicon as shipped.
    n_jobs : int, default 1
        Processes scoring the contexts (-1: every core); the scores do not
        depend on it.
    engine : stancebook.engine.Engine, optional
        Where the chunks of contexts are scored (local processes or a Dask
        cluster); None: local processes from ``n_jobs``.

    Notes
    -----
    Needs no fitting (:attr:`learns_from_corpus` is False) and scores every
    context (:attr:`scores_every_context`): a context without evaluative
    words scores 0.

    References
    ----------
    .. [1] Hutto, C. J. and Gilbert, E. (2014). VADER: A parsimonious
       rule-based model for sentiment analysis of social media text.
       *Proceedings of the International AAAI Conference on Web and Social
       Media* 8(1), 216-225.

    See Also
    --------
    stancebook.stance.polarity.scaling.LatentScaling : the corpus-adapted source.
    stancebook.stance.contexts.mask : how target mentions are masked first.

    Examples
    --------
    >>> LexiconPolarity().score(["entity is a good partner.", "entity security"]).tolist()
    [0.4404, 0.0]
    """

    learns_from_corpus = False
    scores_every_context = True

    def __init__(self, *, neutral=DOMAIN_NEUTRAL_WORDS, n_jobs=1, engine=None):
        self.neutral = neutral
        self.n_jobs = n_jobs
        self.engine = engine

    @classmethod
    def for_run(cls, settings: RunSettings, *, neutral=DOMAIN_NEUTRAL_WORDS) -> "LexiconPolarity":
        """The run's lexicon: ``neutral`` from the run parameter ``lexicon_neutral``, the run's workers."""
        return cls(neutral=neutral, n_jobs=settings.n_jobs, engine=settings.engine)

    def fit(self, texts=None) -> "LexiconPolarity":
        """Check the word list and workers; the lexicon learns nothing from the corpus.

        Returns
        -------
        LexiconPolarity
            ``self``.
        """
        _check_neutral(self.neutral)
        n_workers(self.n_jobs)
        return self

    def score(self, texts) -> np.ndarray:
        """VADER's compound score in [-1, 1] of each text, rounded to 6 decimals.

        Parameters
        ----------
        texts : list of str
            Masked contexts.

        Returns
        -------
        numpy.ndarray of float
        """
        texts = list(texts)
        engine = self._engine()
        neutral = _check_neutral(self.neutral)
        if engine.remote or (engine.n_workers > 1 and len(texts) >= _MIN_PARALLEL_CONTEXTS):
            # VADER is pure Python: a few chunks per worker, so none waits long on the last one.
            bounds = np.linspace(0, len(texts), 4 * engine.n_workers + 1).astype(int)
            parts = engine.map(_scores, (texts[a:b] for a, b in zip(bounds[:-1], bounds[1:])),
                               shared={"neutral": neutral})
            return np.array([score for part in parts for score in part], dtype=float)
        return np.array(_scores(texts, neutral), dtype=float)
