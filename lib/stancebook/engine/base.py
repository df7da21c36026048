"""The engine interface and the local engine: ordered, bounded mapping over jobs in this process or forked workers."""

from __future__ import annotations

import functools
import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from stancebook.engine.memory import release_free_memory, reuse_freed_memory
from stancebook.workers import n_workers

__all__ = ["Engine", "LocalEngine", "as_engine", "name_job"]


def name_job(exc: BaseException, index: int, job: Any, describe: Callable[[Any], str] | None) -> BaseException:
    """Add a note naming the failed job to ``exc`` (its type and message stay), and return it."""
    try:
        label = describe(job) if describe is not None else ""
    except Exception:  # a describe that fails must not hide the job's own error
        label = ""
    exc.add_note(f"in job {index}{f' ({label})' if label else ''} of the engine's map")
    return exc


class Engine:
    """Maps a picklable function over jobs and yields the results in input order.

    Subclasses implement :meth:`map`; an engine that holds resources (a
    cluster) releases them in :meth:`close` and works as a context manager.

    Attributes
    ----------
    name : str
        ``"local"`` or ``"dask"``.
    n_workers : int
        Workers that run jobs side by side (1: jobs run in this process).
    remote : bool
        True when jobs always run outside this process (a cluster that is
        already up): callers then map small inputs too, instead of keeping
        them here to save the start of local processes.
    shares_memory : bool
        True when jobs see this process's memory as it was when the map
        began (they run here or in workers forked for the map): a ``shared``
        argument as large as the corpus costs nothing to hand over, so
        callers may share a whole table and send row ranges as jobs.
    """

    name = "engine"
    n_workers = 1
    remote = False
    shares_memory = False

    @staticmethod
    def _result(future, index, job, describe):
        """The future's result; a failure raised with the job named (:func:`name_job`)."""
        try:
            return future.result()
        except Exception as exc:
            raise name_job(exc, index, job, describe)

    def map(self, fn: Callable, jobs: Iterable, *, shared: dict | None = None, max_in_flight: int | None = None,
            describe: Callable[[Any], str] | None = None) -> Iterator:
        """Yield ``fn(job, **shared)`` for every job, in the order of ``jobs``.

        Parameters
        ----------
        fn : callable
            A module-level function (worker processes import it by name).
        jobs : iterable
            One argument per call; consumed lazily, at most ``max_in_flight``
            jobs ahead of the result being yielded.
        shared : dict, optional
            Keyword arguments the same for every job (a matcher, a stopword
            list): sent to each worker once where the engine can.
        max_in_flight : int, optional
            Jobs submitted but not yet yielded; default two per worker, which
            keeps every worker busy while memory stays flat.
        describe : callable, optional
            ``describe(job) -> str`` names a job in the note added to its
            exception (default: its index only).

        Yields
        ------
        object
            ``fn(job, **shared)``, in input order.

        Raises
        ------
        Exception
            The first failed job's own exception (in input order), with a
            note ``in job <i> (<describe(job)>)``.
        """
        raise NotImplementedError

    def _in_flight(self, max_in_flight: int | None) -> int:
        return max(1, int(max_in_flight)) if max_in_flight is not None else 2 * self.n_workers

    def describe(self) -> str:
        """One line for the run's notes: the engine and its workers."""
        return f"{self.name} engine, {self.n_workers} worker(s)"

    def close(self) -> None:
        """Release what the engine holds (nothing for the local engine)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _call(fn: Callable, shared: dict, job):
    return fn(job, **shared)


# The call a forked worker makes for every job of the map it was forked for: set once in the worker
# by _start_forked_worker, never in the researcher's process.
_forked_call: Callable | None = None


def _start_forked_worker(call: Callable) -> None:
    """Initialise a forked worker: keep ``call`` (inherited with the fork, never pickled) and reuse freed memory."""
    global _forked_call
    _forked_call = call
    reuse_freed_memory()


def _run_forked(job):
    return _forked_call(job)


def _fork_context():
    """``fork`` where the platform has it (workers start at once, inherit this process's memory and need no
    ``if __name__ == "__main__"`` guard in a researcher's script), else None (the platform's default)."""
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


class LocalEngine(Engine):
    """Jobs in this process (``n_jobs=1``) or in forked worker processes: the behaviour of ``engine: local``.

    Parameters
    ----------
    n_jobs : int, default 1
        Worker processes; 1 runs every job here, -1 uses every core.

    Examples
    --------
    >>> list(LocalEngine().map(abs, [-2, 3, -1]))
    [2, 3, 1]
    """

    name = "local"

    def __init__(self, n_jobs: int = 1):
        self.n_jobs = n_jobs
        self.n_workers = n_workers(n_jobs)
        self.shares_memory = self.n_workers == 1 or _fork_context() is not None

    def map(self, fn, jobs, *, shared=None, max_in_flight=None, describe=None):
        call = functools.partial(_call, fn, dict(shared or {}))
        jobs = iter(jobs)
        head = list(itertools.islice(jobs, 2))
        jobs = itertools.chain(head, jobs)
        if self.n_workers == 1 or len(head) < 2:  # one job: starting processes would only cost time
            for index, job in enumerate(jobs):
                try:
                    result = call(job)
                except Exception as exc:
                    raise name_job(exc, index, job, describe)
                yield result
            return
        yield from self._pooled(call, jobs, self._in_flight(max_in_flight), describe)

    def _pooled(self, call, jobs, limit: int, describe) -> Iterator:
        context = _fork_context()
        if context is not None:
            release_free_memory()  # or the workers copy every page of it they allocate into
            # the workers inherit `call` and its shared arguments: only the jobs are pickled
            pool = ProcessPoolExecutor(max_workers=self.n_workers, mp_context=context,
                                       initializer=_start_forked_worker, initargs=(call,))
            run = _run_forked
        else:
            pool = ProcessPoolExecutor(max_workers=self.n_workers, initializer=reuse_freed_memory)
            run = call
        pending: deque = deque()
        try:
            for index, job in enumerate(jobs):
                if len(pending) >= limit:
                    yield self._result(*pending.popleft(), describe)
                pending.append((pool.submit(run, job), index, job))
            # every job is in: a worker exits once the queue is empty, while the caller takes in the last results
            pool.shutdown(wait=False)
            while pending:
                yield self._result(*pending.popleft(), describe)
        finally:
            # Not shutdown(cancel_futures=True): in Python 3.11 it replaces the pool's table of pending
            # jobs, so a job whose pickling then fails is never removed from it and the pool's thread
            # waits forever (11 of 20 runs of the no-fork test hung at interpreter exit).
            for future, _, _ in pending:
                future.cancel()
            pool.shutdown(wait=False)


def as_engine(engine: Engine | None, n_jobs: int = 1) -> Engine:
    """The engine a library function works with: the one given, or local processes from ``n_jobs``.

    Examples
    --------
    >>> as_engine(None, 1).name
    'local'
    """
    if engine is None:
        return LocalEngine(n_jobs)
    if not isinstance(engine, Engine):
        raise TypeError(f"engine must be a stancebook.engine.Engine (from open_engine) or None, got {engine!r}; "
                        "workflow functions take the run parameter engine='local'|'dask' instead.")
    return engine
