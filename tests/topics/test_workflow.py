"""Tests of stancebook.topics.workflow: the stage reads its inputs and writes every table through the catalog."""

import numpy as np
import pandas as pd
import pytest

from stancebook import catalog
from stancebook.artefacts import Dtm
from stancebook.errors import StancebookError
from stancebook.params import defaults
from stancebook.paths import RunPaths
from stancebook.topics import (
    TopicModelSelection,
    distinctive_terms,
    fit_and_describe,
    representative_units,
    selection_from_params,
    topic_prevalence,
)

STAGE_TABLES = ("model_selection", "topic_terms", "topic_labels", "distinctive_terms", "unit_topics",
                "representative_units", "topic_map")


@pytest.fixture(scope="module")
def run(tmp_path_factory, make_planted_corpus):
    """A run folder holding the artefacts the topics stage reads: a planted DTM and its units."""
    base = tmp_path_factory.mktemp("topics-run")
    paths = RunPaths.for_run("topics-test", run_dir=base / "run", figures_dir=base / "figures").ensure()
    dtm, terms, unit_ids, _ = make_planted_corpus(seed=7, n_docs=60, doc_len=25)
    catalog.write(Dtm(dtm.tocsr(), terms, unit_ids), paths, "dtm")
    units = pd.DataFrame({
        "unit_id": unit_ids, "doc_id": "doc", "unit_index": np.arange(len(unit_ids)),
        "text": [f"text of {u}" for u in unit_ids], "orig_start": 0, "orig_end": 1,
        "offset_breaks": [[0, 0]] * len(unit_ids),
        "year": np.arange(len(unit_ids)) % 3 + 2020, "region": "Asia",
    })
    catalog.write(units, paths, "units")
    params = defaults() | {"k_grid": [2, 3], "topic_seeds": 2, "prevalence_by": ["year", "region", "actor"],
                           "n_boot": 100}
    return paths, params, units


@pytest.fixture(scope="module")
def result(run):
    paths, params, _ = run
    return fit_and_describe(paths, params)


def test_selection_follows_the_run_parameters():
    params = defaults() | {"topic_models": ["nmf"], "k_grid": [], "topic_seeds": 2, "lda_alpha": 0.5}
    selection = selection_from_params(params)
    assert isinstance(selection, TopicModelSelection)
    assert (selection.models, selection.k_grid, selection.n_seeds, selection.doc_topic_prior) == (
        ("nmf",), None, 2, 0.5)


def test_every_table_is_written_through_the_catalog(run, result):
    paths, _, _ = run
    for name in STAGE_TABLES:
        assert catalog.read(paths, name).shape[0] > 0, name
    pd.testing.assert_frame_equal(catalog.read(paths, "model_selection"),
                                  pd.read_csv(catalog.path(paths, "model_selection")))
    assert catalog.read(paths, "topic_labels")["label"].tolist() == result.labels
    assert len(catalog.read(paths, "unit_topics")) == 60


def test_tables_equal_the_functions_called_one_by_one(run, result):
    paths, params, units = run
    selection = result.selection
    distinct = distinctive_terms(selection.topic_word_, selection.terms_, selection.term_frequency_)
    pd.testing.assert_frame_equal(catalog.read(paths, "distinctive_terms"), distinct, check_exact=False)
    representative = representative_units(selection.unit_topic_, selection.unit_ids_, n=3, units=units,
                                          max_chars=600)
    assert catalog.read(paths, "representative_units")["unit_id"].tolist() == representative["unit_id"].tolist()
    by_year = topic_prevalence(selection.unit_topic_, selection.unit_ids_, units, "year", n_boot=100)
    pd.testing.assert_frame_equal(result.prevalence["year"], by_year)


def test_prevalence_is_written_per_column_and_skipped_columns_are_noted(run, result):
    paths, _, _ = run
    assert list(result.prevalence) == ["year"]
    assert catalog.read(paths, "topic_prevalence", by="year")["year"].nunique() == 3
    assert not catalog.path(paths, "topic_prevalence", by="region").exists()
    assert "no prevalence by 'region': the column is absent or has a single value." in result.notes
    assert "no prevalence by 'actor': the column is absent or has a single value." in result.notes
    # The notes end with the reason for the choice, then the skipped columns.
    assert result.notes[-3] == result.selection.reason_
    assert (result.k, result.model_name) == (result.selection.k_, result.selection.model_name_.upper())


def test_a_missing_artefact_names_the_stage_to_run(tmp_path):
    paths = RunPaths.for_run("empty", run_dir=tmp_path / "run", figures_dir=tmp_path / "figures").ensure()
    with pytest.raises(StancebookError, match="01_tokenise"):
        fit_and_describe(paths, defaults())
