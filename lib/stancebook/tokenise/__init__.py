"""Stage 1: sentences, tokens, stopwords, actor mentions and the document-term matrix.

Everything here is pure Python + regular expressions + numpy/scipy/pandas: no
language model is downloaded, so the same text always gives the same tables.

Where things are
----------------
``pipeline``
    :func:`tokenise_corpus`, the one pass over a corpus: chunks of units,
    in worker processes when ``n_jobs`` is not 1, merged in input order;
    :func:`sentence_table` and :func:`find_mentions` give one of its tables.
``chunk``
    The work on one chunk: sentences, mentions, tokens, terms, MWEs, DTM counts.
``mentions``
    The mention matcher of the actor dictionary, and :func:`mention_counts`.
``mwes``
    Multiword expressions: the researcher's and the dictionary's multiword forms.
``dtm``
    DTM counts merged across chunks, and pruning by document frequency.
``collocations``, ``keyness``
    :func:`find_collocations`; :func:`top_terms`, :func:`keyness`, :func:`keyness_group`.
``plots``
    Every figure of the stage, and :func:`figure_size`.
``workflow``
    :func:`tokenise_and_write`, what notebook 01 runs.

Decisions a researcher should know about
----------------------------------------
Sentences, tokens and norms
    As :mod:`stancebook.text` makes them: sentences robust to ``U.S.``,
    ``Mr.``, initials and decimals, never crossing a paragraph; hyphenated
    compounds one word, ``'s`` its own token; case folded except acronyms
    (``US`` stays apart from ``us``).
Mentions
    One compiled, case-aware regular expression over the unit text (not over
    tokens), longest form first, with hyphens as word boundaries; a demonym
    (or a name with ``'s``, or a metonym) followed by role words and a leader
    of the same target is merged into one ``leader`` mention.
Terms
    A token's term is its norm unless it is a stopword, punctuation or a
    number; the multiword forms of the actor dictionary (``north_korea``)
    and the researcher's MWEs are one term.

Missing values: the ``term`` column of the tokens table uses pandas' string
dtype; tokens without a term (stopwords, punctuation, numbers, and the second
and later tokens of a multiword expression) hold a missing value (NaN), so test
it with ``tokens["term"].isna()``.
"""

# Shared layers, importable from here as before the stage became a package.
from stancebook.artefacts import Dtm, load_dtm, save_dtm
from stancebook.resources.actors import MENTION_KINDS, ActorDictionary, load_actor_dictionary
from stancebook.resources.stopwords import load_stopwords
from stancebook.text.segment import split_paragraphs, split_sentences
from stancebook.text.tokens import fold_case, tokenize
from stancebook.tokenise.collocations import find_collocations
from stancebook.tokenise.keyness import keyness, keyness_group, top_terms
from stancebook.tokenise.mentions import MentionMatcher, mention_counts
from stancebook.tokenise.pipeline import TokeniseResult, find_mentions, sentence_table, tokenise_corpus
from stancebook.tokenise.plots import figure_size, plot_keyness, plot_mentions, plot_top_terms
from stancebook.tokenise.tables import MENTION_COLUMNS, SENTENCE_COLUMNS, TOKEN_COLUMNS
from stancebook.tokenise.workflow import StageOutputs, stage_dictionary, tokenise_and_write

__all__ = [
    "MENTION_COLUMNS", "SENTENCE_COLUMNS", "TOKEN_COLUMNS", "MentionMatcher", "StageOutputs", "TokeniseResult",
    "figure_size", "find_collocations", "find_mentions", "keyness", "keyness_group", "mention_counts",
    "plot_keyness", "plot_mentions", "plot_top_terms", "sentence_table", "stage_dictionary", "tokenise_and_write",
    "tokenise_corpus", "top_terms",
    # shared layers
    "MENTION_KINDS", "ActorDictionary", "Dtm", "fold_case", "load_actor_dictionary", "load_dtm", "load_stopwords",
    "save_dtm", "split_paragraphs", "split_sentences", "tokenize",
]
