"""The Makefile's set-up recipe, read with ``make -n`` (nothing is installed): a first run says it installs."""

import os
import shutil
import subprocess

import pytest

from stancebook.paths import repo_root

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _recipe(tmp_path, target="run"):
    shutil.copy(repo_root() / "Makefile", tmp_path / "Makefile")
    for name in ("requirements.lock", "pyproject.toml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    # Under `make test` the outer make's MAKEFLAGS/MAKELEVEL would make this one print "Entering directory".
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    result = subprocess.run(["make", "--no-print-directory", "-n", target], cwd=tmp_path, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_first_run_announces_the_install_and_lets_pip_show_its_progress(tmp_path):
    recipe = _recipe(tmp_path)
    assert 'installing the pinned environment into .venv (first run only, a few minutes)' in recipe
    first = next(line for line in recipe.splitlines() if "-m venv .venv &&" in line)
    assert "--progress-bar on -r requirements.lock" in first and "--quiet" not in first
    assert recipe.index("installing the pinned environment") < recipe.index("-m stancebook run notebooks/seeds.yaml")


def test_make_test_sets_up_the_same_way(tmp_path):
    recipe = _recipe(tmp_path, "test")
    assert "installing the pinned environment" in recipe and recipe.rstrip().endswith("-m pytest")


def test_make_lab_starts_kernels_with_transport_encryption(tmp_path):
    recipe = _recipe(tmp_path, "lab")
    assert "jupyter lab" in recipe and "--KernelManager.transport_encryption=auto" in recipe
