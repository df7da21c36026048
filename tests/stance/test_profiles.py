"""Stance profiles: holder x target means per source, bootstrap intervals, salience, missing cells."""

import numpy as np
import pytest

from stancebook import stance


def test_never_mentioned_targets_are_missing_not_neutral(blocs, bloc_of, targets):
    *_, profiles = blocs
    assert len(profiles) == len(bloc_of) * len(targets)
    china = profiles[profiles["target"] == "china"]
    assert china["polarity_lexicon"].isna().all() and china["ci_low_lexicon"].isna().all()
    assert china["polarity_scaling"].isna().all()
    assert (china["salience"] == 0).all() and (china["n_sentences"] == 0).all()
    matrix = stance.profile_matrix(profiles)
    assert matrix.shape == (8, 5) and matrix["china"].isna().all()
    assert list(matrix.columns) == targets
    wide = stance.profiles_wide(profiles)
    assert len(wide) == 8 and wide["polarity_lexicon:china"].isna().all()
    assert {"polarity_scaling:russia", "ci_low_lexicon:russia", "salience:russia"} <= set(wide.columns)


def test_profile_columns_follow_the_registered_sources(blocs):
    *_, profiles = blocs
    assert list(profiles.columns) == stance.PROFILE_COLUMNS == [
        "holder", "target", "level", "n_sentences", "salience", "polarity_lexicon", "ci_low_lexicon",
        "ci_high_lexicon", "n_scaling", "polarity_scaling", "ci_low_scaling", "ci_high_scaling",
        "n_frames", "polarity_frames", "ci_low_frames", "ci_high_frames",
        "polarity_clause", "ci_low_clause", "ci_high_clause",
        "n_learned", "polarity_learned", "ci_low_learned", "ci_high_learned",
        "n_coded", "polarity_coded", "ci_low_coded", "ci_high_coded",
        "polarity_stance", "ci_low_stance", "ci_high_stance"]


def test_profiles_report_mean_salience_and_bootstrap_interval(blocs):
    _, sentences, _, triples, profiles = blocs
    row = profiles.set_index(["holder", "target"]).loc[("estonia", "russia")]
    values = triples.loc[(triples["unit_id"] == "estonia-speech") & (triples["target"] == "russia"),
                         "polarity_lexicon"]
    assert row["n_sentences"] == 2
    assert row["polarity_lexicon"] == pytest.approx(values.mean(), abs=1e-6)
    assert row["ci_low_lexicon"] <= row["polarity_lexicon"] <= row["ci_high_lexicon"]
    assert row["salience"] == pytest.approx(2 / 3)
    single = profiles.set_index(["holder", "target"]).loc[("estonia", "west")]
    assert single["n_sentences"] == 1 and np.isnan(single["ci_low_lexicon"]) and np.isnan(single["ci_high_lexicon"])


def test_salience_over_all_sentences_when_sentence_table_given(build_tables):
    units, sentences, mentions = build_tables({"u": ["Moscow is great.", "Nothing here.", "Nor here.",
                                                     "Still nothing."]})
    triples = stance.stance_triples(units, sentences, mentions)
    profiles = stance.stance_profiles(triples, units, targets=["russia"], sentences=sentences)
    assert profiles["salience"].iloc[0] == 0.25
