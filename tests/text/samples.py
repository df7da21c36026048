"""Text samples shared by the tests of normalisation and of corpus units."""

import numpy as np

from stancebook.text.normalise import to_original

# A PDF-extraction mess: BOM, CRLF, tabs, runs of spaces, NBSP, a ligature,
# a control character, both kinds of hyphenation, blank lines with spaces.
MESSY = (
    "\ufeffTitle  of\tthe piece \r\n\r\n"
    "The seventy- seventh session of the inter-\r\nnational\u00a0body,\r\n"
    "a once-in- a-century\x07 event that \ufb01nally   came.  \n \n\n\n"
    "Second paragraph\twith\t\ttabs and \u201ccurly\u201d quotes\u2019s.\n"
)
MESSY_NORMALISED = (
    "Title of the piece\n\n"
    "The seventy-seventh session of the international body, "
    "a once-in-a-century event that finally came.\n\n"
    "Second paragraph with tabs and \u201ccurly\u201d quotes\u2019s."
)
LIGATURE_LETTERS = {"f", "i"}


def assert_maps_back(original: str, normalised: str, breaks, *, replaced=frozenset()):
    """Every copied character maps back to itself; whitespace maps to whitespace."""
    mapped = to_original(np.arange(len(normalised)), breaks)
    for p, o in enumerate(mapped.tolist()):
        char = normalised[p]
        if char.isspace():
            assert original[o].isspace() or original[o] in "\u2029", (p, o)
        elif char not in replaced:
            assert original[o] == char, (p, char, o, original[o])
