"""Reading request bodies safely: a hard size limit (chunked too), bounded nesting, bounded numbers and no lone
surrogates."""

import json
import re
from urllib.parse import parse_qsl

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from sandbox.core.coercion import MAX_INTEGER, MAX_NUMBER
from sandbox.core.errors import BadRequest, PayloadTooLarge
from sandbox.core.openapi import field_path

MAX_DEPTH = 64
TOO_LARGE = "Request body is larger than {limit} bytes"
NOT_JSON = "The request body is not valid JSON: {reason}"
NOT_FORM = "The request body is not a valid form: {reason}"
TOO_DEEP = "The request body nests arrays and objects deeper than {depth} levels"
NUMBER_OUT_OF_RANGE = ("{field}: {value} is out of range: numbers in a request body are at most 1e+15 in magnitude "
                       "(whole numbers up to 2^63-1), the sandbox's maximum")
NOT_A_NUMBER = "{field}: {value} is not a JSON number (NaN and Infinity are not JSON)"
LONE_SURROGATE = "{field}: contains a lone UTF-16 surrogate escape, which is not a Unicode character"
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def read_raw(request, limit):
    """The body's bytes; 413 past `limit`, also for chunked bodies that announce no length (the WSGI layer would
    otherwise cut them at the limit and the cut-off text would read as malformed JSON). A body shorter than its
    Content-Length raises ClientDisconnected."""
    length = request.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(TOO_LARGE.format(limit=limit))
    stream = request.environ.get("wsgi.input")
    if length is not None and stream is not None:
        # The announced length, read straight from the server's stream (werkzeug's wrapping costs more than the
        # read itself for the small bodies of an API).
        raw = stream.read(length) if length else b""
        if len(raw) < length:
            raise ClientDisconnected()
        return raw
    try:
        raw = request.get_data(cache=False)
    except RequestEntityTooLarge as exc:
        raise PayloadTooLarge(TOO_LARGE.format(limit=limit)) from exc
    if len(raw) >= limit and _more_input(stream):
        raise PayloadTooLarge(TOO_LARGE.format(limit=limit))
    return raw


def _more_input(stream):
    try:
        return bool(stream and stream.read(1))
    except (OSError, ValueError):
        return False


def parse_form(raw):
    """Parse an `application/x-www-form-urlencoded` body into a dict (the last of repeated names wins); 400 for
    bytes that are not UTF-8."""
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(NOT_FORM.format(reason=exc)) from exc


def parse_json(raw):
    """Parse a JSON body; 400 for malformed text, nesting deeper than MAX_DEPTH or lone surrogates (which no
    strict JSON parser would take back when the sandbox echoes them)."""
    numbers = _Numbers()
    try:
        value = json.loads(raw, parse_float=numbers.float, parse_int=numbers.int, parse_constant=numbers.constant)
    except RecursionError as exc:
        raise BadRequest(TOO_DEEP.format(depth=MAX_DEPTH)) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(NOT_JSON.format(reason=exc)) from exc
    may_nest = raw.count(b"[") + raw.count(b"{") > MAX_DEPTH
    if may_nest or numbers.refused or _SURROGATE_ESCAPE.search(raw):
        _check_tree(value)
    return value


class _Numbers:
    """json.loads hooks: numbers are bounded before anything computes with them. An out-of-range number parses
    as a marker, and the walk of the tree then names its field."""

    def __init__(self):
        self.refused = False

    def float(self, text):
        number = float(text)
        return number if -MAX_NUMBER <= number <= MAX_NUMBER else self._refuse(text)

    def int(self, text):
        # Compared as text first: int() of a 5,000-digit literal costs more than the whole request.
        if len(text.lstrip("-")) > 19:
            return self._refuse(text)
        number = int(text)
        return number if -MAX_INTEGER <= number <= MAX_INTEGER else self._refuse(text)

    def constant(self, text):
        self.refused = True
        return _Refused(text, NOT_A_NUMBER)

    def _refuse(self, text):
        self.refused = True
        return _Refused(text[:40], NUMBER_OUT_OF_RANGE)


class _Refused:
    def __init__(self, text, message):
        self.text = text
        self.message = message


def _check_tree(value):
    """Walk the parsed tree without recursion: depth and the text of every key and string."""
    pending = [(value, [], 1)]
    while pending:
        node, path, depth = pending.pop()
        if depth > MAX_DEPTH and isinstance(node, (dict, list)):
            raise BadRequest(TOO_DEEP.format(depth=MAX_DEPTH), field=field_path(path) or None)
        if isinstance(node, dict):
            for key, child in node.items():
                _check_text(key, path + [key])
                pending.append((child, path + [key], depth + 1))
        elif isinstance(node, list):
            pending.extend((child, path + [index], depth + 1) for index, child in enumerate(node))
        elif isinstance(node, str):
            _check_text(node, path)
        elif isinstance(node, _Refused):
            field = field_path(path) or "body"
            raise BadRequest(node.message.format(field=field, value=node.text), field=field)


def _check_text(text, path):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        field = field_path(path) or "body"
        raise BadRequest(LONE_SURROGATE.format(field=field), field=field) from exc
