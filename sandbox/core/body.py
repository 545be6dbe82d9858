"""Reading request bodies safely: a hard size limit (chunked too), bounded nesting and no lone surrogates."""

import json
import re
from urllib.parse import parse_qsl

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from sandbox.core.errors import BadRequest, PayloadTooLarge
from sandbox.core.openapi import field_path

MAX_DEPTH = 64
TOO_LARGE = "Request body is larger than {limit} bytes"
NOT_JSON = "The request body is not valid JSON: {reason}"
NOT_FORM = "The request body is not a valid form: {reason}"
TOO_DEEP = "The request body nests arrays and objects deeper than {depth} levels"
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
    try:
        value = json.loads(raw)
    except RecursionError as exc:
        raise BadRequest(TOO_DEEP.format(depth=MAX_DEPTH)) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(NOT_JSON.format(reason=exc)) from exc
    may_nest = raw.count(b"[") + raw.count(b"{") > MAX_DEPTH
    if may_nest or _SURROGATE_ESCAPE.search(raw):
        _check_tree(value)
    return value


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


def _check_text(text, path):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        field = field_path(path) or "body"
        raise BadRequest(LONE_SURROGATE.format(field=field), field=field) from exc
