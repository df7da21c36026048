"""Topics fitted on passages and their shares averaged back to the units (topic_unit: passage)."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from stancebook import catalog
from stancebook.artefacts import Dtm
from stancebook.errors import ParameterError, StancebookError
from stancebook.params import defaults
from stancebook.paths import RunPaths
from stancebook.topics import fit_and_describe
from stancebook.topics.passages import document_shares, passage_units


def test_document_shares_weight_passages_by_their_terms():
    shares = np.array([[1.0, 0.0], [0.0, 1.0], [0.2, 0.8]])
    counts = sp.csr_matrix(np.array([[30], [10], [0]]))
    out = document_shares(shares, counts, np.array([0, 0, 2]), 3)
    np.testing.assert_allclose(out, [[0.75, 0.25], [0.5, 0.5], [0.5, 0.5]])  # unit 1 has no passage, 2 no terms


def test_passage_units_refuse_passages_of_another_run():
    assert passage_units(["a#p1", "a#p2", "x#y#p1"], ["x#y", "a"]).tolist() == [1, 1, 0]
    with pytest.raises(StancebookError, match="different runs"):
        passage_units(["b#p1"], ["a"])


@pytest.fixture(scope="module")
def run(tmp_path_factory, make_planted_corpus):
    """Each unit is two passages about different planted topics: a mixed document of two themes."""
    passages, terms, _, _ = make_planted_corpus(seed=4, n_docs=120, doc_len=30)
    unit_ids = np.array([f"u{i:02d}" for i in range(60)])
    passage_ids = np.array([f"{u}#p{n}" for u in unit_ids for n in (1, 2)])
    owner = sp.csr_matrix((np.ones(120), (np.repeat(np.arange(60), 2), np.arange(120))), shape=(60, 120))
    base = tmp_path_factory.mktemp("passages-run")
    paths = RunPaths.for_run("passages-test", run_dir=base / "run", figures_dir=base / "figures").ensure()
    catalog.write(Dtm(sp.csr_matrix(owner @ passages, dtype=np.int64), terms, unit_ids), paths, "dtm")
    catalog.write(Dtm(passages, terms, passage_ids), paths, "passage_dtm")
    catalog.write(pd.DataFrame({"unit_id": unit_ids, "doc_id": unit_ids, "unit_index": 0, "text": "t",
                                "orig_start": 0, "orig_end": 1, "offset_breaks": [[0, 0]] * 60,
                                "year": np.arange(60) % 3 + 2020}), paths, "units")
    params = defaults() | {"topic_models": ["nmf"], "k_grid": [2, 3, 4], "topic_seeds": 2, "n_boot": 100,
                           "topic_unit": "passage"}
    return paths, params, passages


def test_topics_on_passages_describe_every_unit(run):
    paths, params, passages = run
    result = fit_and_describe(paths, params)
    assert result.k == 3  # the planted topics are found in the passages
    shares = catalog.read(paths, "unit_topics")
    assert len(shares) == 60 and shares["unit_id"].is_unique
    share_columns = [c for c in shares.columns if c.startswith("topic_")]
    np.testing.assert_allclose(shares[share_columns].sum(axis=1), 1, atol=1e-5)
    assert any("passages of about 150 words" in note for note in result.notes)
    assert set(result.prevalence) == {"year"}


def test_passages_need_the_passage_dtm_and_document_coherence(run, tmp_path):
    paths, params, _ = run
    with pytest.raises(ParameterError, match="window"):
        fit_and_describe(paths, params | {"topic_coherence": "window"})
    empty = RunPaths.for_run("no-passages", run_dir=tmp_path / "run", figures_dir=tmp_path / "figures").ensure()
    catalog.write(catalog.read(paths, "dtm"), empty, "dtm")
    catalog.write(catalog.read(paths, "units"), empty, "units")
    with pytest.raises(StancebookError, match="re-run 01_tokenise"):
        fit_and_describe(empty, params)


def test_run_parameters_refuse_window_coherence_on_passages():
    from stancebook.params import validate

    with pytest.raises(ParameterError, match="topic_coherence"):
        validate({"topic_unit": "passage", "topic_coherence": "window"})
    assert validate({"topic_unit": "passage"})["topic_passage_words"] == 150
