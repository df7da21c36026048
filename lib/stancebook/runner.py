"""Run the chain of notebooks with papermill: ``python -m stancebook run``.

Parameters are validated before any notebook starts. The notebooks execute
in order into a staging folder, stages that do not read each other's
results side by side (topics and stance, :data:`~stancebook.paths.STAGE_NEEDS`);
only when all succeed does the staging folder replace ``runs/<run>/`` and
``figures/<run>/``, so a failed run leaves the results of the last good run
intact.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import json
import os
import platform
import re
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from . import catalog
from .artefacts import digest, file_sha256, read_json, write_json
from .errors import ParameterError, RunInterrupted, RunLockedError, StageError
from .engine import check_scheduler, run_cluster
from .params import load_params
from .paths import NOTEBOOK_NAMES, STAGE_NEEDS, figures_root as default_figures_root, repo_root, resolve_input
from .paths import runs_root as default_runs_root
from .provenance import IDENTITY_FILE, PATH_PARAMETERS, inputs_hash, library_hash, run_identity

CACHE_FILE = "cache.json"

PACKAGES = (
    "stancebook", "numpy", "scipy", "pandas", "scikit-learn", "matplotlib", "pyarrow",
    "papermill", "nbclient", "ipykernel", "PyYAML", "vaderSentiment",
)


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages a run depends on.

    Returns
    -------
    dict
        ``{"python": "3.11.7", "pandas": "3.1.1", ...}``.
    """
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def notebook_parameters(notebook: Path, params: dict[str, Any], *, run_dir: Path, figures_dir: Path) -> dict[str, Any]:
    """The parameters a notebook declares in its ``parameters`` cell, with the run's values.

    Parameters
    ----------
    notebook : Path
        The source notebook.
    params : dict
        The validated run parameters.
    run_dir, figures_dir : Path
        Where this execution writes.

    Returns
    -------
    dict
        Only the keys the notebook declares, so papermill injects no
        unknown names.
    """
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    missing = {"run", "run_dir", "figures_dir"} - set(declared)
    if missing:
        raise StageError(f"{notebook}: the parameters cell must declare {', '.join(sorted(missing))} "
                         "(papermill could not read them: keep each on one line, `name: type = value  # comment`).")
    values = dict(params, run_dir=str(run_dir), figures_dir=str(figures_dir))
    return {name: values[name] for name in declared if name in values}


def stage_keys(notebooks: list[Path], params: dict[str, Any]) -> list[str]:
    """Cache keys of the stages: each depends on its notebook, its parameters and the stage before.

    A changed parameter therefore re-runs the stage that declares it and every
    stage after it, and nothing before it.

    Parameters
    ----------
    notebooks : list of Path
        The source notebooks in chain order.
    params : dict
        The validated run parameters.

    Returns
    -------
    list of str
    """
    import papermill

    library = library_hash()
    keys, previous = [], ""
    for notebook in notebooks:
        declared = sorted(set(papermill.inspect_notebook(str(notebook))) - {"run_dir", "figures_dir"})
        values = {name: params[name] for name in declared if name in params}
        parts = {"notebook": file_sha256(notebook), "library": library, "previous": previous,
                 "parameters": json.dumps(values, sort_keys=True, default=str)}
        for name in PATH_PARAMETERS:
            if values.get(name):
                parts[f"content of {name}"] = inputs_hash(values[name])
        previous = digest(parts)
        keys.append(previous)
    return keys


def _snapshot(folders: dict[str, Path]) -> dict[str, tuple[int, int]]:
    state = {}
    for prefix, folder in folders.items():
        for path in folder.rglob("*"):
            if path.is_file():
                stat = path.stat()
                state[f"{prefix}/{path.relative_to(folder)}"] = (stat.st_size, stat.st_mtime_ns)
    return state


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)  # artefacts are replaced atomically, never edited in place
    except OSError:
        shutil.copy2(source, target)


def _replace_dir(staged: Path, final: Path) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".{final.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    staged.rename(final)
    if old.exists():
        shutil.rmtree(old)


INPUT_FILE_PARAMETERS = ("corpus_path", "actor_dictionary", "actor_dictionary_extend", "stance_frames",
                         "stance_frames_extend", "stance_codes", "stance_test_codes")


def check_inputs_exist(params: dict) -> None:
    """Refuse, before any notebook starts, a run whose input files or folders do not exist.

    Raises
    ------
    ParameterError
        Naming the parameter, the path given and where it was looked for.
    """
    for name in INPUT_FILE_PARAMETERS:
        given = params.get(name)
        for one in given if isinstance(given, (list, tuple)) else [given]:
            if one and not resolve_input(one).exists():
                raise ParameterError(f"parameter '{name}': {one!r} does not exist (looked in {Path.cwd()} and "
                                     f"in {repo_root()}).")


def check_registered_names(params: dict) -> None:
    """Refuse, before any notebook starts, a corpus format, polarity source or algorithm nobody registered.

    The names live in the stages' registries (a new format, source or
    algorithm is one module and one registry line there), so they are
    checked here rather than in the parameter declaration.
    """
    from .corpus.readers import formats
    from .stance.clustering import ALGORITHMS
    from .stance.polarity import SOURCES

    registered = {"corpus_format": formats(), "cluster_source": tuple(SOURCES),
                  "cluster_algorithms": tuple(ALGORITHMS)}
    for name, known in registered.items():
        values = params[name] if isinstance(params[name], list) else [params[name]]
        unknown = [v for v in values if v not in known]
        if unknown:
            near = difflib.get_close_matches(unknown[0], known, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ParameterError(f"parameter '{name}': {unknown[0]!r} is not one of {', '.join(map(repr, known))}"
                                 f"{hint}")


LOCKS_DIR = ".locks"
FAILED_DIR = ".failed"
# Scheduling niceness of the stages running beside the last one of their wave (see _execute_side_by_side).
SIDE_NICENESS = 10


@contextlib.contextmanager
def run_lock(runs_root: Path, run: str):
    """Hold the lock of run name ``run`` for the duration of the block.

    The lock is an ``flock`` on ``runs/.locks/<run>.lock``: the operating
    system releases it when the holder exits, however it exits, so a crashed
    run never leaves a stale lock. The file records the holder's PID and
    start time for the message a second run receives.

    Raises
    ------
    RunLockedError
        Another process holds the lock; the message names it.
    """
    path = Path(runs_root) / LOCKS_DIR / f"{run}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise RunLockedError(f"run '{run}' is already being run by {holder}. Wait for it to finish, or give this "
                             f"run another name (--set run=...). Lock file: {path}") from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"PID {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        handle.flush()
        yield path
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _chain_notebooks(notebooks_dir: Path) -> list[Path]:
    notebooks = [notebooks_dir / f"{name}.ipynb" for name in NOTEBOOK_NAMES]
    missing = [str(nb) for nb in notebooks if not nb.is_file()]
    if missing:
        raise StageError(f"notebooks missing: {', '.join(missing)}")
    return notebooks


def _reusable(old: dict | None, key: str, final: dict[str, Path]) -> bool:
    """A stage of the last good run can be reused: same key, and every file it wrote still there, unchanged.

    The content hashes recorded at the end of the last run catch a file
    changed outside the runner (a notebook executed by hand into the run,
    a table edited): the stage is then executed again.
    """
    if old is None or old["key"] != key or not isinstance(old.get("files"), dict):
        return False  # a cache of an older stancebook recorded no content hashes
    for name, sha in old["files"].items():
        path = final[name.split("/", 1)[0]] / name.split("/", 1)[1]
        if not path.is_file() or file_sha256(path) != sha:
            return False
    return True


def _hash_files(names: list[str], folders: dict[str, Path]) -> dict[str, str]:
    """``{name: sha256}`` of files named ``"run/..."`` or ``"figures/..."`` in their final state."""
    return {name: file_sha256(folders[name.split("/", 1)[0]] / name.split("/", 1)[1]) for name in names
            if (folders[name.split("/", 1)[0]] / name.split("/", 1)[1]).is_file()}


def local_kernel_manager(started: list | None = None, *, niceness: int = 0):
    """The kernel manager class the runner starts kernels with: quiet local kernels.

    Two kernel messages used to reach the terminal on every run, and both go
    because their cause goes, not because stderr is filtered:

    * ipykernel warns "Kernel is running over TCP without encryption" on
      every start unless the kernel manager provisions CurveZMQ keys. The
      kernel is local, so the manager provisions them whenever the
      kernelspec declares support (``transport_encryption="auto"``;
      ipykernel's own spec does). A kernelspec without Curve support still
      runs, and still warns.
    * jupyter_client interrupts (SIGINT) a kernel before asking it to shut
      down; a kernel still handling a message then logs "KeyboardInterrupt
      caught in kernel". When its notebook has finished the kernel is idle,
      so the interrupt is skipped; after Ctrl-C or SIGTERM (the kernel may
      be running a cell) it is sent as before.

    Every manager created is appended to ``started`` (when given), so that
    an interrupt can stop the kernels of stages running in other threads.
    A ``niceness`` above 0 lowers the kernel's scheduling priority (its
    worker processes inherit it): a stage beside a longer one then takes
    only the cores the longer one leaves idle.
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            if zmq.has("curve"):
                self.transport_encryption = "auto"
            if started is not None:
                started.append(self)

        async def _async_post_start_kernel(self, **kw) -> None:
            await super()._async_post_start_kernel(**kw)
            pid = getattr(self.provisioner, "pid", None)
            if niceness and pid:
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, pid, niceness)

        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down and not _STOP_REQUESTED.is_set():
                return
            await super()._async_interrupt_kernel()

    return LocalKernelManager


def _execute_notebook(notebook: Path, params: dict, folders: dict[str, Path], *, kernel_name: str,
                      staging: Path, failed: Path, final_run: Path) -> None:
    """Execute one notebook into the staging run; on failure keep it in ``<run>.failed`` and say where."""
    from papermill.exceptions import PapermillExecutionError

    try:
        _papermill(notebook, params, folders, kernel_name=kernel_name, kernel_manager=local_kernel_manager())
    except PapermillExecutionError as exc:
        raise _stage_failed(exc, notebook, params, staging=staging, failed=failed, final_run=final_run) from None


def _papermill(notebook: Path, params: dict, folders: dict[str, Path], *, kernel_name: str, kernel_manager) -> None:
    import papermill

    papermill.execute_notebook(
        str(notebook),
        str(folders["run"] / notebook.name),
        parameters=notebook_parameters(notebook, params, run_dir=folders["run"], figures_dir=folders["figures"]),
        kernel_name=kernel_name,
        kernel_manager_class=kernel_manager,
        progress_bar=False,
        cwd=str(Path.cwd()),  # relative input paths mean the same in the notebooks as where the user stands
    )


def _stage_failed(exc, notebook: Path, params: dict, *, staging: Path, failed: Path, final_run: Path) -> StageError:
    """Move the staging run to ``failed`` and return the error naming the notebook, the cell and where it is."""
    failed.parent.mkdir(parents=True, exist_ok=True)
    if failed.exists():
        shutil.rmtree(failed)
    staging.rename(failed)
    return StageError(
        f"run '{params['run']}' stopped: {notebook.name} failed in cell {exc.cell_index} "
        f"(execution count {exc.exec_count}): {exc.ename}: {exc.evalue}\n"
        f"The executed notebook is {failed / 'run' / notebook.name}; {_last_good(final_run)}"
    )


def _engine_users(notebooks: list[Path]) -> list[str]:
    """The stems of the notebooks that declare ``dask_scheduler`` (they map work on the run's engine)."""
    import papermill

    return [notebook.stem for notebook in notebooks if "dask_scheduler" in papermill.inspect_notebook(str(notebook))]


def stage_waves(stems: list[str]) -> list[list[str]]:
    """The stages to execute, in waves: a stage joins the current wave when it needs none of its stages.

    Examples
    --------
    >>> stage_waves(["00_corpus", "01_tokenise", "02_topics", "03_stance", "04_report"])
    [['00_corpus'], ['01_tokenise'], ['02_topics', '03_stance'], ['04_report']]
    >>> stage_waves(["03_stance", "04_report"])
    [['03_stance'], ['04_report']]
    """
    waves: list[list[str]] = []
    for stem in stems:
        if waves and not set(STAGE_NEEDS.get(stem, NOTEBOOK_NAMES)) & set(waves[-1]):
            waves[-1].append(stem)
        else:
            waves.append([stem])
    return waves


def _written_by(name: str, wave: list[str]) -> list[str]:
    """The stages of ``wave`` a changed file (``"run/..."`` or ``"figures/..."``) belongs to.

    A stage's notebook, notes, figures (``NN-*``) and catalog artefacts are
    its own; a shared file (the figure index) belongs to every stage of the wave.
    """
    from .figures import figure_prefix

    folder, relative = name.split("/", 1)
    for stem in wave:
        if folder == "figures" and relative.startswith(figure_prefix(stem) + "-"):
            return [stem]
        if folder == "run" and relative in (f"{stem}.ipynb", f"artefacts/notes-{stem}.json"):
            return [stem]
    if folder == "run":
        for artefact in catalog.CATALOG.values():
            if artefact.stage in wave and re.fullmatch(_file_pattern(artefact), relative):
                return [artefact.stage]
    return list(wave)


def _file_pattern(artefact) -> str:
    where = f"{artefact.folder}/" if artefact.folder else ""
    return re.escape(where) + re.sub(r"\\\{\w+\\\}", ".+", re.escape(artefact.file))


def _execute_side_by_side(wave: list[tuple[int, Path]], params: dict, folders: dict[str, Path], *, kernel_name: str,
                          staging: Path, failed: Path, final_run: Path, total: int,
                          progress: Callable[[str], None]) -> dict[str, float]:
    """Execute the notebooks of one wave in threads (each its own kernel); ``{stem: seconds}``.

    Each stage's line is printed when it finishes. A failure is raised once
    every stage of the wave has stopped, naming the first failed stage in
    chain order. On Ctrl-C or SIGTERM the wave's kernels are stopped, the
    threads end, and the interrupt goes on to the caller.
    """
    from papermill.exceptions import PapermillExecutionError

    kernels: list = []
    # The last stage of the wave (stance beside topics: the longer on every corpus measured, the seed article
    # to all UN speeches) keeps its priority; the others take the cores it leaves idle.
    last = wave[-1][1]
    managers = {notebook: local_kernel_manager(started=kernels, niceness=0 if notebook == last else SIDE_NICENESS)
                for _number, notebook in wave}

    def execute(notebook: Path) -> float:
        begin = time.perf_counter()
        _papermill(notebook, params, folders, kernel_name=kernel_name, kernel_manager=managers[notebook])
        return round(time.perf_counter() - begin, 2)

    pool = ThreadPoolExecutor(max_workers=len(wave), thread_name_prefix="stage")
    futures = {pool.submit(execute, notebook): (number, notebook) for number, notebook in wave}
    seconds, errors = {}, {}
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                number, notebook = futures[future]
                if future.exception() is None:
                    seconds[notebook.stem] = future.result()
                    progress(f"[{number}/{total}] {notebook.stem} done in {seconds[notebook.stem]:.1f} s")
                else:
                    errors[number] = (notebook, future.exception())
    except BaseException:
        _STOP_REQUESTED.set()
        for kernel in kernels:  # the threads' cells cannot be interrupted from here; their kernels can be stopped
            pid = getattr(getattr(kernel, "provisioner", None), "pid", None)
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        wait(futures)
        raise
    finally:
        pool.shutdown(wait=True)
    if errors:
        notebook, exc = errors[min(errors)]
        if isinstance(exc, PapermillExecutionError):
            raise _stage_failed(exc, notebook, params, staging=staging, failed=failed, final_run=final_run) from None
        raise exc
    return seconds


def _last_good(final_run: Path) -> str:
    if (final_run / catalog.entry("manifest").file).is_file():
        return f"the results of the last good run in {final_run} are unchanged."
    return "there was no earlier good run of this name, so nothing else was written."


# Set by the Ctrl-C / SIGTERM handlers: kernels shut down from then on may be busy and are interrupted first.
_STOP_REQUESTED = threading.Event()


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread by the handler of :func:`terminate_as_interrupt`."""


@contextlib.contextmanager
def terminate_as_interrupt():
    """While the block runs, Ctrl-C and SIGTERM stop the run between or inside stages, cleanly.

    The command line installs this. Without it, the notebook executor turns
    Ctrl-C into an interrupt of the kernel's current cell and carries on.
    """
    def on_term(signum, frame):
        _STOP_REQUESTED.set()
        raise _Terminated()

    def on_int(signum, frame):
        _STOP_REQUESTED.set()
        raise KeyboardInterrupt()

    previous = {sig: signal.signal(sig, handler)
                for sig, handler in ((signal.SIGTERM, on_term), (signal.SIGINT, on_int))}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _manifest(params: dict, run_dir: Path, stages: list[dict], started: float) -> dict:
    """What a run records about itself: parameters, packages, platform, inputs, stages, times, command."""
    return {
        "run": params["run"],
        "parameters": params,
        "packages": package_versions(),
        "platform": platform.platform(),
        "inputs": read_json(run_dir / catalog.entry("inputs").folder / catalog.entry("inputs").file, stage="00_corpus"),
        "stages": stages,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 2),
        "command": " ".join(["python", "-m", "stancebook", *sys.argv[1:]]),
    }


def run_chain(
    params_file: str | Path | None = None,
    overrides: list[str] | None = None,
    *,
    runs_root: str | Path | None = None,
    figures_root: str | Path | None = None,
    notebooks_dir: str | Path | None = None,
    kernel_name: str = "python3",
    use_cache: bool = True,
    progress: Callable[[str], None] = print,
) -> Path:
    """Validate parameters and execute the five notebooks in order.

    Parameters
    ----------
    params_file : str or Path, optional
        YAML parameters of a named run (``notebooks/seeds.yaml``).
    overrides : list of str, optional
        ``key=value`` strings that win over the file.
    runs_root, figures_root : str or Path, optional
        Parents of ``<run>/``; default ``runs/`` and ``figures/`` at the root.
    notebooks_dir : str or Path, optional
        Where the source notebooks are; default ``notebooks/``.
    kernel_name : str
        Jupyter kernel executing the notebooks.
    use_cache : bool
        Reuse the outputs of the last good run for the leading stages whose
        notebook, parameters, inputs and library code are unchanged.
    progress : callable
        Receives one line per stage.

    Returns
    -------
    pathlib.Path
        ``runs/<run>/``.

    Raises
    ------
    ParameterError
        Before anything runs, on a bad parameter.
    StageError
        Naming the notebook, the cell and the error of the first failure.
    """
    params = load_params(params_file, overrides)
    check_inputs_exist(params)
    check_registered_names(params)
    if params["engine"] == "dask":
        check_scheduler(params["dask_scheduler"])  # an unreachable scheduler stops the run here, not in 00_corpus
    root = repo_root()
    runs_root = Path(runs_root) if runs_root else default_runs_root()
    figures_root = Path(figures_root) if figures_root else default_figures_root()
    notebooks_dir = Path(notebooks_dir) if notebooks_dir else root / "notebooks"
    notebooks = _chain_notebooks(notebooks_dir)

    run = params["run"]
    with run_lock(runs_root, run):
        return _run_locked(params, notebooks, runs_root=runs_root, figures_root=figures_root,
                           kernel_name=kernel_name, use_cache=use_cache, progress=progress)


def _run_locked(params: dict, notebooks: list[Path], *, runs_root: Path, figures_root: Path, kernel_name: str,
                use_cache: bool, progress: Callable[[str], None]) -> Path:
    """Run the stages while the run's lock is held; an interrupt anywhere removes the staging folder."""
    staging = runs_root / f".{params['run']}.staging"
    current = {"stage": "the set-up of the run"}
    try:
        return _run_stages(params, notebooks, staging, current, runs_root=runs_root, figures_root=figures_root,
                           kernel_name=kernel_name, use_cache=use_cache, progress=progress)
    except (KeyboardInterrupt, _Terminated) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        code = 143 if isinstance(exc, _Terminated) else 130
        raise RunInterrupted(f"interrupted during {current['stage']}; {_last_good(runs_root / params['run'])}",
                             code) from None


def stamp_index(figures_dir: Path, identity: dict[str, str]) -> None:
    """Give every figure of the run the run's identity (reused stages carry the one of an earlier run)."""
    from .figures import stamp_index as stamp

    stamp(figures_dir, identity)


def _run_stages(params: dict, notebooks: list[Path], staging: Path, current: dict, *, runs_root: Path,
                figures_root: Path, kernel_name: str, use_cache: bool, progress: Callable[[str], None]) -> Path:
    run = params["run"]
    if staging.exists():
        shutil.rmtree(staging)  # left by a run that was killed hard; the lock says none is running
    folders = {"run": staging / "run", "figures": staging / "figures"}
    for folder in folders.values():
        folder.mkdir(parents=True)
    write_json(params, folders["run"] / catalog.entry("params").file)
    final = {"run": runs_root / run, "figures": figures_root / run}
    identity = run_identity(params, notebooks_dir=notebooks[0].parent)
    write_json(identity, folders["run"] / "artefacts" / IDENTITY_FILE)
    keys = stage_keys(notebooks, params)
    keys[-1] = digest({"key": keys[-1], "commit": identity["commit"]})  # the report names the commit
    cache_file = final["run"] / CACHE_FILE
    cached = read_json(cache_file) if use_cache and cache_file.is_file() else {}
    old_stages = {entry["notebook"]: entry for entry in cached.get("stages", [])}

    stages, records = [], []
    reusing = True
    started = time.time()
    to_execute = []
    for number, (notebook, key) in enumerate(zip(notebooks, keys), start=1):
        old = old_stages.get(notebook.name)
        reusing = reusing and _reusable(old, key, final)
        if not reusing:
            to_execute.append((number, notebook, key))
            continue
        for name in old["files"]:
            prefix, relative = name.split("/", 1)
            _link_or_copy(final[prefix] / relative, folders[prefix] / relative)
        stamp_index(folders["figures"], identity)
        stages.append({"notebook": notebook.name, "seconds": 0.0, "status": "cached"})
        records.append({"notebook": notebook.name, "key": key, "files": sorted(old["files"])})
        progress(f"[{number}/{len(notebooks)}] {notebook.stem}: unchanged, reused from the last run")

    by_stem = {notebook.stem: (number, notebook, key) for number, notebook, key in to_execute}
    with run_cluster(params, _engine_users([notebook for _number, notebook, _key in to_execute]),
                     progress) as stage_params:
        for stems in stage_waves(list(by_stem)):
            wave = [by_stem[stem] for stem in stems]
            current["stage"] = " and ".join(stems)
            failed = runs_root / FAILED_DIR / f"{run}-{time.strftime('%Y%m%dT%H%M%S')}"
            for number, notebook, _key in wave:
                progress(f"[{number}/{len(notebooks)}] {notebook.stem} ...")
            before = _snapshot(folders)
            if len(wave) == 1:
                number, notebook, _key = wave[0]
                begin = time.perf_counter()
                _execute_notebook(notebook, stage_params, folders, kernel_name=kernel_name, staging=staging,
                                  failed=failed, final_run=final["run"])
                seconds = {notebook.stem: round(time.perf_counter() - begin, 2)}
                progress(f"[{number}/{len(notebooks)}] {notebook.stem} done in {seconds[notebook.stem]:.1f} s")
            else:
                seconds = _execute_side_by_side([(number, notebook) for number, notebook, _key in wave], stage_params,
                                                folders, kernel_name=kernel_name, staging=staging, failed=failed,
                                                final_run=final["run"], total=len(notebooks), progress=progress)
            stamp_index(folders["figures"], identity)
            after = _snapshot(folders)
            changed = sorted(name for name, state in after.items() if before.get(name) != state)
            for _number, notebook, key in wave:
                stages.append({"notebook": notebook.name, "seconds": seconds[notebook.stem], "status": "executed"})
                records.append({"notebook": notebook.name, "key": key,
                                "files": [name for name in changed if notebook.stem in _written_by(name, stems)]})

    current["stage"] = "the final move of the results"
    manifest = _manifest(params, folders["run"], stages, started)
    write_json(manifest, folders["run"] / catalog.entry("manifest").file)
    for record in records:  # content hashes in the final state: a file changed later is noticed before reuse
        record["files"] = _hash_files(record["files"], folders)
    write_json({"stages": records}, folders["run"] / CACHE_FILE)
    _replace_dir(folders["figures"], final["figures"])
    _replace_dir(folders["run"], final["run"])
    shutil.rmtree(staging, ignore_errors=True)
    progress(f"run '{run}' finished in {manifest['seconds']:.1f} s: {final['run']} and {final['figures']}")
    return final["run"]
