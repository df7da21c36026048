"""What every reader shares: decoding with a useful problem, blank texts, text files, id and metadata columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from stancebook.corpus.schema import RESERVED, missing_column
from stancebook.errors import CorpusError, ParameterError

#: Files a folder corpus reads as documents.
TEXT_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class ReadOptions:
    """What :func:`~stancebook.corpus.load_documents` passes every reader (see its parameters).

    A reader uses the options that apply to its format and ignores the
    others; ``years`` and ``countries`` only matter to readers that filter
    while reading (``Reader.filters``).
    """

    encoding: str = "utf-8"
    file_column: str = "file"
    text_column: str = "text"
    id_column: str = ""
    metadata_file: str | Path = ""
    years: tuple | None = None
    countries: Sequence[str] | None = None


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode(raw: bytes, encoding: str, source: str) -> tuple[str | None, str]:
    """Decode bytes; on failure return ``(None, detail)``, the detail for the problems table.

    A byte-order mark wins over ``encoding`` (UTF-8 and UTF-16 files saved by
    Windows tools carry one); bytes with NUL characters and no UTF-16 mark
    are reported as binary, not as a wrong encoding.

    Examples
    --------
    >>> decode(b"Caf\\xe9", "utf-8", "a.txt")[1]
    'byte 3: cannot decode e9 as utf-8; re-save a.txt as UTF-8, or run with --set encoding=cp1252 if the file is in that encoding'
    >>> decode("Kyiv".encode("utf-16"), "utf-8", "a.txt")
    ('Kyiv', '')
    >>> decode(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00", "utf-8", "a.txt")[1]
    'a binary file (NUL bytes), not text: remove it from the corpus or convert it to text'
    """
    for mark, bom_encoding in _BOMS:
        if raw.startswith(mark):
            try:
                return raw.decode(bom_encoding), ""
            except UnicodeDecodeError as error:
                return None, f"byte {error.start}: starts with a {bom_encoding} byte-order mark but is not {bom_encoding}"
    if b"\x00" in raw[:65536]:
        return None, "a binary file (NUL bytes), not text: remove it from the corpus or convert it to text"
    try:
        return raw.decode(encoding), ""
    except UnicodeDecodeError as error:
        bad = raw[error.start:error.start + 4].hex(" ")
        hint = f"re-save {source} as UTF-8"
        for guess in ("cp1252", "latin-1"):
            if guess != encoding.lower():
                try:
                    raw.decode(guess)
                except UnicodeDecodeError:
                    continue
                hint += f", or run with --set encoding={guess} if the file is in that encoding"
                break
        return None, f"byte {error.start}: cannot decode {bad} as {encoding}; {hint}"
    except LookupError as error:
        raise ParameterError(f"encoding={encoding!r} is not a known text encoding ({error}); "
                             "try utf-8, latin-1 or cp1252.") from None


def is_blank(text) -> bool:
    """True when ``text`` is not a string or holds only whitespace (invisible spaces included)."""
    return not isinstance(text, str) or not text.strip(" \t\n\r\f\v\u00a0\ufeff\u200b\u2028\u2029")


def hidden(relative: Path) -> bool:
    """True for a path inside a hidden folder or naming a hidden file."""
    return any(part.startswith(".") for part in relative.parts)


def text_files(folder: Path) -> list[str]:
    """Every .txt/.md file under ``folder``, relative with '/', sorted; hidden ones skipped."""
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.suffix.lower() in TEXT_SUFFIXES and path.is_file() and not hidden(relative):
            found.append(relative.as_posix())
    return sorted(found)


def relative_key(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` with '/', or its name when it lies elsewhere."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.name


def metadata_columns(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Rename metadata columns that clash with doc_id/source/text to meta_<name>."""
    renames = {c: f"meta_{c}" for c in frame.columns if c in RESERVED}
    clash = [new for new in renames.values() if new in frame.columns]
    if clash:
        raise CorpusError(
            f"{where} has both {clash[0][5:]!r} and {clash[0]!r} columns; "
            f"{clash[0][5:]!r} is reserved by stancebook. Rename one of them."
        )
    return frame.rename(columns=renames)


def apply_id_column(documents: pd.DataFrame, id_column: str, where: str) -> pd.DataFrame:
    """Take ``doc_id`` from the metadata column ``id_column``, refusing blank or repeated ids."""
    if id_column not in documents.columns:
        raise missing_column(id_column, "id_column", where, [c for c in documents.columns if c not in RESERVED])
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


def expect_folder(path: Path, kind: str) -> None:
    """Refuse ``format=kind`` for a path that is not a folder."""
    if not path.is_dir():
        raise CorpusError(f"format={kind!r} but {path} is a file.")


def expect_file(path: Path, kind: str) -> None:
    """Refuse ``format=kind`` for a path that is a folder."""
    if path.is_dir():
        raise CorpusError(f"format={kind!r} but {path} is a folder.")
