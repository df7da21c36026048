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
keep their settings; before forking, the local engine only hands the
memory the researcher's process has freed back to the system
(:func:`release_free_memory`), so that the workers do not copy it.
"""

from __future__ import annotations

import ctypes

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

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "WORKER_ENVIRONMENT", "release_free_memory", "reuse_freed_memory"]


def _glibc():
    """glibc, whose mallopt and malloc_trim these settings use; None on other systems."""
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def release_free_memory() -> bool:
    """Hand the memory this process has freed, but glibc still holds, back to the system (``malloc_trim``).

    Called before forking workers. A forked worker shares its parent's
    pages until one of them writes: a worker that allocates into its
    parent's free heap copies every page it touches. After the UN speeches'
    199 MB of Python strings were freed in the parent, the workers took
    180,000 page faults instead of 74,000 and tokenising took 5.04 s
    instead of 4.83 (mean of three runs each); after ``malloc_trim`` 4.81 s.
    Nothing else about the process changes.

    Returns
    -------
    bool
        Whether memory was released (False off glibc, or nothing to release).
    """
    trim = getattr(_glibc(), "malloc_trim", None)
    return bool(trim(0)) if trim is not None else False


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
    mallopt = getattr(_glibc(), "mallopt", None)
    if mallopt is not None:
        applied = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    pa.set_memory_pool(pa.system_memory_pool())
    return {"malloc": applied, "arrow_pool": pa.default_memory_pool().backend_name}
