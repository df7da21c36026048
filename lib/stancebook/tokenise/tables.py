"""The columns of the stage's tables, and the typed frames that hold them.

The catalog (:mod:`stancebook.catalog`) lists the same columns as the data
contract; these lists fix their order in the frames the stage builds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from stancebook.checks import require_columns
from stancebook.errors import ParameterError

SENTENCE_COLUMNS = ["unit_id", "sentence", "start", "end", "orig_start", "orig_end", "text"]
TOKEN_COLUMNS = [
    "unit_id", "sentence", "token_index", "start", "end", "orig_start", "orig_end",
    "text", "norm", "kind", "is_stop", "term",
]
MENTION_COLUMNS = [
    "unit_id", "sentence", "start", "end", "orig_start", "orig_end", "surface", "target", "kind", "groups",
]
# The integer and boolean columns of each table; every other column is a string column.
POSITIONS = ("sentence", "start", "end", "orig_start", "orig_end")
TOKEN_INTS = POSITIONS + ("token_index",)
TOKEN_BOOLS = ("is_stop",)
UNIT_COLUMNS = ("unit_id", "text", "offset_breaks")
# The tokens table's kinds; chunks code each token's kind as its index here.
KINDS = ("word", "number", "punct")

__all__ = ["MENTION_COLUMNS", "SENTENCE_COLUMNS", "TOKEN_COLUMNS", "check_units", "typed_frame"]


def typed_frame(columns: dict, *, ints: Sequence[str] = (), bools: Sequence[str] = ()) -> pd.DataFrame:
    """A frame of ``columns``: int64 for ``ints``, bool for ``bools``, pandas' string dtype otherwise.

    Examples
    --------
    >>> typed_frame({"unit_id": ["a"], "sentence": [1]}, ints=("sentence",)).dtypes.astype(str).tolist()
    ['str', 'int64']
    """
    data = {}
    for name, values in columns.items():
        if name in ints:
            data[name] = np.asarray(values, dtype=np.int64)
        elif name in bools:
            data[name] = np.asarray(values, dtype=bool)
        else:
            data[name] = pd.array(values, dtype="str")
    return pd.DataFrame(data)


def concat_frames(parts: list, columns: Sequence[str], *, ints: Sequence[str] = (),
                  bools: Sequence[str] = ()) -> pd.DataFrame:
    """The parts one after the other, or an empty typed frame of ``columns`` when there are none."""
    parts = [part for part in parts if part is not None and len(part)]
    if parts:
        return pd.concat(parts, ignore_index=True)
    return typed_frame({c: [] for c in columns}, ints=ints, bools=bools)


def check_units(units) -> None:
    """Refuse anything but a units table with ``unit_id``, ``text`` and ``offset_breaks``.

    Raises
    ------
    ParameterError
        ``units`` is not a DataFrame.
    CorpusError
        A column is missing.
    """
    if not isinstance(units, pd.DataFrame):
        raise ParameterError(f"units must be a pandas DataFrame (the units table), got {type(units).__name__}.")
    require_columns(units, UNIT_COLUMNS, "units",
                    hint=f"Expected the table from stancebook.corpus.split_units with columns {list(UNIT_COLUMNS)}.")
