"""A world's data as JSON, decoded only through a registry of the sandbox's own types and checked as it is built."""

import dataclasses
import math
from collections import OrderedDict
from decimal import Decimal, InvalidOperation

from sortedcontainers import SortedList

from sandbox.core.clock import LATEST

# Bounds of what a world holds: instants (floats, epoch seconds) within the years a clock can show, counts and
# cents, and Decimal amounts whose arithmetic stays within Decimal's 28 digits.
MAX_FLOAT = LATEST
MAX_INT = 10 ** 15
MAX_DECIMAL = Decimal(10) ** 18


class Refused(ValueError):
    """A value the decoder will not build; `where` is its path in the document."""

    def __init__(self, where, reason):
        super().__init__(f"{where}: {reason}")
        self.where = where


class Registry:
    """The data types a world's export may hold, by name; each provider registers its own."""

    def __init__(self):
        self._types = {}

    def register(self, *kinds):
        for kind in kinds:
            if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)):
                raise TypeError(f"{kind!r} is not a dataclass")
            self._types[self.name(kind)] = kind

    @staticmethod
    def name(kind):
        # The module-qualified name (what exports have always carried) is only a key here: nothing is imported.
        return f"{kind.__module__}:{kind.__qualname__}"

    def get(self, name, where):
        kind = self._types.get(name) if isinstance(name, str) else None
        if kind is None:
            raise Refused(where, f"{str(name)[:80]!r} is not one of the sandbox's data types")
        return kind

    def encode(self, value):
        """A JSON-able form of `value` (registered dataclasses and the containers the state uses)."""
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise TypeError(f"cannot export the number {value!r}")
            return value
        if isinstance(value, Decimal):
            return {"$decimal": str(value)}
        if dataclasses.is_dataclass(value):
            kind = type(value)
            if self._types.get(self.name(kind)) is not kind:
                raise TypeError(f"{self.name(kind)} is not registered for export")
            return {"$type": self.name(kind),
                    "fields": {f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
        if isinstance(value, OrderedDict):
            return {"$ordered": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, dict):
            if all(isinstance(k, str) and not k.startswith("$") for k in value):
                return {k: self.encode(v) for k, v in value.items()}
            return {"$items": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, SortedList):
            return {"$sorted": [self.encode(v) for v in value]}
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(v) for v in value]}
        if isinstance(value, (set, frozenset)):
            return {"$set": [self.encode(v) for v in sorted(value, key=repr)]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        raise TypeError(f"cannot export a {type(value).__name__}")

    def decode(self, value, where):
        """The value an `encode` output stands for; Refused naming the first thing that is wrong."""
        if isinstance(value, list):
            return self._list(value, where)
        if isinstance(value, dict):
            return self._object(value, where)
        return _scalar(value, where)

    def _object(self, value, where):
        tags = [key for key in value if key.startswith("$")]
        if not tags:
            return {k: self.decode(v, f"{where}.{k}") for k, v in value.items()}
        tag = tags[0]
        if tag == "$type":
            return self._build(value, where)
        if len(value) != 1:
            raise Refused(where, f"a {tag} object holds nothing else")
        raw = value[tag]
        if tag == "$decimal":
            return _decimal(raw, where)
        if tag in _CONTAINERS:
            items = self._list(raw, where)
            return _CONTAINERS[tag](items, where)
        if tag in ("$items", "$ordered"):
            pairs = self._pairs(raw, where)
            try:
                return dict(pairs) if tag == "$items" else OrderedDict(pairs)
            except TypeError as exc:
                raise Refused(where, "a key must be text, a number or a tuple of those") from exc
        raise Refused(where, f"unknown tag {tag}")

    def _list(self, raw, where):
        if not isinstance(raw, list):
            raise Refused(where, "expected a list")
        return [self.decode(v, f"{where}[{i}]") for i, v in enumerate(raw)]

    def _pairs(self, raw, where):
        pairs = self._list(raw, where)
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise Refused(where, "expected [key, value] pairs")
        for index, (key, _) in enumerate(pairs):
            if isinstance(key, (list, dict, set, SortedList)) or dataclasses.is_dataclass(key):
                raise Refused(f"{where}[{index}]", "a key must be text, a number or a tuple")
        return [(key, item) for key, item in pairs]

    def _build(self, value, where):
        """One registered dataclass, from fields that each hold its declared type."""
        kind = self.get(value.get("$type"), where)
        fields = value.get("fields")
        if set(value) != {"$type", "fields"} or not isinstance(fields, dict):
            raise Refused(where, "a $type object holds exactly '$type' and 'fields' (an object)")
        declared = {f.name: f for f in dataclasses.fields(kind)}
        unknown = sorted(set(fields) - set(declared))
        if unknown:
            raise Refused(where, f"{kind.__name__} has no field {unknown[0]}")
        missing = [name for name, f in declared.items() if name not in fields and f.init
                   and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        if missing:
            raise Refused(where, f"{kind.__name__} needs its field {missing[0]}")
        decoded = {}
        for name, raw in fields.items():
            decoded[name] = self.decode(raw, f"{where}.{name}")
            _check_type(declared[name], decoded[name], f"{where}.{name}")
        try:
            built = kind(**{k: v for k, v in decoded.items() if declared[k].init})
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise Refused(where, f"{kind.__name__}: {exc}") from exc
        for name, item in decoded.items():
            if not declared[name].init:
                setattr(built, name, item)
        return built


def _tuple(items, where):
    return tuple(items)


def _set(items, where):
    try:
        return set(items)
    except TypeError as exc:
        raise Refused(where, "a set holds only text, numbers and tuples") from exc


def _sorted(items, where):
    try:
        return SortedList(items)
    except TypeError as exc:
        raise Refused(where, "a sorted list holds values of one comparable kind") from exc


_CONTAINERS = {"$tuple": _tuple, "$set": _set, "$sorted": _sorted}


def _scalar(value, where):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            raise Refused(where, f"{value} is out of range (at most {MAX_INT:.0e} in magnitude)")
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_FLOAT:
            raise Refused(where, f"{value!r} is out of range (a finite number, at most {MAX_FLOAT:.0e} in "
                                 f"magnitude: instants the sandbox clock can show)")
        return value
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise Refused(where, "text with a lone surrogate is not Unicode") from exc
        return value
    raise Refused(where, f"unexpected {type(value).__name__}")


def _decimal(raw, where):
    try:
        value = Decimal(raw) if isinstance(raw, str) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) > MAX_DECIMAL:
        raise Refused(where, f"not a finite decimal of at most {MAX_DECIMAL:.0e} in magnitude")
    return value


def _check_type(declared, value, where):
    """A field holds its declared type (an int is a float too); None only where the field may be None."""
    kind = declared.type
    if value is None:
        if declared.default is None or (declared.default is dataclasses.MISSING
                                        and declared.default_factory is dataclasses.MISSING):
            return
        raise Refused(where, "may not be null")
    if not isinstance(kind, type):
        return
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise Refused(where, f"expected {kind.__name__}, found {type(value).__name__}")


def check_mapping(mapping, kind, where, key=None):
    """Providers' checks of an import: every value of `mapping` is a `kind` (filed under `key(value)` when given)."""
    for name, value in mapping.items():
        if not isinstance(value, kind):
            raise Refused(f"{where}[{str(name)[:60]!r}]", f"expected a {kind.__name__}")
        if key is not None and key(value) != name:
            raise Refused(f"{where}[{str(name)[:60]!r}]", "is filed under a key that is not its own")


def check_items(items, kind, where):
    """Every item of a list (or other collection) is a `kind`."""
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            raise Refused(f"{where}[{index}]", f"expected a {kind.__name__}")


def check_known(keys, known, where, what):
    """Every key of an index refers to something that exists (`known` is a mapping or set)."""
    for key in keys:
        if key not in known:
            raise Refused(where, f"refers to {what} {str(key)[:60]!r}, which the export does not hold")


def render(view, where):
    """Run a provider's view of imported data once: what it cannot render is refused now, not answered with a 500
    on a later read."""
    try:
        return view()
    except (LookupError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        raise Refused(where, f"cannot be read back: {type(exc).__name__}: {str(exc)[:120]}") from exc


def check_shape(value, shape, where, optional=()):
    """A plain object holds the keys of `shape` (name -> type or types; those in `optional` may be missing or
    null) with values of those types, and nothing else."""
    if not isinstance(value, dict):
        raise Refused(where, "expected an object")
    extra = sorted(set(value) - set(shape))
    if extra:
        raise Refused(f"{where}.{extra[0]}", "is not a key this object has")
    for name, kind in shape.items():
        if name in optional and value.get(name) is None:
            continue
        item = value.get(name)
        if name not in value or isinstance(item, bool) != (kind is bool) or not isinstance(item, kind):
            raise Refused(f"{where}.{name}", f"expected {getattr(kind, '__name__', 'a number')}")
