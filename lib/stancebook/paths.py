"""Where things live: the repository root, a run's folder and its figures.

Every path is computed here, anchored on this file rather than on the
working directory, so notebooks opened from anywhere find the same folders.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

NOTEBOOK_NAMES = ("00_corpus", "01_tokenise", "02_topics", "03_stance", "04_report")
# The stages each stage reads from. Stages whose needs are met run side by side: topics and stance read
# only what corpus and tokenise wrote (tests/test_runner.py checks the library's reads against this).
STAGE_NEEDS = {
    "00_corpus": (),
    "01_tokenise": ("00_corpus",),
    "02_topics": ("00_corpus", "01_tokenise"),
    "03_stance": ("00_corpus", "01_tokenise"),
    "04_report": ("00_corpus", "01_tokenise", "02_topics", "03_stance"),
}
# Environment variables moving the default parents of runs/<run>/ and figures/<run>/ (tests, shared servers).
RUNS_ROOT_ENV = "STANCEBOOK_RUNS_ROOT"
FIGURES_ROOT_ENV = "STANCEBOOK_FIGURES_ROOT"
SCRATCH_SUFFIX = "-scratch"


def repo_root() -> Path:
    """Return the repository root (the folder holding ``pyproject.toml``).

    Returns
    -------
    pathlib.Path
        The root of the checkout the package was installed from (editable
        install), or the current working directory when the package is
        installed elsewhere.
    """
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    return Path.cwd()


def runs_root() -> Path:
    """The parent of ``runs/<run>/``: ``$STANCEBOOK_RUNS_ROOT`` when set, else ``runs/`` at the root."""
    return Path(os.environ[RUNS_ROOT_ENV]) if os.environ.get(RUNS_ROOT_ENV) else repo_root() / "runs"


def figures_root() -> Path:
    """The parent of ``figures/<run>/``: ``$STANCEBOOK_FIGURES_ROOT`` when set, else ``figures/`` at the root."""
    return Path(os.environ[FIGURES_ROOT_ENV]) if os.environ.get(FIGURES_ROOT_ENV) else repo_root() / "figures"


def resolve_input(path: str | Path, *, base: Path | None = None) -> Path:
    """Resolve a user-given input path.

    A relative path is looked up first against the working directory, then
    against ``base`` (default: the repository root), so ``seeds`` works from
    anywhere and ``../my_corpus`` works from where the user stands.

    Parameters
    ----------
    path : str or Path
        The path as the user wrote it.
    base : Path, optional
        The fallback anchor for relative paths.

    Returns
    -------
    pathlib.Path
        An absolute path (which may not exist: the caller reports that).
    """
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        return candidate
    in_cwd = Path.cwd() / candidate
    if in_cwd.exists():
        return in_cwd.resolve()
    return ((base or repo_root()) / candidate).resolve()


@dataclass(frozen=True)
class RunPaths:
    """The folders of one run.

    Parameters
    ----------
    run : str
        The run name.
    run_dir : Path
        ``runs/<run>/``: executed notebooks, artefacts, tables, manifest.
    figures_dir : Path
        ``figures/<run>/``: every figure as SVG and PNG plus the index.

    Examples
    --------
    >>> paths = RunPaths.for_run("seeds")
    >>> paths.tables.name
    'tables'
    """

    run: str
    run_dir: Path
    figures_dir: Path

    @classmethod
    def for_run(cls, run: str, *, run_dir: str | Path = "", figures_dir: str | Path = "") -> "RunPaths":
        """Build the paths of ``run``; empty overrides mean the defaults under the root."""
        return cls(
            run=run,
            run_dir=Path(run_dir).resolve() if str(run_dir) else runs_root() / run,
            figures_dir=Path(figures_dir).resolve() if str(figures_dir) else figures_root() / run,
        )

    @classmethod
    def scratch(cls, run: str) -> "RunPaths":
        """The paths of a notebook executed outside the runner: ``runs/<run>-scratch/``, ``figures/<run>-scratch/``.

        A notebook opened in JupyterLab or executed with nbconvert or papermill
        without ``run_dir`` never writes into the named run, whose figures may
        be committed and whose cache would otherwise hide the change. While
        it holds no artefact of its own, the scratch run starts as a copy of
        the named run's artefacts, tables and figures, so a later stage can
        be tried alone.
        """
        named = cls.for_run(run)
        paths = cls(run=f"{run}{SCRATCH_SUFFIX}", run_dir=runs_root() / f"{run}{SCRATCH_SUFFIX}",
                     figures_dir=figures_root() / f"{run}{SCRATCH_SUFFIX}")
        if not any(paths.artefacts.glob("*")):  # new, or every earlier attempt failed before writing
            for source, target in ((named.artefacts, paths.artefacts), (named.tables, paths.tables),
                                   (named.figures_dir, paths.figures_dir)):
                if source.is_dir():
                    shutil.copytree(source, target, dirs_exist_ok=True)
        return paths

    @property
    def tables(self) -> Path:
        """``runs/<run>/tables/``: the citable CSV tables."""
        return self.run_dir / "tables"

    @property
    def artefacts(self) -> Path:
        """``runs/<run>/artefacts/``: intermediate files passed between stages."""
        return self.run_dir / "artefacts"

    def ensure(self) -> "RunPaths":
        """Create the run's folders if they are missing and return ``self``."""
        for folder in (self.run_dir, self.tables, self.artefacts, self.figures_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self
