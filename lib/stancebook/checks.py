"""The one place where arguments and tables are checked.

Every stage validates integers, numbers and table columns through these
helpers, so a researcher meets the same wording for the same mistake
everywhere: the parameter or table is named, with what was expected.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stancebook.errors import CorpusError, ParameterError, StancebookError


def is_int(value) -> bool:
    """True for Python and numpy integers, False for booleans.

    Examples
    --------
    >>> is_int(3), is_int(np.int64(3)), is_int(True), is_int(3.0)
    (True, True, False, False)
    """
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def is_number(value) -> bool:
    """True for integers and floats (Python or numpy), False for booleans.

    Examples
    --------
    >>> is_number(0.5), is_number(2), is_number(False), is_number("1")
    (True, True, False, False)
    """
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def check_int(value, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, or refuse it naming the parameter.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        The parameter's name, as the user wrote it.
    minimum : int, default=1
        The smallest value allowed.

    Returns
    -------
    int

    Raises
    ------
    ParameterError
        ``value`` is not an integer (booleans are not) or is below ``minimum``.

    Examples
    --------
    >>> check_int(np.int64(4), "n")
    4
    >>> check_int(0, "n_boot")
    Traceback (most recent call last):
    ...
    stancebook.errors.ParameterError: `n_boot` must be an integer >= 1, got 0.
    """
    if not is_int(value) or value < minimum:
        raise ParameterError(f"`{name}` must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_fraction(value, name: str, *, low: float = 0.0, high: float = 1.0, low_open: bool = False) -> float:
    """Return ``value`` as a float in ``[low, high]`` (``(low, high]`` with ``low_open``), or refuse it.

    Examples
    --------
    >>> check_fraction(0.8, "stability_sample", low_open=True)
    0.8
    """
    inside = is_number(value) and (low < value if low_open else low <= value) and value <= high
    if not inside:
        bracket = "(" if low_open else "["
        raise ParameterError(f"`{name}` must be a number in {bracket}{low}, {high}], got {value!r}.")
    return float(value)


def require_columns(frame, columns: Sequence[str], name: str, *,
                    hint: str = "Build it with the stage before (see stancebook.catalog) or rename the columns.",
                    error: type[StancebookError] = CorpusError) -> None:
    """Refuse a table that lacks any of ``columns``, naming the table and what it has.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table given.
    columns : sequence of str
        The columns needed.
    name : str
        How the user knows the table (``"units"``, ``"mentions"``).
    hint : str
        What to do about it.
    error : type, default=CorpusError
        The error class raised (``ParameterError`` for tables passed as arguments).

    Raises
    ------
    CorpusError
        Listing the missing columns and those the table has.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "units")
    Traceback (most recent call last):
    ...
    stancebook.errors.CorpusError: The units table lacks the column(s) ['b']; it has ['a']. Build it with the stage before (see stancebook.catalog) or rename the columns.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise error(f"The {name} table lacks the column(s) {missing}; it has {list(frame.columns)}. {hint}")
