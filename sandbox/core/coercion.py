"""Lenient scalar reading, as Jackson-based platforms (Toast) read JSON: numbers and booleans written as strings,
and numbers or booleans where text is expected, are taken; anything else stays a validation error."""

import re

import jsonschema_rs

_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_MAX_ROUNDS = 8          # each round can reveal errors that a failed anyOf hid
# The numbers a body may hold, in magnitude: a fraction (amounts, quantities) up to 10^15, where cents are still
# exact; a whole number up to the int64 the specs declare (seeds). Any arithmetic on them stays within Decimal's
# 28 digits, so pricing never meets a number it cannot hold. A number written as a string is held to the same.
MAX_NUMBER = 10 ** 15
MAX_INTEGER = 2 ** 63 - 1


def number(text, kind):
    """`text` read as a JSON `kind` ("integer" or "number") within the bounds of a body's numbers; None when it is
    not written as one or is out of range."""
    if kind == "integer" and _INTEGER.match(text) and len(text.lstrip("+-")) <= 19:
        value = int(text)
        return value if abs(value) <= MAX_INTEGER else None
    if kind == "number" and _NUMBER.match(text):
        value = float(text)
        if abs(value) <= MAX_NUMBER:
            return int(value) if _INTEGER.match(text) else value
    return None


def _convert(value, wanted):
    """`value` as the first of the `wanted` JSON types it converts to, or the value itself when none fits."""
    for kind in wanted:
        if isinstance(value, str):
            converted = number(value, kind)
            if converted is not None:
                return converted
            if kind == "boolean" and value in _BOOLEANS:
                return _BOOLEANS[value]
        elif kind == "string" and isinstance(value, (bool, int, float)):
            return ("true" if value else "false") if isinstance(value, bool) else str(value)
    return value


def _type_errors(error):
    """(instance path, wanted types) of the plain type mismatches behind an error (through anyOf/oneOf)."""
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        return [(tuple(error.instance_path), list(kind.types))]
    found = []
    for branch in getattr(kind, "context", None) or []:
        for sub in branch:
            found.extend(_type_errors(sub))
    return found


def _set(document, path, value):
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value


def _get(document, path):
    for part in path:
        document = document[part]
    return document


def coerce_scalars(validator, document):
    """Convert, in place, the scalars of `document` the platform would have read leniently; True once it is valid."""
    for _ in range(_MAX_ROUNDS):
        changed = False
        wanted = {}
        for error in validator.iter_errors(document):
            for path, types in _type_errors(error):
                if path:
                    wanted.setdefault(path, []).extend(t for t in types if t != "null")
        for path, types in wanted.items():
            value = _get(document, path)
            converted = _convert(value, types)
            if converted is not value:
                _set(document, path, converted)
                changed = True
        if not changed:
            return validator.is_valid(document)
    return validator.is_valid(document)
