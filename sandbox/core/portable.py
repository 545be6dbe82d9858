"""A world as a portable JSON document: export it, keep or share the file, import it into any world later.

The encoding is plain JSON with a few tagged objects (`$type` for the sandbox's own dataclasses, `$decimal`,
`$tuple`, `$set`, `$sorted`, `$items` for dicts whose keys are not plain strings); importing builds only the
sandbox's own dataclasses, never arbitrary objects, so a shared file cannot run code."""

import dataclasses
import importlib
import json
import math
from collections import OrderedDict
from decimal import Decimal, InvalidOperation

from sortedcontainers import SortedList

from sandbox.core.clock import parse_instant
from sandbox.core.errors import BadRequest
from sandbox.core.ids import IdFactory
from sandbox.core.templates import Data
from sandbox.core.webhooks import WebhookState
from sandbox.toast.state import ToastState
from sandbox.toster.state import TosterState

FORMAT = "pos-sandbox.world"
VERSION = 1
NOT_AN_EXPORT = "Not a world export of this sandbox: {reason}"


def export_world(world):
    """The world's data, clock reading and settings as one JSON-able document."""
    with world.lock:
        data = world.data
        document = {"state": _encode(data.state), "ids": _encode(data.ids.random.getstate())}
    return {"format": FORMAT, "version": VERSION, "world": world.name, "settings": world.settings.to_dict(),
            "clock": world.clock.to_dict(), **document}


def import_world(world, document):
    """Replace the world's data with an export's, and set its clock to the export's reading."""
    data, clock = decode_document(document)
    world.replace(data)
    world.clock.freeze(clock[1])        # first: a clock set and then frozen would have moved in between
    world.clock.set(clock[0])


def load_file(world, path):
    """Import an export file (`pos-sandbox serve --world-file`); ValueError naming the file when it is not one."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        import_world(world, document)
    except (OSError, ValueError) as exc:
        raise ValueError(f"world file {path}: {exc}") from exc
    except BadRequest as exc:
        raise ValueError(f"world file {path}: {exc.message}") from exc


def decode_document(document):
    """(Data, (instant, frozen)) from an export document; 400 naming what is wrong."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"'format' must be {FORMAT}"), field="format")
    if document.get("version") != VERSION:
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"version {document.get('version')!r} is not {VERSION}"),
                         field="version")
    try:
        state = _decode(document["state"], "state")
        _check_state(state)
        ids = IdFactory(0)
        ids.random.setstate(_decode(document["ids"], "ids"))
        clock = document["clock"]
        instant = parse_instant(clock["now"])
        frozen = bool(clock["frozen"])
    except BadRequest:
        raise
    except (LookupError, TypeError, ValueError, AttributeError, OverflowError, RecursionError) as exc:
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{type(exc).__name__}: {exc}")) from exc
    return Data(state, ids), (instant, frozen)


def _check_state(state):
    """The top of the state must be what the providers read."""
    expected = {"toast": ToastState, "toster": TosterState, "webhooks": WebhookState}
    if not isinstance(state, dict) or set(state) != set(expected):
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"state must hold exactly {sorted(expected)}"), field="state")
    for name, kind in expected.items():
        if not isinstance(state[name], kind):
            raise BadRequest(NOT_AN_EXPORT.format(reason=f"state.{name} is not a {kind.__name__}"),
                             field=f"state.{name}")


def _encode(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if dataclasses.is_dataclass(value):
        kind = type(value)
        return {"$type": f"{kind.__module__}:{kind.__qualname__}",
                "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, OrderedDict):
        return {"$ordered": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$items": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, SortedList):
        return {"$sorted": [_encode(v) for v in value]}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [_encode(v) for v in sorted(value, key=repr)]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    raise TypeError(f"cannot export a {type(value).__name__}")


_TAGS = {
    "$decimal": lambda raw, where: _decimal(raw, where),
    "$float": lambda raw, where: float(raw),
    "$tuple": lambda raw, where: tuple(_decode_list(raw, where)),
    "$set": lambda raw, where: set(_decode_list(raw, where)),
    "$sorted": lambda raw, where: SortedList(_decode_list(raw, where)),
    "$items": lambda raw, where: dict(_decode_pairs(raw, where)),
    "$ordered": lambda raw, where: OrderedDict(_decode_pairs(raw, where)),
}


def _decode(value, where):
    if isinstance(value, list):
        return _decode_list(value, where)
    if not isinstance(value, dict):
        return value
    if "$type" in value:
        return _build(value, where)
    tags = [key for key in value if key.startswith("$")]
    if not tags:
        return {k: _decode(v, f"{where}.{k}") for k, v in value.items()}
    if len(value) != 1 or tags[0] not in _TAGS:
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: unknown tag {tags[0]}"), field=where)
    return _TAGS[tags[0]](value[tags[0]], where)


def _decode_list(raw, where):
    if not isinstance(raw, list):
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: expected a list"), field=where)
    return [_decode(v, f"{where}[{i}]") for i, v in enumerate(raw)]


def _decode_pairs(raw, where):
    pairs = _decode_list(raw, where)
    if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: expected [key, value] pairs"), field=where)
    return [(k if not isinstance(k, list) else tuple(k), v) for k, v in pairs]


def _decimal(raw, where):
    try:
        value = Decimal(raw)
    except (InvalidOperation, TypeError) as exc:
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: not a decimal"), field=where) from exc
    if not value.is_finite():
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: not a finite decimal"), field=where)
    return value


def _build(value, where):
    """One of the sandbox's own dataclasses, from its fields."""
    kind = _sandbox_dataclass(value.get("$type"), where)
    fields = value.get("fields")
    if not isinstance(fields, dict):
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: 'fields' must be an object"), field=where)
    declared = {f.name: f for f in dataclasses.fields(kind)}
    unknown = sorted(set(fields) - set(declared))
    if unknown:
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: {kind.__name__} has no field {unknown[0]}"),
                         field=where)
    decoded = {name: _decode(raw, f"{where}.{name}") for name, raw in fields.items()}
    try:
        built = kind(**{k: v for k, v in decoded.items() if declared[k].init})
    except TypeError as exc:
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: {exc}"), field=where) from exc
    for name, item in decoded.items():
        if not declared[name].init:
            setattr(built, name, item)
    return built


def _sandbox_dataclass(name, where):
    module_name, _, qualname = str(name).partition(":")
    if not module_name.startswith("sandbox.") or not qualname:
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: {name!r} is not a sandbox type"), field=where)
    try:
        kind = importlib.import_module(module_name)
        for part in qualname.split("."):
            kind = getattr(kind, part)
    except (ImportError, AttributeError) as exc:
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: no type {name}"), field=where) from exc
    if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)):
        raise BadRequest(NOT_AN_EXPORT.format(reason=f"{where}: {name} is not a sandbox data type"), field=where)
    return kind

