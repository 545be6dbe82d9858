"""World fixtures: the embedded YAML files, or a file the user names."""

import os
from importlib import resources

from sandbox.core.openapi import load_yaml


def load_fixtures(name):
    """Parse a fixture file: a path on disk, or the name of one shipped in `fixtures/`."""
    if os.path.isfile(name):
        with open(name, encoding="utf-8") as handle:
            text = handle.read()
    else:
        try:
            text = resources.files("sandbox").joinpath("fixtures", name).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise ValueError(f"no fixture file {name!r} (neither a path nor one of the shipped fixtures)") from exc
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise ValueError(f"fixture file {name!r} must hold a mapping")
    return data
