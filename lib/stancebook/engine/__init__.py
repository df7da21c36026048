"""Where per-partition work runs: local worker processes, or a Dask cluster.

A stage that maps one function over many chunks (units per chunk of
documents, tokens per chunk of units, frame matches per chunk of sentences)
asks an engine to do it. Every engine yields the results in input order,
keeps a bounded number of jobs in flight, and raises a failed job's own
exception with the job named in a note, so the tables do not depend on the
engine and a failure still says where it happened.

- :class:`LocalEngine` (``engine: local``): this process, or ``n_jobs``
  forked worker processes.
- :class:`DaskEngine` (``engine: dask``): a ``distributed`` client, on a
  ``LocalCluster`` of ``n_jobs`` single-threaded worker processes or on an
  existing scheduler (``dask_scheduler: tcp://host:8786``).

:func:`open_engine` starts (and closes) either from the run parameters;
:func:`as_engine` lets a library function take ``engine=None`` and fall
back to local processes. :func:`local_cluster` starts the LocalCluster
(workers ignoring Ctrl-C), and :func:`run_cluster` gives all the stages of
a run one of them. The worker processes either engine starts reuse the
memory they free (:mod:`stancebook.engine.memory`).
"""

from stancebook.engine.base import Engine, LocalEngine, as_engine
from stancebook.engine.cluster import DaskEngine, check_scheduler, local_cluster, open_engine, run_cluster

ENGINES = ("local", "dask")

__all__ = ["ENGINES", "DaskEngine", "Engine", "LocalEngine", "as_engine", "check_scheduler", "local_cluster",
           "open_engine", "run_cluster"]
