"""What every notebook does first: validate its parameters, find its folders.

A notebook's parameters cell declares the parameters it uses; the guard
cell right after it calls :func:`start_stage`, which validates them, builds
the run's paths and the figure saver, and fails loudly on bad input.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import catalog
from .artefacts import digest, read_json, write_json
from .figures import FigureSaver
from .errors import ParameterError
from .params import SPEC, load_params, validate
from .paths import SCRATCH_SUFFIX, RunPaths, figures_root, repo_root
from .provenance import IDENTITY_FILE, run_identity

INPUTS_FILE = catalog.entry("inputs").file


@dataclass
class Stage:
    """One notebook's view of its run.

    Attributes
    ----------
    notebook : str
        ``"02_topics"``.
    params : dict
        The validated parameters the notebook declares.
    paths : RunPaths
        The run's folders.
    figures : FigureSaver
        Saves every figure of the notebook.
    """

    notebook: str
    params: dict[str, Any]
    paths: RunPaths
    figures: FigureSaver

    def record_inputs(self, hashes: dict[str, str]) -> str:
        """Add input files and their sha256 to the run's input record.

        Parameters
        ----------
        hashes : dict
            ``{name: sha256}`` of files this stage read.

        Returns
        -------
        str
            The combined input hash, also given to the figure saver.
        """
        path = self.paths.artefacts / INPUTS_FILE
        record = read_json(path) if path.is_file() and self.notebook != "00_corpus" else {}
        by_stage = record.get("by_stage", {})
        by_stage[self.notebook] = dict(hashes)
        files = {name: sha for stage_files in by_stage.values() for name, sha in stage_files.items()}
        record = {"by_stage": by_stage, "files": files, "input_hash": digest(files)}
        write_json(record, path)
        self.figures.input_hash = record["input_hash"]
        return record["input_hash"]


    def note(self, text: str) -> str:
        """Record a plain-language note for the report (a choice made, a warning) and return it.

        Notes of a stage are kept in ``artefacts/notes-<notebook>.json``; the
        report lists the notes of every stage in chain order.
        """
        path = self.paths.artefacts / f"notes-{self.notebook}.json"
        notes = read_json(path) if path.is_file() else []
        if text not in notes:
            write_json(notes + [text], path)
        return text

    @contextlib.contextmanager
    def notes_from_warnings(self, prefix: str) -> Iterator[list[str]]:
        """Turn every ``UserWarning`` raised inside the block into a note ``"<prefix>: <message>"``.

        The one way notebooks report what a method warned about (a corpus too
        small, a fallback taken): the warning is not lost in the cell output
        and reaches the report. Yields the list of notes recorded.

        Examples
        --------
        >>> with stage.notes_from_warnings("Topics") as notes:  # doctest: +SKIP
        ...     selection.fit(dtm.matrix)
        """
        recorded: list[str] = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield recorded
        for warning in caught:
            if issubclass(warning.category, UserWarning):
                recorded.append(self.note(f"{prefix}: {warning.message}"))
            else:
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)

    def reset_notes(self) -> None:
        """Forget this stage's notes of an earlier execution."""
        (self.paths.artefacts / f"notes-{self.notebook}.json").unlink(missing_ok=True)


def run_notes(paths: RunPaths) -> list[str]:
    """Every stage's notes, in chain order.

    Parameters
    ----------
    paths : RunPaths

    Returns
    -------
    list of str
    """
    notes: list[str] = []
    for path in sorted(paths.artefacts.glob("notes-*.json")):
        notes += read_json(path)
    return notes


# Names IPython itself puts in a kernel's namespace.
_KERNEL_NAMES = frozenset({"In", "Out", "exit", "quit", "get_ipython", "open"})
_VALUE_TYPES = (bool, int, float, str, list, dict, tuple)


def _refuse_undeclared(namespace: dict[str, Any], notebook: str) -> None:
    """Refuse a value in the notebook's namespace that is no run parameter: a misspelt one injected by papermill.

    Papermill only warns about a parameter the notebook does not declare and
    runs with the default; the guard cell stops instead, with the nearest
    declared name.
    """
    unknown = [name for name, value in namespace.items()
               if not name.startswith("_") and name not in _KERNEL_NAMES and name not in SPEC
               and name not in ("run_dir", "figures_dir") and isinstance(value, _VALUE_TYPES)]
    if unknown:
        near = difflib.get_close_matches(unknown[0], list(SPEC), n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise ParameterError(f"unknown parameter '{unknown[0]}' given to notebook {notebook}{hint} "
                             "(python -m stancebook params lists them)")


def _identity(paths: RunPaths, params: dict[str, Any]) -> dict[str, str]:
    """The run's identity: the runner's, when this notebook runs with the run's parameters, else its own."""
    identity_file, params_file = paths.artefacts / IDENTITY_FILE, catalog.path(paths, "params")
    if identity_file.is_file() and params_file.is_file():
        run_params = read_json(params_file)
        if all(_same(run_params.get(key), value) for key, value in params.items()):
            return read_json(identity_file)
    return run_identity(dict(params, run=paths.run))


def _stage_paths(run: str, run_dir: str, figures_dir: str, *, notebook: str, say) -> RunPaths:
    """The folders a notebook writes to; outside the runner, never the named run's.

    The runner gives ``run_dir`` and ``figures_dir``. A notebook executed
    without them (JupyterLab, nbconvert, papermill) writes to the scratch
    run ``<run>-scratch`` and says so: the named run's figures may be
    committed, and its cache must not be fooled. Given ``run_dir`` alone,
    the figures still go to ``figures/<run>-scratch/``.
    """
    if run_dir and figures_dir:
        return RunPaths.for_run(run, run_dir=run_dir, figures_dir=figures_dir).ensure()
    if run_dir:
        scratch = RunPaths.for_run(run, run_dir=run_dir, figures_dir=figures_root() / f"{run}{SCRATCH_SUFFIX}")
        say(f"{notebook}: figures_dir not given, so figures go to the scratch folder {scratch.figures_dir} "
            f"(not figures/{run}/).")
        return scratch.ensure()
    scratch = RunPaths.scratch(run).ensure()
    say(f"{notebook}: executed outside the runner, so this is the scratch run '{scratch.run}': results in "
        f"{scratch.run_dir}, figures in {scratch.figures_dir}. Run `python -m stancebook run` for the run "
        f"'{run}' itself.")
    return scratch


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def run_file_values(params: dict[str, Any], notebook: str, *, say=print) -> dict[str, Any]:
    """Outside the runner, the named run's parameter file fills the parameters a notebook left at their defaults.

    A notebook opened in JupyterLab carries the declared defaults, not the
    values of the run it is named after (``run = "seeds"`` but
    ``prevalence_by = ["year"]`` where ``notebooks/seeds.yaml`` says
    ``[paragraph]``). Every parameter still at its declared default takes
    the value of ``notebooks/<run>.yaml`` when that file sets another one; a
    value changed in the notebook (or passed with ``papermill -p``) wins.
    Without such a file the notebook's values are used as they are.

    Parameters
    ----------
    params : dict
        The notebook's validated parameters.
    notebook : str
        The notebook's name, for the line printed.
    say : callable
        Receives one line naming the file and the values taken from it.

    Returns
    -------
    dict
        ``params`` with the run file's values filled in.
    """
    path = repo_root() / "notebooks" / f"{params.get('run', '')}.yaml"
    if not path.is_file():
        return params
    from_file = load_params(path)
    taken = {key: from_file[key] for key, value in params.items()
             if key != "run" and _same(value, SPEC[key].default) and not _same(from_file[key], value)}
    if taken:
        say(f"{notebook}: parameters at their defaults take the values of notebooks/{path.name}: "
            + ", ".join(f"{key}={value!r}" for key, value in taken.items()) + ".")
    return {**params, **taken}


def start_stage(notebook: str, namespace: dict[str, Any], *, say=print) -> Stage:
    """Validate a notebook's parameters and open its run.

    Parameters
    ----------
    notebook : str
        The notebook's name, ``"01_tokenise"``.
    namespace : dict
        The notebook's ``globals()``: the names of its parameters cell are
        picked out (every declared run parameter plus ``run_dir`` and
        ``figures_dir``); nothing else is read. Without ``run_dir`` (the
        notebook was not executed by the runner) the stage works in the
        scratch run ``<run>-scratch`` and prints a line saying so, and the
        parameters left at their defaults take the values of the run's
        parameter file ``notebooks/<run>.yaml`` (:func:`run_file_values`),
        in ``namespace`` too, so the notebook's cells read the same values.
    say : callable
        Receives those lines.

    Returns
    -------
    Stage

    Raises
    ------
    ParameterError
        Naming the parameter, when a value is of the wrong type or impossible.

    Examples
    --------
    >>> stage = start_stage("02_topics", {"run": "seeds", "n_topics": 0})  # doctest: +SKIP
    """
    _refuse_undeclared(namespace, notebook)
    declared = {key: namespace[key] for key in SPEC if key in namespace}
    params = validate(declared, source=f"notebook {notebook}")
    params = {key: params[key] for key in declared}
    paths = _stage_paths(params["run"], str(namespace.get("run_dir", "") or ""),
                         str(namespace.get("figures_dir", "") or ""), notebook=notebook, say=say)
    if not namespace.get("run_dir"):  # outside the runner: the named run's own parameters, not the notebook's
        params = run_file_values(params, notebook, say=say)
        namespace.update(params)  # the notebook's cells read the same values as the stage
    inputs = paths.artefacts / INPUTS_FILE
    input_hash = read_json(inputs).get("input_hash", "") if inputs.is_file() and notebook != "00_corpus" else ""
    identity = _identity(paths, params)
    saver = FigureSaver(paths.figures_dir, run=paths.run, notebook=notebook, parameters=params,
                        input_hash=input_hash, identity=identity)
    stage = Stage(notebook=notebook, params=params, paths=paths, figures=saver)
    stage.reset_notes()
    saver.forget_notebook()
    return stage
