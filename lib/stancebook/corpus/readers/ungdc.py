"""The UN General Debate Corpus in its official layout: a .tgz archive or the folder it unpacks to.

Speeches are ``Session NN - YYYY/ISO3_NN_YYYY.txt``; country, session and
year come from the file names, names and regions from
:mod:`stancebook.resources.countries`. The reader is :func:`read_ungdc`.
"""

from __future__ import annotations

import codecs
import re
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from stancebook.corpus.filters import year_bounds
from stancebook.corpus.readers.common import ReadOptions, decode, hidden, is_blank, text_files
from stancebook.corpus.schema import Problem
from stancebook.errors import CorpusError, ParameterError
from stancebook.paths import repo_root, resolve_input
from stancebook.progress import bar
from stancebook.resources.countries import check_codes, load_countries

UNGDC_DOI = "doi:10.7910/DVN/0TJX8Y"
UNGDC_METADATA = ["iso3", "country", "short_name", "region", "session", "year"]
ARCHIVE_NAME = "UNGDC_1946-2024.tgz"
_ARCHIVE_SUFFIXES = (".tgz", ".tar.gz", ".tar", ".tar.bz2", ".tar.xz")
_SESSION_FOLDER = re.compile(r"Session (\d{1,2}) - (\d{4})")
_SPEECH_FILE = re.compile(r"([A-Z]{2,3})_(\d{1,2})_(\d{4})\.txt")
GET_UNGDC = (
    "The UN General Debate Corpus is published on Harvard Dataverse ({doi}, "
    "https://doi.org/10.7910/DVN/0TJX8Y, file UNGDC_1946-2024.tgz). Download it and pass its path (the .tgz or "
    "the unpacked folder) as the parameter corpus_path, or put it in ../shared/corpora/ungdc/ beside the "
    "repository root."
).format(doi=UNGDC_DOI)

# one speech: (source, UTF-8 bytes of its text, iso3, session, year)
_Row = tuple[str, bytes, str, int, int]


# --------------------------------------------------------------------------
# Where the corpus is, and whether a path holds it
# --------------------------------------------------------------------------

def is_archive(path: Path) -> bool:
    """True for a tar archive (``.tgz``, ``.tar.gz``, ``.tar``, ...), by its name."""
    return path.name.lower().endswith(_ARCHIVE_SUFFIXES)


def looks_like_ungdc_folder(folder: Path) -> bool:
    """True when ``folder`` holds ``Session NN - YYYY`` folders, at its top or one level down."""
    for pattern in ("Session * - *", "*/Session * - *"):
        if any(p.is_dir() and _SESSION_FOLDER.fullmatch(p.name) for p in folder.glob(pattern)):
            return True
    return False


def archive_in(folder: Path, *, named_only: bool = False) -> Path | None:
    """The UNGDC archive inside a folder that is not itself the unpacked layout (the download folder)."""
    if not folder.is_dir() or looks_like_ungdc_folder(folder):
        return None
    preferred = folder / ARCHIVE_NAME
    if preferred.is_file():
        return preferred
    archives = sorted(p for p in folder.iterdir() if p.is_file() and is_archive(p)
                      and (not named_only or p.name.upper().startswith("UNGDC")))
    return archives[0] if len(archives) == 1 else None


def recognises(path: Path) -> bool:
    """True for an archive, an unpacked UNGDC folder, or a folder holding a ``UNGDC*`` archive."""
    if path.is_dir():
        return looks_like_ungdc_folder(path) or archive_in(path, named_only=True) is not None
    return is_archive(path)


def check(path: Path, kind: str) -> None:
    """Refuse ``format="ungdc"`` for a file that is not an archive."""
    if path.is_file() and not is_archive(path):
        raise CorpusError(f"format='ungdc' but {path} is neither a folder nor a .tgz archive. "
                          "Pass the UNGDC .tgz or the folder it unpacks to.")


def locate(path: Path) -> Path:
    """The path to read: the archive a download folder (README, speakers table, the .tgz) holds, else ``path``."""
    return archive_in(path) or path


def default_ungdc_path() -> Path | None:
    """Where the shared UNGDC copy lives beside the repository, if it is there.

    Returns
    -------
    pathlib.Path or None
        ``<repository root>/../shared/corpora/ungdc/UNGDC_1946-2024.tgz`` (or
        another ``.tgz`` in that folder) when present, else that folder when
        it exists, else None.

    See Also
    --------
    ungdc_path : The corpus to read, given or this default.

    Examples
    --------
    >>> path = default_ungdc_path()  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    'UNGDC_1946-2024.tgz'
    """
    folder = repo_root().parent / "shared" / "corpora" / "ungdc"
    if not folder.is_dir():
        return None
    preferred = folder / ARCHIVE_NAME
    if preferred.is_file():
        return preferred
    archives = sorted(p for p in folder.iterdir() if p.is_file() and is_archive(p))
    return archives[0] if archives else folder


def ungdc_path(corpus_path="") -> Path:
    """The UNGDC corpus to read: ``corpus_path`` when given, else :func:`default_ungdc_path`.

    Parameters
    ----------
    corpus_path : str or Path, default ""
        A ``.tgz`` of the official layout or its unpacked folder; relative
        paths are resolved against the working directory, then the
        repository root. Empty: the shared copy beside the repository.

    Returns
    -------
    pathlib.Path
        An existing path.

    Raises
    ------
    CorpusError
        When the corpus is not there; the message says where to get it
        (Harvard Dataverse, doi:10.7910/DVN/0TJX8Y) and that ``corpus_path``
        takes its path.

    See Also
    --------
    default_ungdc_path : The shared copy beside the repository.

    Examples
    --------
    >>> ungdc_path()  # doctest: +SKIP
    PosixPath('/work/shared/corpora/ungdc/UNGDC_1946-2024.tgz')
    """
    if str(corpus_path):
        path = resolve_input(corpus_path)
        if path.exists():
            return path
        raise CorpusError(f"The UNGDC corpus was not found at corpus_path={str(corpus_path)!r} "
                          f"(resolved: {path}). {GET_UNGDC}")
    path = default_ungdc_path()
    if path is None:
        raise CorpusError(f"No UNGDC corpus was given (corpus_path is empty) and none was found in "
                          f"../shared/corpora/ungdc beside the repository root. {GET_UNGDC}")
    return path


# --------------------------------------------------------------------------
# Reading the speeches
# --------------------------------------------------------------------------

def parse_name(source: str, codes: frozenset[str]) -> tuple[tuple[str, int, int] | None, str]:
    """``(iso3, session, year)`` from ``.../Session NN - YYYY/ISO3_NN_YYYY.txt``, or None and why not.

    Examples
    --------
    >>> parse_name("Session 77 - 2022/PRK_77_2022.txt", frozenset({"PRK"}))
    (('PRK', 77, 2022), '')
    """
    parts = source.split("/")
    name = parts[-1]
    expected = "expected <...>/Session NN - YYYY/ISO3_NN_YYYY.txt (e.g. Session 77 - 2022/PRK_77_2022.txt)"
    speech = _SPEECH_FILE.fullmatch(name)
    if speech is None:
        return None, f"file name {name!r} is outside the UNGDC layout: {expected}"
    folder = _SESSION_FOLDER.fullmatch(parts[-2]) if len(parts) > 1 else None
    if folder is None:
        return None, f"{name} is not inside a 'Session NN - YYYY' folder: {expected}"
    iso3, session, year = speech.group(1), int(speech.group(2)), int(speech.group(3))
    if (int(folder.group(1)), int(folder.group(2))) != (session, year):
        return None, (f"the folder {parts[-2]!r} disagrees with the file name {name!r} (session {session}, "
                      f"year {year}); move the file or fix its name")
    if iso3 not in codes:
        return None, (f"country code {iso3!r} is not in the country table (stancebook/resources/data/countries.csv); "
                      "fix the file name or add the code to the table")
    return (iso3, session, year), ""


def _entries(path: Path) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """``(source, read)`` for every .txt file of the corpus, in archive or path order.

    ``read`` must be called before the next entry is taken (a .tgz is read as
    a stream, never unpacked to disk); entries not read are never decoded.
    """
    if path.is_dir():
        for source in text_files(path):
            if source.lower().endswith(".txt"):
                yield source, (path / source).read_bytes
        return
    try:
        with tarfile.open(path, mode="r|*") as archive:
            for member in archive:
                name = member.name.removeprefix("./")
                if not member.isfile() or not name.lower().endswith(".txt") or hidden(Path(name)):
                    continue
                yield name, lambda member=member: archive.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise CorpusError(f"{path} could not be read as a .tgz archive of the UNGDC layout: {error}. "
                          f"Check the download (sha256), or unpack it and pass the folder. {GET_UNGDC}") from None


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError as error:
        raise ParameterError(f"encoding={encoding!r} is not a known text encoding ({error}).") from None


def _speech_rows(path: Path, codes: frozenset[str], *, encoding: str, years, countries
                 ) -> tuple[list[_Row], list[Problem]]:
    """The speeches the filters keep, as UTF-8 bytes, and the problems of those read."""
    low, high = year_bounds(years)
    utf8 = _is_utf8(encoding)
    wanted = None if countries is None else frozenset(countries)
    problems: list[Problem] = []
    # the raw bytes are kept rather than decoded strings: half the memory of
    # a Python str for most speeches, and Arrow takes them without a copy
    rows: list[_Row] = []
    for source, read in bar(_entries(path), desc="corpus files", unit="file"):
        parsed, detail = parse_name(source, codes)
        if parsed is None:
            problems.append((source, "bad_name", detail))
            continue
        iso3, session, year = parsed
        if (low is not None and year < low) or (high is not None and year > high) or (
                wanted is not None and iso3 not in wanted):
            continue  # filtered out before reading: never decoded, never reported
        raw = read()
        text, detail = decode(raw, encoding, source)
        if text is None:
            problems.append((source, "encoding", detail))
            continue
        if is_blank(text):
            problems.append((source, "empty", "the speech is empty or holds only whitespace; "
                                              "re-extract it or leave it out with on_problem='skip'"))
        # UTF-8 input decodes to exactly its bytes (a BOM included): keep them
        rows.append((source, raw if utf8 else text.encode("utf-8", "surrogatepass"), iso3, session, year))
        del text
    rows.sort(key=lambda row: Path(row[0]).stem)
    return rows, problems


def _arrow_text(raws: list[bytes]) -> pd.Series:
    """A "str" column from UTF-8 bytes, built by Arrow without Python strings."""
    import pyarrow as pa

    return pd.Series(pa.chunked_array([pa.array(raws, type=pa.large_binary()).cast(pa.large_string())]),
                     dtype="str")


def _speech_frame(rows: list[_Row], stems: list[str], table: pd.DataFrame) -> pd.DataFrame:
    """The documents table of the speeches, with the country table's names and regions."""
    iso3s = [r[2] for r in rows]
    return pd.DataFrame({
        "doc_id": pd.array(stems, dtype="str"),
        "source": pd.array([r[0] for r in rows], dtype="str"),
        "text": _arrow_text([r[1] for r in rows]),
        "iso3": pd.array(iso3s, dtype="str"),
        "country": pd.array(table["name"].reindex(iso3s).tolist(), dtype="str"),
        "short_name": pd.array(table["short_name"].reindex(iso3s).tolist(), dtype="str"),
        "region": pd.array(table["region"].reindex(iso3s).tolist(), dtype="str"),
        "session": np.array([r[3] for r in rows], dtype=np.int64),
        "year": np.array([r[4] for r in rows], dtype=np.int64),
    })


def read_ungdc(path: Path, kind: str, options: ReadOptions) -> tuple[pd.DataFrame, list[Problem]]:
    """Documents from the speeches of the UNGDC layout, filtered by year and country while reading.

    Every ``.txt`` file is a speech: ``doc_id`` is its stem
    (``PRK_77_2022``), ``source`` its path in the archive or folder, and
    the metadata are ``iso3``, ``country``, ``short_name``, ``region``,
    ``session`` and ``year``. Speeches outside ``options.years`` or
    ``options.countries`` are never decoded. A name outside the layout is
    a "bad_name" problem.

    Raises
    ------
    CorpusError
        A file name occurs in two places, or nothing of the layout was found.

    See Also
    --------
    stancebook.corpus.load_documents : Which dispatches here for format "ungdc".

    References
    ----------
    .. [1] Baturo, A., Dasandi, N. and Mikhaylov, S. J. (2017). "Understanding
       state preferences with text as data: Introducing the UN General Debate
       corpus". Research & Politics, 4(2). Data: Harvard Dataverse,
       doi:10.7910/DVN/0TJX8Y (UNGDC_1946-2024.tgz).
    """
    countries = options.countries
    if countries is not None:
        countries = check_codes(countries, parameter="countries")
    table = load_countries().set_index("iso3")
    rows, problems = _speech_rows(path, frozenset(table.index), encoding=options.encoding, years=options.years,
                                  countries=countries)
    stems = [Path(source).stem for source, *_ in rows]
    repeated = sorted({s for s in stems if stems.count(s) > 1}) if len(set(stems)) < len(stems) else []
    if repeated:
        raise CorpusError(f"{path} holds the same speech file name in several places: {', '.join(repeated[:10])}. "
                          "Keep one copy of each ISO3_NN_YYYY.txt.")
    if not rows and not problems:
        years = options.years
        raise CorpusError(f"{path} holds no speech of the UNGDC layout (Session NN - YYYY/ISO3_NN_YYYY.txt)"
                          f"{' for years=' + repr(years) if years is not None else ''}"
                          f"{' and countries=' + repr(countries) if countries is not None else ''}. "
                          f"Check the path and the filters. {GET_UNGDC}")
    return _speech_frame(rows, stems, table), problems
