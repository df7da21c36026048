"""Hand-written units tables and shortcuts shared by the tokenise tests."""

from pathlib import Path

import pandas as pd

from stancebook.resources.actors import ActorDictionary
from stancebook.tokenise import tokenise_corpus

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_e71531e8ba892e2d.txt"
# No targets: the tables without dictionary forms as multiword terms.
NO_ACTORS = ActorDictionary(targets={}, groups={})

TINY = ("Nuclear weapons threaten peace. Nuclear weapons spread.",
        "Peace talks and peace.",
        "",
        "Sanctions hurt trade. Nuclear weapons again.")

# Hand-written documents exercising what the fast path must get exactly right:
# abbreviations (No. before a number, across a space), possessives, MWEs from the
# dictionary and from the user, leaders merged with demonyms, paragraph breaks,
# an empty unit, non-trivial offset maps, units in non-alphabetical order.
CORPUS = (
    "Title of the speech\n\nMr. President, the U.S. and the Russian Federation met at the UN Security Council. "
    "North Korean leader Kim Jong Un vowed support for Moscow\u2019s war. See resolution No. 5 and No.\n6 today.",
    "The West met. They drove to the west of the city. Security Council reform, security council reform!",
    "",
    "Growth was 3.5 per cent in 2023... Then it fell. US President Joe Biden and Russia's Putin spoke; "
    "the Kremlin said No. Pyongyang-Moscow ties: anti-imperialist, \u201cunbreakable.\u201d",
    "   Tabs\tand   spaces\n\n\n  and a last No. 7 of 2,000 units (p. 12).  ",
)
# Text where the whitespace-piece fast path could go wrong: one word followed by every kind
# of whitespace (the piece is hashed with it), no space at either end, non-ASCII spaces and
# hyphens, pieces repeated across units and chunks, non-BMP characters, dotted
# abbreviations at a unit's end and before a number in the next piece.
WHITESPACE_PIECES = (
    "peace peace\npeace\tpeace\u00a0peace\u3000peace\u2028peace.\x1cpeace, U.S. U.S.A. e.g. No. 5 No.",
    "No. 7\u2003U.S.\n\npeace\u2010loving \u201cpeace.\u201d Mr. Kim\u2019s \U0001F54A peace\u00ad "
    "\u0645\u0631\u062d\u0628\u0627.",
    "\u3000\u3000leading and trailing \t",
    "peace peace peace. Peace? PEACE! 3.5 1,000 No.\n12 Russia\u2019s Moscow-Beijing U.S.",
)
CORPUS_IDS = ["d3", "d1", "d0", "d4", "d2"]
CORPUS_BREAKS = [[0, 0], [0, 10, 40, 55], [0, 0], [0, 3], [0, 0, 5, 9]]
CORPUS_MWES = [("security", "council"), ("per", "cent")]


def units_of(*texts, ids=None):
    """A hand-built units table whose texts are their own originals."""
    ids = ids or [f"u{i}" for i in range(1, len(texts) + 1)]
    return pd.DataFrame({"unit_id": ids, "text": list(texts), "offset_breaks": [[0, 0] for _ in texts]})


def tokens_of(units, *, dictionary=NO_ACTORS, **options):
    """The tokens table of the streaming path (no dictionary forms unless ``dictionary`` is given)."""
    return tokenise_corpus(units, dictionary=dictionary, **options).tokens


def dtm_of(units, *, dictionary=NO_ACTORS, **options):
    """The DTM of the streaming path (no dictionary forms unless ``dictionary`` is given)."""
    return tokenise_corpus(units, dictionary=dictionary, keep_tokens=False, **options).dtm
