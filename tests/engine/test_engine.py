"""The engine layer: both engines give the results in input order, name a failed job, and hold few jobs in flight.

The toy functions are builtins (``int``, ``math.sqrt``): worker processes of
a LocalCluster import functions by name, and builtins need no test module.
"""

import math
import multiprocessing
import re
import time
import urllib.request

import pytest

from stancebook.engine import DaskEngine, LocalEngine, as_engine, check_scheduler, open_engine
from stancebook.errors import ParameterError


@pytest.fixture(params=["serial", "processes", "dask"])
def engine(request, dask_engine):
    return {"serial": LocalEngine(1), "processes": LocalEngine(2), "dask": dask_engine}[request.param]


def test_results_come_back_in_input_order(engine):
    jobs = [float(n * n) for n in range(40, 0, -1)]
    assert list(engine.map(math.sqrt, jobs, max_in_flight=3)) == [float(n) for n in range(40, 0, -1)]


def test_shared_arguments_reach_every_job(engine):
    assert list(engine.map(int, ["ff", "10", "7"], shared={"base": 16})) == [255, 16, 7]


def test_a_failed_job_raises_its_own_error_naming_the_job(engine):
    with pytest.raises(ValueError, match="math domain error") as info:
        list(engine.map(math.sqrt, [4.0, 1.0, -1.0, 9.0], describe=lambda job: f"the value {job}"))
    assert "in job 2 (the value -1.0)" in " ".join(getattr(info.value, "__notes__", []))


def test_jobs_are_pulled_only_a_few_ahead_of_the_results(engine):
    pulled = []

    def jobs():
        for n in range(30):
            pulled.append(n)
            yield float(n)

    ahead = []
    for i, _ in enumerate(engine.map(math.sqrt, jobs(), max_in_flight=2)):
        ahead.append(len(pulled) - i)
    # when result i is yielded, at most the two in flight and the one that waited for a slot were taken
    assert max(ahead) <= 3 and len(ahead) == 30


def test_an_empty_job_list_gives_nothing(engine):
    assert list(engine.map(math.sqrt, [])) == []


def test_the_dask_engine_runs_on_two_worker_processes(dask_engine):
    assert isinstance(dask_engine, DaskEngine) and dask_engine.n_workers == 2
    assert "2 worker(s)" in dask_engine.describe()


def test_the_dask_dashboard_is_served_and_named_in_the_run_notes(dask_engine):
    link = re.search(r"dashboard (http://\S+/status)", dask_engine.describe())
    assert link, dask_engine.describe()  # bokeh is pinned: a cluster always has its dashboard
    with urllib.request.urlopen(link.group(1), timeout=30) as page:
        assert page.status == 200 and b"bokeh" in page.read().lower()


def test_library_functions_fall_back_to_local_processes():
    assert isinstance(as_engine(None, n_jobs=2), LocalEngine) and as_engine(None, n_jobs=2).n_workers == 2
    with pytest.raises(TypeError, match="engine='local'"):
        as_engine("dask")


@pytest.mark.parametrize("address", ["localhost:8786", "http://host:8786", "tcp://host"])
def test_a_malformed_scheduler_address_is_refused_naming_the_parameter(address):
    with pytest.raises(ParameterError, match="dask_scheduler.*tcp://host:port"):
        check_scheduler(address)


def test_an_unreachable_scheduler_is_refused_quickly_naming_the_parameter():
    with pytest.raises(ParameterError, match="dask_scheduler.*no Dask scheduler answers at 'tcp://127.0.0.1:9'"):
        with open_engine("dask", scheduler="tcp://127.0.0.1:9", timeout=1):
            pass


def test_a_scheduler_with_the_local_engine_is_refused():
    with pytest.raises(ParameterError, match="engine is 'local'"):
        with open_engine("local", scheduler="tcp://127.0.0.1:8786"):
            pass


def test_an_open_engine_passes_through_unchanged(dask_engine):
    with open_engine(dask_engine) as engine:
        assert engine is dask_engine


def test_a_job_of_many_megabytes_reaches_the_cluster_without_a_warning(dask_engine, recwarn):
    # a chunk of texts above Dask's 10 MiB "large graph" threshold: expected, not worth a note in the run
    job = [f"{n:07d}" + "x" * 1000 for n in range(12_000)]  # distinct strings: pickle shares no copy
    assert list(dask_engine.map(len, [job])) == [12_000]
    assert not [w for w in recwarn if "large graph" in str(w.message)]


def test_a_run_shares_one_local_cluster_only_where_a_stage_would_start_its_own():
    from stancebook.engine import run_cluster
    from stancebook.paths import repo_root
    from stancebook.runner import _engine_users

    notebooks = sorted((repo_root() / "notebooks").glob("0*.ipynb"))
    users = _engine_users(notebooks)
    assert users == ["00_corpus", "01_tokenise", "03_stance"]
    assert _engine_users([n for n in notebooks if n.stem in ("02_topics", "04_report")]) == []
    dask = {"engine": "dask", "dask_scheduler": "", "n_jobs": 2}
    for params, stages in ((dict(dask, engine="local"), users), (dict(dask, dask_scheduler="tcp://h:1"), users),
                           (dask, [])):
        lines = []
        with run_cluster(params, stages, lines.append) as stage_params:
            assert stage_params is params and lines == []
    lines = []
    with run_cluster(dask, users, lines.append) as stage_params:
        address = stage_params["dask_scheduler"]
        assert dask["dask_scheduler"] == "" and address.startswith("tcp://")
        assert len(lines) == 1 and lines[0].startswith(
            f"Dask LocalCluster of 2 worker(s) for 00_corpus, 01_tokenise, 03_stance at {address}; dashboard http")
        with open_engine("dask", scheduler=address) as engine:
            assert engine.n_workers == 2 and list(engine.map(abs, [-3, 2])) == [3, 2]
    with pytest.raises(ParameterError, match="no Dask scheduler answers"):
        check_scheduler(address, timeout=1)


def test_a_local_cluster_puts_back_this_process_environment_and_its_workers_reuse_freed_memory():
    import os

    from distributed import Client

    from stancebook.engine import local_cluster
    from stancebook.engine.memory import WORKER_ENVIRONMENT

    names = (*WORKER_ENVIRONMENT, "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
    before = {name: os.environ.get(name) for name in names}
    with local_cluster(1) as cluster, Client(cluster) as client:
        assert {name: os.environ.get(name) for name in names} == before  # kernels started later keep their cores
        on_worker = {name: next(iter(client.run(os.getenv, name).values())) for name in names}
        pool = next(iter(client.run(_arrow_pool).values()))
    assert on_worker == {**WORKER_ENVIRONMENT, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                         "MKL_NUM_THREADS": "1"}
    assert pool == "system"


def _arrow_pool(*_) -> str:
    import pyarrow as pa

    return pa.default_memory_pool().backend_name


def _worker_memory(_) -> tuple:
    import os

    import pyarrow as pa

    return os.getpid(), pa.default_memory_pool().backend_name


def test_forked_local_workers_reuse_freed_memory_and_this_process_is_left_alone():
    import os

    import pyarrow as pa

    from stancebook.engine import LocalEngine

    ours = pa.default_memory_pool().backend_name
    seen = list(LocalEngine(2).map(_worker_memory, range(4)))
    assert {pid for pid, _ in seen} - {os.getpid()}  # the jobs ran in worker processes
    assert {pool for _, pool in seen} == {"system"}
    assert pa.default_memory_pool().backend_name == ours


def test_the_local_engine_hands_freed_memory_back_before_it_forks(monkeypatch):
    from stancebook.engine import LocalEngine, base
    from stancebook.engine.memory import release_free_memory

    calls = []
    monkeypatch.setattr(base, "release_free_memory", lambda: calls.append("trim") or True)
    assert list(LocalEngine(2).map(abs, [-1, 2, -3])) == [1, 2, 3]
    assert calls == ["trim"]
    assert list(LocalEngine(1).map(abs, [-1, 2])) == [1, 2] and calls == ["trim"]  # no workers, nothing forked
    assert isinstance(release_free_memory(), bool)


class _Unpicklable:
    """A shared argument that refuses to be pickled, like a table too large to send."""

    def __init__(self, value):
        self.value = value

    def __reduce__(self):
        raise TypeError("this object must not be pickled")


def _add_shared(job, offset):
    return job + offset.value


def test_forked_workers_inherit_shared_arguments_instead_of_receiving_them_pickled():
    engine = LocalEngine(2)
    assert engine.shares_memory and LocalEngine(1).shares_memory
    assert list(engine.map(_add_shared, range(5), shared={"offset": _Unpicklable(10)})) == [10, 11, 12, 13, 14]


def test_without_fork_the_local_engine_sends_the_shared_arguments_pickled_with_every_job(monkeypatch):
    from stancebook.engine import base

    monkeypatch.setattr(base, "_fork_context", lambda: None)
    engine = LocalEngine(2)
    assert not engine.shares_memory
    assert list(engine.map(int, ["ff", "10", "7"], shared={"base": 16})) == [255, 16, 7]
    earlier = _child_pids()  # e.g. a LocalCluster's nannies, kept by a fixture
    for _ in range(20):  # a job that cannot be sent fails; the pool still winds down (it once hung now and then)
        with pytest.raises(TypeError, match="must not be pickled"):
            list(engine.map(_add_shared, range(3), shared={"offset": _Unpicklable(10)}))
    deadline = time.monotonic() + 20
    while _child_pids() - earlier and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _child_pids() - earlier, "worker processes of a finished map are still running"


def _child_pids() -> set:
    return {process.pid for process in multiprocessing.active_children()}


def test_jobs_on_a_cluster_do_not_see_this_process_memory(dask_engine):
    assert not dask_engine.shares_memory
