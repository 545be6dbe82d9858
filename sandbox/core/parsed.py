"""Parsed YAML kept once per machine, keyed by a hash of the text and the parser: the specs and fixtures are parsed
at the first start, and later starts read the parsed form back (the same values, so the same seeded world)."""

import hashlib
import marshal
import os
import tempfile
from pathlib import Path

import yaml

# Part of every key: a change to how the sandbox parses YAML (load_yaml) must bump it.
PARSER = "load_yaml 1"


def cache_folder():
    """$XDG_CACHE_HOME/pos-sandbox/parsed (or ~/.cache/...)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pos-sandbox" / "parsed"


def cache_path(text):
    key = hashlib.sha256(f"{PARSER}\0{yaml.__version__}\0".encode() + text.encode("utf-8")).hexdigest()
    return cache_folder() / f"{key}.marshal"


def parse(text, parser):
    """`parser(text)`, from the cache when this text was parsed before on this machine. A cache that cannot be read
    or written (no home, a read-only disk, a value marshal does not take) is passed over, never an error."""
    path = cache_path(text)
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = parser(text)
    try:
        data = marshal.dumps(value)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(partial, path)           # whole or not at all, also with several sandboxes starting at once
    except (OSError, ValueError):
        pass
    return value
