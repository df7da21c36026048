"""Stopwords: English plus domain furniture of speeches, extendable by the researcher."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from stancebook.errors import ParameterError

DATA_DIR = Path(__file__).resolve().parent / "data"

__all__ = ["load_stopwords", "read_word_list"]


def read_word_list(path: Path) -> list[str]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if word:
            words.append(word.replace("\u2019", "'"))
    return words


def load_stopwords(*, extra: Iterable[str] = (), domain: bool = True) -> frozenset[str]:
    """Load the stopword set: English, optionally domain furniture, plus extras.

    Parameters
    ----------
    extra : iterable of str, default ()
        More stopwords. They are compared with token norms exactly, so write
        ordinary words in lower case (``"also"``) and acronyms as folded
        (``"UN"`` would drop the acronym).
    domain : bool, default True
        Also load ``data/stopwords_domain.txt`` (speech furniture such as
        ``excellency``, ``distinguished``, ``delegation``).

    Returns
    -------
    frozenset of str
        The stopwords. A token is a stopword when its norm, or its norm
        without a final dot (``mr.`` → ``mr``), is in the set.

    Examples
    --------
    >>> stop = load_stopwords(extra=["moreover"])
    >>> "the" in stop, "us" in stop, "US" in stop, "security" in stop
    (True, True, False, False)
    """
    if isinstance(extra, str):
        raise ParameterError(f"extra must be a list of words, not the string {extra!r}; write extra=[{extra!r}].")
    words = set(read_word_list(DATA_DIR / "stopwords_en.txt"))
    if domain:
        words.update(read_word_list(DATA_DIR / "stopwords_domain.txt"))
    for word in extra:
        if not isinstance(word, str) or not word.strip():
            raise ParameterError(f"extra must hold non-empty strings; got {word!r}.")
        words.add(word.strip().replace("\u2019", "'"))
    return frozenset(words)
