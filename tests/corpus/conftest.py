"""Fixtures of the corpus tests: tiny corpora written by hand into a temporary folder."""

import tarfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest


def write_file(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


@pytest.fixture
def write():
    """``write(path, text_or_bytes)``: a file with exactly these bytes (UTF-8 for text), folders made."""
    return write_file


# ---------------------------------------------------------------- a messy text

from tests.text.samples import MESSY, MESSY_NORMALISED  # noqa: F401 (fixtures of both suites)


@pytest.fixture
def messy():
    """``.text``: a PDF-extraction mess of three paragraphs; ``.normalised``: what normalisation makes of it."""
    return SimpleNamespace(text=MESSY, normalised=MESSY_NORMALISED)


@pytest.fixture
def messy_documents():
    """Two documents with a ``year``: the messy text, and one short paragraph with spaces around it."""
    return pd.DataFrame({
        "doc_id": ["messy", "short"],
        "source": ["messy.txt", "short.txt"],
        "text": [MESSY, "  One paragraph only.  "],
        "year": [2022, 1999],
    })


# ---------------------------------------------------------------- tables

TABLE = pd.DataFrame({
    "speech_id": ["PRK_77", "RUS_77", "USA_77"],
    "body": ["We stand with Moscow.", "NA", "Sanctions will follow."],
    "year": [2022, 2022, 2022],
    "actor": ["PRK", "RUS", "USA"],
})


@pytest.fixture
def table():
    """Three speeches as a frame: ``speech_id``, ``body`` (one reads "NA"), ``year``, ``actor``."""
    return TABLE.copy()


def write_table_file(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".tsv":
        frame.to_csv(path, sep="\t", index=False)
    elif path.suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_parquet(path, index=False)
    return path


@pytest.fixture
def write_table():
    """``write_table(frame, path)``: the frame as CSV, TSV, JSONL or Parquet, by the path's suffix."""
    return write_table_file


# ---------------------------------------------------------------- folders

@pytest.fixture
def folder_with_metadata(tmp_path):
    root = tmp_path / "corpus"
    write_file(root / "b.md", "Second text.\n")
    write_file(root / "a.txt", "First text.\n\nIts second paragraph.\n")
    write_file(root / "notes.txt", "Not part of the corpus.")
    write_file(root / "metadata.csv", "file,year,actor\na.txt,1999,PRK\nb.md,2022,RUS\n")
    return root


@pytest.fixture
def folder_with_bad_files(tmp_path):
    write_file(tmp_path / "good.txt", "A good text.")
    write_file(tmp_path / "empty.txt", "  \n\t\n")
    write_file(tmp_path / "latin.txt", "Caf\xe9 au lait".encode("latin-1"))
    return tmp_path


# ---------------------------------------------------------------- the UNGDC layout
# Hand-written speeches in the official layout (never text from the corpus).

SPEECH_ONE_LINE_PER_PARAGRAPH = (
    "Allow me to greet the President of the seventy- seventh session.\n"
    "Our\tdelegation\tbelieves that dialogue must prevail over a once-in- a-century crisis.\n"
    "Mr. President,\n"
    "We close with hope.\n"
)
SPEECH_WRAPPED = (
    "The river nations met again this\n"
    "year to share the water of the\n"
    "valley. We thank them.\n"
    "Our second point is about the inter-\n"
    "national order that keeps us safe\n"
    "and the rules that bind us all.\n"
)


def ungdc_file_texts() -> dict[str, str | bytes]:
    return {
        "Session 76 - 2021/PRK_76_2021.txt": "We stand for peace on the peninsula.\nWe reject pressure.\n",
        "Session 77 - 2022/PRK_77_2022.txt": SPEECH_ONE_LINE_PER_PARAGRAPH,
        "Session 77 - 2022/RUS_77_2022.txt": SPEECH_WRAPPED,
        "Session 77 - 2022/EU_77_2022.txt": "The Union speaks for its members.\n",
        "Session 01 - 1946/YUG_01_1946.txt": "A new federation greets the Assembly.\n",
    }


def write_ungdc_files(root: Path, files: dict, *, top="UNGDC_1946-2024") -> Path:
    for name, text in files.items():
        write_file(root / top / name, text)
    return root


def make_tgz_file(root: Path, archive: Path) -> Path:
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(root.rglob("*")):
            tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
    return archive


@pytest.fixture
def ungdc_files():
    """Five speeches by their path in the layout: PRK 2021 and 2022, RUS and EU 2022, YUG 1946."""
    return ungdc_file_texts()


@pytest.fixture
def speeches():
    """The two 2022 speeches of :func:`ungdc_files` whose layout matters: one line per paragraph, and wrapped."""
    return {"one_line_per_paragraph": SPEECH_ONE_LINE_PER_PARAGRAPH, "wrapped": SPEECH_WRAPPED}


@pytest.fixture
def write_ungdc():
    """``write_ungdc(root, files, top=...)``: the files under ``root/top`` in the UNGDC layout."""
    return write_ungdc_files


@pytest.fixture
def make_tgz():
    """``make_tgz(root, archive)``: everything below ``root`` in a .tgz."""
    return make_tgz_file


@pytest.fixture
def ungdc(tmp_path):
    """``(folder, archive)``: the five speeches unpacked and as a .tgz."""
    folder = write_ungdc_files(tmp_path / "unpacked", ungdc_file_texts())
    return folder, make_tgz_file(folder, tmp_path / "UNGDC_test.tgz")
