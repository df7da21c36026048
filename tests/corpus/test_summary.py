"""corpus_summary: documents, units, characters, words and problems by kind."""

import pandas as pd

from stancebook.corpus import corpus_summary, load_documents, split_units
from stancebook.corpus.summary import problem_counts


def test_corpus_summary_counts_documents_units_words_and_problems(folder_with_bad_files):
    documents, problems = load_documents(folder_with_bad_files, on_problem="skip")
    units = split_units(documents)
    summary = dict(zip(corpus_summary(documents, units, problems)["metric"],
                       corpus_summary(documents, units, problems)["value"]))
    assert summary["documents"] == 1 and summary["units"] == 1
    assert summary["words"] == 3 and summary["characters"] == len("A good text.")
    assert summary["problems_empty"] == 1 and summary["problems_encoding"] == 1
    assert summary["problems_duplicate"] == 0


def test_problem_counts_are_sorted_by_kind():
    problems = pd.DataFrame({"source": list("abc"), "problem": ["unlisted", "empty", "unlisted"], "detail": ""})
    assert list(problem_counts(problems).items()) == [("empty", 1), ("unlisted", 2)]
    assert problem_counts(problems.iloc[:0]) == {}
