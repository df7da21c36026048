"""Stage 0, the corpus: load documents, normalise text, split units, filter.

The documents table keeps every text exactly as read; normalisation happens
when units are split, and every unit carries ``offset_breaks`` that map each
position of its normalised text back to the document's original text, so a
quote found later can always be shown as the author wrote it.

Tables produced here (see the module contract):

- documents: ``doc_id, source, text, <metadata...>``, sorted by ``doc_id``;
- problems: ``source, problem, detail``, one row per problem found;
- units: ``unit_id, doc_id, unit_index, text, orig_start, orig_end,
  offset_breaks, <metadata...>``.
"""

from __future__ import annotations

import codecs
import difflib
import re
import tarfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from stancebook.artefacts import file_sha256
from stancebook.errors import CorpusError, ParameterError
from stancebook.text.normalise import normalise_text, to_original
from stancebook.text.segment import split_paragraphs, split_sentences, strip_spans
from stancebook.workers import n_workers

__all__ = [
    "PROBLEM_KINDS",
    "UNGDC_DOI",
    "corpus_summary",
    "default_ungdc_path",
    "file_hashes",
    "filter_documents",
    "load_documents",
    "normalise_text",
    "plot_unit_lengths",
    "split_units",
    "to_original",
    "ungdc_path",
]

#: Every kind of problem :func:`load_documents` reports, in report order.
PROBLEM_KINDS = ("empty", "encoding", "missing", "bad_name", "duplicate", "unlisted")
# Problems that make a document unusable: they stop a load with
# on_problem="stop" and drop the document with on_problem="skip".
_BLOCKING = frozenset({"empty", "encoding", "missing", "bad_name"})

FORMATS = ("auto", "folder", "ungdc", "csv", "tsv", "jsonl", "parquet")
_TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".parquet": "parquet"}
_TEXT_SUFFIXES = (".txt", ".md")
_METADATA_NAMES = ("metadata.csv", "metadata.tsv", "metadata.jsonl")
_RESERVED = ("doc_id", "source", "text")
UNITS = ("document", "paragraph", "sentence")
DOCUMENT_COLUMNS = ["doc_id", "source", "text"]
UNIT_COLUMNS = ["unit_id", "doc_id", "unit_index", "text", "orig_start", "orig_end", "offset_breaks"]
PROBLEM_COLUMNS = ["source", "problem", "detail"]

# pandas' default missing-value markers, applied to metadata columns only:
# a text that reads "NA" or "null" is a text, not a missing value.
_NA_VALUES = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
]


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------

def _nearest(name: str, options: Sequence[str]) -> str:
    match = difflib.get_close_matches(name, [str(o) for o in options], n=1, cutoff=0.0)
    return f" Did you mean {match[0]!r}?" if match else ""


def _missing_column(name: str, parameter: str, where: str, columns: Sequence[str]) -> CorpusError:
    listed = ", ".join(repr(str(c)) for c in columns) or "(none)"
    return CorpusError(
        f"{where} has no column {name!r} ({parameter}). Available columns: {listed}."
        f"{_nearest(name, columns)} Pass {parameter}= with one of them."
    )


def _problems_frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS, dtype="str")
    return frame.sort_values(PROBLEM_COLUMNS, kind="stable").reset_index(drop=True)


def _is_blank(text) -> bool:
    return not isinstance(text, str) or not text.strip(" \t\n\r\f\v\u00a0\ufeff\u200b\u2028\u2029")


def _decode(raw: bytes, encoding: str, source: str) -> tuple[str | None, str]:
    """Decode bytes; on failure return (None, a detail for the problems table)."""
    try:
        return raw.decode(encoding), ""
    except UnicodeDecodeError as error:
        bad = raw[error.start:error.start + 4].hex(" ")
        hint = f"re-save {source} as {encoding}"
        for guess in ("cp1252", "latin-1"):
            if guess != encoding.lower():
                try:
                    raw.decode(guess)
                except UnicodeDecodeError:
                    continue
                hint += f" or pass encoding={guess!r} if the file is in that encoding"
                break
        return None, f"byte {error.start}: cannot decode {bad} as {encoding}; {hint}"
    except LookupError as error:
        raise ParameterError(f"encoding={encoding!r} is not a known text encoding ({error}).") from None


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _text_files(folder: Path) -> list[str]:
    """Every .txt/.md file under ``folder``, relative with '/', sorted; hidden ones skipped."""
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.suffix.lower() in _TEXT_SUFFIXES and path.is_file() and not _hidden(relative):
            found.append(relative.as_posix())
    return sorted(found)


def _find_metadata(folder: Path, metadata_file: str | Path) -> Path | None:
    if metadata_file:
        given = Path(metadata_file)
        for candidate in (folder / given, given):
            if candidate.is_file():
                return candidate
        raise CorpusError(
            f"metadata_file {str(metadata_file)!r} was not found, neither in {folder} nor as given. "
            "Pass the path of a CSV, TSV or JSONL file with a 'file' column, or leave it empty."
        )
    present = [folder / name for name in _METADATA_NAMES if (folder / name).is_file()]
    if len(present) > 1:
        raise CorpusError(
            f"{folder} holds several metadata files ({', '.join(p.name for p in present)}). "
            "Keep one, or choose one with metadata_file=."
        )
    return present[0] if present else None


def _read_table(path: Path, kind: str, *, encoding: str, text_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV/TSV/JSONL/Parquet table; ``text_columns`` are read as raw strings."""
    try:
        if kind in ("csv", "tsv"):
            sep = "," if kind == "csv" else "\t"
            header = pd.read_csv(path, sep=sep, nrows=0, encoding=encoding).columns
            keep = [c for c in text_columns if c in header]
            return pd.read_csv(
                path, sep=sep, encoding=encoding, keep_default_na=False,
                na_values={c: _NA_VALUES for c in header if c not in keep},
                dtype={c: "str" for c in keep},
            )
        if kind == "jsonl":
            return pd.read_json(path, lines=True, dtype=False, encoding=encoding)
        return pd.read_parquet(path)
    except UnicodeDecodeError:
        _, detail = _decode(path.read_bytes(), encoding, path.name)
        raise CorpusError(f"{path} is not valid {encoding} text: {detail}.") from None
    except (ValueError, OSError, pd.errors.ParserError) as error:
        raise CorpusError(f"{path} could not be read as {kind.upper()}: {error}") from None


def _metadata_columns(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Rename metadata columns that clash with doc_id/source/text to meta_<name>."""
    renames = {c: f"meta_{c}" for c in frame.columns if c in _RESERVED}
    clash = [new for new in renames.values() if new in frame.columns]
    if clash:
        raise CorpusError(
            f"{where} has both {clash[0][5:]!r} and {clash[0]!r} columns; "
            f"{clash[0][5:]!r} is reserved by stancebook. Rename one of them."
        )
    return frame.rename(columns=renames)


def _load_folder(folder: Path, kind: str, *, metadata_file, encoding, text_column, id_column):
    problems: list[tuple[str, str, str]] = []
    metadata_path = _find_metadata(folder, metadata_file)
    present = _text_files(folder)
    if metadata_path is None:
        listed = present
        metadata = pd.DataFrame({"file": listed}, dtype="str")
    else:
        kind = _TABLE_SUFFIXES.get(metadata_path.suffix.lower())
        if kind not in ("csv", "tsv", "jsonl"):
            raise CorpusError(
                f"Metadata file {metadata_path} must be .csv, .tsv or .jsonl, not {metadata_path.suffix!r}."
            )
        metadata = _read_table(metadata_path, kind, encoding=encoding, text_columns=["file"])
        if "file" not in metadata.columns:
            raise _missing_column("file", "the 'file' column", f"Metadata file {metadata_path}", list(metadata.columns))
        metadata = metadata.assign(file=metadata["file"].fillna("").astype("str").str.strip())
        repeated = sorted(set(metadata.loc[metadata["file"].duplicated(), "file"]))
        if repeated:
            raise CorpusError(
                f"Metadata file {metadata_path} lists these files more than once: {', '.join(repeated)}. "
                "Keep one row per file."
            )
        listed_set = {*metadata["file"], _relative_key(metadata_path, folder)}
        problems += [(rel, "unlisted", f"not listed in {metadata_path.name}; ignored. "
                                       "Add a row for it to analyse it")
                     for rel in present if rel not in listed_set]
        listed = list(metadata["file"])

    texts: dict[str, str] = {}
    keep = []
    for i, rel in enumerate(listed):
        relative = Path(rel)
        if (not rel or relative.is_absolute() or ".." in relative.parts
                or relative.suffix.lower() not in _TEXT_SUFFIXES):
            problems.append((rel or f"{metadata_path.name}:row {i + 1}", "bad_name",
                             "expected a .txt or .md file name relative to the corpus folder"))
            continue
        path = folder / relative
        if not path.is_file():
            problems.append((rel, "missing", f"listed in {metadata_path.name} but not found in {folder}; "
                                             "add the file or remove its row"))
            continue
        text, detail = _decode(path.read_bytes(), encoding, rel)
        if text is None:
            problems.append((rel, "encoding", detail))
            continue
        if _is_blank(text):
            problems.append((rel, "empty", "the file is empty or holds only whitespace; fill it or remove it"))
        texts[rel] = text
        keep.append(i)

    metadata = metadata.iloc[keep].reset_index(drop=True)
    sources = [str(s) for s in metadata["file"]]
    documents = pd.DataFrame({"doc_id": _folder_ids(sources), "source": sources,
                              "text": [texts[s] for s in sources]}, dtype="str")
    extra = _metadata_columns(metadata.drop(columns="file"), f"Metadata file {metadata_path}")
    documents = pd.concat([documents, extra], axis=1)
    if id_column:
        documents = _apply_id_column(documents, id_column, f"Metadata of {folder}")
    return documents, problems


def _relative_key(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` with '/', or its name when it lies elsewhere."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.name


def _folder_ids(sources: list[str]) -> list[str]:
    """File stems; relative paths without suffix where stems collide."""
    stems = [Path(s).stem for s in sources]
    ids = [Path(s).with_suffix("").as_posix() if stems.count(stem) > 1 else stem
           for s, stem in zip(sources, stems)]
    # a.txt beside a.md: only the full name tells them apart
    return [s if ids.count(i) > 1 else i for s, i in zip(sources, ids)]


def _apply_id_column(documents: pd.DataFrame, id_column: str, where: str) -> pd.DataFrame:
    if id_column not in documents.columns:
        raise _missing_column(id_column, "id_column", where, [c for c in documents.columns if c not in _RESERVED])
    values = documents[id_column]
    blank = documents.loc[values.isna() | (values.astype("str").str.strip() == ""), "source"]
    if len(blank):
        raise CorpusError(f"{where}: id_column {id_column!r} is empty for {', '.join(map(str, blank[:10]))}. "
                          "Give every document an id, or leave id_column empty to number rows.")
    ids = values.astype("str")
    repeated = sorted(set(ids[ids.duplicated()]))
    if repeated:
        raise CorpusError(f"{where}: id_column {id_column!r} must be unique, but these ids repeat: "
                          f"{', '.join(repeated[:20])}. Fix the ids or leave id_column empty to number rows.")
    return documents.assign(doc_id=ids).drop(columns=id_column)


def _load_table(path: Path, kind: str, *, metadata_file, encoding, text_column, id_column):
    if metadata_file:
        raise ParameterError(f"metadata_file is only used with format='folder'; {path.name} is a {kind} table "
                             "whose other columns are the metadata. Leave metadata_file empty.")
    frame = _read_table(path, kind, encoding=encoding, text_columns=[text_column, id_column])
    if text_column not in frame.columns:
        raise _missing_column(text_column, "text_column", str(path), list(frame.columns))
    n = len(frame)
    width = max(5, len(str(n)))
    problems: list[tuple[str, str, str]] = []
    sources = [f"{path.name}:row {i}" for i in range(1, n + 1)]
    # numbers in a JSON text field are text; missing cells are empty texts
    texts = [t if isinstance(t, str) else "" if t is None or (np.isscalar(t) and pd.isna(t)) else str(t)
             for t in frame[text_column]]
    for source, text in zip(sources, texts):
        if _is_blank(text):
            problems.append((source, "empty", f"the {text_column!r} cell is empty; fill it or remove the row"))
    documents = pd.DataFrame({
        "doc_id": [f"row-{i:0{width}d}" for i in range(1, n + 1)],
        "source": sources,
        "text": texts,
    }, dtype="str")
    others = frame.drop(columns=text_column).reset_index(drop=True)
    if id_column:
        if id_column not in others.columns:
            raise _missing_column(id_column, "id_column", str(path), list(frame.columns))
        documents = _apply_id_column(pd.concat([documents, others[[id_column]]], axis=1), id_column, str(path))
        others = others.drop(columns=id_column)
    documents = pd.concat([documents, _metadata_columns(others, str(path))], axis=1)
    return documents, problems


# --------------------------------------------------------------------------
# The UN General Debate Corpus layout (folder or .tgz)
# --------------------------------------------------------------------------

UNGDC_DOI = "doi:10.7910/DVN/0TJX8Y"
UNGDC_METADATA = ["iso3", "country", "short_name", "region", "session", "year"]
_ARCHIVE_SUFFIXES = (".tgz", ".tar.gz", ".tar", ".tar.bz2", ".tar.xz")
_SESSION_FOLDER = re.compile(r"Session (\d{1,2}) - (\d{4})")
_SPEECH_FILE = re.compile(r"([A-Z]{2,3})_(\d{1,2})_(\d{4})\.txt")
_GET_UNGDC = (
    "The UN General Debate Corpus is published on Harvard Dataverse ({doi}, "
    "https://doi.org/10.7910/DVN/0TJX8Y, file UNGDC_1946-2024.tgz). Download it and pass its path (the .tgz or "
    "the unpacked folder) as the parameter corpus_path, or put it in ../shared/corpora/ungdc/ beside the "
    "repository root."
).format(doi=UNGDC_DOI)


def _is_archive(path: Path) -> bool:
    return path.name.lower().endswith(_ARCHIVE_SUFFIXES)


def _looks_like_ungdc_folder(folder: Path) -> bool:
    for pattern in ("Session * - *", "*/Session * - *"):
        if any(p.is_dir() and _SESSION_FOLDER.fullmatch(p.name) for p in folder.glob(pattern)):
            return True
    return False


def _ungdc_archive_in(folder: Path, *, named_only: bool = False) -> Path | None:
    """The UNGDC archive inside a folder that is not itself the unpacked layout (the download folder)."""
    if not folder.is_dir() or _looks_like_ungdc_folder(folder):
        return None
    preferred = folder / "UNGDC_1946-2024.tgz"
    if preferred.is_file():
        return preferred
    archives = sorted(p for p in folder.iterdir() if p.is_file() and _is_archive(p)
                      and (not named_only or p.name.upper().startswith("UNGDC")))
    return archives[0] if len(archives) == 1 else None


def _parse_ungdc_name(source: str, codes: frozenset[str]) -> tuple[tuple[str, int, int] | None, str]:
    """``(iso3, session, year)`` from ``.../Session NN - YYYY/ISO3_NN_YYYY.txt``, or None and why not."""
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


def _ungdc_entries(path: Path) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """``(source, read)`` for every .txt file of the corpus, in archive or path order.

    ``read`` must be called before the next entry is taken (a .tgz is read as
    a stream, never unpacked to disk); entries not read are never decoded.
    """
    if path.is_dir():
        for source in _text_files(path):
            if source.lower().endswith(".txt"):
                yield source, (path / source).read_bytes
        return
    try:
        with tarfile.open(path, mode="r|*") as archive:
            for member in archive:
                name = member.name.removeprefix("./")
                if not member.isfile() or not name.lower().endswith(".txt") or _hidden(Path(name)):
                    continue
                yield name, lambda member=member: archive.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise CorpusError(f"{path} could not be read as a .tgz archive of the UNGDC layout: {error}. "
                          f"Check the download (sha256), or unpack it and pass the folder. {_GET_UNGDC}") from None


def _load_ungdc(path: Path, kind: str, *, encoding, years=None, countries=None, **_unused):
    from stancebook.resources.countries import load_countries

    table = load_countries().set_index("iso3")
    codes = frozenset(table.index)
    low, high = _year_bounds(years)
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError as error:
        raise ParameterError(f"encoding={encoding!r} is not a known text encoding ({error}).") from None
    wanted = None if countries is None else frozenset(countries)
    problems: list[tuple[str, str, str]] = []
    # the raw bytes are kept rather than decoded strings: half the memory of
    # a Python str for most speeches, and Arrow takes them without a copy
    rows: list[tuple[str, bytes, str, int, int]] = []
    for source, read in _ungdc_entries(path):
        parsed, detail = _parse_ungdc_name(source, codes)
        if parsed is None:
            problems.append((source, "bad_name", detail))
            continue
        iso3, session, year = parsed
        if (low is not None and year < low) or (high is not None and year > high) or (
                wanted is not None and iso3 not in wanted):
            continue  # filtered out before reading: never decoded, never reported
        raw = read()
        text, detail = _decode(raw, encoding, source)
        if text is None:
            problems.append((source, "encoding", detail))
            continue
        if _is_blank(text):
            problems.append((source, "empty", "the speech is empty or holds only whitespace; "
                                              "re-extract it or leave it out with on_problem='skip'"))
        # UTF-8 input decodes to exactly its bytes (a BOM included): keep them
        rows.append((source, raw if utf8 else text.encode("utf-8", "surrogatepass"), iso3, session, year))
        del text
    rows.sort(key=lambda row: Path(row[0]).stem)
    stems = [Path(source).stem for source, *_ in rows]
    repeated = sorted({s for s in stems if stems.count(s) > 1}) if len(set(stems)) < len(stems) else []
    if repeated:
        raise CorpusError(f"{path} holds the same speech file name in several places: {', '.join(repeated[:10])}. "
                          "Keep one copy of each ISO3_NN_YYYY.txt.")
    iso3s = [r[2] for r in rows]
    documents = pd.DataFrame({
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
    return documents, problems


def _arrow_text(raws: list[bytes]) -> pd.Series:
    """A "str" column from UTF-8 bytes, built by Arrow without Python strings."""
    import pyarrow as pa

    return pd.Series(pa.chunked_array([pa.array(raws, type=pa.large_binary()).cast(pa.large_string())]),
                     dtype="str")


def _year_bounds(years) -> tuple[int | None, int | None]:
    if years is None:
        return None, None
    if not isinstance(years, (tuple, list)) or len(years) != 2 or not all(
            y is None or (isinstance(y, (int, np.integer)) and not isinstance(y, bool)) for y in years):
        raise ParameterError(f"years={years!r}: expected (min, max) of int or None, e.g. (2014, 2024), or None.")
    return years[0], years[1]


def default_ungdc_path() -> Path | None:
    """Where the shared UNGDC copy lives beside the repository, if it is there.

    Returns
    -------
    pathlib.Path or None
        ``<repository root>/../shared/corpora/ungdc/UNGDC_1946-2024.tgz`` (or
        another ``.tgz`` in that folder) when present, else that folder when
        it exists, else None.

    Examples
    --------
    >>> path = default_ungdc_path()  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    'UNGDC_1946-2024.tgz'
    """
    from stancebook.paths import repo_root

    folder = repo_root().parent / "shared" / "corpora" / "ungdc"
    if not folder.is_dir():
        return None
    preferred = folder / "UNGDC_1946-2024.tgz"
    if preferred.is_file():
        return preferred
    archives = sorted(p for p in folder.iterdir() if p.is_file() and _is_archive(p))
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

    Examples
    --------
    >>> ungdc_path()  # doctest: +SKIP
    PosixPath('/work/shared/corpora/ungdc/UNGDC_1946-2024.tgz')
    """
    if str(corpus_path):
        from stancebook.paths import resolve_input

        path = resolve_input(corpus_path)
        if path.exists():
            return path
        raise CorpusError(f"The UNGDC corpus was not found at corpus_path={str(corpus_path)!r} "
                          f"(resolved: {path}). {_GET_UNGDC}")
    path = default_ungdc_path()
    if path is None:
        raise CorpusError(f"No UNGDC corpus was given (corpus_path is empty) and none was found in "
                          f"../shared/corpora/ungdc beside the repository root. {_GET_UNGDC}")
    return path


_LOADERS = {"folder": _load_folder, "ungdc": _load_ungdc, "csv": _load_table, "tsv": _load_table,
            "jsonl": _load_table, "parquet": _load_table}


def _detect_format(path: Path, format: str) -> str:
    if format not in FORMATS:
        raise ParameterError(f"format={format!r} is not supported; expected one of {', '.join(FORMATS)}.")
    if format == "ungdc":
        if path.is_file() and not _is_archive(path):
            raise CorpusError(f"format='ungdc' but {path} is neither a folder nor a .tgz archive. "
                              "Pass the UNGDC .tgz or the folder it unpacks to.")
        return format
    if format != "auto":
        if (format == "folder") != path.is_dir():
            raise CorpusError(f"format={format!r} but {path} is {'a folder' if path.is_dir() else 'a file'}.")
        return format
    if path.is_dir():
        ungdc = _looks_like_ungdc_folder(path) or _ungdc_archive_in(path, named_only=True) is not None
        return "ungdc" if ungdc else "folder"
    if _is_archive(path):
        return "ungdc"
    kind = _TABLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise CorpusError(
            f"Cannot tell the format of {path} from its suffix {path.suffix!r}. Point to a folder of "
            ".txt/.md files, a .csv/.tsv/.jsonl/.parquet file or a UNGDC .tgz, or pass format=."
        )
    return kind


def load_documents(path, *, format="auto", text_column="text", id_column="", metadata_file="",
                   encoding="utf-8", on_problem="stop", years=None, countries=None, year_column="year",
                   country_column="iso3") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load a corpus into the documents table, reporting every problem found.

    Input files are only read, never written.

    Parameters
    ----------
    path : str or Path
        A folder of ``.txt``/``.md`` files, a ``.csv``, ``.tsv``,
        ``.jsonl`` or ``.parquet`` table, or the UN General Debate Corpus
        in its official layout: the ``.tgz`` from Dataverse
        (``UNGDC_1946-2024/Session NN - YYYY/ISO3_NN_YYYY.txt``, read as a
        stream, never unpacked), the folder it unpacks to, or a folder
        holding the ``.tgz`` (``UNGDC_1946-2024.tgz``, or a single archive
        with format "ungdc") such as ``../shared/corpora/ungdc``.
    format : {"auto", "folder", "ungdc", "csv", "tsv", "jsonl", "parquet"}, default "auto"
        "auto" reads a ``.tgz``/``.tar.gz``/``.tar`` file, and a folder
        holding ``Session NN - YYYY`` folders (at its top or one level
        down), as "ungdc"; any other folder as "folder"; a table by its
        suffix. With "ungdc" every ``.txt`` file is a speech: ``doc_id`` is
        the file stem (``PRK_77_2022``), ``source`` the path inside the
        archive or folder, and the metadata columns are ``iso3``,
        ``country`` (UN name from :mod:`stancebook.resources.countries`), ``short_name``
        (for figure labels), ``region``
        (UN M49 region), ``session`` and ``year`` (int). A file whose name
        is outside the layout, whose ``Session NN - YYYY`` folder disagrees
        with its name, or whose code is not in the country table is a
        "bad_name" problem. Other files in the archive or folder are
        ignored. The documents table's ``attrs["line_paragraphs"]`` is set
        so that :func:`split_units` rebuilds the speeches' paragraphs.
    text_column : str, default "text"
        Tables: the column holding the text.
    id_column : str, default ""
        The column holding unique document ids (for folders: a metadata
        column). Empty: file stems for folders, ``row-00001`` (1-based) for
        tables.
    metadata_file : str or Path, default ""
        Folders: a CSV/TSV/JSONL file with a ``file`` column (file names
        relative to the folder) and metadata columns; a relative name is
        looked up in the folder first. Empty: ``metadata.csv``,
        ``metadata.tsv`` or ``metadata.jsonl`` in the folder if one exists.
        With a metadata file the documents are exactly the files it lists;
        other ``.txt``/``.md`` files are reported as "unlisted" and ignored.
        Without one, every ``.txt``/``.md`` file under the folder (hidden
        folders skipped) is a document.
    encoding : str, default "utf-8"
        Text encoding of the files.
    on_problem : {"stop", "skip"}, default "stop"
        "stop" raises :class:`~stancebook.errors.CorpusError` listing every
        empty, undecodable, missing or badly named document. "skip" drops
        those documents and reports them in ``problems``. Duplicates and
        unlisted files are reported only, never dropped.
    years : tuple of (int or None, int or None), optional
        Keep documents whose ``year_column`` lies in this inclusive range
        (None on a side: open). With "ungdc" the year comes from the file
        name and other speeches are never read or decoded, so their
        problems are not reported either; other formats load everything
        and then filter with :func:`filter_documents`.
    countries : list of str, optional
        Keep documents whose ``country_column`` is one of these. With
        "ungdc": ISO3 codes (any case, checked against the country table),
        pushed down into the reader like ``years``.
    year_column, country_column : str, default "year", "iso3"
        Other formats: the metadata columns ``years`` and ``countries``
        filter on.

    Returns
    -------
    documents : pandas.DataFrame
        ``doc_id, source, text`` then the metadata columns, sorted by
        ``doc_id``. ``text`` is exactly as read (no newline translation).
        Metadata columns named ``doc_id``, ``source`` or ``text`` are
        renamed ``meta_doc_id``, ``meta_source``, ``meta_text`` (the seed
        metadata's ``source`` column becomes ``meta_source``). Folder ids
        are file stems; where two files share a stem, their relative paths
        without suffix (``2022/speech``); table rows beyond 99999 widen the
        zero padding so ids still sort in row order.
    problems : pandas.DataFrame
        ``source, problem, detail`` sorted; ``problem`` is one of
        ``PROBLEM_KINDS``: "empty", "encoding" (detail: byte offset and what
        to do), "missing", "bad_name", "duplicate" (detail names the first
        doc_id with the same text), "unlisted".

    Raises
    ------
    CorpusError
        Missing path, unreadable table, missing ``text_column``/``id_column``
        (the message suggests the nearest column), repeated ids, or any
        blocking problem with ``on_problem="stop"``.

    Examples
    --------
    >>> documents, problems = load_documents("seeds")  # doctest: +SKIP
    >>> documents[["doc_id", "title"]].to_dict("records")  # doctest: +SKIP
    [{'doc_id': '000_e71531e8ba892e2d', 'title': 'Putin-Kim alliance and global peace'}]
    """
    if on_problem not in ("stop", "skip"):
        raise ParameterError(f"on_problem={on_problem!r} is not supported; expected 'stop' or 'skip'.")
    path = Path(path)
    if not path.exists():
        hint = f" {_GET_UNGDC}" if format == "ungdc" or "ungdc" in path.name.lower() else ""
        raise CorpusError(f"Corpus path {path} does not exist (resolved: {path.resolve()}). "
                          f"Check the spelling, or give the path relative to where you run.{hint}")
    kind = _detect_format(path, format)
    options = {"metadata_file": metadata_file, "encoding": encoding,
               "text_column": text_column, "id_column": id_column}
    if kind == "ungdc":
        # the download folder (README, speakers table, the .tgz) stands for its archive
        path = _ungdc_archive_in(path) or path
        if countries is not None:
            from stancebook.resources.countries import check_codes

            countries = check_codes(countries, parameter="countries")
        documents, problems = _load_ungdc(path, kind, encoding=encoding, years=years, countries=countries)
        if documents.empty and not problems:
            raise CorpusError(f"{path} holds no speech of the UNGDC layout (Session NN - YYYY/ISO3_NN_YYYY.txt)"
                              f"{' for years=' + repr(years) if years is not None else ''}"
                              f"{' and countries=' + repr(countries) if countries is not None else ''}. "
                              f"Check the path and the filters. {_GET_UNGDC}")
    else:
        _year_bounds(years)
        documents, problems = _LOADERS[kind](path, kind, **options)

    blocking = [p for p in problems if p[1] in _BLOCKING]
    if blocking and on_problem == "stop":
        lines = "\n".join(f"  {s}: {p} - {d}" for s, p, d in sorted(blocking))
        raise CorpusError(
            f"{len(blocking)} problem(s) in corpus {path}:\n{lines}\n"
            "Fix the files, or pass on_problem='skip' to leave these documents out and get a problems table."
        )
    bad_sources = {p[0] for p in blocking}
    if bad_sources:
        documents = documents.loc[~documents["source"].isin(bad_sources)]
    if not documents["doc_id"].is_monotonic_increasing:  # sorting copies every column
        documents = documents.sort_values("doc_id", kind="stable")
    documents = documents.reset_index(drop=True)
    if kind != "ungdc" and (years is not None or countries is not None):
        documents = filter_documents(documents, years=years, countries=countries, year_column=year_column,
                                     country_column=country_column)

    # hash-based first: only texts that occur twice are compared in Python
    repeated = documents["text"].duplicated(keep=False).to_numpy()
    first_with: dict[str, str] = {}
    for doc_id, source, text in zip(documents["doc_id"][repeated], documents["source"][repeated],
                                    documents["text"][repeated]):
        first = first_with.setdefault(str(text), str(doc_id))
        if first != doc_id:
            problems.append((str(source), "duplicate", f"same text as {first}; kept, remove it if unintended"))
    if kind == "ungdc":
        documents.attrs["line_paragraphs"] = True
    return documents, _problems_frame(problems)


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------

def _unit_spans(normalised: str, unit: str) -> list[tuple[int, int]]:
    if unit == "paragraph":
        spans = split_paragraphs(normalised)
    elif unit == "sentence":
        spans = [(int(a), int(b)) for a, b in split_sentences(normalised)]
    else:
        spans = [(0, len(normalised))]
    return strip_spans(normalised, spans)


def _document_units(doc_id: str, text, unit: str, line_paragraphs: bool) -> list[tuple]:
    """The unit rows of one document (module level so worker processes can run it)."""
    tag = {"paragraph": "p", "sentence": "s"}.get(unit)
    normalised, breaks = normalise_text(text if isinstance(text, str) else "", line_paragraphs=line_paragraphs)
    bu, bo = breaks[:, 0], breaks[:, 1]
    rows = []
    for index, (start, end) in enumerate(_unit_spans(normalised, unit), start=1):
        orig_start, orig_last = to_original([start, end - 1], breaks).tolist()
        inside = (bu > start) & (bu < end)
        flat = [0, orig_start]
        flat += np.column_stack((bu[inside] - start, bo[inside])).ravel().tolist()
        unit_id = doc_id if tag is None else f"{doc_id}:{tag}{index:03d}"
        rows.append((unit_id, doc_id, index, normalised[start:end], orig_start, orig_last + 1, flat))
    return rows


def _units_of_chunk(chunk: tuple[list[str], list, str, bool]) -> tuple[pd.DataFrame, list[int]]:
    """Units of a run of documents as a small frame, and how many units each document gave."""
    doc_ids, texts, unit, line_paragraphs = chunk
    per_document = [_document_units(d, t, unit, line_paragraphs) for d, t in zip(doc_ids, texts)]
    frame = pd.DataFrame([row for rows in per_document for row in rows], columns=UNIT_COLUMNS)
    frame = frame.astype({"unit_id": "str", "doc_id": "str", "text": "str",
                          "unit_index": "int64", "orig_start": "int64", "orig_end": "int64"})
    return frame, [len(rows) for rows in per_document]


# Documents per chunk: small enough that the normalised Python strings of
# one chunk are transient, large enough to keep per-chunk overhead low.
_CHUNK = 256


def split_units(documents, *, unit="document", line_paragraphs=None, n_jobs=1) -> pd.DataFrame:
    """Normalise each document and split it into units of analysis.

    Parameters
    ----------
    documents : pandas.DataFrame
        The documents table from :func:`load_documents`.
    unit : {"document", "paragraph", "sentence"}, default "document"
        Paragraphs are separated by blank lines of the normalised text;
        sentences come from :func:`stancebook.tokenise.split_sentences`.
    line_paragraphs : bool, optional
        Passed to :func:`normalise_text`: read the texts as PDF-extracted
        lines (page furniture dropped, paragraphs rebuilt from the line
        layout). None: ``documents.attrs["line_paragraphs"]``, which
        :func:`load_documents` sets for the UNGDC layout (and
        :func:`filter_documents` keeps), else False.
    n_jobs : int, default 1
        Worker processes normalising documents in parallel (-1: one per
        CPU). The output is identical for every value; parallel work pays
        off from some thousands of documents.

    Returns
    -------
    pandas.DataFrame
        The units table: ``unit_id`` (``doc_id``, ``doc_id:p001`` or
        ``doc_id:s001``), ``doc_id``, ``unit_index`` (1-based),
        ``text`` (normalised, no leading or trailing whitespace),
        ``orig_start``, ``orig_end`` (span in the document's original
        text), ``offset_breaks`` (flat ``[u0, o0, u1, o1, ...]`` for
        :func:`to_original`), then every metadata column of the document.
        Units holding only whitespace are dropped.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["a.txt"], "text": ["One.\\n\\n  Two\\tthree."]})
    >>> split_units(docs, unit="paragraph")[["unit_id", "text", "orig_start"]].values.tolist()
    [['a:p001', 'One.', 0], ['a:p002', 'Two three.', 8]]
    """
    if unit not in UNITS:
        raise ParameterError(f"unit={unit!r} is not supported; expected one of {', '.join(UNITS)}.")
    missing = [c for c in DOCUMENT_COLUMNS if c not in documents.columns]
    if missing:
        raise _missing_column(missing[0], "documents", "The documents table", list(documents.columns))
    if line_paragraphs is None:
        line_paragraphs = bool(documents.attrs.get("line_paragraphs", False))
    n_jobs = n_workers(n_jobs)
    metadata_columns = [c for c in documents.columns if c not in DOCUMENT_COLUMNS]
    doc_ids = [str(d) for d in documents["doc_id"]]
    text_column = documents["text"]

    def chunks():
        # texts become Python strings one chunk at a time, so memory stays near
        # the documents table plus the units table
        for i in range(0, len(doc_ids), _CHUNK):
            yield doc_ids[i:i + _CHUNK], text_column.iloc[i:i + _CHUNK].tolist(), unit, line_paragraphs

    if n_jobs == 1 or len(doc_ids) <= _CHUNK:
        results = [_units_of_chunk(chunk) for chunk in chunks()]
    else:
        # at most 2 chunks in flight per worker; results kept in document order,
        # so the output does not depend on n_jobs
        results = []
        with ProcessPoolExecutor(max_workers=n_jobs) as pool:
            pending: list = []
            for chunk in chunks():
                pending.append(pool.submit(_units_of_chunk, chunk))
                if len(pending) >= 2 * n_jobs:
                    results.append(pending.pop(0).result())
            results.extend(future.result() for future in pending)
    counts = [count for _, part in results for count in part]
    if results:
        units = pd.concat([frame for frame, _ in results], ignore_index=True)
    else:
        units = _units_of_chunk(([], [], unit, line_paragraphs))[0]
    del results
    owners = np.repeat(np.arange(len(counts)), counts)
    metadata = documents[metadata_columns].iloc[owners].reset_index(drop=True)
    units = pd.concat([units, metadata], axis=1)
    units.attrs = {}
    return units


# --------------------------------------------------------------------------
# Filtering, summary, hashes, plot
# --------------------------------------------------------------------------

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
        values = pd.to_numeric(_column(documents, year_column, "year_column"), errors="coerce")
        low, high = years
        keep &= values.notna()
        if low is not None:
            keep &= values >= low
        if high is not None:
            keep &= values <= high
    if actors is not None:
        if isinstance(actors, str):
            actors = [actors]
        values = _column(documents, actor_column, "actor_column")
        keep &= values.notna() & values.astype("str").isin([str(a) for a in actors])
    if countries is not None:
        if isinstance(countries, str):
            countries = [countries]
        values = _column(documents, country_column, "country_column")
        wanted = [str(c).strip().upper() for c in countries]
        keep &= values.notna() & values.astype("str").str.strip().str.upper().isin(wanted)
    filtered = documents.loc[keep.to_numpy()].reset_index(drop=True)
    filtered.attrs = dict(documents.attrs)
    return filtered


def _column(frame: pd.DataFrame, name: str, parameter: str) -> pd.Series:
    if name not in frame.columns:
        raise CorpusError(
            f"The corpus has no metadata column {name!r} ({parameter}). Available columns: "
            f"{', '.join(repr(str(c)) for c in frame.columns)}.{_nearest(name, list(frame.columns))} "
            f"Add it to the metadata or pass {parameter}= with another column."
        )
    return frame[name]


def corpus_summary(documents, units, problems) -> pd.DataFrame:
    """Count documents, units, characters, words and problems by kind.

    Parameters
    ----------
    documents, units, problems : pandas.DataFrame
        The tables from :func:`load_documents` and :func:`split_units`.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric`` (str) and ``value`` (int), one row per metric:
        documents, units, characters and words (whitespace-separated) of the
        original texts, then ``problems_<kind>`` for every kind in
        ``PROBLEM_KINDS``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "source": ["a.txt"], "text": ["Two words"]})
    >>> summary = corpus_summary(docs, split_units(docs), pd.DataFrame(columns=PROBLEM_COLUMNS))
    >>> summary.loc[summary["metric"] == "words", "value"].item()
    2
    """
    texts = documents["text"].astype("str")
    kinds = problems["problem"].value_counts() if len(problems) else pd.Series(dtype="int64")
    rows = [
        ("documents", len(documents)),
        ("units", len(units)),
        ("characters", int(texts.str.len().sum())),
        ("words", int(texts.str.split().str.len().sum())),
    ]
    rows += [(f"problems_{kind}", int(kinds.get(kind, 0))) for kind in PROBLEM_KINDS]
    return pd.DataFrame(rows, columns=["metric", "value"]).astype({"metric": "str", "value": "int64"})


def file_hashes(path, *, metadata_file="", encoding="utf-8") -> dict[str, str]:
    """SHA-256 of every input file :func:`load_documents` reads.

    Parameters
    ----------
    path : str or Path
        The corpus folder or table file.
    metadata_file : str or Path, default ""
        As in :func:`load_documents`.
    encoding : str, default "utf-8"
        Encoding of the metadata file, as in :func:`load_documents`.

    Returns
    -------
    dict of str to str
        File path relative to the corpus folder (``/``-separated; for a
        table, its file name) to hex digest, sorted by path. For a folder:
        the metadata file and the files it lists that exist, or every
        ``.txt``/``.md`` file when there is no metadata file.

    Examples
    --------
    >>> sorted(file_hashes("seeds"))  # doctest: +SKIP
    ['000_e71531e8ba892e2d.txt', 'metadata.csv']
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"Corpus path {path} does not exist (resolved: {path.resolve()}).")
    archive = _ungdc_archive_in(path, named_only=True)
    if archive is not None:
        return {archive.name: file_sha256(archive)}
    if path.is_file():
        return {path.name: file_sha256(path)}
    metadata_path = _find_metadata(path, metadata_file)
    files = _text_files(path)
    hashes = {}
    if metadata_path is not None:
        kind = _TABLE_SUFFIXES.get(metadata_path.suffix.lower(), "csv")
        listed = _read_table(metadata_path, kind, encoding=encoding, text_columns=["file"])
        names = set(listed["file"].dropna().astype("str").str.strip()) if "file" in listed.columns else set()
        files = [f for f in sorted(names) if f and (path / f).is_file()]
        hashes[_relative_key(metadata_path, path)] = file_sha256(metadata_path)
    hashes.update({f: file_sha256(path / f) for f in files})
    return dict(sorted(hashes.items()))


def plot_unit_lengths(ax, units):
    """Histogram of unit lengths in words.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to draw on.
    units : pandas.DataFrame
        The units table.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with labelled axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt  # doctest: +SKIP
    >>> fig, ax = plt.subplots()  # doctest: +SKIP
    >>> plot_unit_lengths(ax, units)  # doctest: +SKIP
    """
    lengths = units["text"].astype("str").str.split().str.len().to_numpy(dtype=np.int64)
    if lengths.size:
        edges = np.histogram_bin_edges(lengths, bins="auto")
        ax.hist(lengths, bins=edges, color="#4c72b0", edgecolor="white")
    else:
        ax.text(0.5, 0.5, "no units", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("Unit length (words)")
    ax.set_ylabel("Number of units")
    ax.set_title(f"Unit lengths ({lengths.size} units)")
    return ax


def short_unit_labels(unit_ids) -> dict[str, str]:
    """Short display names for unit ids: drop the document id when all units share it.

    Parameters
    ----------
    unit_ids : sequence of str
        Unit ids as made by :func:`split_units`.

    Returns
    -------
    dict
        ``{unit_id: label}``; for units of one document ``"doc:s003"`` becomes
        ``"s003"``, otherwise ids are kept whole.

    Examples
    --------
    >>> short_unit_labels(["a:s001", "a:s002"])
    {'a:s001': 's001', 'a:s002': 's002'}
    >>> short_unit_labels(["a:s001", "b:s001"])
    {'a:s001': 'a:s001', 'b:s001': 'b:s001'}
    """
    ids = [str(u) for u in unit_ids]
    documents = {u.rsplit(":", 1)[0] for u in ids if ":" in u}
    if len(documents) == 1 and all(":" in u for u in ids):
        return {u: u.rsplit(":", 1)[1] for u in ids}
    return {u: u for u in ids}



_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def add_paragraph_numbers(units: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Add ``paragraph``: the 1-based paragraph of its document each unit starts in.

    Paragraphs are separated by blank lines in the original text, so sentence
    units of one article can be grouped by paragraph (e.g. topic prevalence
    through the article).

    Parameters
    ----------
    units : pandas.DataFrame
        From :func:`split_units` (needs ``doc_id`` and ``orig_start``).
    documents : pandas.DataFrame
        The documents the units came from (``doc_id``, ``text``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``units`` with an int ``paragraph`` column.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["d"], "text": ["Title\\n\\nOne. Two.\\n\\nThree."]})
    >>> units = pd.DataFrame({"doc_id": ["d"] * 4, "orig_start": [0, 7, 12, 18]})
    >>> add_paragraph_numbers(units, docs)["paragraph"].tolist()
    [1, 2, 2, 3]
    """
    for frame, name, needed in ((units, "units", ("doc_id", "orig_start")), (documents, "documents", ("doc_id", "text"))):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise CorpusError(f"{name} lack the column(s) {missing}; build them with load_documents/split_units.")
    breaks = {str(doc): np.array([m.end() for m in _BLANK_LINE.finditer(str(text))], dtype=np.int64)
              for doc, text in zip(documents["doc_id"], documents["text"])}
    paragraph = [int(np.searchsorted(breaks.get(str(doc), np.zeros(0, dtype=np.int64)), start, side="right")) + 1
                 for doc, start in zip(units["doc_id"], units["orig_start"])]
    return units.assign(paragraph=np.asarray(paragraph, dtype=np.int64))
