"""World fixtures: shipped files, the operator's own file or folder; regular files of bounded size, parsed once."""

import functools
import os
import stat
from importlib import resources

from sandbox.core.openapi import load_yaml

MAX_BYTES = 8 * 1024 * 1024
NOT_FOUND = "no fixture file {name!r}: name one of the shipped fixtures{folder}"
IN_FOLDER = " or a file in the fixtures folder {folder}"
NOT_A_FILE = "fixture file {name!r} is not a regular file"
TOO_LARGE = "fixture file {name!r} is larger than {limit} bytes (setting max_fixture_bytes)"


def fixture_key(name):
    """What identifies a fixture's content: a shipped file's name, or a file's real path and modification time."""
    if _shipped(name) is not None:
        return name, None
    if os.path.exists(name):
        path = os.path.realpath(name)
        return path, os.stat(path).st_mtime_ns
    return name, None


def requested(name, config):
    """The fixtures a world created through the control API may use, as the setting to build it with: the
    operator's own setting, a shipped file, or a regular file inside the operator's `fixtures_dir`. ValueError
    for anything else (absolute paths, `..`, links out of the folder, devices and pipes)."""
    if name == config.fixtures:
        return name
    folder = config.fixtures_dir
    if folder and not os.path.isabs(name) and ".." not in name.replace("\\", "/").split("/"):
        root = os.path.realpath(folder)
        path = os.path.realpath(os.path.join(root, name))
        if path.startswith(root + os.sep) and os.path.exists(path):
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise ValueError(NOT_A_FILE.format(name=name))
            return path
    if _shipped(name) is not None:
        return name
    raise ValueError(NOT_FOUND.format(name=name, folder=IN_FOLDER.format(folder=folder) if folder else ""))


def load_fixtures(name, limit=MAX_BYTES):
    """Parse a fixture file (see fixture_key); files over `limit` bytes are refused. The result is shared:
    callers copy before changing it."""
    return _parse(*fixture_key(name), limit)


def _shipped(name):
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    shipped = resources.files("sandbox").joinpath("fixtures", name)
    return shipped if shipped.is_file() else None


@functools.lru_cache(maxsize=16)
def _parse(name, version, limit):
    text = _read(name, limit) if version is not None else None
    if text is None:
        shipped = _shipped(name)
        if shipped is None:
            raise ValueError(f"no fixture file {name!r} (neither a path nor one of the shipped fixtures)")
        text = shipped.read_text(encoding="utf-8")
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise ValueError(f"fixture file {name!r} must hold a mapping")
    return data


def _read(path, limit):
    """A regular file's text, read without blocking on a pipe and never past `limit` bytes."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ValueError(f"fixture file {path!r}: {exc.strerror}") from exc
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ValueError(NOT_A_FILE.format(name=path))
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise ValueError(TOO_LARGE.format(name=path, limit=limit))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"fixture file {path!r} is not UTF-8 text") from exc
