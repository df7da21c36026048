"""The stage's workflow functions, and the registries: a new polarity source and a new algorithm run through."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from stancebook import catalog, stance
from stancebook.artefacts import Dtm
from stancebook.errors import CorpusError, ParameterError
from stancebook.paths import RunPaths
from stancebook.resources.actors import FORM_KEYS, ActorDictionary
from stancebook.resources.stopwords import load_stopwords
from stancebook.stance.clustering import ALGORITHMS, ClusterAlgorithm, register_algorithm
from stancebook.stance.polarity import SOURCES, PolaritySource, register_source
from stancebook.workbook import Stage


class WordCount(PolaritySource):
    """A toy source: a tenth of the words of the context, learned from nothing but counted on the corpus."""

    learns_from_corpus = True

    def fit(self, texts):
        self.n_texts_ = len(list(texts))
        return self

    def score(self, texts):
        return np.array([len(t.split()) / 10 for t in texts])


class Halves(ClusterAlgorithm):
    """A toy algorithm that finds its own clusters: the first half of the rows, then the second."""

    finds_k = True

    def fit_predict(self, X, k, random_state):
        return (np.arange(len(X)) >= len(X) / 2).astype(int) + 10


@pytest.fixture
def toys():
    """Register the toy source and algorithm for one test, and remove them afterwards."""
    register_source("toy", WordCount)
    register_algorithm("halves", Halves)
    try:
        yield
    finally:
        SOURCES.pop("toy", None)
        ALGORITHMS.pop("halves", None)


def _dtm(units: pd.DataFrame) -> Dtm:
    words = [text.lower().replace(".", "").split() for text in units["text"]]
    terms = np.array(sorted({w for ws in words for w in ws}))
    column = {t: j for j, t in enumerate(terms)}
    rows = [(i, column[w]) for i, ws in enumerate(words) for w in ws]
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), ([r for r, _ in rows], [c for _, c in rows])),
                               shape=(len(units), len(terms)))
    return Dtm(matrix=matrix, terms=terms, unit_ids=units["unit_id"].to_numpy(dtype=str))


@pytest.fixture
def run(tmp_path, blocs, targets):
    """A run folder holding what stages 0 and 1 write for the planted blocs."""
    units, sentences, mentions, _, _ = blocs
    paths = RunPaths.for_run("blocs", run_dir=tmp_path / "run", figures_dir=tmp_path / "figures").ensure()
    catalog.write(units.assign(offset_breaks=[[0, 0]] * len(units)), paths, "units")
    catalog.write(sentences, paths, "sentences")
    catalog.write(mentions, paths, "mentions")
    catalog.write(_dtm(units), paths, "dtm")
    forms = {key: () for key in FORM_KEYS}
    dictionary = ActorDictionary(targets={t: {"label": t.title(), **forms} for t in targets},
                                 groups={"everyone": ("russia", "west")})
    catalog.write(dictionary.to_dict(), paths, "actor_dictionary")
    catalog.write(sorted(load_stopwords()), paths, "stopwords")
    return paths


def test_a_registered_source_and_algorithm_run_through_the_stage(run, toys):
    notes = Stage(notebook="03_stance", params={}, paths=run, figures=None)
    scores = stance.score_stances(run, holder_column="actor", n_boot=50, notes=notes)
    assert scores.sources["toy"].n_texts_ == 22  # fitted on every sentence of the corpus
    triples = catalog.read(run, "stance_triples")
    assert list(triples.columns) == stance.TRIPLE_COLUMNS and "polarity_toy" in triples.columns
    words = triples["context"].str.split().str.len() / 10  # masking keeps the number of words
    np.testing.assert_allclose(triples["polarity_toy"], words)
    profiles = catalog.read(run, "stance_profiles_long")
    assert list(profiles.columns) == stance.PROFILE_COLUMNS
    assert {"n_toy", "polarity_toy", "ci_low_toy", "ci_high_toy"} <= set(profiles.columns)
    cell = profiles.set_index(["holder", "target"]).loc[("cuba", "russia")]
    expected = words[(triples["holder"] == "cuba") & (triples["target"] == "russia")]
    assert cell["polarity_toy"] == pytest.approx(expected.mean()) and cell["n_toy"] == len(expected)
    assert "polarity_toy:russia" in catalog.read(run, "stance_profiles").columns

    holders = stance.cluster_holders(run, scores, source="toy", algorithms=["halves", "kmeans"], n_resamples=3,
                                     notes=notes)
    clusters = catalog.read(run, "holder_clusters")
    halves = clusters[clusters["algorithm"] == "halves"]
    assert halves["holder"].tolist() == list(holders.holders)
    assert halves["cluster"].tolist() == [1] * 4 + [2] * 4  # the toy's labels, numbered by first appearance
    assert halves["cluster_name"].tolist() == ["H1"] * 4 + ["H2"] * 4  # holder clusters are H1, H2, ...
    scores_table = catalog.read(run, "holder_cluster_scores")
    assert scores_table.loc[scores_table["algorithm"] == "halves", "k"].tolist() == [2]
    assert holders.primary == "halves" and holders.labels.tolist() == [1] * 4 + [2] * 4
    assert set(catalog.read(run, "holder_cluster_quotes")["cluster_name"]) == {"H1", "H2"}

    units = stance.cluster_units(run, scores, holders=holders, algorithms=["halves"], n_resamples=3, notes=notes)
    unit_clusters = catalog.read(run, "unit_clusters")
    assert unit_clusters["cluster"].tolist() == units.labels.tolist() == [1] * 4 + [2] * 4
    assert set(unit_clusters["cluster_name"]) == {"U1", "U2"}  # unit clusters are U1, U2, ...
    assert set(catalog.read(run, "unit_cluster_keywords")["cluster_name"]) == {"U1", "U2"}
    assert set(catalog.read(run, "unit_cluster_quotes")["cluster_name"]) <= {"U1", "U2"}
    recorded = (run.artefacts / "notes-03_stance.json").read_text()
    assert "halves: found 2 cluster(s) with 0% of rows as noise" in recorded
    assert "Stance: " in recorded and "stance triples" in recorded


def test_without_the_toys_the_registries_are_back_to_the_shipped_ones():
    assert list(SOURCES) == ["lexicon", "scaling", "frames", "clause", "learned", "coded", "stance"]
    assert list(ALGORITHMS) == ["kmeans", "agglomerative", "gmm", "hdbscan"]
    assert "polarity_toy" not in stance.TRIPLE_COLUMNS


def test_registries_refuse_taken_names_and_foreign_classes():
    with pytest.raises(ParameterError, match="already registered"):
        register_source("lexicon", WordCount)
    with pytest.raises(ParameterError, match="PolaritySource"):
        register_source("other", Halves)
    with pytest.raises(ParameterError, match="already registered"):
        register_algorithm("kmeans", Halves)
    with pytest.raises(ParameterError, match="lower-case"):
        register_algorithm("K-Means", Halves)


def test_a_corpus_without_mentions_is_refused_with_a_stancebook_error(run):
    mentions = catalog.read(run, "mentions")
    catalog.write(mentions.iloc[:0], run, "mentions")
    with pytest.raises(CorpusError, match="actor_dictionary_extend"):
        stance.score_stances(run, holder_column="actor")


def test_shipped_stage_writes_its_tables_and_few_holders_are_not_clustered(run):
    scores = stance.score_stances(run, n_boot=50)  # every unit is the author's
    assert set(scores.tables) == {"scaling_words"} and catalog.path(run, "scaling_words").is_file()
    holders = stance.cluster_holders(run, scores)
    assert holders.clustering is None and holders.labels is None and holders.primary == "kmeans"
    units = stance.cluster_units(run, scores, holders=holders, n_resamples=3)
    assert set(units.clustering.labels_.columns) == {"id", *ALGORITHMS}
    assert catalog.path(run, "unit_cluster_quotes").is_file()
    assert not catalog.path(run, "holder_cluster_quotes").is_file(), "holders were not clustered"


def test_hand_coded_pairs_keep_their_code_in_profiles_but_the_agreement_is_the_models(run, tmp_path):
    """A reader's code beats a model's guess for the pairs they read; the agreement still measures the model."""
    before = stance.score_stances(run, holder_column="actor", n_boot=50).triples
    cuba = before[(before["holder"] == "cuba") & (before["target"] == "russia") & (before["level"] == "target")]
    assert (cuba["polarity_stance"] > 0).all()  # the planted bloc praises Moscow
    training, test = tmp_path / "read_codes.csv", tmp_path / "held_out_codes.csv"
    first, rest = cuba.iloc[:1], cuba.iloc[1:]
    pd.DataFrame({"unit_id": first["unit_id"], "sentence": first["sentence"], "target": "russia",
                  "holder": "speaker", "code": "against"}).to_csv(training, index=False)
    pd.DataFrame({"unit_id": rest["unit_id"], "sentence": rest["sentence"], "target": "russia",
                  "code": "against"}).to_csv(test, index=False)

    scores = stance.score_stances(run, holder_column="actor", n_boot=50, codes=[training], test_codes=[test])
    agreement = catalog.read(run, "stance_agreement").set_index(["codes", "source"])
    assert agreement.loc[("read_codes", "stance"), "accuracy"] == 0.0  # the model's reading, before the code
    triples = scores.triples.set_index(["unit_id", "sentence", "target", "holder"])
    key = (first["unit_id"].iloc[0], first["sentence"].iloc[0], "russia", "cuba")
    assert triples.loc[key, "polarity_stance"] == -1.0
    assert np.isnan(triples.loc[key, "polarity_coded"])  # too few codes to train on: the model says nothing
    held_out = [(u, s, "russia", "cuba") for u, s in zip(rest["unit_id"], rest["sentence"])]
    assert (triples.loc[held_out, "polarity_stance"] > 0).all()  # test codes are never used
    cell = scores.target_profiles.set_index(["holder", "target"]).loc[("cuba", "russia"), "polarity_stance"]
    assert cell == pytest.approx(cuba["polarity_stance"].iloc[1:].sum() / len(cuba) - 1 / len(cuba))

    ignored = stance.score_stances(run, holder_column="actor", n_boot=50, codes=[training], use_codes=False)
    pd.testing.assert_series_equal(ignored.triples["polarity_stance"], before["polarity_stance"])
