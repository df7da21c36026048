"""Text layer shared by every stage: normalisation with offsets, segmentation, tokens.

Nothing here knows about runs, artefacts or stages; every function takes a
string (or spans of one) and returns spans, tokens or normalised text.
"""

from stancebook.text.normalise import normalise_text, to_original
from stancebook.text.segment import split_paragraphs, split_sentences, strip_spans
from stancebook.text.tokens import fold_case, tokenize

__all__ = ["fold_case", "normalise_text", "split_paragraphs", "split_sentences", "strip_spans", "to_original",
           "tokenize"]
