"""Stage 0, the corpus: load documents, normalise text, split units, filter.

The documents table keeps every text exactly as read; normalisation happens
when units are split, and every unit carries ``offset_breaks`` that map each
position of its normalised text back to the document's original text, so a
quote found later can always be shown as the author wrote it.

Tables produced here (their catalog names in :mod:`stancebook.catalog`):

- ``documents``: ``doc_id, source, text, <metadata...>``, sorted by ``doc_id``;
- ``corpus_problems``: ``source, problem, detail``, one row per problem found;
- ``units``: ``unit_id, doc_id, unit_index, text, orig_start, orig_end,
  offset_breaks, <metadata...>``.

Where things are:

- :mod:`~stancebook.corpus.readers`: the registry of corpus formats, one
  module per format family (``folder``, ``tables``, ``ungdc``);
- :mod:`~stancebook.corpus.load`: :func:`load_documents`, :func:`file_hashes`;
- :mod:`~stancebook.corpus.units`: :func:`split_units`,
  :func:`add_paragraph_numbers`, :func:`short_unit_labels`;
- :mod:`~stancebook.corpus.filters`, :mod:`~stancebook.corpus.summary`:
  :func:`filter_documents`, :func:`corpus_summary`;
- :mod:`~stancebook.corpus.plots`: the stage's figures;
- :mod:`~stancebook.corpus.workflow`: :func:`prepare_corpus`, the stage as
  the notebook runs it.
"""

from stancebook.corpus.filters import filter_documents
from stancebook.corpus.load import file_hashes, load_documents
from stancebook.corpus.plots import plot_unit_lengths, unit_lengths_figsize
from stancebook.corpus.readers import READERS, Reader, ReadOptions
from stancebook.corpus.readers.ungdc import UNGDC_DOI, UNGDC_METADATA, default_ungdc_path, ungdc_path
from stancebook.corpus.schema import (
    DOCUMENT_COLUMNS,
    PROBLEM_COLUMNS,
    PROBLEM_KINDS,
    UNIT_COLUMNS,
    UNITS,
)
from stancebook.corpus.summary import corpus_summary
from stancebook.corpus.units import add_paragraph_numbers, short_unit_labels, split_units
from stancebook.corpus.workflow import CorpusTables, prepare_corpus
from stancebook.text.normalise import normalise_text, to_original

__all__ = [
    "DOCUMENT_COLUMNS",
    "PROBLEM_COLUMNS",
    "PROBLEM_KINDS",
    "READERS",
    "UNGDC_DOI",
    "UNGDC_METADATA",
    "UNITS",
    "UNIT_COLUMNS",
    "CorpusTables",
    "ReadOptions",
    "Reader",
    "add_paragraph_numbers",
    "corpus_summary",
    "default_ungdc_path",
    "file_hashes",
    "filter_documents",
    "load_documents",
    "normalise_text",
    "plot_unit_lengths",
    "prepare_corpus",
    "short_unit_labels",
    "split_units",
    "to_original",
    "ungdc_path",
    "unit_lengths_figsize",
]
