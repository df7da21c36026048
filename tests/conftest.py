"""Fixtures shared by the tests of every package."""

import pytest


@pytest.fixture(scope="session")
def dask_engine():
    """One Dask LocalCluster of two single-threaded worker processes for the whole session (about 2 s to start)."""
    from stancebook.engine import open_engine

    with open_engine("dask", n_jobs=2) as engine:
        yield engine
