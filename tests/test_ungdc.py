"""Integration: the whole chain on one session of the UN General Debate corpus.

Reads the real corpus from ``../shared/corpora/ungdc`` beside the
repository (CI has it there); skipped where it is absent.
"""

import json

import pandas as pd
import pytest

from stancebook.paths import repo_root
from stancebook.runner import run_chain

pytestmark = pytest.mark.slow
UNGDC = repo_root().parent / "shared" / "corpora" / "ungdc"
needs_corpus = pytest.mark.skipif(not (UNGDC / "UNGDC_1946-2024.tgz").is_file(),
                                  reason="UN General Debate corpus not found beside the repository")


@pytest.fixture(scope="module")
def session_2022(tmp_path_factory):
    base = tmp_path_factory.mktemp("ungdc2022")
    run_dir = run_chain(repo_root() / "notebooks" / "ungdc-recent.yaml",
                        ["run=ungdc-2022", "year_min=2022", "year_max=2022", "k_grid=[5, 10]", "topic_seeds=2",
                         "cluster_resamples=5", "n_boot=200"],
                        runs_root=base / "runs", figures_root=base / "figures", progress=lambda line: None)
    return run_dir, base / "figures" / "ungdc-2022"


@needs_corpus
def test_session_2022_loads_every_speech_and_runs_every_stage(session_2022):
    run_dir, figures = session_2022
    units = pd.read_csv(run_dir / "tables" / "units.csv")
    assert len(units) == 193 and "PRK_77_2022" in set(units["unit_id"])
    assert (units["year"] == 2022).all()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert [s["status"] for s in manifest["stages"]] == ["executed"] * 5
    assert (run_dir / "report.html").stat().st_size > 100_000


@needs_corpus
def test_session_2022_profiles_cover_every_speaking_state(session_2022):
    run_dir, figures = session_2022
    profiles = pd.read_csv(run_dir / "tables" / "stance_profiles.csv")
    assert profiles["holder"].nunique() >= 190
    mentions = pd.read_csv(run_dir / "tables" / "mention_counts.csv")
    assert {"russia", "ukraine", "united_states", "china", "un"} <= set(mentions["target"])


@needs_corpus
def test_session_2022_figures_and_report_show_topics_stances_and_quotes(session_2022):
    run_dir, figures = session_2022
    ids = {entry["id"] for entry in json.loads((figures / "index.json").read_text())}
    assert {"02-model-selection", "02-topic-terms", "02-topic-map", "02-topic-prevalence-region",
            "03-holder-map", "03-source-comparison", "03-profiles-by-region"} <= ids
    report = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "The quotes behind each holder cluster" in report and "Pearson r" in report
    clusters = pd.read_csv(run_dir / "tables" / "holder_clusters.csv")
    assert {"kmeans", "agglomerative", "gmm", "hdbscan"} <= set(clusters["algorithm"])
    assert clusters["holder"].nunique() >= 190
