"""JSON bodies as bytes: orjson for speed, and values that carry their own encoding spliced in as they are."""

import json

import orjson


class Encoded(dict):
    """A JSON object that also holds its encoded bytes (`json`), so a reply built from it is not encoded again.
    Read-only by convention: whoever changes the object must build a new one."""

    __slots__ = ("json",)

    def __init__(self, value):
        super().__init__(value)
        self.json = dumps(value)


def dumps(value):
    """Compact JSON bytes; an Encoded value, or a list of them, is spliced from the bytes it already holds."""
    if isinstance(value, Encoded):
        return value.json
    if isinstance(value, list) and value and all(isinstance(item, Encoded) for item in value):
        return b"[" + b",".join(item.json for item in value) + b"]"
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:           # what orjson does not take (integers past 64 bits, subclasses of str keys ...)
        return json.dumps(value, separators=(",", ":")).encode()
