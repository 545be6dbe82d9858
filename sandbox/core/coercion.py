"""Lenient scalar reading, as Jackson-based platforms (Toast) read JSON: numbers and booleans written as strings,
and numbers or booleans where text is expected, are taken; anything else stays a validation error."""

import re

import jsonschema_rs

_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_MAX_ROUNDS = 8          # each round can reveal errors that a failed anyOf hid


def _convert(value, wanted):
    """`value` as the first of the `wanted` JSON types it converts to, or the value itself when none fits."""
    for kind in wanted:
        if isinstance(value, str):
            if kind == "integer" and _INTEGER.match(value):
                return int(value)
            if kind == "number" and _NUMBER.match(value):
                number = float(value)
                return int(number) if _INTEGER.match(value) else number
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
