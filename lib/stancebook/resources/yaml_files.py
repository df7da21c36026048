"""Reading a researcher's YAML resource file (actor dictionary, stance frames) with one set of messages."""

from __future__ import annotations

from pathlib import Path

import yaml

from stancebook.errors import ParameterError

__all__ = ["read_yaml_file"]


def read_yaml_file(path, *, parameter: str, kind: str, schema: str):
    """The parsed content of a YAML resource file, or an error naming the parameter and the file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file given.
    parameter : str
        The run parameter that named it (``actor_dictionary``), for the message.
    kind : str
        What the file is ("actor dictionary", "stance frames"), for the message.
    schema : str
        The shipped file whose header documents the schema.

    Raises
    ------
    ParameterError
        The file is missing, or not valid UTF-8 YAML.

    Examples
    --------
    >>> read_yaml_file("no/such.yaml", parameter="stance_frames", kind="stance frames",
    ...                schema="stance_frames.yaml")
    Traceback (most recent call last):
    ...
    stancebook.errors.ParameterError: stance_frames='no/such.yaml': no such stance frames file. Give the path of a YAML file (see stancebook/resources/data/stance_frames.yaml for the schema).
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{parameter}={str(path)!r}: no such {kind} file. Give the path of a YAML file "
                             f"(see stancebook/resources/data/{schema} for the schema).")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ParameterError(f"{kind.capitalize()} {path}: is not valid UTF-8 YAML ({error}).") from None
