"""VADER's lexicon scoped to the clause that holds the target: the fallback where no frame matches.

Sentence-level sentiment gives every target of a sentence the same score
("weaponry will reach Ukrainian fronts and boost Moscow's war" scores
Ukraine as hostile). Scoring only the clause(s) in which the target is
mentioned, with every actor masked and words that describe a situation
rather than a stance removed (``resources/data/clause_neutral_words.txt``:
war, crisis, terrorism, support, cooperation, ...), keeps the evaluation
that is about the target's part of the sentence.
"""

from __future__ import annotations

import re

import numpy as np

from stancebook.resources.wordlists import load_word_list
from stancebook.stance.polarity.base import PolaritySource, RunSettings
from stancebook.stance.polarity.lexicon import DOMAIN_NEUTRAL_WORDS, LexiconPolarity

__all__ = ["ClauseLexicon", "clause_text"]

_CLAUSE_BREAK = re.compile(r"[;:\u2014\u2013()?!]|\s(?:but|whereas|although|though|however|yet)\s", re.IGNORECASE)
_LEADING_BREAK = re.compile(r"^[\s;:\u2014\u2013()?!]*(?:(?:but|whereas|although|though|however|yet)\s+)?",
                            re.IGNORECASE)


def clause_text(text: str, mentions, target: str, *, placeholder: str = "entity") -> str:
    """The clause(s) of ``text`` that mention ``target``, every actor mention replaced by ``placeholder``.

    Examples
    --------
    >>> clause_text("We admire Russia; but Ukraine suffers.", [(10, 16, "russia"), (22, 29, "ukraine")], "ukraine")
    'entity suffers.'
    """
    cuts = [0, *(m.start() for m in _CLAUSE_BREAK.finditer(text)), len(text)]
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        if b <= a or not any(a <= s < b for s, _e, t in mentions if t == target):
            continue
        piece = text[a:b]
        for s, e, _t in sorted(mentions, reverse=True):
            if a <= s and e <= b:
                piece = piece[:s - a] + placeholder + piece[e - a:]
        pieces.append(_LEADING_BREAK.sub("", piece))
    return " ".join(pieces)


class ClauseLexicon(PolaritySource):
    """VADER's compound score of the target's clause, actors masked and situation words made neutral.

    Parameters
    ----------
    neutral : sequence of str, default: domain-neutral and clause-neutral words
        Words removed from VADER's lexicon.
    n_jobs : int, default 1
        Processes scoring the clauses (-1: every core); the scores do not depend on it.
    engine : stancebook.engine.Engine, optional
        Where the clauses are scored (local processes or a Dask cluster);
        None: local processes from ``n_jobs``.

    References
    ----------
    .. [1] Hutto, C. J., & Gilbert, E. (2014). VADER: A parsimonious rule-based model for sentiment
       analysis of social media text. Proceedings of ICWSM 8(1), 216-225.

    See Also
    --------
    stancebook.stance.polarity.lexicon.LexiconPolarity : the same lexicon over the whole sentence.
    """

    targeted = True
    scores_every_context = True

    def __init__(self, neutral=None, n_jobs=1, engine=None):
        self.neutral = neutral
        self.n_jobs = n_jobs
        self.engine = engine

    @classmethod
    def for_run(cls, settings: RunSettings, **options) -> "ClauseLexicon":
        return cls(**{"n_jobs": settings.n_jobs, "engine": settings.engine, **options})

    def score(self, texts) -> np.ndarray:
        return LexiconPolarity(neutral=self._neutral(), n_jobs=self.n_jobs, engine=self.engine).score(texts)

    def _neutral(self) -> tuple:
        if self.neutral is None:
            return tuple(dict.fromkeys((*DOMAIN_NEUTRAL_WORDS, *load_word_list("clause_neutral_words"))))
        return tuple(self.neutral)

    def score_targets(self, contexts, previous) -> np.ndarray:
        clauses = [clause_text(c.text, c.mentions, c.target) for c in contexts]
        distinct = list(dict.fromkeys(clauses))
        scores = dict(zip(distinct, self.score(distinct).tolist()))
        return np.array([scores[c] for c in clauses], dtype=float)
