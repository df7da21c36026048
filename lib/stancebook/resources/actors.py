"""The actor dictionary: who a text can be about (the stance targets), and its schema checks.

The shipped dictionary is ``resources/data/actors.yaml``; its schema is
documented at the top of that file. Stage 1 saves the dictionary it used as
an artefact (:meth:`ActorDictionary.to_dict`), so later stages read the same
targets without rebuilding them from parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stancebook.errors import ParameterError
from stancebook.resources.yaml_files import read_yaml_file

DATA_DIR = Path(__file__).resolve().parent / "data"
MENTION_KINDS = ("name", "demonym", "capital", "leader", "metonym")
FORM_KEYS = {"names": "name", "demonyms": "demonym", "capitals": "capital", "leaders": "leader",
             "metonyms": "metonym"}
_TARGET_KEYS = {"label", *FORM_KEYS}
_TOP_KEYS = {"targets", "groups", "role_words", "ignore"}
_ID = re.compile(r"[a-z][a-z0-9_]*\Z")

__all__ = ["FORM_KEYS", "MENTION_KINDS", "ActorDictionary", "load_actor_dictionary"]


# --------------------------------------------------------------------------
# Actor dictionary
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class ActorDictionary:
    """The targets a text can be about, with their surface forms.

    Attributes
    ----------
    targets : dict of str to dict
        ``{target_id: {"label": str, "names": tuple, "demonyms": tuple,
        "capitals": tuple, "leaders": tuple, "metonyms": tuple}}`` in file order.
    groups : dict of str to tuple of str
        ``{group_id: (target_id, ...)}``, e.g. ``{"west": ("united_states", ...)}``.
    role_words : tuple of str
        Titles allowed between a demonym and a leader ("President").
    ignore : tuple of str
        Phrases that contain a form but are not about a target ("West Bank").
    source : str
        The file(s) it was read from, for messages.
    paths : tuple of pathlib.Path
        The files it was read from, for input hashes.
    """

    targets: dict
    groups: dict
    role_words: tuple = ()
    ignore: tuple = ()
    source: str = ""
    paths: tuple = ()

    @property
    def labels(self) -> dict[str, str]:
        """``{target_id: label}``."""
        return {t: spec["label"] for t, spec in self.targets.items()}

    def groups_of(self, target: str) -> tuple[str, ...]:
        """The sorted group ids that contain ``target``."""
        return tuple(sorted(g for g, members in self.groups.items() if target in members))

    def to_dict(self) -> dict:
        """A JSON-ready copy, saved by stage 1 as the ``actor_dictionary`` artefact.

        Examples
        --------
        >>> actors = load_actor_dictionary()
        >>> import json
        >>> again = ActorDictionary.from_dict(json.loads(json.dumps(actors.to_dict(), sort_keys=True)))
        >>> list(again.labels) == list(actors.labels) and again.groups == actors.groups
        True
        """
        return {"targets": {t: {k: (list(v) if isinstance(v, tuple) else v) for k, v in spec.items()}
                            for t, spec in self.targets.items()},
                "groups": {g: list(members) for g, members in self.groups.items()},
                "target_order": list(self.targets), "group_order": list(self.groups),
                "role_words": list(self.role_words), "ignore": list(self.ignore), "source": self.source,
                "paths": [str(p) for p in self.paths]}

    @classmethod
    def from_dict(cls, data: dict) -> "ActorDictionary":
        """The dictionary saved by :meth:`to_dict`, in file order even after a JSON round trip with sorted keys."""
        order = data.get("target_order", list(data["targets"]))
        targets = {t: {k: (tuple(v) if isinstance(v, list) else v) for k, v in data["targets"][t].items()}
                   for t in order}
        groups = {g: tuple(data["groups"][g]) for g in data.get("group_order", list(data["groups"]))}
        return cls(targets=targets, groups=groups,
                   role_words=tuple(data.get("role_words", ())), ignore=tuple(data.get("ignore", ())),
                   source=data.get("source", ""), paths=tuple(Path(p) for p in data.get("paths", ())))

    def forms(self) -> list[tuple[str, str, str]]:
        """Every ``(surface, target, kind)`` as listed, in file order."""
        return [(form, target, kind)
                for target, spec in self.targets.items()
                for key, kind in FORM_KEYS.items()
                for form in spec[key]]


def _dictionary_error(where: str, message: str) -> ParameterError:
    return ParameterError(f"Actor dictionary {where}: {message}")


def _read_yaml(path, parameter: str) -> dict:
    path = Path(path)
    data = read_yaml_file(path, parameter=parameter, kind="actor dictionary", schema="actors.yaml")
    if not isinstance(data, dict):
        raise _dictionary_error(str(path), "must be a mapping with the key 'targets' (see the schema in "
                                           "stancebook/resources/data/actors.yaml).")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _dictionary_error(str(path), f"unknown top-level key(s) {unknown}; allowed: {sorted(_TOP_KEYS)}.")
    return data


def _string_list(value, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list):
        raise _dictionary_error(where, f"'{key}' must be a list of strings, e.g. [{value!r}].")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _dictionary_error(where, f"'{key}' holds {item!r}; expected non-empty strings.")
        out.append(item.strip())
    return tuple(dict.fromkeys(out))


def _parse_targets(data: dict, path: str, *, required: bool) -> dict:
    raw = data.get("targets")
    if raw is None:
        if required:
            raise _dictionary_error(path, "has no 'targets' mapping.")
        return {}
    if not isinstance(raw, dict):
        raise _dictionary_error(path, "'targets' must be a mapping of target ids to their forms.")
    targets = {}
    for target, spec in raw.items():
        where = f"{path}, target {target!r}"
        if not isinstance(target, str) or not _ID.match(target):
            raise _dictionary_error(where, "target ids are lower-case letters, digits and '_' (e.g. north_korea).")
        if not isinstance(spec, dict):
            raise _dictionary_error(where, "expected a mapping with at least 'names'.")
        unknown = sorted(set(spec) - _TARGET_KEYS)
        if unknown:
            raise _dictionary_error(where, f"unknown key(s) {unknown}; allowed: {sorted(_TARGET_KEYS)}.")
        label = spec.get("label", target)
        if not isinstance(label, str) or not label.strip():
            raise _dictionary_error(where, "'label' must be a non-empty string.")
        entry = {"label": label.strip()}
        for key in FORM_KEYS:
            entry[key] = _string_list(spec.get(key), where, key)
        if not entry["names"]:
            raise _dictionary_error(where, "has no 'names'; every target needs at least one name.")
        targets[target] = entry
    return targets


def _parse_groups(data: dict, path: str) -> dict:
    raw = data.get("groups") or {}
    if not isinstance(raw, dict):
        raise _dictionary_error(path, "'groups' must be a mapping of group ids to lists of target ids.")
    groups = {}
    for group, members in raw.items():
        if not isinstance(group, str) or not _ID.match(group):
            raise _dictionary_error(f"{path}, group {group!r}", "group ids are lower-case letters, digits and '_'.")
        groups[group] = _string_list(members, f"{path}, group {group!r}", "members")
    return groups


def load_actor_dictionary(path=None, *, extend=None) -> ActorDictionary:
    """Load the actor dictionary (the shipped one, another file, or an extension).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A YAML file with the schema documented at the top of
        ``stancebook/resources/data/actors.yaml``. ``None`` loads that shipped file.
    extend : str or pathlib.Path, optional
        A second YAML file: each of its targets replaces the target with the
        same id (or adds a new one), its groups replace groups of the same id,
        its ``role_words`` and ``ignore`` forms are added.

    Returns
    -------
    ActorDictionary

    Raises
    ------
    stancebook.errors.ParameterError
        Missing file, invalid YAML, unknown keys, a target without names, a
        group naming an unknown target, or one surface form listed for two
        targets; the message names the file and the target.

    Examples
    --------
    >>> actors = load_actor_dictionary()
    >>> actors.labels["north_korea"], actors.groups["west"][:2]
    ('North Korea', ('united_states', 'the_west'))
    """
    path = DATA_DIR / "actors.yaml" if path is None else Path(path)
    data = _read_yaml(path, "path")
    targets = _parse_targets(data, str(path), required=True)
    groups = _parse_groups(data, str(path))
    role_words = _string_list(data.get("role_words"), str(path), "role_words")
    ignore = _string_list(data.get("ignore"), str(path), "ignore")
    source = str(path)
    paths = (path,)
    if extend is not None:
        extend = Path(extend)
        more = _read_yaml(extend, "extend")
        targets.update(_parse_targets(more, str(extend), required=False))
        groups.update(_parse_groups(more, str(extend)))
        role_words = tuple(dict.fromkeys(role_words + _string_list(more.get("role_words"), str(extend), "role_words")))
        ignore = tuple(dict.fromkeys(ignore + _string_list(more.get("ignore"), str(extend), "ignore")))
        source = f"{path} extended by {extend}"
        paths = (path, extend)
    for group, members in groups.items():
        unknown = [m for m in members if m not in targets]
        if unknown:
            raise _dictionary_error(f"{source}, group {group!r}",
                                    f"names unknown target(s) {unknown}; known: {sorted(targets)}.")
    owner: dict[str, str] = {}
    for target, spec in targets.items():
        for key in FORM_KEYS:
            for form in spec[key]:
                previous = owner.setdefault(form, target)
                if previous != target:
                    raise _dictionary_error(f"{source}, target {target!r}",
                                            f"the form {form!r} is also listed for {previous!r}; "
                                            "a surface form may belong to one target only.")
    return ActorDictionary(targets=targets, groups=groups, role_words=role_words, ignore=ignore, source=source,
                           paths=paths)
