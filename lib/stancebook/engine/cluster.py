"""The Dask engine: jobs as tasks of a ``distributed`` client, on a LocalCluster or an existing scheduler."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pickle
import signal
import socket
import threading
import uuid
import warnings
from collections import deque
from urllib.parse import urlsplit

from stancebook.engine.base import Engine, LocalEngine
from stancebook.engine.memory import WORKER_ENVIRONMENT
from stancebook.errors import ParameterError
from stancebook.workers import n_workers

__all__ = ["DaskEngine", "check_scheduler", "local_cluster", "open_engine", "run_cluster"]

CONNECT_TIMEOUT = 5.0  # seconds: a scheduler that does not answer by then is reported, not waited for
DASHBOARD = ":8787"
SCHEMES = ("tcp", "tls")


def _host_port(address: str) -> tuple[str, int]:
    parts = urlsplit(address)
    if parts.scheme not in SCHEMES or not parts.hostname or parts.port is None:
        raise ParameterError(f"parameter 'dask_scheduler': {address!r} is not a scheduler address; expected "
                             "tcp://host:port (such as tcp://10.0.0.5:8786, what `dask scheduler` prints), "
                             "or empty for a LocalCluster of n_jobs workers.")
    return parts.hostname, parts.port


def check_scheduler(address: str, *, timeout: float = CONNECT_TIMEOUT) -> None:
    """Refuse a scheduler address that is malformed or does not accept a connection within ``timeout`` seconds.

    Parameters
    ----------
    address : str
        ``tcp://host:port`` of a running ``dask scheduler``; empty passes.
    timeout : float, default 5
        Seconds to wait for the connection.

    Raises
    ------
    ParameterError
        Naming ``dask_scheduler``, the address and what to do.

    Examples
    --------
    >>> check_scheduler("")
    >>> check_scheduler("localhost:8786")
    Traceback (most recent call last):
    ...
    stancebook.errors.ParameterError: parameter 'dask_scheduler': 'localhost:8786' is not a scheduler address; \
expected tcp://host:port (such as tcp://10.0.0.5:8786, what `dask scheduler` prints), or empty for a LocalCluster \
of n_jobs workers.
    """
    if not address:
        return
    host, port = _host_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise ParameterError(f"parameter 'dask_scheduler': no Dask scheduler answers at {address!r} within "
                             f"{timeout:g} s ({exc.strerror or exc}); start one with `dask scheduler` and "
                             "workers with `dask worker <address>`, or leave dask_scheduler empty for a "
                             "LocalCluster.") from None


class DaskEngine(Engine):
    """Jobs as tasks of a ``distributed.Client``: results in input order, a bounded number in flight.

    Shared keyword arguments are scattered to every worker once (not sent
    with each job); each job is submitted as one task and released as soon
    as its result is yielded, so neither the scheduler nor the workers hold
    more than ``max_in_flight`` results.

    Parameters
    ----------
    client : distributed.Client
        A connected client; the engine does not close it (see :func:`open_engine`).

    Examples
    --------
    >>> with open_engine("dask", n_jobs=1) as engine:  # doctest: +SKIP
    ...     list(engine.map(abs, [-2, 3]))
    [2, 3]
    """

    name = "dask"
    remote = True

    def __init__(self, client):
        self.client = client
        self.n_workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))

    def describe(self) -> str:
        board = (f"dashboard {self.client.dashboard_link}" if importlib.util.find_spec("bokeh")
                 else "no dashboard: install bokeh>=3.1 to see one")
        return f"dask engine, {self.n_workers} worker(s) at {self.client.scheduler.address} ({board})"

    def map(self, fn, jobs, *, shared=None, max_in_flight=None, describe=None):
        shared = dict(shared or {})
        # one copy of each shared argument per worker, not one per task
        scattered = {key: self.client.scatter([value], broadcast=True, hash=False)[0] for key, value in shared.items()}
        prefix = f"{getattr(fn, '__name__', 'job')}-{uuid.uuid4().hex[:8]}"
        limit = self._in_flight(max_in_flight)
        pending: deque = deque()
        try:
            for index, job in enumerate(jobs):
                if len(pending) >= limit:
                    yield self._result(*pending.popleft(), describe)
                with warnings.catch_warnings():
                    # A job is a chunk of texts that has to reach a worker anyway, and at most a few are in
                    # flight; Dask's advice for big tasks, scattering each first, took 15 times as long.
                    warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
                    future = self.client.submit(_pickled_result, fn, job, key=f"{prefix}-{index}", pure=False,
                                                retries=0, **scattered)
                pending.append((future, index, job))
            while pending:
                yield self._result(*pending.popleft(), describe)
        finally:
            for future, _, _ in pending:
                future.cancel()
            for future in scattered.values():
                future.release()

    @staticmethod
    def _result(future, index, job, describe):
        try:
            return pickle.loads(Engine._result(future, index, job, describe))
        finally:
            future.release()


def _pickled_result(fn, job, **shared) -> bytes:
    """``fn(job, **shared)``, pickled in the worker: one buffer for Dask to send back.

    Dask serialises a returned list item by item; a chunk's list of 35,000
    scores took longer to send than to compute (on a 2-worker LocalCluster,
    scoring the UN sentences took 17 s against 10 s with local processes).
    """
    return pickle.dumps(fn(job, **shared), protocol=pickle.HIGHEST_PROTOCOL)


@contextlib.contextmanager
def local_cluster(n_jobs: int = 1):
    """A Dask ``LocalCluster`` of ``n_jobs`` single-threaded worker processes, closed when the block ends.

    What ``engine: dask`` without a ``dask_scheduler`` runs on: the runner
    starts one for all the stages of a run (its ``scheduler_address``
    passed to each stage as ``dask_scheduler``), and a library call started
    outside a run gets one of its own from :func:`open_engine`.

    Parameters
    ----------
    n_jobs : int, default 1
        Worker processes (-1: every core).

    Yields
    ------
    distributed.LocalCluster
        Its dashboard is at ``dashboard_link`` (port 8787, or a free one
        when another cluster holds it).

    Notes
    -----
    Two of Dask's defaults are changed for the workers of this cluster:

    - They reuse the memory they free (:data:`~stancebook.engine.memory.WORKER_ENVIRONMENT`,
      the settings forked local workers take too). Dask sets
      ``MALLOC_TRIM_THRESHOLD_=65536`` to hand freed memory back to the
      system sooner; glibc then maps every array over 128 kB afresh. With
      Dask's setting the chunks of the UN corpus took 16-17 s of
      tokenising on two workers, with glibc's defaults 13 s (10 s in local
      processes).
    - Dask's nanny writes the workers' variables (``OMP_NUM_THREADS=1``
      and the like) into this process's environment before it spawns them.
      They are put back as they were once the workers are up, so processes
      started from here later (the runner's notebook kernels: the topic
      fits) keep every core for their numerical libraries.
    """
    import dask
    from distributed import LocalCluster

    pre_spawn = "distributed.nanny.pre-spawn-environ"
    environment = {name: os.environ.get(name) for name in {*dask.config.get(pre_spawn), *WORKER_ENVIRONMENT}}
    try:
        with (warnings.catch_warnings(),
              dask.config.set({f"{pre_spawn}.{name}": value for name, value in WORKER_ENVIRONMENT.items()}),
              _spawned_ignore_interrupts()):
            # Another cluster on this machine holds 8787: the dashboard moves to a free port (dashboard_link)
            warnings.filterwarnings("ignore", message=r"Port \d+ is already in use")
            cluster = LocalCluster(n_workers=n_workers(n_jobs), threads_per_worker=1, processes=True,
                                   dashboard_address=DASHBOARD)
    finally:
        for name, value in environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    try:
        yield cluster
    finally:
        cluster.close()


@contextlib.contextmanager
def run_cluster(params: dict, stages: list[str], progress=print):
    """The parameters a run's stages execute with: on ``engine: dask`` without a scheduler, one LocalCluster for all.

    A stage given an empty ``dask_scheduler`` starts a LocalCluster of its
    own (on ``ungdc-full``, one per stage took 234 s against 224 s with one
    for the run). The runner starts one here for the ``stages`` that map
    work, passes its address to them as ``dask_scheduler``, and closes it
    when the block ends; the run shows on one dashboard. The runner's cache
    keys, ``params.json`` and manifest keep the parameters as given, so the
    stages are reused whichever cluster ran them.

    Parameters
    ----------
    params : dict
        The validated run parameters (``engine``, ``dask_scheduler``, ``n_jobs``).
    stages : list of str
        The stages about to execute that map work on the engine; none: no cluster.
    progress : callable
        Receives one line naming the cluster and its dashboard.

    Yields
    ------
    dict
        ``params``, or a copy whose ``dask_scheduler`` is the cluster's address.
    """
    if params["engine"] != "dask" or params["dask_scheduler"] or not stages:
        yield params
        return
    with local_cluster(params["n_jobs"]) as cluster:
        progress(f"Dask LocalCluster of {len(cluster.workers)} worker(s) for {', '.join(stages)} at "
                 f"{cluster.scheduler_address}; dashboard {cluster.dashboard_link}")
        yield {**params, "dask_scheduler": cluster.scheduler_address}


@contextlib.contextmanager
def _spawned_ignore_interrupts():
    """Processes spawned inside the block ignore SIGINT: Ctrl-C reaches the process that started them, which stops them.

    A terminal's Ctrl-C goes to every process of the foreground group, and
    a LocalCluster's workers are in it; each printed its own
    KeyboardInterrupt traceback. An ignored signal stays ignored across
    exec, and Python then installs no handler of its own. Signal handlers
    can only be set from the main thread: elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _local_client(n_jobs: int):
    from distributed import Client

    with local_cluster(n_jobs) as cluster, Client(cluster) as client:
        yield client


@contextlib.contextmanager
def _remote_client(address: str, timeout: float):
    from distributed import Client

    check_scheduler(address, timeout=timeout)
    try:
        client = Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as exc:
        raise ParameterError(f"parameter 'dask_scheduler': could not connect a Dask client to {address!r} "
                             f"({exc}).") from None
    try:
        yield client
    finally:
        client.close()


@contextlib.contextmanager
def open_engine(engine="local", *, n_jobs: int = 1, scheduler: str = "", timeout: float = CONNECT_TIMEOUT):
    """The engine of a run, open for the duration of a ``with`` block.

    Parameters
    ----------
    engine : {"local", "dask"} or Engine, default "local"
        ``local``: this process or ``n_jobs`` forked processes; ``dask``: a
        ``distributed`` client. An :class:`Engine` passes through unchanged
        (and is not closed here).
    n_jobs : int, default 1
        Local worker processes, or the workers of the LocalCluster started
        when ``scheduler`` is empty (-1: every core).
    scheduler : str, default ""
        ``tcp://host:port`` of an existing Dask scheduler (with ``engine="dask"``).
    timeout : float, default 5
        Seconds allowed to reach the scheduler.

    Yields
    ------
    Engine

    Raises
    ------
    ParameterError
        An unknown engine, a scheduler given with the local engine, or a
        scheduler that does not answer (naming ``dask_scheduler``).

    Examples
    --------
    >>> with open_engine("local", n_jobs=1) as engine:
    ...     list(engine.map(len, ["ab", "c"]))
    [2, 1]
    """
    if isinstance(engine, Engine):
        yield engine
        return
    if engine == "local":
        if scheduler:
            raise ParameterError(f"parameter 'dask_scheduler': {scheduler!r} is set but engine is 'local'; set "
                                 "engine: dask to use the scheduler, or leave dask_scheduler empty.")
        yield LocalEngine(n_jobs)
        return
    if engine != "dask":
        raise ParameterError(f"parameter 'engine': {engine!r} is not one of 'local', 'dask'.")
    with (_remote_client(scheduler, timeout) if scheduler else _local_client(n_jobs)) as client:
        with DaskEngine(client) as dask_engine:
            yield dask_engine
