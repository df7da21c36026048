"""VADER's lexicon as a polarity source: negation, neutral target names and domain words, workers."""

import pandas as pd
import pytest

from stancebook import stance
from stancebook.errors import ParameterError
from stancebook.stance import polarity
from stancebook.stance.polarity import lexicon


@pytest.fixture
def polarity_of(build_tables):
    def score(sentence, target, **kwargs):
        units, sentences, mentions = build_tables({"u": [sentence]})
        triples = stance.stance_triples(units, sentences, mentions, **kwargs)
        return float(triples.loc[triples["target"] == target, "polarity_lexicon"].iloc[0])
    return score


def test_negation_lowers_polarity_toward_target(polarity_of):
    assert polarity_of("Moscow is not a good partner.", "russia") < polarity_of("Moscow is a good partner.", "russia")
    assert polarity_of("Moscow is not a good partner.", "russia") < 0


def test_target_names_carry_no_sentiment(polarity_of, build_tables):
    # "United" (+1.8) and "Security" (+1.4) are VADER lexicon words: names are masked before scoring.
    assert polarity_of("The United Nations met on Tuesday.", "un") == 0.0
    assert polarity_of("The UN Security Council met on Tuesday.", "un") == 0.0
    # ...but the sentence's other words are kept, and the context shown is the readable sentence.
    units, sentences, mentions = build_tables({"u": ["The United Nations failed the victims."]})
    triples = stance.stance_triples(units, sentences, mentions)
    assert triples["polarity_lexicon"].iloc[0] < 0
    assert triples["context"].iloc[0] == "The United Nations failed the victims."


def test_domain_words_are_neutral_unless_the_lexicon_is_kept_as_shipped():
    texts = ["entity protects our security."]
    assert stance.LexiconPolarity().score(texts)[0] < stance.LexiconPolarity(neutral=[]).score(texts)[0]
    with pytest.raises(ParameterError, match="`lexicon_neutral`"):
        stance.LexiconPolarity(neutral="security").fit()


def test_parallel_lexicon_scoring_gives_the_same_triples(blocs, monkeypatch):
    units, sentences, mentions, triples, _ = blocs
    monkeypatch.setattr(lexicon, "_MIN_PARALLEL_CONTEXTS", 1)  # the blocs have a few dozen contexts
    parallel = stance.stance_triples(units, sentences, mentions, holder_column="actor", n_jobs=2)
    pd.testing.assert_frame_equal(triples, parallel)
    with pytest.raises(ParameterError, match="`n_jobs`"):
        stance.stance_triples(units, sentences, mentions, holder_column="actor", n_jobs=0)


def test_lexicon_and_frames_on_a_dask_cluster_give_the_same_triples(blocs, dask_engine):
    units, sentences, mentions, triples, _ = blocs
    sources = {"lexicon": polarity.LexiconPolarity(engine=dask_engine),
               "clause": polarity.ClauseLexicon(engine=dask_engine),
               "frames": polarity.FramePolarity(engine=dask_engine)}
    on_cluster = stance.stance_triples(units, sentences, mentions, holder_column="actor", sources=sources)
    pd.testing.assert_frame_equal(triples, on_cluster)
