"""How the worker processes an engine starts allocate memory: freed memory is reused, not handed back.

A worker tokenising chunks of 8 million characters allocates and frees
arrays of tens of MB for every chunk. With glibc's defaults each is mapped
afresh (every allocation over the mmap threshold, and the heap is trimmed
as soon as its top is free) and Arrow's mimalloc pool returns its pages
too, so every page faults again for the next chunk: about 13,000 page
faults per chunk of the UN corpus, a tenth of a chunk's time. Worker
processes therefore keep what they free: glibc's mmap threshold at its
maximum (32 MB), no trimming, and Arrow's system pool (glibc's malloc, so
the same reuse). A worker's memory stays at the peak of one chunk until it
exits.

Only processes an engine starts are changed: forked local workers call
:func:`reuse_freed_memory` as they start, and the workers of a
:func:`~stancebook.engine.local_cluster` get :data:`WORKER_ENVIRONMENT`.
The researcher's own process and the workers of an existing Dask cluster
are left as they are.
"""

from __future__ import annotations

import ctypes
import ctypes.util

# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
# the largest mmap threshold glibc accepts on 64-bit systems, and a heap never trimmed
MMAP_THRESHOLD = 32 * 2**20
TRIM_THRESHOLD = 2**31 - 1

#: The same settings as environment variables, read by glibc and Arrow when a process starts.
WORKER_ENVIRONMENT = {
    "MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD),
    "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD),
    "ARROW_DEFAULT_MEMORY_POOL": "system",
}

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "WORKER_ENVIRONMENT", "reuse_freed_memory"]


def reuse_freed_memory() -> dict:
    """Make this (worker) process reuse the memory it frees: glibc's thresholds and Arrow's default pool.

    Meant for a process an engine has just started, never the
    researcher's own (it changes the whole process).

    Returns
    -------
    dict
        ``{"malloc": bool, "arrow_pool": str}``: whether glibc took both
        settings (False off glibc) and the name of Arrow's default pool
        afterwards.
    """
    import pyarrow as pa

    applied = False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError, TypeError):
        mallopt = None
    if mallopt is not None:
        applied = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    pa.set_memory_pool(pa.system_memory_pool())
    return {"malloc": applied, "arrow_pool": pa.default_memory_pool().backend_name}
