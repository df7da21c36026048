"""The whole chain on the seed article, executed with papermill.

These tests run the five notebooks twice into temporary folders and compare
the figures with the committed ``figures/seeds/``: the seed run must be
reproducible to the byte.
"""

import filecmp
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys

import nbformat
import pytest

from stancebook.errors import StageError
from stancebook.paths import repo_root
from stancebook.runner import run_chain

pytestmark = pytest.mark.slow
ROOT = repo_root()
SEEDS = ROOT / "notebooks" / "seeds.yaml"


class SeedRun(type(ROOT)):
    """The base folder of a seed run (a Path), with what the command line printed when it ran it."""

    stdout = stderr = ""


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory):
    """Two independent runs of the seed chain: one in this process, one as a user runs it (the command line)."""
    first = tmp_path_factory.mktemp("first")
    run_chain(SEEDS, runs_root=first / "runs", figures_root=first / "figures", progress=lambda line: None)
    second = SeedRun(tmp_path_factory.mktemp("second"))
    result = subprocess.run([sys.executable, "-m", "stancebook", "run", str(SEEDS), "--runs-root",
                             str(second / "runs"), "--figures-root", str(second / "figures")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    second.stdout, second.stderr = result.stdout, result.stderr
    return [first, second]


def test_a_seed_run_prints_one_line_per_stage_and_no_kernel_warnings(seed_runs):
    printed = seed_runs[1].stdout.splitlines()
    done = [line.split(" done in ")[0] for line in printed if " done in " in line]
    # topics and stance run side by side: either may finish first
    assert done[:2] == ["[1/5] 00_corpus", "[2/5] 01_tokenise"] and done[4:] == ["[5/5] 04_report"]
    assert sorted(done[2:4]) == ["[3/5] 02_topics", "[4/5] 03_stance"]
    started = [line for line in printed if line.endswith(" ...")]
    assert started.index("[4/5] 03_stance ...") < min(printed.index(line) for line in printed if "02_topics done" in line)
    assert "without encryption" not in seed_runs[1].stderr
    assert "WARNING" not in seed_runs[1].stderr and "KeyboardInterrupt" not in seed_runs[1].stderr, seed_runs[1].stderr


def test_executed_notebooks_show_the_progress_of_their_long_loops(seed_runs):
    def stderr_of(name):
        nb = nbformat.read(seed_runs[0] / "runs" / "seeds" / f"{name}.ipynb", as_version=4)
        return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                       if o.get("name") == "stderr")

    assert "tokenise chunks: 100%" in stderr_of("01_tokenise")
    assert "topic fits: 100%" in stderr_of("02_topics")
    stance = stderr_of("03_stance")
    assert "polarity sources: 100%" in stance and "profile bootstrap (holders): 100%" in stance
    assert "clustering" in stance and "4/4" in stance


def test_seed_run_writes_executed_notebooks_manifest_and_report(seed_runs):
    run_dir = seed_runs[0] / "runs" / "seeds"
    for name in ("00_corpus", "01_tokenise", "02_topics", "03_stance", "04_report"):
        nb = nbformat.read(run_dir / f"{name}.ipynb", as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert errors == [], f"{name} has error outputs"
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["parameters"]["unit"] == "sentence"
    assert [s["notebook"] for s in manifest["stages"]][0] == "00_corpus.ipynb"
    assert "000_e71531e8ba892e2d.txt" in manifest["inputs"]["files"]
    assert manifest["packages"]["scikit-learn"]
    report = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "Figure 00-unit-lengths." in report and "<svg" in report and "Cite as:" in report


def test_seed_run_figures_include_the_required_overviews(seed_runs):
    figures = seed_runs[0] / "figures" / "seeds"
    ids = {entry["id"] for entry in json.loads((figures / "index.json").read_text())}
    assert {"01-terms-overview", "02-topic-terms", "03-profile-heatmap", "03-stance-map"} <= ids
    for figure_id in ids:
        assert (figures / f"{figure_id}.svg").stat().st_size > 5000
        assert (figures / f"{figure_id}.png").is_file()


def test_seed_run_twice_gives_identical_tables_and_svgs(seed_runs):
    first, second = (base / "runs" / "seeds" / "tables" for base in seed_runs)
    tables = sorted(p.name for p in first.glob("*.csv"))
    assert "stance_triples.csv" in tables
    match, mismatch, errors = filecmp.cmpfiles(first, second, tables, shallow=False)
    assert mismatch == [] and errors == []
    figs = [base / "figures" / "seeds" for base in seed_runs]
    svgs = sorted(p.name for p in figs[0].glob("*.svg"))
    assert filecmp.cmpfiles(figs[0], figs[1], svgs, shallow=False)[1] == []


def test_committed_seed_figures_are_what_the_code_produces(seed_runs):
    committed = ROOT / "figures" / "seeds"
    produced = seed_runs[0] / "figures" / "seeds"
    committed_svgs = sorted(p.name for p in committed.glob("*.svg"))
    produced_svgs = sorted(p.name for p in produced.glob("*.svg"))
    assert committed_svgs == produced_svgs, "regenerate with `make run` and commit figures/seeds/"
    match, mismatch, errors = filecmp.cmpfiles(committed, produced, committed_svgs, shallow=False)
    assert mismatch == [] and errors == [], f"committed SVGs differ: {mismatch}; run `make run` and commit"


def test_failed_run_names_notebook_and_cell_and_keeps_the_last_good_run(seed_runs, tmp_path):
    base = seed_runs[1]
    before = (base / "runs" / "seeds" / "tables" / "stance_triples.csv").read_bytes()
    (tmp_path / "empty").mkdir()
    with pytest.raises(StageError, match=r"00_corpus\.ipynb failed in cell \d+.*holds no document"):
        run_chain(SEEDS, [f"corpus_path={tmp_path / 'empty'}"], runs_root=base / "runs",
                  figures_root=base / "figures", progress=lambda line: None)
    assert (base / "runs" / "seeds" / "tables" / "stance_triples.csv").read_bytes() == before
    assert len(list((base / "runs" / ".failed").glob("seeds-*/run/00_corpus.ipynb"))) == 1


def test_a_stage_failing_beside_another_stops_the_run_once_both_ended_and_keeps_the_last_good_run(seed_runs,
                                                                                                    tmp_path):
    base = seed_runs[1]
    before = (base / "runs" / "seeds" / "tables" / "stance_triples.csv").read_bytes()
    broken = tmp_path / "frames.yaml"
    broken.write_text("frames: [unclosed\n", encoding="utf-8")
    with pytest.raises(StageError, match=r"03_stance\.ipynb failed in cell \d+"):
        run_chain(SEEDS, [f"stance_frames_extend={broken}"], runs_root=base / "runs", figures_root=base / "figures",
                  progress=lambda line: None)
    assert (base / "runs" / "seeds" / "tables" / "stance_triples.csv").read_bytes() == before
    failed = sorted((base / "runs" / ".failed").glob("seeds-*/run/03_stance.ipynb"))[-1].parent
    assert (failed / "02_topics.ipynb").is_file()  # topics, beside it, was let finish
    assert not (base / "runs" / ".seeds.staging").exists()


def test_misspelt_parameter_stops_before_any_notebook_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "stancebook", "run", str(SEEDS), "--set", "n_topic=3",
         "--runs-root", str(tmp_path / "runs"), "--figures-root", str(tmp_path / "figures")],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "n_topic" in result.stderr and "did you mean 'n_topics'" in result.stderr
    assert not (tmp_path / "runs").exists()


def test_seed_mentions_count_capitals_and_metonyms_for_their_countries(seed_runs):
    import pandas as pd

    mentions = pd.read_csv(seed_runs[0] / "runs" / "seeds" / "tables" / "mentions.csv")
    assert {"russia", "north_korea", "united_states", "the_west", "ukraine", "un"} <= set(mentions["target"])
    by_surface = mentions.groupby("surface")["target"].agg(set).to_dict()
    assert by_surface["Moscow"] == {"russia"} and by_surface["the Kremlin"] == {"russia"}
    assert by_surface["Pyongyang"] == {"north_korea"} and by_surface["Washington"] == {"united_states"}
    assert "North Korean leader Kim Jong Un" in by_surface and "Korea" not in by_surface
    first = mentions[mentions["unit_id"].str.endswith(":s002")]
    assert (first["surface"] == "North Korean leader Kim Jong Un").sum() == 1


BLOC_TEXTS = {
    "Aland": ["We welcome our strong partnership with Russia and praise Moscow for its friendship.",
              "The sanctions imposed by Washington are cruel, unjust and a hostile threat to peace."],
    "Borduria": ["Russia is a trusted friend; we support Moscow and celebrate our great cooperation.",
                 "The United States spreads aggression and destruction; we condemn its hostile sanctions."],
    "Carpania": ["Russia's brutal invasion is a crime; we condemn Moscow's aggression and its lies.",
                 "We welcome the generous support of the United States and value our excellent alliance."],
    "Dorlandia": ["We condemn the Kremlin's horrible war and the suffering it causes.",
                  "Washington is a reliable friend and we are grateful for its help and partnership."],
}


def test_table_corpus_with_holders_runs_and_clusters_the_holders(tmp_path):
    import pandas as pd

    blocs = {"Aland": "east", "Borduria": "east", "Carpania": "west", "Dorlandia": "west"}
    rows = [{"speech_id": f"{country[:3].upper()}-{i}", "country": country, "bloc": blocs[country],
             "year": 2022 + i, "speech": text}
            for country, texts in BLOC_TEXTS.items() for i, text in enumerate(texts)]
    corpus = tmp_path / "speeches.csv"
    pd.DataFrame(rows).to_csv(corpus, index=False)
    before = corpus.read_bytes()
    params = tmp_path / "blocs.yaml"
    params.write_text(
        f"run: blocs\ncorpus_path: {corpus}\ntext_column: speech\nid_column: speech_id\n"
        "holder_column: country\nlabel_column: bloc\nunit: document\nk_grid: [2]\n", encoding="utf-8")
    run_dir = run_chain(params, runs_root=tmp_path / "runs", figures_root=tmp_path / "figures",
                        progress=lambda line: None)
    assert corpus.read_bytes() == before, "inputs are never modified"
    profiles = pd.read_csv(run_dir / "tables" / "stance_profiles.csv")
    assert sorted(profiles["holder"]) == sorted(BLOC_TEXTS)
    russia = profiles.set_index("holder")["polarity_lexicon:russia"]
    assert russia["Aland"] > 0 and russia["Borduria"] > 0 and russia["Carpania"] < 0 and russia["Dorlandia"] < 0
    holders = pd.read_csv(run_dir / "tables" / "holder_clusters.csv")
    kmeans = holders[holders["algorithm"] == "kmeans"].set_index("holder")["cluster"]
    assert (tmp_path / "figures" / "blocs" / "03-holder-map.svg").is_file()
    validation = pd.read_csv(run_dir / "tables" / "holder_cluster_validation.csv").set_index("algorithm")
    assert validation.loc["kmeans", "ari"] == 1.0 and validation.loc["kmeans", "purity"] == 1.0
    assert (tmp_path / "figures" / "blocs" / "03-cluster-confusion.svg").is_file()
    assert kmeans["Aland"] == kmeans["Borduria"] != kmeans["Carpania"] == kmeans["Dorlandia"]


def test_unchanged_stages_are_reused_and_a_changed_parameter_reruns_only_what_it_affects(seed_runs, tmp_path):
    import shutil

    shutil.copytree(seed_runs[0], tmp_path / "copy", symlinks=True)
    roots = dict(runs_root=tmp_path / "copy" / "runs", figures_root=tmp_path / "copy" / "figures")
    lines = []
    run_dir = run_chain(SEEDS, **roots, progress=lines.append)
    assert sum("unchanged, reused" in line for line in lines) == 5
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert {s["status"] for s in manifest["stages"]} == {"cached"}
    first = seed_runs[0] / "runs" / "seeds" / "tables"
    assert filecmp.cmpfiles(first, run_dir / "tables", [p.name for p in first.glob("*.csv")], shallow=False)[1] == []

    lines.clear()
    run_dir = run_chain(SEEDS, ["n_clusters=2"], **roots, progress=lines.append)
    status = {s["notebook"]: s["status"] for s in json.loads((run_dir / "manifest.json").read_text())["stages"]}
    assert status == {"00_corpus.ipynb": "cached", "01_tokenise.ipynb": "cached", "02_topics.ipynb": "cached",
                      "03_stance.ipynb": "executed", "04_report.ipynb": "executed"}
    import pandas as pd

    clusters = pd.read_csv(run_dir / "tables" / "unit_clusters.csv")
    assert clusters[clusters["algorithm"] != "hdbscan"].groupby("algorithm")["cluster"].nunique().eq(2).all()
    assert (run_dir / "tables" / "topic_terms.csv").read_bytes() == (first / "topic_terms.csv").read_bytes()


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _papermill(notebook, out, env, *args):
    result = subprocess.run([sys.executable, "-m", "papermill", str(notebook), str(out), "--no-progress-bar", *args],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-2000:]


def test_hand_run_notebook_never_changes_the_named_run_and_the_cache_notices_changes(seed_runs, tmp_path):
    fresh = seed_runs[0]
    for folder in ("runs", "figures"):
        shutil.copytree(fresh / folder, tmp_path / folder, ignore=shutil.ignore_patterns(".locks"))
    named_figures, named_tables = tmp_path / "figures" / "seeds", tmp_path / "runs" / "seeds" / "tables"
    before = _hashes(named_figures)
    env = dict(os.environ, STANCEBOOK_RUNS_ROOT=str(tmp_path / "runs"),
               STANCEBOOK_FIGURES_ROOT=str(tmp_path / "figures"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "lib"), os.environ.get("PYTHONPATH", "")]))
    notebook = ROOT / "notebooks" / "02_topics.ipynb"
    # 1. As a user would: the notebook's own defaults (prevalence_by=["year"]), no run_dir.
    _papermill(notebook, tmp_path / "hand.ipynb", env)
    assert _hashes(named_figures) == before, "a hand-run notebook wrote into the named run's figures"
    assert (tmp_path / "figures" / "seeds-scratch" / "02-topic-terms.svg").is_file()
    printed = nbformat.read(tmp_path / "hand.ipynb", as_version=4).cells[2].outputs[0]["text"]
    assert "scratch run 'seeds-scratch'" in printed
    lines = []
    run_chain(SEEDS, runs_root=tmp_path / "runs", figures_root=tmp_path / "figures", progress=lines.append)
    assert sum("reused" in line for line in lines) == 5
    # 2. Deliberately into the named run: the cache must notice and execute the stage again.
    _papermill(notebook, tmp_path / "hand2.ipynb", env, "-p", "run_dir", str(tmp_path / "runs" / "seeds"),
               "-p", "figures_dir", str(named_figures))
    assert _hashes(named_figures) != before
    lines = []
    run_chain(SEEDS, runs_root=tmp_path / "runs", figures_root=tmp_path / "figures", progress=lines.append)
    assert any(line.endswith("02_topics ...") for line in lines), lines
    assert _hashes(named_figures) == before
    assert _hashes(named_tables) == _hashes(fresh / "runs" / "seeds" / "tables")


def test_executed_notebooks_show_every_figure_they_save_inline(seed_runs):
    entries = json.loads((seed_runs[0] / "figures" / "seeds" / "index.json").read_text())
    for name in ("02_topics", "03_stance"):
        nb = nbformat.read(seed_runs[0] / "runs" / "seeds" / f"{name}.ipynb", as_version=4)
        images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        saved = sum(e["notebook"] == f"notebooks/{name}.ipynb" for e in entries)
        assert images == saved > 0, f"{name}: {images} inline images for {saved} saved figures"


def test_every_figure_has_a_pdf_and_the_run_one_identity(seed_runs):
    figures = seed_runs[0] / "figures" / "seeds"
    entries = json.loads((figures / "index.json").read_text())
    identity = json.loads((seed_runs[0] / "runs" / "seeds" / "artefacts" / "identity.json").read_text())
    assert {e["run_hash"] for e in entries} == {identity["run_hash"]}
    assert {e["commit"] for e in entries} == {identity["commit"]}
    for entry in entries:
        assert (figures / entry["pdf"]).read_bytes().startswith(b"%PDF")
        assert entry["bibtex"] in (figures / "index.md").read_text(encoding="utf-8")
    second = seed_runs[1] / "figures" / "seeds"
    pdfs = sorted(p.name for p in figures.glob("*.pdf"))
    assert filecmp.cmpfiles(figures, second, pdfs, shallow=False)[1] == [], "PDFs must be reproducible"


def test_results_are_readable_by_collaborators_under_the_umask(seed_runs):
    mask = os.umask(0)
    os.umask(mask)
    run_dir = seed_runs[0] / "runs" / "seeds"
    for path in (run_dir / "report.html", run_dir / "tables" / "stance_triples.csv",
                 seed_runs[0] / "figures" / "seeds" / "03-profile-heatmap.svg"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path


def test_cite_prints_the_bibtex_of_a_seed_figure(seed_runs):
    result = subprocess.run([sys.executable, "-m", "stancebook", "cite", "03-profile-heatmap", "--format", "bibtex",
                             "--figures-root", str(seed_runs[0] / "figures")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("@misc{stancebook:seeds:03-profile-heatmap,") and "run hash" in result.stdout


def test_sample_draws_pairs_to_code_by_paragraph_and_never_redraws_coded_ones(seed_runs, tmp_path):
    import pandas as pd

    def sample(out, *extra):
        return subprocess.run([sys.executable, "-m", "stancebook", "sample", "seeds", "--runs-root",
                               str(seed_runs[0] / "runs"), "--n", "6", "--out", str(out), *extra],
                              capture_output=True, text=True)

    first = tmp_path / "first.csv"
    result = sample(first, "--by", "paragraph")
    assert result.returncode == 0, result.stderr
    drawn = pd.read_csv(first, keep_default_na=False)
    assert len(drawn) == 6 and (drawn["code"] == "").all()
    drawn.assign(code="neutral").to_csv(tmp_path / "coded.csv", index=False)
    second = tmp_path / "second.csv"
    assert sample(second, "--exclude", str(tmp_path / "coded.csv")).returncode == 0
    again = pd.read_csv(second, keep_default_na=False)
    key = ["unit_id", "sentence", "target"]
    assert len(again) and not set(map(tuple, again[key].to_numpy())) & set(map(tuple, drawn[key].to_numpy()))
    bad = sample(tmp_path / "bad.csv", "--by", "regoin")
    assert bad.returncode != 0 and "'regoin'" in bad.stderr and "paragraph" in bad.stderr
    assert not (tmp_path / "bad.csv").exists()


def _injected_parameters(notebook) -> str:
    cells = nbformat.read(notebook, as_version=4).cells
    return next(cell.source for cell in cells if "injected-parameters" in cell.metadata.get("tags", []))


def test_a_dask_run_starts_one_cluster_for_its_stages_and_gives_the_tables_of_a_local_run(seed_runs, tmp_path):
    roots = dict(runs_root=tmp_path / "runs", figures_root=tmp_path / "figures")
    lines = []
    run_dir = run_chain(SEEDS, ["engine=dask"], **roots, progress=lines.append)
    clusters = [line for line in lines if line.startswith("Dask LocalCluster")]
    assert len(clusters) == 1 and "for 00_corpus, 01_tokenise, 03_stance at tcp://" in clusters[0], lines
    address = clusters[0].split(" at ")[1].split(";")[0]
    for stem in ("00_corpus", "01_tokenise", "03_stance"):
        assert f'dask_scheduler = "{address}"' in _injected_parameters(run_dir / f"{stem}.ipynb")
    # what the run records, and what its cache keys read, are the parameters as given
    assert json.loads((run_dir / "params.json").read_text())["dask_scheduler"] == ""
    local = seed_runs[0] / "runs" / "seeds" / "tables"
    names = [p.name for p in local.glob("*.csv")]
    assert names and filecmp.cmpfiles(local, run_dir / "tables", names, shallow=False)[1:] == ([], [])

    lines.clear()
    run_chain(SEEDS, ["engine=dask"], **roots, progress=lines.append)
    assert sum("unchanged, reused" in line for line in lines) == 5
    assert not any(line.startswith("Dask LocalCluster") for line in lines)
