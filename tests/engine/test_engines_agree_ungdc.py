"""Both engines give the same tables on the 2022 session of the UN General Debate corpus.

Corpus, tokenise and stance run through their workflows (as notebooks 00,
01 and 03 call them) twice, into two run folders: on local processes and on
a Dask LocalCluster of two worker processes. Units, sentences, mentions, the
DTM and its vocabulary, the stance triples and the profiles must be the same
(floats to 1e-9). The corpus is read from ``../shared/corpora/ungdc`` beside
the repository, as the other UN tests do; skipped where it is absent.
"""

import numpy as np
import pandas as pd
import pytest

from stancebook import catalog
from stancebook.corpus import prepare_corpus
from stancebook.params import load_params
from stancebook.paths import RunPaths, repo_root
from stancebook.stance import score_stances
from stancebook.tokenise import tokenise_and_write
from stancebook.tokenise.pipeline import tokenise_corpus
from stancebook.tokenise.workflow import stage_dictionary

UNGDC = repo_root().parent / "shared" / "corpora" / "ungdc"
needs_corpus = pytest.mark.skipif(not (UNGDC / "UNGDC_1946-2024.tgz").is_file(),
                                  reason="UN General Debate corpus not found beside the repository")


@pytest.fixture(scope="module")
def params():
    return load_params(repo_root() / "notebooks" / "ungdc-recent.yaml", ["year_min=2022", "year_max=2022"])


def _run(params: dict, paths: RunPaths, engine) -> RunPaths:
    """Stages 0, 1 and 3 of the chain on ``engine`` (a name or an open engine)."""
    paths.ensure()
    prepare_corpus({**params, "engine": engine}, paths)
    tokenise_and_write(paths, min_df=params["min_df"], max_df=params["max_df"], keep_tokens=params["keep_tokens"],
                       n_jobs=params["n_jobs"], topic_unit=params["topic_unit"],
                       topic_passage_words=params["topic_passage_words"], engine=engine)
    # two folds of the learned source (fitted here, in the driver, on either engine) keep the test short
    score_stances(paths, holder_column=params["holder_column"], n_boot=200, random_state=0, n_jobs=params["n_jobs"],
                  engine=engine, sources={"learned": {"n_folds": 2}})
    return paths


@pytest.fixture(scope="module")
def runs(params, dask_engine, tmp_path_factory):
    base = tmp_path_factory.mktemp("engines")
    return {name: _run(params, RunPaths.for_run(name, run_dir=base / name, figures_dir=base / f"{name}-figures"),
                       engine)
            for name, engine in (("local", "local"), ("dask", dask_engine))}


def _same_frames(local: pd.DataFrame, dask: pd.DataFrame) -> None:
    assert list(local.columns) == list(dask.columns)
    pd.testing.assert_frame_equal(local, dask, check_exact=False, rtol=0, atol=1e-9)


def _same_dtm(local, dask) -> None:
    assert local.terms.tolist() == dask.terms.tolist() and local.unit_ids.tolist() == dask.unit_ids.tolist()
    assert (local.matrix != dask.matrix).nnz == 0


@needs_corpus
def test_both_engines_read_the_same_193_speeches(runs):
    local, dask = (catalog.read(runs[name], "units") for name in ("local", "dask"))
    assert len(local) == 193
    _same_frames(local, dask)


@needs_corpus
@pytest.mark.parametrize("name", ["sentences", "mentions"])
def test_both_engines_give_the_same_sentences_and_mentions(runs, name):
    local, dask = (catalog.read(runs[engine], name) for engine in ("local", "dask"))
    assert len(local) > 1000
    _same_frames(local, dask)


@needs_corpus
@pytest.mark.parametrize("name", ["dtm", "passage_dtm"])
def test_both_engines_give_the_same_dtm_and_vocabulary(runs, name):
    local, dask = (catalog.read(runs[engine], name) for engine in ("local", "dask"))
    assert local.matrix.shape[1] > 1000
    _same_dtm(local, dask)


@needs_corpus
@pytest.mark.parametrize("name", ["stance_triples", "stance_profiles_long", "stance_profiles", "scaling_words"])
def test_both_engines_give_the_same_triples_and_profiles(runs, name):
    local, dask = (catalog.read(runs[engine], name) for engine in ("local", "dask"))
    assert len(local) >= 30
    _same_frames(local, dask)


@needs_corpus
def test_many_small_chunks_on_the_cluster_give_the_tables_of_one_pass(runs, dask_engine):
    # the run above tokenises 2022 in one or two chunks; here every chunk holds a few speeches
    units = catalog.read(runs["local"], "units")
    dictionary = stage_dictionary()
    whole = tokenise_corpus(units, dictionary=dictionary, keep_tokens=False)
    chunked = tokenise_corpus(units, dictionary=dictionary, keep_tokens=False, chunk_chars=100_000,
                              engine=dask_engine)
    _same_dtm(whole.dtm, chunked.dtm)
    _same_frames(whole.sentences, chunked.sentences)
    _same_frames(whole.mentions, chunked.mentions)
    assert np.array_equal(whole.dtm.matrix.sum(axis=0), chunked.dtm.matrix.sum(axis=0))
