"""Multiword expressions: the researcher's MWEs and the multiword forms of the actor dictionary.

A researcher's MWE is a tuple of norms (``("security", "council")``),
matched on consecutive tokens' norms; a dictionary form (``North Korea``,
``the West``) is matched case-aware on the surfaces, so the lower-case
direction "the west" is not the West. Either way the term is the norms
joined by ``_`` in lower case (``north_korea``), and the longest MWE wins.
"""

from __future__ import annotations

from collections.abc import Sequence

from stancebook.errors import ParameterError
from stancebook.resources.actors import ActorDictionary
from stancebook.text.tokens import fold_case, tokenize
from stancebook.tokenise.mentions import variants

__all__ = ["mwe_index", "mwe_term"]


def mwe_term(norms: Sequence[str]) -> str:
    """The term of an MWE: lower-case norms joined by ``_`` (a clitic ``'s`` joined as is).

    Examples
    --------
    >>> mwe_term(["Kim", "Jong", "Un"]), mwe_term(["the", "West", "'s"])
    ('kim_jong_un', "the_west's")
    """
    term = ""
    for norm in norms:
        norm = norm.lower()
        term += norm if (not term or norm[:1] == "'") else "_" + norm
    return term


def mwe_index(mwes, dictionary: ActorDictionary | None) -> dict[tuple[bool, str], list[tuple[int, bool, tuple, str]]]:
    """Index the MWEs by (matched on surfaces?, first key): ``[(length, by_surface, keys, term), ...]``, longest first.

    Parameters
    ----------
    mwes : iterable of tuple of str
        The researcher's MWEs, as tuples of norms.
    dictionary : ActorDictionary or None
        Its multiword forms (and their capitalised and curly-apostrophe
        variants) are added, keyed by surfaces.

    Raises
    ------
    ParameterError
        ``mwes`` is a string or holds something other than tuples of
        non-empty strings; ``dictionary`` is not an ActorDictionary.

    Examples
    --------
    >>> mwe_index([("security", "council")], None)
    {(False, 'security'): [(2, False, ('security', 'council'), 'security_council')]}
    """
    index: dict[tuple[bool, str], list] = {}
    seen = set()

    def add(keys: tuple, by_surface: bool, term: str) -> None:
        if len(keys) < 2 or (keys, by_surface) in seen:
            return
        seen.add((keys, by_surface))
        index.setdefault((by_surface, keys[0]), []).append((len(keys), by_surface, keys, term))

    if isinstance(mwes, (str, tuple)) and mwes and isinstance(mwes[0], str):
        raise ParameterError("mwes must be an iterable of tuples of norms, e.g. [('security', 'council')].")
    for mwe in mwes:
        if isinstance(mwe, str) or not all(isinstance(w, str) and w for w in mwe):
            raise ParameterError(f"mwes holds {mwe!r}; each multiword expression must be a tuple of "
                                 "norms, e.g. ('security', 'council').")
        keys = tuple(w.replace("\u2019", "'") for w in mwe)
        add(keys, False, mwe_term(keys))
    if dictionary is not None:
        if not isinstance(dictionary, ActorDictionary):
            raise ParameterError("dictionary must be an ActorDictionary from load_actor_dictionary(), or None.")
        for form, _, _ in dictionary.forms():
            for variant in variants(form):
                surfaces = tuple(t[2] for t in tokenize(variant))
                add(surfaces, True, mwe_term([fold_case(s) for s in surfaces]))
    for candidates in index.values():
        candidates.sort(key=lambda c: (-c[0], c[2]))
    return index
