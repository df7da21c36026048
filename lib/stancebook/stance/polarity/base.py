"""What a polarity source is: the small interface every source of ``polarity_<name>`` implements."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stancebook.engine import as_engine

__all__ = ["PolaritySource", "RunSettings", "TargetContext"]


@dataclass(frozen=True)
class TargetContext:
    """One (sentence, target) pair as a targeted source sees it: the sentence and who is mentioned where.

    Attributes
    ----------
    text : str
        The whole sentence, unmasked.
    mentions : tuple of (int, int, str)
        ``(start, end, target)`` of every actor mention in ``text`` (sentence offsets).
    target : str
        The target whose stance is scored.
    unit_id : str
        The unit, for cross-fitting by unit.
    sentence : int
        The sentence number in its unit.
    """

    text: str
    mentions: tuple
    target: str
    unit_id: str = ""
    sentence: int = 0


@dataclass(frozen=True)
class RunSettings:
    """What a run gives every polarity source besides the source's own options.

    Attributes
    ----------
    stopwords : frozenset of str or None
        The stopwords the run's terms were built with (the ``stopwords``
        artefact of stage 1); None: the shipped list.
    random_state : int
        Seed of every random choice.
    n_jobs : int
        Worker processes a source may use (-1: every core).
    engine : stancebook.engine.Engine or None
        Where a source runs its chunks of work (an open engine from
        :func:`stancebook.engine.open_engine`); None: local processes from ``n_jobs``.
    """

    stopwords: frozenset | None = None
    random_state: int = 0
    n_jobs: int = 1
    engine: object = None


class PolaritySource:
    """Base class of polarity sources: scores the masked context of each stance triple.

    A source is registered by name (:func:`stancebook.stance.polarity.register_source`)
    and gives the triples' column ``polarity_<name>``. It sees each context
    after every target mention in it was replaced, word for word, by the
    placeholder ``entity`` (so target names carry no polarity).

    Subclasses implement :meth:`score`; a source learned from the corpus also
    implements :meth:`fit`. The class attributes say how the stage treats it.

    Attributes
    ----------
    learns_from_corpus : bool, default False
        True: :meth:`fit` learns from the corpus's sentences and an unfitted
        source cannot score, so :func:`~stancebook.stance.stance_triples`
        leaves its column NaN when it is not given one. False: a source built
        with its defaults is ready, and used when none is given.
    scores_every_context : bool, default False
        True: :meth:`score` never returns NaN, and the profiles need no count
        of their own. False: a context may have no evidence (NaN); profiles
        then report ``n_<name>``, the sentences with a score.
    targeted : bool, default False
        True: the stage calls :meth:`score_targets` with each pair's sentence,
        mentions and target instead of :meth:`score` on masked contexts.

    See Also
    --------
    stancebook.stance.polarity.lexicon.LexiconPolarity : VADER's lexicon.
    stancebook.stance.polarity.scaling.LatentScaling : corpus-adapted scaling.

    Examples
    --------
    >>> class Length(PolaritySource):
    ...     scores_every_context = True
    ...     def score(self, texts):
    ...         return np.array([len(t) / 100 for t in texts])
    >>> Length.for_run(RunSettings()).fit(["a corpus"]).score(["entity is fine"]).tolist()
    [0.14]
    """

    learns_from_corpus = False
    scores_every_context = False
    targeted = False

    @classmethod
    def for_run(cls, settings: RunSettings, **options) -> "PolaritySource":
        """Build the source for a run from its options (the run parameters it reads).

        The default passes ``options`` to the constructor and ignores
        ``settings``; a source that uses the run's stopwords, seed or workers,
        or reads an empty run parameter as "the shipped default", overrides it.
        """
        return cls(**options)

    def _engine(self):
        """The engine of this source's chunks of work: its ``engine``, or local processes from its ``n_jobs``."""
        return as_engine(getattr(self, "engine", None), getattr(self, "n_jobs", 1))

    def fit(self, texts) -> "PolaritySource":
        """Learn from the corpus's sentences (``sentences["text"]``); the default learns nothing.

        Returns
        -------
        PolaritySource
            ``self``.
        """
        return self

    def score(self, texts) -> np.ndarray:
        """Score each masked context.

        Parameters
        ----------
        texts : list of str
            The contexts, target mentions masked.

        Returns
        -------
        numpy.ndarray of float
            One polarity per text (positive = favourable); NaN where the
            source has no evidence.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement score(texts).")

    def score_targets(self, contexts: list, previous: dict) -> np.ndarray:
        """Score each (sentence, target) pair from the target's role: only sources with ``targeted = True``.

        A targeted source sees the unmasked sentence with the position of
        every actor (:class:`TargetContext`), so "aggression against {T}" and
        "{T}'s aggression" can get opposite signs in one sentence, and the
        columns of the sources registered before it (``previous``:
        ``{"polarity_frames": array, ...}``), so a source can learn from or
        combine earlier evidence.

        Returns
        -------
        numpy.ndarray of float
            One polarity per pair; NaN where the source has no evidence.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement score_targets(contexts, previous).")

    def run_note(self) -> str:
        """A note for the run's report on what was fitted ("" for none)."""
        return ""

    def run_tables(self) -> dict:
        """Tables the stage writes for this source: ``{catalog name: DataFrame}`` (none by default)."""
        return {}
