"""Place and leader names to keep out of topic vocabularies.

Topic models fitted on speeches by states find "topics" that are regions
(Pacific islands, the Caribbean, the Balkans) because every speaker names
their own country, neighbours and capital. :func:`load_place_words` gathers
the words that name places and leaders, so that the topics stage can drop
them from the topic vocabulary (``topic_exclude_names``) while the DTM keeps
them for mentions and stance.

Sources: the country table (``countries.csv``: names and short names), the
shipped list ``data/place_words.txt`` (demonyms, capitals, regions) and the
actor dictionary (names, demonyms and capitals of the targets that are places
-- those with a demonym or a capital -- and the leaders of every target).
Institutions (the dictionary's metonyms, such as ``Security Council``) are
kept: they are themes, not places.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from stancebook.resources.countries import load_countries

__all__ = ["GENERIC_NAME_WORDS", "load_place_words", "place_word_forms"]

_LIST = Path(__file__).resolve().parent / "data" / "place_words.txt"
# Words inside country names that are not place names themselves ("Republic of
# Korea", "Saint Lucia", "Port Moresby"): never dropped when they come from a
# split name.
GENERIC_NAME_WORDS = frozenset(
    "the of and de la el le les da do du di van von der al bin ibn new saint st san santo sao port prince "
    "north south east west western eastern northern southern central republic republics united states state "
    "kingdom islands island democratic people people's peoples federal federated federation union socialist "
    "islamic plurinational bolivarian great holy see city former nations equatorial occupied territory "
    "territories administrative region autonomous".split()
)
_SPLIT = re.compile(r"[\s\-]+")
_EDGE = re.compile(r"^[^\w']+|[^\w.']+$")


def _fold(form: str) -> str:
    return form.replace("\u2019", "'").strip().lower()


def _pieces(form: str) -> list[str]:
    """The words of a multiword place name, without generic words and edge punctuation."""
    words = [_EDGE.sub("", w) for w in _SPLIT.split(_fold(form))]
    # Short pieces of names ("Kim Jong Un", "Port-au-Prince", "Choe Son Hui") would drop UN, AU or "son".
    shortest = 2 if len(words) == 1 else 4
    return [w for w in words if len(w) >= shortest and w not in GENERIC_NAME_WORDS]


@lru_cache(maxsize=1)
def _shipped_words() -> frozenset:
    words: set[str] = set()
    table = load_countries()
    for form in [*table["name"], *table["short_name"]]:
        words.update(_pieces(form))
    for line in _LIST.read_text(encoding="utf-8").splitlines():
        for form in line.split("#", 1)[0].split():
            words.update(_pieces(form))
    return frozenset(words)


def place_word_forms(dictionary=None) -> list[str]:
    """The forms of the actor dictionary that name places or leaders, as written.

    Parameters
    ----------
    dictionary : ActorDictionary, optional
        From :func:`stancebook.resources.actors.load_actor_dictionary`.

    Returns
    -------
    list of str
        Names, demonyms and capitals of the targets with a demonym or a capital,
        and the leaders of every target.

    Examples
    --------
    >>> from stancebook.resources.actors import load_actor_dictionary
    >>> forms = place_word_forms(load_actor_dictionary())
    >>> "Moscow" in forms, "Guterres" in forms, "Security Council" in forms, "UN" in forms
    (True, True, False, False)
    """
    if dictionary is None:
        return []
    forms: list[str] = []
    for spec in dictionary.targets.values():
        if spec.get("demonyms") or spec.get("capitals"):
            forms += [*spec.get("names", ()), *spec.get("demonyms", ()), *spec.get("capitals", ())]
        forms += list(spec.get("leaders", ()))
    return forms


def load_place_words(dictionary=None) -> frozenset:
    """Return the lower-case words and terms that name places and leaders.

    A single-word form is kept as it is (lower case); a multiword form of the
    actor dictionary gives its multiword term (``north_korea``, as the
    tokeniser joins it) and its non-generic words; a multiword country name
    or capital gives its non-generic words (``south sudan`` gives ``sudan``,
    not ``south``).

    Parameters
    ----------
    dictionary : ActorDictionary, optional
        Adds the place and leader forms of :func:`place_word_forms`.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> words = load_place_words()
    >>> sorted(w for w in ["sudan", "south", "fijian", "suva", "caribbean", "climate"] if w in words)
    ['caribbean', 'fijian', 'sudan', 'suva']
    """
    words = set(_shipped_words())
    for form in place_word_forms(dictionary):
        folded = _fold(form)
        words.add("_".join(folded.split()))
        words.update(_pieces(form) if " " in folded else [folded])
    return frozenset(words)
