"""The country table: names, short labels and UN regions of ISO 3166 alpha-3 codes.

UN General Debate speeches are named by the speaker's country code
(``PRK_77_2022.txt``). This module turns such codes into names for tables,
short names for figure labels and UN M49 regions for grouping. The table
(``stancebook/resources/data/countries.csv``, written by hand) covers every code of the
UNGDC 1946-2024 release, including historical states and non-member
observers (``YUG``, ``CSK``, ``DDR``, ``YMD``, ``EU``, ``VAT``, ``PSE``),
plus a few further historical codes (``SUN``, ``SCG``, ``ZAR``, ``BUR``,
``TMP``).

Columns: ``iso3`` (str), ``name`` (the UN short name, e.g. "Democratic
People's Republic of Korea"), ``short_name`` (for figure labels: "North
Korea", "Russia", "UK"), ``region`` (M49: Africa, Americas, Asia, Europe,
Oceania), ``subregion`` (M49 sub-region, or the intermediate region in
Sub-Saharan Africa and Latin America; empty for the EU), ``historical``
(bool: the state no longer exists).

Note the corpus's own conventions: ``RUS`` holds the speeches of the USSR
before 1992, ``DEU`` those of the Federal Republic of Germany before 1990,
``YEM`` those of (North) Yemen before 1990; the table names today's state.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from stancebook.errors import CorpusError, ParameterError

__all__ = ["COUNTRY_COLUMNS", "add_country_columns", "check_codes", "country_name", "load_countries"]

COUNTRY_COLUMNS = ["iso3", "name", "short_name", "region", "subregion", "historical"]
_TABLE = Path(__file__).resolve().parent / "data" / "countries.csv"


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    # Cached read-only: callers only ever get copies (see load_countries).
    frame = pd.read_csv(_TABLE, dtype="str", keep_default_na=False, encoding="utf-8")
    return frame.assign(historical=frame["historical"].map({"True": True, "False": False}).astype("bool"))


def load_countries() -> pd.DataFrame:
    """Return the country table.

    Returns
    -------
    pandas.DataFrame
        One row per code, sorted by ``iso3``, columns ``iso3, name,
        short_name, region, subregion`` (str) and ``historical`` (bool).
        A fresh copy: changing it changes nothing else.

    Examples
    --------
    >>> table = load_countries()
    >>> table.loc[table["iso3"] == "PRK", "short_name"].item()
    'North Korea'
    """
    return _table().copy()


def _normalise_codes(codes: Iterable[str], parameter: str) -> list[str]:
    if isinstance(codes, str):
        codes = [codes]
    out = []
    for code in codes:
        if not isinstance(code, str):
            raise ParameterError(f"{parameter}: country codes are strings such as 'PRK', got {code!r}.")
        out.append(code.strip().upper())
    return out


def check_codes(codes, *, parameter="countries") -> list[str]:
    """Validate country codes, returning them upper-cased.

    Parameters
    ----------
    codes : str or iterable of str
        ISO 3166 alpha-3 codes (or ``EU``), any case.
    parameter : str, default "countries"
        The parameter name used in the error message.

    Returns
    -------
    list of str
        The codes, stripped and upper-cased, in the given order.

    Raises
    ------
    ParameterError
        Naming every code that is not in the table.

    Examples
    --------
    >>> check_codes(["rus", "PRK"])
    ['RUS', 'PRK']
    """
    normalised = _normalise_codes(codes, parameter)
    known = set(_table()["iso3"])
    unknown = sorted({c for c in normalised if c not in known})
    if unknown:
        raise ParameterError(
            f"{parameter}: unknown country code(s) {', '.join(repr(c) for c in unknown)}. Use ISO 3166 "
            f"alpha-3 codes as in the UNGDC file names (e.g. 'RUS', 'PRK', 'USA'); the known codes are in "
            f"{_TABLE.name} (stancebook.resources.countries.load_countries())."
        )
    return normalised


def country_name(iso3, *, short=False) -> str:
    """Name of the country with code ``iso3``.

    Parameters
    ----------
    iso3 : str
        An ISO 3166 alpha-3 code (or ``EU``), any case.
    short : bool, default False
        Return the short name for figure labels ("North Korea") instead of
        the UN name ("Democratic People's Republic of Korea").

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        When the code is not in the table; the message names it.

    Examples
    --------
    >>> country_name("RUS"), country_name("gbr", short=True)
    ('Russian Federation', 'UK')
    """
    (code,) = check_codes([iso3], parameter="iso3")
    table = _table()
    row = table.index[table["iso3"] == code][0]
    return str(table.at[row, "short_name" if short else "name"])


def add_country_columns(frame, iso3_column="iso3", *, columns=("country", "short_name", "region", "subregion"),
                        prefix="") -> pd.DataFrame:
    """Add country name, short name and region columns looked up from a code column.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table with a column of country codes; it is not changed.
    iso3_column : str, default "iso3"
        The column holding the codes (any case).
    columns : sequence of str, default ("country", "short_name", "region", "subregion")
        Which columns to add: any of ``country`` (the UN name),
        ``short_name``, ``region``, ``subregion``, ``historical``.
    prefix : str, default ""
        Put before each added column's name (e.g. ``"holder_"``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the added columns at the end (existing
        columns of the same name are replaced in place).

    Raises
    ------
    CorpusError
        When ``iso3_column`` is missing, or holds codes not in the table
        (the message lists them).

    Examples
    --------
    >>> frame = pd.DataFrame({"iso3": ["PRK", "RUS"]})
    >>> add_country_columns(frame, columns=["short_name"])["short_name"].tolist()
    ['North Korea', 'Russia']
    """
    if iso3_column not in frame.columns:
        raise CorpusError(
            f"The table has no column {iso3_column!r} (iso3_column). Available columns: "
            f"{', '.join(repr(str(c)) for c in frame.columns)}. Pass iso3_column= with the column of country codes."
        )
    allowed = {"country": "name", "short_name": "short_name", "region": "region",
               "subregion": "subregion", "historical": "historical"}
    bad = [c for c in columns if c not in allowed]
    if bad:
        raise ParameterError(f"columns: {bad!r} not available; choose from {', '.join(allowed)}.")
    codes = frame[iso3_column].astype("str").str.strip().str.upper()
    table = _table().set_index("iso3")
    unknown = sorted(set(codes) - set(table.index))
    if unknown:
        raise CorpusError(
            f"Column {iso3_column!r} holds {len(unknown)} unknown country code(s): {', '.join(unknown[:30])}. "
            f"Expected ISO 3166 alpha-3 codes as in the UNGDC file names; fix the codes or add rows to "
            f"stancebook/resources/data/countries.csv."
        )
    added = {f"{prefix}{column}": table[allowed[column]].reindex(codes).to_numpy() for column in columns}
    return frame.assign(**added)
