"""Shipped word lists: reporting verbs, domain-neutral words, scaling seed words, notable holders.

Each list is a small text file ``resources/data/<name>.txt``, one entry a line,
``#`` starting a comment (the format of the stopword files). Code reads them
through :func:`load_word_list`; no module holds these words itself.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from stancebook.errors import ParameterError
from stancebook.resources.stopwords import read_word_list

DATA_DIR = Path(__file__).resolve().parent / "data"

# The lists of this module; stopwords have their own loader (stancebook.resources.stopwords).
WORD_LISTS = {
    "reporting_verbs": "verb forms that report an actor's words or acts (stance holders)",
    "domain_neutral_words": "VADER lexicon words that name a policy domain rather than evaluate",
    "scaling_seeds_positive": "seed patterns of the cooperative pole of corpus-adapted scaling",
    "scaling_seeds_negative": "seed patterns of the hostile pole of corpus-adapted scaling",
    "notable_holders": "holder names always written on a crowded stance map",
    "clause_neutral_words": "VADER lexicon words the clause-scoped lexicon treats as situation, not stance",
}

__all__ = ["WORD_LISTS", "load_word_list"]


@lru_cache(maxsize=None)
def load_word_list(name: str) -> tuple[str, ...]:
    """Return the shipped word list ``name``, in file order.

    Parameters
    ----------
    name : str
        One of :data:`WORD_LISTS` (the file ``resources/data/<name>.txt``).

    Returns
    -------
    tuple of str
        The entries, stripped, comments and blank lines dropped, typographic
        apostrophes made plain.

    Raises
    ------
    ParameterError
        For an unknown list, naming the known ones.

    See Also
    --------
    stancebook.resources.stopwords.load_stopwords : the stopword lists.

    Examples
    --------
    >>> load_word_list("domain_neutral_words")[:2]
    ('security', 'united')
    """
    if name not in WORD_LISTS:
        raise ParameterError(f"No shipped word list called {name!r}; known: {sorted(WORD_LISTS)}.")
    return tuple(read_word_list(DATA_DIR / f"{name}.txt"))
