"""A run is safe to interrupt and to start twice: one lock per run name, clean exits, earlier results intact."""

import os
import signal
import subprocess
import sys
import time

import pytest

from stancebook.errors import RunLockedError
from stancebook.paths import repo_root
from stancebook.runner import run_lock

SEEDS = repo_root() / "notebooks" / "seeds.yaml"


def _start(tmp_path, *extra, start_new_session=False):
    return subprocess.Popen(
        [sys.executable, "-m", "stancebook", "run", str(SEEDS), "--no-cache", "--runs-root", str(tmp_path / "runs"),
         "--figures-root", str(tmp_path / "figures"), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, start_new_session=start_new_session)


def _wait_for_line(process, fragment, timeout=120):
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if fragment in line:
            return lines
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"never saw {fragment!r}: {lines}")


def test_a_second_holder_of_the_same_run_name_is_refused_naming_the_first(tmp_path):
    with run_lock(tmp_path, "seeds"):
        with pytest.raises(RunLockedError, match=r"run 'seeds' is already being run by PID \d+ since"):
            with run_lock(tmp_path, "seeds"):
                pass
        with run_lock(tmp_path, "other"):
            pass
    with run_lock(tmp_path, "seeds"):  # released on exit
        pass


@pytest.mark.slow
def test_two_runs_of_the_same_name_one_completes_the_other_refuses(tmp_path):
    first = _start(tmp_path)
    _wait_for_line(first, "00_corpus ...")
    second = subprocess.run(
        [sys.executable, "-m", "stancebook", "run", str(SEEDS), "--runs-root", str(tmp_path / "runs"),
         "--figures-root", str(tmp_path / "figures")], capture_output=True, text=True, cwd=tmp_path)
    assert second.returncode == 1
    assert "already being run by PID" in second.stderr and "--set run=" in second.stderr
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    run = tmp_path / "runs" / "seeds"
    for name in ("params.json", "manifest.json", "report.html", "tables/stance_triples.csv"):
        assert (run / name).is_file(), name
    assert not (tmp_path / "runs" / ".seeds.staging").exists()


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_during_a_stage_exits_with_one_line_and_leaves_no_staging(tmp_path, sig, code):
    process = _start(tmp_path)
    _wait_for_line(process, "01_tokenise ...")
    process.send_signal(sig)
    out, err = process.communicate(timeout=120)
    assert process.returncode == code
    ours = [line for line in err.splitlines() if line.startswith("stancebook:")]
    assert ours == [f"stancebook: interrupted during 01_tokenise; there was no earlier good run of this name, "
                    f"so nothing else was written."]
    assert "Traceback" not in err.split("stancebook: interrupted")[0].split("[IPKernelApp]")[0]
    assert not (tmp_path / "runs" / ".seeds.staging").exists()
    assert not (tmp_path / "runs" / "seeds").exists()


@pytest.mark.slow
def test_ctrl_c_on_a_dask_run_stops_the_run_and_its_cluster_with_one_line(tmp_path):
    # A terminal's Ctrl-C signals the whole foreground process group: the runner and the cluster's workers.
    process = _start(tmp_path, "--set", "engine=dask", start_new_session=True)
    _wait_for_line(process, "01_tokenise ...")
    time.sleep(1)  # the stage's work under way on the cluster
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert [line for line in err.splitlines() if line.startswith("stancebook:")] == [
        "stancebook: interrupted during 01_tokenise; there was no earlier good run of this name, so nothing else "
        "was written."]
    assert "Dask Worker process" not in err and "KeyboardInterrupt" not in err, err
    deadline = time.monotonic() + 30
    while _group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _group_members(process.pid) == []
    assert not (tmp_path / "runs" / ".seeds.staging").exists()


def _group_members(group: int) -> list[str]:
    listing = subprocess.run(["ps", "-eo", "pgid=,args="], capture_output=True, text=True).stdout
    return [line for line in listing.splitlines() if line.split(None, 1)[0] == str(group)]


@pytest.mark.parametrize(("pair", "fragment"), [
    ("corpus_format=docx", "'corpus_format': 'docx'"),
    ("cluster_source=sentiment", "'cluster_source': 'sentiment'"),
    ("cluster_algorithms=[kmeans, spectral]", "'cluster_algorithms': 'spectral'"),
    ("cluster_algorithms=[kmean]", "did you mean 'kmeans'"),
])
def test_names_of_registered_formats_sources_and_algorithms_are_checked_before_any_notebook(tmp_path, pair, fragment):
    from stancebook.errors import ParameterError
    from stancebook.runner import run_chain

    with pytest.raises(ParameterError, match=fragment):
        run_chain(SEEDS, [pair], runs_root=tmp_path / "runs", figures_root=tmp_path / "figures",
                  progress=lambda line: None)
    assert not (tmp_path / "runs").exists()


def test_an_unreachable_dask_scheduler_stops_the_run_before_any_notebook_naming_the_parameter(tmp_path):
    from stancebook.errors import ParameterError
    from stancebook.runner import run_chain

    with pytest.raises(ParameterError, match="dask_scheduler.*no Dask scheduler answers"):
        run_chain(SEEDS, ["engine=dask", "dask_scheduler=tcp://127.0.0.1:9"], runs_root=tmp_path / "runs",
                  figures_root=tmp_path / "figures", progress=lambda line: None)
    assert not (tmp_path / "runs").exists()


@pytest.mark.slow
def test_interrupt_while_topics_and_stance_run_side_by_side_stops_both_kernels_and_leaves_no_staging(tmp_path):
    process = _start(tmp_path)
    _wait_for_line(process, "03_stance ...")
    time.sleep(2)  # both kernels are running cells
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130
    ours = [line for line in err.splitlines() if line.startswith("stancebook:")]
    assert ours == ["stancebook: interrupted during 02_topics and 03_stance; there was no earlier good run of this "
                    "name, so nothing else was written."]
    assert not (tmp_path / "runs" / ".seeds.staging").exists()
    assert not (tmp_path / "runs" / "seeds").exists()


def test_what_each_stage_reads_was_written_by_a_stage_it_waits_for():
    """Topics and stance run side by side, so neither may read what the other writes (paths.STAGE_NEEDS)."""
    import json
    import re

    from stancebook import catalog
    from stancebook.paths import STAGE_NEEDS

    lib = repo_root() / "lib" / "stancebook"
    code = {"02_topics": [*sorted((lib / "topics").glob("*.py"))], "03_stance": [*sorted((lib / "stance").rglob("*.py"))]}
    for stem, files in code.items():
        sources = [path.read_text(encoding="utf-8") for path in files]
        notebook = json.loads((repo_root() / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        sources += ["".join(cell["source"]) for cell in notebook["cells"]]
        read = {name for text in sources for name in re.findall(r"catalog\.(?:read|path)\([^,]+,\s*\"(\w+)\"", text)}
        assert read, stem
        for name in read:
            assert catalog.entry(name).stage in (*STAGE_NEEDS[stem], stem), (stem, name, catalog.entry(name).stage)

