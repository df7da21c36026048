"""Polarity sources and their registry: each source gives the triples' column ``polarity_<name>``.

Every registered source is scored side by side; the triple and profile
columns, their dtypes and the choices of ``source`` arguments follow
:data:`SOURCES`, in registration order. Adding a source is one module with a
:class:`~stancebook.stance.polarity.base.PolaritySource` subclass and one
:func:`register_source` line below.
"""

from __future__ import annotations

import re

from stancebook.errors import ParameterError
from stancebook.stance.polarity.base import PolaritySource, RunSettings, TargetContext
from stancebook.stance.polarity.clause import ClauseLexicon
from stancebook.stance.polarity.coded import CodedPolarity
from stancebook.stance.polarity.decision import StanceDecision
from stancebook.stance.polarity.frames import FrameMatcher, FramePolarity
from stancebook.stance.polarity.learned import LearnedPolarity, LearnedStance
from stancebook.stance.polarity.lexicon import DOMAIN_NEUTRAL_WORDS, LexiconPolarity
from stancebook.stance.polarity.scaling import DEFAULT_NEGATIVE, DEFAULT_POSITIVE, WORD_TABLE_COLUMNS, LatentScaling

__all__ = [
    "DEFAULT_NEGATIVE",
    "DEFAULT_POSITIVE",
    "DOMAIN_NEUTRAL_WORDS",
    "SOURCES",
    "WORD_TABLE_COLUMNS",
    "LatentScaling",
    "ClauseLexicon",
    "CodedPolarity",
    "FrameMatcher",
    "FramePolarity",
    "LearnedPolarity",
    "LearnedStance",
    "LexiconPolarity",
    "StanceDecision",
    "TargetContext",
    "PolaritySource",
    "RunSettings",
    "make_sources",
    "polarity_column",
    "polarity_columns",
    "register_source",
]

# Source name -> PolaritySource subclass, in the order the columns are written.
SOURCES: dict[str, type[PolaritySource]] = {}
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


def register_source(name: str, source: type[PolaritySource]) -> type[PolaritySource]:
    """Add a polarity source under ``name``; its triples column is ``polarity_<name>``.

    Parameters
    ----------
    name : str
        Lower-case letters, digits and ``_``.
    source : type
        A :class:`~stancebook.stance.polarity.base.PolaritySource` subclass.

    Returns
    -------
    type
        ``source``, so the call can decorate the class.

    Raises
    ------
    ParameterError
        A bad or taken name, or a class that is not a source.

    Examples
    --------
    >>> import numpy as np
    >>> class Flat(PolaritySource):
    ...     def score(self, texts):
    ...         return np.zeros(len(texts))
    >>> _ = register_source("flat", Flat)
    >>> polarity_columns()[-1]
    'polarity_flat'
    >>> del SOURCES["flat"]
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(f"A polarity source name is lower-case letters, digits and '_', got {name!r}.")
    if name in SOURCES:
        raise ParameterError(f"A polarity source called {name!r} is already registered.")
    if not (isinstance(source, type) and issubclass(source, PolaritySource)):
        raise ParameterError(f"Polarity source {name!r} must be a PolaritySource subclass, got {source!r}.")
    SOURCES[name] = source
    return source


def polarity_column(source: str) -> str:
    """The triples and profiles column of a registered source.

    Raises
    ------
    ParameterError
        ``source`` is not registered, naming the registered ones.

    Examples
    --------
    >>> polarity_column("scaling")
    'polarity_scaling'
    """
    if source not in SOURCES:
        raise ParameterError(f"`source` must be one of {list(SOURCES)} (the polarity source), got {source!r}.")
    return f"polarity_{source}"


def polarity_columns() -> list[str]:
    """``polarity_<name>`` of every registered source, in registration order."""
    return [f"polarity_{name}" for name in SOURCES]


def make_sources(options: dict | None = None, settings: RunSettings | None = None) -> dict[str, PolaritySource]:
    """Build every registered source for a run (not yet fitted).

    Parameters
    ----------
    options : dict, optional
        ``{source name: {option: value}}``: each source's own options (its
        run parameters), passed to its ``for_run``; sources not named get
        their defaults.
    settings : RunSettings, optional
        Stopwords, seed and workers of the run.

    Returns
    -------
    dict
        ``{name: source}`` in registration order.

    Raises
    ------
    ParameterError
        ``options`` names an unregistered source or an option a source does not take.

    Examples
    --------
    >>> list(make_sources({"lexicon": {"neutral": []}}))
    ['lexicon', 'scaling', 'frames', 'clause', 'learned', 'coded', 'stance']
    """
    options = dict(options or {})
    unknown = sorted(set(options) - set(SOURCES))
    if unknown:
        raise ParameterError(f"Options for unknown polarity source(s) {unknown}; registered: {list(SOURCES)}.")
    settings = settings or RunSettings()
    sources = {}
    for name, source in SOURCES.items():
        try:
            sources[name] = source.for_run(settings, **options.get(name, {}))
        except TypeError as error:
            raise ParameterError(f"Polarity source {name!r}: {error}.") from None
    return sources


register_source("lexicon", LexiconPolarity)
register_source("scaling", LatentScaling)
register_source("frames", FramePolarity)
register_source("clause", ClauseLexicon)
register_source("learned", LearnedPolarity)
register_source("coded", CodedPolarity)  # the researcher's hand codes, reading every source before it
register_source("stance", StanceDecision)  # the default: combines the sources before it
