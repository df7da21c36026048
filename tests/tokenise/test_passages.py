"""The passage DTM: the unit DTM's terms counted per fixed-size passage (for topics on passages)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from stancebook.artefacts import Dtm
from stancebook.errors import ParameterError
from stancebook.tokenise import tokenise_corpus
from stancebook.tokenise.chunk import passage_counts
from tests.tokenise import oracle
from tests.tokenise.samples import CORPUS_MWES


def _unit_sums(passages: Dtm, unit_ids) -> np.ndarray:
    owners = np.array([p.rsplit("#p", 1)[0] for p in passages.unit_ids])
    rows = pd.Series(np.arange(len(unit_ids)), index=list(unit_ids)).loc[owners].to_numpy()
    owner = sp.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(len(unit_ids), len(rows)))
    return (owner @ passages.matrix).toarray()


@pytest.mark.parametrize("n_jobs, chunk_chars, words", [(1, 10**9, 5), (1, 1, 3), (2, 150, 4)])
def test_passages_add_up_to_their_units_whatever_the_chunks(corpus_units, actors, n_jobs, chunk_chars, words):
    result = tokenise_corpus(corpus_units, dictionary=actors, mwes=CORPUS_MWES, n_jobs=n_jobs,
                             chunk_chars=chunk_chars, keep_tokens=False, passage_words=words)
    passages = result.passage_dtm
    assert passages.terms.tolist() == result.dtm.terms.tolist()
    assert np.array_equal(_unit_sums(passages, result.dtm.unit_ids), result.dtm.matrix.toarray())
    # Every unit has passages, numbered from 1 in order.
    owners = [p.rsplit("#p", 1)[0] for p in passages.unit_ids]
    assert list(dict.fromkeys(owners)) == result.dtm.unit_ids.tolist()


def test_passages_follow_the_words_of_the_oracle_tokens(corpus_units, actors):
    words = 4
    result = tokenise_corpus(corpus_units, dictionary=actors, mwes=CORPUS_MWES, passage_words=words)
    tokens = oracle.tokenise_units(corpus_units, dictionary=actors, mwes=CORPUS_MWES)
    expected = {}
    for unit_id, unit_tokens in tokens.groupby("unit_id", sort=False):
        is_word = (unit_tokens["kind"] == "word").to_numpy()
        n_words = int(is_word.sum())
        n_passages = max(n_words // words + (2 * (n_words % words) >= words), 1)
        ordinal = np.maximum(np.cumsum(is_word) - 1, 0)
        passage = np.minimum(ordinal // words, n_passages - 1)
        for p, term in zip(passage, unit_tokens["term"]):
            if isinstance(term, str):
                key = (f"{unit_id}#p{p + 1}", term)
                expected[key] = expected.get(key, 0) + 1
    dtm = result.passage_dtm
    got = {(dtm.unit_ids[r], dtm.terms[c]): v for r, c, v in zip(*sp.find(dtm.matrix))}
    assert got == expected


def test_a_short_tail_joins_the_passage_before():
    # 7 words in passages of 3: 3 + 4 (a tail of 1 word is a scrap); 8 words: 3 + 3 + 2.
    for n_words, expected in [(7, ["u#p1", "u#p2"]), (8, ["u#p1", "u#p2", "u#p3"]), (0, ["u#p1"])]:
        out = passage_counts(["u"], np.zeros(n_words, dtype=int), np.ones(n_words, dtype=bool),
                             np.zeros(n_words, dtype=int), 3)
        assert out["ids"] == expected


def test_no_passage_dtm_unless_asked(corpus_units, actors):
    assert tokenise_corpus(corpus_units, dictionary=actors).passage_dtm is None
    with pytest.raises(ParameterError, match="passage_words"):
        tokenise_corpus(corpus_units, dictionary=actors, passage_words=-1)


def test_passage_terms_are_pruned_by_their_share_of_passages(actors):
    # "climate" is in both speeches (max_df 0.6 of units drops it) but in one passage of four.
    units = pd.DataFrame({"unit_id": ["a", "b"], "offset_breaks": [[0, 0]] * 2, "text": [
        "Climate threatens islands. Ships carry grain. Banks lend money. Farmers plant rice.",
        "Climate harms coasts. Troops guard borders. Courts try cases. Schools teach children."]})
    result = tokenise_corpus(units, dictionary=actors, max_df=0.6, passage_words=6)
    assert "climate" not in result.dtm.terms and "climate" in result.passage_dtm.terms
