"""Reading and writing a run's artefacts: atomic, deterministic, named.

Each stage writes its outputs through these helpers so that a crash never
leaves a half-written file, and the same data always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .errors import ParameterError, StancebookError

FLOAT_FORMAT = "%.6g"


def _umask() -> int:
    """The process's umask (read from /proc where possible: setting it to read it is not thread-safe)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it into place.

    A crash leaves the previous ``path`` untouched and no partial file behind.
    The file gets the mode an ordinary ``open`` would give it under the
    user's umask (0644 under umask 022), not ``mkstemp``'s private 0600:
    results on a shared server stay readable to collaborators.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
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


# --------------------------------------------------------------------------
# Document-term matrix
# --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Dtm:
    """A document-term matrix.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        int64 counts, one row per unit (in ``unit_ids`` order), one column per term.
    terms : numpy.ndarray of str
        Column labels, sorted alphabetically (by code point).
    unit_ids : numpy.ndarray of str
        Row labels.
    """

    matrix: sp.csr_matrix
    terms: np.ndarray
    unit_ids: np.ndarray


_DTM_ARRAYS = ("data", "indices", "indptr", "shape", "terms", "unit_ids")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# zlib level 1: the UN corpus's two DTMs compress in 1.3 s instead of 5.5 s (level 6), as
# 56 MB instead of 44 MB; the arrays read back are the same.
_DTM_COMPRESSLEVEL = 1


def save_dtm(dtm: Dtm, path) -> Path:
    """Write a DTM to one ``.npz`` file, byte-identical for identical input.

    Parameters
    ----------
    dtm : Dtm
    path : str or pathlib.Path
        The file to write (conventionally ``*.npz``); written to a temporary
        file first and then moved, so a failure leaves an older file intact.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> save_dtm(dtm, tmp_path / "dtm.npz")  # doctest: +SKIP
    """
    if not isinstance(dtm, Dtm):
        raise ParameterError(f"dtm must be a Dtm from build_dtm(), got {type(dtm).__name__}.")
    path = Path(path)
    matrix = sp.csr_matrix(dtm.matrix)
    matrix.sort_indices()
    arrays = {
        "data": np.asarray(matrix.data, dtype=np.int64),
        "indices": np.asarray(matrix.indices, dtype=np.int64),
        "indptr": np.asarray(matrix.indptr, dtype=np.int64),
        "shape": np.asarray(matrix.shape, dtype=np.int64),
        "terms": np.asarray(dtm.terms, dtype=str),
        "unit_ids": np.asarray(dtm.unit_ids, dtype=str),
    }
    # np.savez stamps the current time into the zip; fixed dates keep the bytes reproducible.
    def write(temporary: Path) -> None:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in _DTM_ARRAYS:
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, arrays[name], allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, buffer.getvalue(), compresslevel=_DTM_COMPRESSLEVEL)

    return atomic_write(path, write)


def load_dtm(path) -> Dtm:
    """Read a DTM written by :func:`save_dtm`.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    Dtm

    Examples
    --------
    >>> dtm = load_dtm(tmp_path / "dtm.npz")  # doctest: +SKIP
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"path={str(path)!r}: no such DTM file; run the tokenise stage first.")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in _DTM_ARRAYS}
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise ParameterError(f"{path} is not a DTM file written by save_dtm ({error}).") from None
    matrix = sp.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                           shape=tuple(int(x) for x in arrays["shape"]), dtype=np.int64)
    return Dtm(matrix=matrix, terms=arrays["terms"].astype(str), unit_ids=arrays["unit_ids"].astype(str))
