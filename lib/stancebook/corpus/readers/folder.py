"""Folder corpora: one document per .txt/.md file, with an optional metadata table beside them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stancebook.corpus.readers.common import (
    TEXT_SUFFIXES,
    ReadOptions,
    apply_id_column,
    decode,
    is_blank,
    metadata_columns,
    relative_key,
    text_files,
)
from stancebook.corpus.readers.tables import TABLE_SUFFIXES, read_table
from stancebook.corpus.schema import Problem, missing_column
from stancebook.errors import CorpusError
from stancebook.progress import bar

#: Metadata files a folder corpus picks up by itself.
METADATA_NAMES = ("metadata.csv", "metadata.tsv", "metadata.jsonl")


def find_metadata(folder: Path, metadata_file: str | Path) -> Path | None:
    """The metadata file of a folder corpus: ``metadata_file`` when given, else the one present, else None.

    Raises
    ------
    CorpusError
        ``metadata_file`` does not exist, or the folder holds several metadata files.
    """
    if metadata_file:
        given = Path(metadata_file)
        for candidate in (folder / given, given):
            if candidate.is_file():
                return candidate
        raise CorpusError(
            f"metadata_file {str(metadata_file)!r} was not found, neither in {folder} nor as given. "
            "Pass the path of a CSV, TSV or JSONL file with a 'file' column, or leave it empty."
        )
    present = [folder / name for name in METADATA_NAMES if (folder / name).is_file()]
    if len(present) > 1:
        raise CorpusError(
            f"{folder} holds several metadata files ({', '.join(p.name for p in present)}). "
            "Keep one, or choose one with metadata_file=."
        )
    return present[0] if present else None


def folder_ids(sources: list[str]) -> list[str]:
    """File stems; relative paths without suffix where stems collide.

    Examples
    --------
    >>> folder_ids(["2021/speech.txt", "2022/speech.txt", "a.txt", "a.md", "b.txt"])
    ['2021/speech', '2022/speech', 'a.txt', 'a.md', 'b']
    """
    stems = [Path(s).stem for s in sources]
    ids = [Path(s).with_suffix("").as_posix() if stems.count(stem) > 1 else stem
           for s, stem in zip(sources, stems)]
    # a.txt beside a.md: only the full name tells them apart
    return [s if ids.count(i) > 1 else i for s, i in zip(sources, ids)]


def listed_files(folder: Path, metadata_path: Path, *, encoding: str, file_column: str = "file") -> pd.DataFrame:
    """The metadata table with its ``file_column`` as ``file``: stripped, and completed with the extension
    of the file present when the table names files without it (``ARG_70_2015`` for ``ARG_70_2015.txt``).

    Raises
    ------
    CorpusError
        The table is not CSV/TSV/JSONL, or has no ``file_column`` (naming the parameter and the columns it has).
    """
    kind = TABLE_SUFFIXES.get(metadata_path.suffix.lower())
    if kind not in ("csv", "tsv", "jsonl"):
        raise CorpusError(
            f"Metadata file {metadata_path} must be .csv, .tsv or .jsonl, not {metadata_path.suffix!r}."
        )
    metadata = read_table(metadata_path, kind, encoding=encoding, text_columns=[file_column])
    if file_column not in metadata.columns:
        raise missing_column(file_column, "file_column", f"Metadata file {metadata_path}", list(metadata.columns))
    names = metadata[file_column].fillna("").astype("str").str.strip()
    if file_column != "file":
        metadata = metadata.drop(columns=[c for c in ("file",) if c in metadata.columns])
    metadata = metadata.rename(columns={file_column: "file"})
    return metadata.assign(file=[_with_extension(folder, name) for name in names])


def _with_extension(folder: Path, name: str) -> str:
    if not name or Path(name).suffix.lower() in TEXT_SUFFIXES:
        return name
    for suffix in TEXT_SUFFIXES:
        if (folder / f"{name}{suffix}").is_file():
            return f"{name}{suffix}"
    return name


def _read_metadata(folder: Path, metadata_path: Path, present: list[str], encoding: str, file_column: str
                   ) -> tuple[pd.DataFrame, list[Problem]]:
    """The metadata table (``file`` stripped, one row per file) and the "unlisted" problems."""
    metadata = listed_files(folder, metadata_path, encoding=encoding, file_column=file_column)
    repeated = sorted(set(metadata.loc[metadata["file"].duplicated(), "file"]))
    if repeated:
        raise CorpusError(
            f"Metadata file {metadata_path} lists these files more than once: {', '.join(repeated)}. "
            "Keep one row per file."
        )
    listed = {*metadata["file"], relative_key(metadata_path, folder)}
    problems = [(rel, "unlisted", f"not listed in {metadata_path.name}; ignored. Add a row for it to analyse it")
                for rel in present if rel not in listed]
    return metadata, problems


def _read_listed(folder: Path, listed: list[str], metadata_path: Path | None, encoding: str
                 ) -> tuple[dict[str, str], list[int], list[Problem]]:
    """Decode every listed file: the texts read, the rows kept, the problems of the others."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    keep = []
    for i, rel in enumerate(bar(listed, desc="corpus files", unit="file")):
        relative = Path(rel)
        if (not rel or relative.is_absolute() or ".." in relative.parts
                or relative.suffix.lower() not in TEXT_SUFFIXES):
            problems.append((rel or f"{metadata_path.name}:row {i + 1}", "bad_name",
                             "expected a .txt or .md file name relative to the corpus folder"))
            continue
        path = folder / relative
        if not path.is_file():
            problems.append((rel, "missing", f"listed in {metadata_path.name} but not found in {folder}; "
                                             "add the file or remove its row"))
            continue
        text, detail = decode(path.read_bytes(), encoding, rel)
        if text is None:
            problems.append((rel, "encoding", detail))
            continue
        if is_blank(text):
            problems.append((rel, "empty", "the file is empty or holds only whitespace; fill it or remove it"))
        texts[rel] = text
        keep.append(i)
    return texts, keep, problems


def read_folder(folder: Path, kind: str, options: ReadOptions) -> tuple[pd.DataFrame, list[Problem]]:
    """Documents from the text files of a folder and the metadata table beside them.

    With a metadata file the documents are the files it lists (others are
    "unlisted" problems); without one, every .txt/.md file below the folder.
    Ids are file stems (see :func:`folder_ids`) or ``id_column`` of the metadata.

    See Also
    --------
    stancebook.corpus.load_documents : Which dispatches here for format "folder".
    """
    metadata_path = find_metadata(folder, options.metadata_file)
    present = text_files(folder)
    if metadata_path is None:
        metadata, problems = pd.DataFrame({"file": present}, dtype="str"), []
    else:
        metadata, problems = _read_metadata(folder, metadata_path, present, options.encoding, options.file_column)
    texts, keep, unread = _read_listed(folder, list(metadata["file"]), metadata_path, options.encoding)
    problems += unread
    metadata = metadata.iloc[keep].reset_index(drop=True)
    sources = [str(s) for s in metadata["file"]]
    documents = pd.DataFrame({"doc_id": folder_ids(sources), "source": sources,
                              "text": [texts[s] for s in sources]}, dtype="str")
    extra = metadata_columns(metadata.drop(columns="file"), f"Metadata file {metadata_path}")
    documents = pd.concat([documents, extra], axis=1)
    if options.id_column:
        documents = apply_id_column(documents, options.id_column, f"Metadata of {folder}")
    return documents, problems
