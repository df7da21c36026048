"""Citing: CITATION.cff at the root, and `python -m stancebook cite` for one figure of a run."""

import importlib.util
import shutil
import subprocess
import sys

import pytest
import yaml

from stancebook.__main__ import main
from stancebook.figures import FigureSaver, new_figure
from stancebook.paths import repo_root

CFF = repo_root() / "CITATION.cff"
IDENTITY = {"version": "0.1.0", "commit": "1234567890abcdef1234567890abcdef12345678", "run": "demo",
            "run_hash": "ab" * 32}


def test_citation_cff_has_what_cff_1_2_0_requires():
    data = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0"
    assert data["message"] and data["title"] and data["authors"]
    assert str(data["version"]) == __import__("stancebook").__version__


@pytest.mark.skipif(importlib.util.find_spec("cffconvert") is None and shutil.which("cffconvert") is None,
                    reason="cffconvert is not installed (validation needs it)")
def test_citation_cff_validates_against_the_schema():
    command = [shutil.which("cffconvert")] if shutil.which("cffconvert") else [sys.executable, "-m", "cffconvert"]
    result = subprocess.run([*command, "--validate", "-i", str(CFF)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def figures_root(tmp_path):
    fig, ax = new_figure(width=3, height=2)
    ax.plot([0, 1], [1, 0])
    saver = FigureSaver(tmp_path / "demo", run="demo", notebook="03_stance", parameters={"run": "demo"},
                        identity=IDENTITY)
    saver.save(fig, "profile-heatmap", title="Stance profiles", caption="min_df=1 & 50%")
    return tmp_path


def test_cite_prints_bibtex_with_version_commit_run_and_hash(figures_root, capsys):
    code = main(["cite", "03-profile-heatmap", "--run", "demo", "--format", "bibtex",
                 "--figures-root", str(figures_root)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("@misc{stancebook:demo:03-profile-heatmap,")
    for part in ("0.1.0", IDENTITY["commit"], "run demo", IDENTITY["run_hash"]):
        assert part in out


def test_cite_latex_points_at_the_pdf_and_escapes_the_caption(figures_root, capsys):
    assert main(["cite", "03-profile-heatmap", "--run", "demo", "--format", "latex",
                 "--figures-root", str(figures_root)]) == 0
    out = capsys.readouterr().out
    assert "03-profile-heatmap.pdf}" in out and r"min\_df=1 \& 50\%" in out
    assert (figures_root / "demo" / "03-profile-heatmap.pdf").is_file()


def test_cite_of_an_unknown_figure_suggests_the_nearest(figures_root, capsys):
    assert main(["cite", "03-profile-heatmp", "--run", "demo", "--figures-root", str(figures_root)]) == 1
    assert "did you mean '03-profile-heatmap'" in capsys.readouterr().err
