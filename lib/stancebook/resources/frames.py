"""Stance frames: the shipped, extendable patterns that read a target's role in a sentence.

The frames live in ``resources/data/stance_frames.yaml`` (its header documents
the schema and the pattern language). This module reads and checks the
file; the stance stage compiles and matches the patterns
(:mod:`stancebook.stance.polarity.frames`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stancebook.errors import ParameterError
from stancebook.resources.yaml_files import read_yaml_file

DATA_DIR = Path(__file__).resolve().parent / "data"
STANCES = ("for", "against", "neutral")
NEGATED = (*STANCES, "ignore")
_KEYS = {"id", "stance", "negated", "agent", "pattern", "patterns"}
_ID = re.compile(r"[a-z][a-z0-9-]*\Z")

__all__ = ["FrameSpec", "load_stance_frames"]


@dataclass(frozen=True)
class FrameSpec:
    """One pattern of a stance frame, as written in the YAML file.

    Attributes
    ----------
    id : str
        The frame's id (several patterns share one).
    pattern : str
        The pattern (see the file's header for the language).
    stance : str
        ``"for"``, ``"against"`` or ``"neutral"``: the stance toward ``{T}``.
    negated : str
        The stance when a negation governs the frame, or ``"ignore"``.
    agent : bool
        The pattern relates an actor ``{A}`` to ``{T}`` instead of giving the holder's stance.
    source : str
        The file it came from, for messages.
    """

    id: str
    pattern: str
    stance: str
    negated: str
    agent: bool
    source: str


def _error(where: str, message: str) -> ParameterError:
    return ParameterError(f"Stance frames {where}: {message}")


def _read(path: Path, parameter: str) -> list:
    data = read_yaml_file(path, parameter=parameter, kind="stance frames", schema="stance_frames.yaml")
    if not isinstance(data, dict) or set(data) != {"frames"} or not isinstance(data["frames"], list):
        raise _error(str(path), "must be a mapping with the one key 'frames' holding a list of frames.")
    return data["frames"]


def _specs(entry, where: str) -> list[FrameSpec]:
    if not isinstance(entry, dict):
        raise _error(where, f"each frame is a mapping with id, stance and patterns; got {entry!r}.")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise _error(where, f"unknown key(s) {unknown}; allowed: {sorted(_KEYS)}.")
    frame_id = entry.get("id")
    if not isinstance(frame_id, str) or not _ID.match(frame_id):
        raise _error(where, f"id {frame_id!r}: lower-case letters, digits and '-' (e.g. aggression-against).")
    where = f"{where}, frame {frame_id!r}"
    stance = entry.get("stance")
    if stance not in STANCES:
        raise _error(where, f"stance {stance!r} is not one of {', '.join(STANCES)}.")
    default = {"for": "against", "against": "neutral", "neutral": "neutral"}[stance]
    negated = entry.get("negated", default)
    if negated not in NEGATED:
        raise _error(where, f"negated {negated!r} is not one of {', '.join(NEGATED)}.")
    patterns = entry.get("patterns", [entry["pattern"]] if "pattern" in entry else [])
    if isinstance(patterns, str) or not patterns or not all(isinstance(p, str) and p.strip() for p in patterns):
        raise _error(where, "needs 'pattern' (a string) or 'patterns' (a non-empty list of strings).")
    agent = bool(entry.get("agent", False))
    specs = []
    for pattern in patterns:
        words = pattern.split()
        if "{T}" not in words and not (agent and "{E}" in words):
            raise _error(where, f"pattern {pattern!r} has no target slot {{T}} (agent frames may use {{E}}, "
                                "the agent's enemies).")
        if ("{A}" in words) != agent:
            raise _error(where, f"pattern {pattern!r}: an {{A}} slot goes with 'agent: true', and only there.")
        specs.append(FrameSpec(frame_id, " ".join(words), stance, negated, agent, where))
    return specs


def load_stance_frames(path=None, *, extend=None) -> tuple[FrameSpec, ...]:
    """Read the stance frames: the shipped file, another file, or the shipped one extended.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A YAML file with the schema of the shipped
        ``resources/data/stance_frames.yaml``; ``None`` reads that file.
    extend : str or pathlib.Path, optional
        A second file whose frames are added; a frame with an id of the
        first file replaces that frame's patterns.

    Returns
    -------
    tuple of FrameSpec
        One entry per pattern, in file order.

    Raises
    ------
    ParameterError
        Missing file, invalid YAML, unknown keys, a bad stance, a pattern
        without ``{T}``; the message names the file and the frame.

    Examples
    --------
    >>> frames = load_stance_frames()
    >>> next(f for f in frames if f.id == "victim").stance
    'for'
    """
    path = DATA_DIR / "stance_frames.yaml" if path is None else Path(path)
    specs = [s for i, e in enumerate(_read(path, "stance_frames")) for s in _specs(e, f"{path}, entry {i + 1}")]
    if extend is not None:
        extend = Path(extend)
        more = [s for i, e in enumerate(_read(extend, "stance_frames_extend"))
                for s in _specs(e, f"{extend}, entry {i + 1}")]
        replaced = {s.id for s in more}
        specs = [s for s in specs if s.id not in replaced] + more
    return tuple(specs)
