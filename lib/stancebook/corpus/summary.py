"""What a corpus holds, in numbers: documents, units, characters, words and problems by kind."""

from __future__ import annotations

import pandas as pd

from stancebook.corpus.schema import PROBLEM_KINDS
from stancebook.text.tokens import count_words


def corpus_summary(documents, units, problems) -> pd.DataFrame:
    """Count documents, units, characters, words and problems by kind.

    Parameters
    ----------
    documents, units, problems : pandas.DataFrame
        The tables from :func:`~stancebook.corpus.load_documents` and
        :func:`~stancebook.corpus.split_units`.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric`` (str) and ``value`` (int), one row per metric:
        documents, units, characters and words (whitespace-separated) of the
        original texts, then ``problems_<kind>`` for every kind in
        ``PROBLEM_KINDS``.

    Examples
    --------
    >>> from stancebook.corpus import PROBLEM_COLUMNS, split_units
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["a.txt"], "text": ["Two words"]})
    >>> summary = corpus_summary(docs, split_units(docs), pd.DataFrame(columns=PROBLEM_COLUMNS))
    >>> summary.loc[summary["metric"] == "words", "value"].item()
    2
    """
    texts = documents["text"].astype("str")
    kinds = problems["problem"].value_counts() if len(problems) else pd.Series(dtype="int64")
    rows = [
        ("documents", len(documents)),
        ("units", len(units)),
        ("characters", int(texts.str.len().sum())),
        ("words", count_words(t for t in texts.tolist() if isinstance(t, str))),
    ]
    rows += [(f"problems_{kind}", int(kinds.get(kind, 0))) for kind in PROBLEM_KINDS]
    return pd.DataFrame(rows, columns=["metric", "value"]).astype({"metric": "str", "value": "int64"})


def problem_counts(problems: pd.DataFrame) -> dict[str, int]:
    """How many problems of each kind, by kind name (sorted).

    Examples
    --------
    >>> problem_counts(pd.DataFrame({"problem": ["unlisted", "empty", "unlisted"]}))
    {'empty': 1, 'unlisted': 2}
    """
    return {str(kind): int(count) for kind, count in problems["problem"].value_counts().sort_index().items()}
