"""Reading and writing a run's artefacts: atomic, deterministic, named.

Each stage writes its outputs through these helpers so that a crash never
leaves a half-written file, and the same data always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import StancebookError

FLOAT_FORMAT = "%.6g"


def atomic_write(path: Path, write) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it into place.

    A crash leaves the previous ``path`` untouched and no partial file behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV with fixed float precision, atomically.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not written.
    path : str or Path
        Target ``.csv`` file.

    Returns
    -------
    pathlib.Path
        The written path.

    Examples
    --------
    >>> write_table(pd.DataFrame({"a": [0.1234567]}), tmp / "t.csv")  # doctest: +SKIP
    """
    return atomic_write(
        Path(path),
        lambda tmp: frame.to_csv(tmp, index=False, float_format=FLOAT_FORMAT, lineterminator="\n"),
    )


def write_frame(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write an intermediate frame as Parquet (keeps list columns and dtypes), atomically."""
    return atomic_write(Path(path), lambda tmp: frame.to_parquet(tmp, index=False))


def read_frame(path: str | Path, *, stage: str = "") -> pd.DataFrame:
    """Read a Parquet artefact, or explain which stage must run first.

    Parameters
    ----------
    path : str or Path
        The artefact written by an earlier stage.
    stage : str
        The notebook that writes it, named in the error.

    Returns
    -------
    pandas.DataFrame
    """
    path = Path(path)
    if not path.is_file():
        raise StancebookError(
            f"{path} does not exist: run {stage or 'the earlier stage'} first "
            "(or the whole chain with `python -m stancebook run`)."
        )
    return pd.read_parquet(path)


def write_json(data: Any, path: str | Path) -> Path:
    """Write JSON with sorted keys and a final newline, atomically."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    return atomic_write(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_json(path: str | Path, *, stage: str = "") -> Any:
    """Read a JSON artefact, or explain which stage must run first."""
    path = Path(path)
    if not path.is_file():
        raise StancebookError(f"{path} does not exist: run {stage or 'the earlier stage'} first.")
    return json.loads(path.read_text(encoding="utf-8"))


def write_text(text: str, path: str | Path) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def digest(hashes: dict[str, str]) -> str:
    """One sha256 over a mapping of names to hashes (order-independent).

    Examples
    --------
    >>> digest({"b": "2", "a": "1"}) == digest({"a": "1", "b": "2"})
    True
    """
    joined = "\n".join(f"{name}\t{value}" for name, value in sorted(hashes.items()))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def file_sha256(path: str | Path) -> str:
    """The sha256 hex digest of a file, read in blocks."""
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()
