"""World fixtures: the embedded YAML files, or a file the user names; each version of a file is parsed once."""

import functools
import os
from importlib import resources

from sandbox.core.openapi import load_yaml


def fixture_key(name):
    """What identifies a fixture's content: a file's path and modification time, or a shipped file's name."""
    if os.path.isfile(name):
        return os.path.abspath(name), os.stat(name).st_mtime_ns
    return name, None


def load_fixtures(name):
    """Parse a fixture file: a path on disk, or the name of one shipped in `fixtures/`. The result is shared:
    callers copy before changing it."""
    return _parse(*fixture_key(name))


@functools.lru_cache(maxsize=16)
def _parse(name, _version):
    if _version is not None:
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
    else:
        try:
            text = resources.files("sandbox").joinpath("fixtures", name).read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError, OSError) as exc:
            raise ValueError(f"no fixture file {name!r} (neither a path nor one of the shipped fixtures)") from exc
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise ValueError(f"fixture file {name!r} must hold a mapping")
    return data
