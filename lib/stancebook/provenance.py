"""What produced a run: the code (version, commit, hash), its parameters and inputs, as one hash.

A figure is cited by the stancebook version, the code commit, the run, the
figure ID and one hash over the run's inputs, parameters and code
(:func:`run_identity`). The runner computes it once per run, before the
first stage, and every figure of the run carries the same one.
"""

from __future__ import annotations

import json
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .artefacts import digest, file_sha256
from .paths import repo_root, resolve_input

# Parameters naming input files or folders: their content, not only their name, enters the hashes.
PATH_PARAMETERS = ("corpus_path", "metadata_file", "actor_dictionary", "actor_dictionary_extend", "stance_frames",
                   "stance_frames_extend", "stance_codes", "stance_test_codes")
# Parameters saying where a run is written, not what it computes.
LOCATION_PARAMETERS = ("run_dir", "figures_dir")
# What counts as code when deciding whether the checkout has uncommitted changes.
CODE_PATHS = ("lib", "notebooks", "pyproject.toml", "requirements.lock")
# In a run's artefacts/: the identity, written by the runner before the first stage.
IDENTITY_FILE = "identity.json"


def content_hash(path: Path) -> str:
    """sha256 of a file, or one digest over every file below a folder (hidden ones skipped).

    Parameters
    ----------
    path : Path

    Returns
    -------
    str
        ``"missing"`` when the path does not exist (the stage reports it).
    """
    path = Path(path)
    if path.is_file():
        return file_sha256(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not any(
            part.startswith(".") for part in p.relative_to(path).parts))
        return digest({str(p.relative_to(path)): file_sha256(p) for p in files})
    return "missing"


def inputs_hash(given) -> str:
    """:func:`content_hash` of an input parameter's path, or one digest over a list of paths."""
    if isinstance(given, (list, tuple)):
        return digest({str(path): content_hash(resolve_input(path)) for path in given})
    return content_hash(resolve_input(given))


def library_hash() -> str:
    """One digest of the package's code and data: changed code invalidates every cached stage."""
    package = Path(__file__).resolve().parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml", ".txt", ".csv"})
    return digest({str(p.relative_to(package)): file_sha256(p) for p in files})


def code_hash(notebooks_dir: Path | None = None) -> str:
    """One digest of the library and the chain's notebooks."""
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else repo_root() / "notebooks"
    parts = {"library": library_hash()}
    parts.update({f"notebooks/{p.name}": file_sha256(p) for p in sorted(notebooks_dir.glob("*.ipynb"))})
    return digest(parts)


@lru_cache(maxsize=8)
def code_commit(root: str | None = None) -> str:
    """The git commit of the code, ``"<sha>+dirty"`` with uncommitted code changes, ``"unknown"`` outside git.

    The commit is the last one that changed the code, so committing
    regenerated figures does not change the commit the next run records
    (the code is the same). Only changes to the code (``lib/``, ``notebooks/``, ``pyproject.toml``,
    ``requirements.lock``) mark the commit dirty: regenerated figures and
    runs are outputs, not code.

    Parameters
    ----------
    root : str, optional
        The checkout; default the repository root.

    Returns
    -------
    str
    """
    root = root or str(repo_root())
    try:
        sha = subprocess.run(["git", "log", "-1", "--format=%H", "--", *CODE_PATHS], cwd=root, capture_output=True,
                             text=True, timeout=10, check=True).stdout.strip()
        sha = sha or subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                    timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--", *CODE_PATHS], cwd=root,
                                capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if not sha:
        return "unknown"
    return f"{sha}+dirty" if status.strip() else sha


def run_identity(params: dict[str, Any], *, notebooks_dir: Path | None = None) -> dict[str, str]:
    """The identity every figure of a run is cited by.

    Parameters
    ----------
    params : dict
        The run's validated parameters (locations are left out).
    notebooks_dir : Path, optional
        The chain's notebooks; default ``notebooks/``.

    Returns
    -------
    dict
        ``{"version", "commit", "run", "run_hash"}``; ``run_hash`` is one
        sha256 over the content of the input files, the parameters and the
        code (library and notebooks), the same wherever the run is made.

    Examples
    --------
    >>> identity = run_identity({"run": "seeds", "corpus_path": "seeds"})  # doctest: +SKIP
    >>> sorted(identity)  # doctest: +SKIP
    ['commit', 'run', 'run_hash', 'version']
    """
    values = {k: v for k, v in params.items() if k not in LOCATION_PARAMETERS}
    parts = {"parameters": json.dumps(values, sort_keys=True, default=str), "code": code_hash(notebooks_dir)}
    for name in PATH_PARAMETERS:
        if values.get(name):
            parts[f"content of {name}"] = inputs_hash(values[name])
    return {"version": __version__, "commit": code_commit(), "run": str(params.get("run", "")),
            "run_hash": digest(parts)}
