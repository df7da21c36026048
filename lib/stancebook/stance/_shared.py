"""Small helpers several stance modules share: rounding, target lists, cluster labels."""

from __future__ import annotations

import pandas as pd

from stancebook.checks import require_columns
from stancebook.errors import ParameterError

# Every float of the stage's tables is rounded to this many decimals, so tables are byte-stable.
DECIMALS = 6


def target_list(targets, name: str = "targets") -> list[str]:
    """The target ids given, deduplicated in order; refuses a string or an empty list."""
    if targets is None or isinstance(targets, str):
        raise ParameterError(
            f"`{name}` must be a list of target ids (e.g. ['russia', 'north_korea']), got {targets!r}."
        )
    out = list(dict.fromkeys(str(t) for t in targets))
    if not out:
        raise ParameterError(f"`{name}` is empty; pass the target ids of the actor dictionary.")
    return out


def labels_series(labels, ids=None) -> pd.Series:
    """Cluster labels as a Series indexed by id (string), from a Series or a list aligned with ``ids``."""
    if isinstance(labels, pd.Series):
        series = labels.copy()
        series.index = series.index.astype(str)
        return series
    labels = list(labels)
    if ids is None or len(ids) != len(labels):
        raise ParameterError("`labels` must be a pandas Series indexed by unit id, or a list aligned with `ids`.")
    return pd.Series(labels, index=[str(i) for i in ids])


def labels_frame(labels, truth_ids=None) -> pd.DataFrame:
    """Cluster labels as ``StanceClustering.labels_`` has them: ``id`` and one column per algorithm."""
    if isinstance(labels, pd.DataFrame):
        require_columns(labels, ["id"], "labels")
        return labels.assign(id=labels["id"].astype(str))
    series = labels_series(labels, truth_ids)
    return pd.DataFrame({"id": series.index.astype(str), "cluster": series.to_numpy()})


#: Stage 03 clusters holders (by their profiles) and units (by their stance vectors). Their clusters carry
#: different names everywhere (tables, figures, report), so "cluster 1" is never ambiguous.
CLUSTER_PREFIX = {"holder": "H", "unit": "U"}


def cluster_name(kind: str, cluster) -> str:
    """The name of a cluster of holders (``H1``) or of units (``U1``); ``noise`` for HDBSCAN's -1.

    Examples
    --------
    >>> cluster_name("holder", 2), cluster_name("unit", 1), cluster_name("unit", -1)
    ('H2', 'U1', 'noise')
    """
    if kind not in CLUSTER_PREFIX:
        raise ParameterError(f"cluster kind must be one of {list(CLUSTER_PREFIX)}, got {kind!r}.")
    value = int(cluster)
    return "noise" if value < 0 else f"{CLUSTER_PREFIX[kind]}{value}"


def with_cluster_names(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """``frame`` with a ``cluster_name`` column (``H1``/``U1``) right after its ``cluster`` column."""
    require_columns(frame, ["cluster"], "clusters")
    names = pd.Series([cluster_name(kind, c) for c in frame["cluster"]], index=frame.index, dtype="str")
    out = frame.drop(columns=["cluster_name"], errors="ignore")
    out.insert(out.columns.get_loc("cluster") + 1, "cluster_name", names)
    return out
