"""A notebook executed outside the runner never writes into the named run; files keep the user's umask."""

import os
import stat

import pandas as pd
import pytest

from stancebook import workbook
from stancebook.artefacts import write_table, write_text
from stancebook.figures import FigureSaver, new_figure


@pytest.fixture
def roots(tmp_path, monkeypatch):
    monkeypatch.setenv("STANCEBOOK_RUNS_ROOT", str(tmp_path / "runs"))
    monkeypatch.setenv("STANCEBOOK_FIGURES_ROOT", str(tmp_path / "figures"))
    named = tmp_path / "runs" / "seeds" / "tables"
    named.mkdir(parents=True)
    (named / "topic_labels.csv").write_text("topic,label\n0,war\n", encoding="utf-8")
    (tmp_path / "figures" / "seeds").mkdir(parents=True)
    return tmp_path


def test_hand_run_notebook_works_in_a_scratch_run_and_says_so(roots):
    lines = []
    stage = workbook.start_stage("02_topics", {"run": "seeds", "run_dir": "", "figures_dir": "", "n_topics": 2},
                                 say=lines.append)
    assert stage.paths.run_dir == roots / "runs" / "seeds-scratch"
    assert stage.paths.figures_dir == roots / "figures" / "seeds-scratch"
    assert len(lines) == 1 and "scratch run 'seeds-scratch'" in lines[0]
    assert (stage.paths.tables / "topic_labels.csv").is_file(), "the scratch run starts from the named run"
    fig, ax = new_figure(width=2, height=2)
    stage.figures.save(fig, "topic-map", title="Topic map", caption="c")
    assert list((roots / "figures" / "seeds").iterdir()) == [], "the named run's figures are untouched"
    assert stage.figures.identity["run"] == "seeds-scratch" and len(stage.figures.identity["run_hash"]) == 64


def test_run_dir_without_figures_dir_still_keeps_the_named_figures_clean(roots):
    lines = []
    stage = workbook.start_stage("02_topics", {"run": "seeds", "run_dir": str(roots / "elsewhere"),
                                               "figures_dir": ""}, say=lines.append)
    assert stage.paths.run_dir == roots / "elsewhere"
    assert stage.paths.figures_dir == roots / "figures" / "seeds-scratch" and "scratch" in lines[0]


def test_runner_given_folders_are_used_silently(roots):
    lines = []
    stage = workbook.start_stage("02_topics", {"run": "seeds", "run_dir": str(roots / "staging" / "run"),
                                               "figures_dir": str(roots / "staging" / "figures")},
                                 say=lines.append)
    assert stage.paths.figures_dir == roots / "staging" / "figures" and lines == []


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_files_are_written_with_the_users_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        table = write_table(pd.DataFrame({"a": [1]}), tmp_path / "tables" / "t.csv")
        report = write_text("<html></html>", tmp_path / "report.html")
        fig, ax = new_figure(width=2, height=2)
        FigureSaver(tmp_path / "figures", run="demo", notebook="01_tokenise").save(fig, "x", title="x", caption="c")
    finally:
        os.umask(old)
    for path in (table, report, *(tmp_path / "figures").glob("01-x.*"), tmp_path / "figures" / "index.json"):
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


def test_scratch_run_left_empty_by_a_failed_attempt_starts_from_the_named_run(roots):
    (roots / "runs" / "seeds-scratch" / "artefacts").mkdir(parents=True)  # an attempt before the first run
    (roots / "runs" / "seeds" / "artefacts").mkdir()
    (roots / "runs" / "seeds" / "artefacts" / "dtm.npz").write_bytes(b"x")
    stage = workbook.start_stage("02_topics", {"run": "seeds", "run_dir": "", "figures_dir": ""}, say=lambda line: None)
    assert (stage.paths.artefacts / "dtm.npz").read_bytes() == b"x"


def test_the_runners_identity_is_used_only_with_the_runs_parameters(roots):
    run_dir, figures_dir = roots / "staging" / "run", roots / "staging" / "figures"
    (run_dir / "artefacts").mkdir(parents=True)
    (run_dir / "params.json").write_text('{"run": "seeds", "n_topics": 0}', encoding="utf-8")
    (run_dir / "artefacts" / "identity.json").write_text(
        '{"version": "0.1.0", "commit": "c", "run": "seeds", "run_hash": "runner"}', encoding="utf-8")
    namespace = {"run": "seeds", "run_dir": str(run_dir), "figures_dir": str(figures_dir)}
    same = workbook.start_stage("02_topics", dict(namespace, n_topics=0), say=lambda line: None)
    assert same.figures.identity["run_hash"] == "runner"
    other = workbook.start_stage("02_topics", dict(namespace, n_topics=4), say=lambda line: None)
    assert other.figures.identity["run_hash"] not in ("runner", "")


# ---------------------------------------------------------------- a hand run takes the run's parameter file

def test_hand_run_takes_the_run_files_values_for_parameters_left_at_their_defaults(roots):
    lines = []
    namespace = {"run": "seeds", "run_dir": "", "figures_dir": "", "prevalence_by": ["year"], "n_topics": 4,
                 "random_state": 0}
    stage = workbook.start_stage("02_topics", namespace, say=lines.append)
    # notebooks/seeds.yaml says prevalence_by: [paragraph]; n_topics was changed in the notebook, so it stays
    assert stage.params["prevalence_by"] == ["paragraph"] and namespace["prevalence_by"] == ["paragraph"]
    assert stage.params["n_topics"] == 4 and namespace["n_topics"] == 4
    assert "scratch run 'seeds-scratch'" in lines[0]
    assert lines[1] == ("02_topics: parameters at their defaults take the values of notebooks/seeds.yaml: "
                        "prevalence_by=['paragraph'].")


def test_a_run_without_a_parameter_file_and_the_runner_keep_the_notebooks_values(roots):
    lines = []
    stage = workbook.start_stage("02_topics", {"run": "mine", "run_dir": "", "figures_dir": "",
                                               "prevalence_by": ["year"]}, say=lines.append)
    assert stage.params["prevalence_by"] == ["year"] and len(lines) == 1
    stage = workbook.start_stage("02_topics", {"run": "seeds", "run_dir": str(roots / "staging" / "run"),
                                               "figures_dir": str(roots / "staging" / "figures"),
                                               "prevalence_by": ["year"]}, say=lines.append)
    assert stage.params["prevalence_by"] == ["year"], "under the runner the injected values are the run's"
