"""Keeping the documents or units whose metadata match: years, actors, countries; years from dates."""

from __future__ import annotations

import pandas as pd

from stancebook.checks import is_int
from stancebook.corpus.schema import metadata_column
from stancebook.errors import CorpusError, ParameterError


def year_bounds(years) -> tuple[int | None, int | None]:
    """``(min, max)`` of a ``years`` filter, checked; ``(None, None)`` for no filter.

    Examples
    --------
    >>> year_bounds((2014, None))
    (2014, None)
    >>> year_bounds(None)
    (None, None)
    """
    if years is None:
        return None, None
    if not isinstance(years, (tuple, list)) or len(years) != 2 or not all(y is None or is_int(y) for y in years):
        raise ParameterError(f"years={years!r}: expected (min, max) of int or None, e.g. (2014, 2024), or None.")
    return years[0], years[1]


def filter_documents(documents, *, years=None, actors=None, year_column="year",
                     actor_column="actor", countries=None, country_column="iso3") -> pd.DataFrame:
    """Keep the documents (or units) whose metadata match.

    Parameters
    ----------
    documents : pandas.DataFrame
        A documents or units table.
    years : tuple of (int or None, int or None), optional
        Inclusive ``(min, max)`` of ``year_column``; None on a side leaves
        it open. Rows whose year is missing or not a number are dropped.
        None: no year filter.
    actors : list of str, optional
        Values of ``actor_column`` to keep (a single string is one actor).
        None: no actor filter.
    year_column, actor_column : str
        The metadata columns to filter on.
    countries : list of str, optional
        Values of ``country_column`` to keep, compared upper-cased (ISO3
        codes such as ``["RUS", "PRK"]``). None: no country filter.
    country_column : str, default "iso3"
        The metadata column ``countries`` filters on.

    Returns
    -------
    pandas.DataFrame
        A filtered copy with a fresh index (and the input's ``attrs``);
        the input is not changed.

    See Also
    --------
    stancebook.corpus.load_documents : Filters by ``years`` and ``countries`` while loading.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "year": [1990, 2020], "actor": ["PRK", "RUS"]})
    >>> filter_documents(docs, years=(2000, None))["doc_id"].tolist()
    ['b']
    """
    keep = pd.Series(True, index=documents.index)
    if years is not None:
        if not isinstance(years, (tuple, list)) or len(years) != 2:
            raise ParameterError(f"years={years!r}: expected (min, max), e.g. (1990, 2020), or None.")
        values = pd.to_numeric(metadata_column(documents, year_column, "year_column"), errors="coerce")
        low, high = years
        keep &= values.notna()
        if low is not None:
            keep &= values >= low
        if high is not None:
            keep &= values <= high
    if actors is not None:
        if isinstance(actors, str):
            actors = [actors]
        values = metadata_column(documents, actor_column, "actor_column")
        keep &= values.notna() & values.astype("str").isin([str(a) for a in actors])
    if countries is not None:
        if isinstance(countries, str):
            countries = [countries]
        values = metadata_column(documents, country_column, "country_column")
        wanted = [str(c).strip().upper() for c in countries]
        keep &= values.notna() & values.astype("str").str.strip().str.upper().isin(wanted)
    filtered = documents.loc[keep.to_numpy()].reset_index(drop=True)
    filtered.attrs = dict(documents.attrs)
    return filtered


def year_from_dates(documents: pd.DataFrame, *, date_column: str = "", year_column: str = "year") -> pd.DataFrame:
    """Add ``year_column`` derived from a column of ISO dates, so year filters and prevalence by year work.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table (metadata columns beside ``doc_id, source, text``).
    date_column : str, default ""
        The column of ISO 8601 dates (``2022-02-24``, ``2022-02-24T10:00``,
        ``2022-02``, ``2022``). Empty: ``date`` when the table has a ``date``
        column and no ``year_column``; otherwise nothing is derived.
    year_column : str, default "year"
        The column written (a nullable integer; an empty date gives a missing
        year). A named ``date_column`` replaces an existing ``year_column``.

    Returns
    -------
    pandas.DataFrame
        A copy with ``year_column`` added; ``documents`` itself is unchanged.

    Raises
    ------
    CorpusError
        ``date_column`` is not a column, or holds values that are not ISO
        dates; the message names the column, the documents and the values.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "date": ["2021-03-01", "2022-11-30"]})
    >>> year_from_dates(docs)["year"].tolist()
    [2021, 2022]
    """
    column = date_column or ("date" if "date" in documents.columns and year_column not in documents.columns else "")
    if not column:
        return documents
    values = metadata_column(documents, column, "date_column")
    text = values.astype("string").str.strip()
    given = text.notna() & (text != "")
    parsed = pd.to_datetime(text.where(given), format="ISO8601", errors="coerce", utc=True)
    bad = given & parsed.isna()
    if bad.any():
        examples = ", ".join(f"{doc} ({value!r})" for doc, value in
                             zip(documents.loc[bad, "doc_id"].head(3), text[bad].head(3)))
        raise CorpusError(f"date_column {column!r}: {int(bad.sum())} value(s) are not ISO dates (YYYY-MM-DD), e.g. "
                          f"{examples}. Fix them, or name the column with the dates (date_column=) or a year column "
                          f"(year_column=).")
    return documents.assign(**{year_column: pd.array(parsed.dt.year, dtype="Int64")})
