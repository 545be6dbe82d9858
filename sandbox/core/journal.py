"""A bounded log of requests and responses (secrets masked) that tests query to assert how a client behaved."""

import fnmatch
import itertools
import re
import threading
from collections import deque

BODY_KEPT = 4096        # bytes of each body the journal keeps
# Entry ids increase across every world of the process, so entries of several worlds merge in order.
_ENTRY_IDS = itertools.count(1)
_SECRET_NAMES = "clientSecret|accessToken|secret|refreshToken|idToken|key|client_secret|access_token"
# A secret field with its value; and one whose value runs to the end of what is kept.
_SECRET = re.compile(r'("(?:' + _SECRET_NAMES + r')"\s*:\s*")([^"]*)"')
_SECRET_CUT = re.compile(r'("(?:' + _SECRET_NAMES + r')"\s*:\s*")[^"]*\Z')
# The same in a form body (the legacy login's `client_secret=...`).
_FORM_SECRET = re.compile(r'((?:^|&)client_secret=)([^&]*)')
_SECRET_HEADERS = {"authorization", "x-toster-signature", "toast-signature", "x-sandbox-token"}
# Masking happens when an entry is first read; this lock makes that happen once.
_MASKING = threading.Lock()


def mask(value):
    """Keep the last four characters of a secret."""
    return "****" + value[-4:] if len(value) > 8 else "****"


def mask_headers(headers):
    return {name: (f"{value.split(' ', 1)[0]} {mask(value.split(' ', 1)[-1])}" if name.lower() == "authorization"
                   else mask(value)) if name.lower() in _SECRET_HEADERS else value
            for name, value in headers}


def environ_headers(environ):
    """A request's header lines as the WSGI environ holds them (`HTTP_USER_AGENT`); `header_name` names them when
    they are read. The journal records every request: this is the least it can copy."""
    lines = [(name, value) for name, value in environ.items() if name.startswith("HTTP_")]
    lines += [(name, environ[name]) for name in ("CONTENT_TYPE", "CONTENT_LENGTH") if environ.get(name)]
    return lines


def header_name(key):
    """`HTTP_USER_AGENT` -> `User-Agent`, `CONTENT_TYPE` -> `Content-Type` (as werkzeug names them)."""
    return key.removeprefix("HTTP_").replace("_", "-").title()


def mask_body(raw):
    """The first BODY_KEPT bytes of a body as text, secrets masked; a secret whose value is cut there is hidden
    whole. Only that part of the body is ever decoded or searched."""
    if isinstance(raw, str):
        raw = raw.encode()
    text = (raw or b"")[:BODY_KEPT].decode("utf-8", errors="replace")
    # Every secret name ends in one of these; most bodies have none.
    if 'ecret"' not in text and 'oken"' not in text and '"key"' not in text and "secret=" not in text:
        return text
    text = _FORM_SECRET.sub(lambda found: f"{found[1]}{mask(found[2])}", text)
    text = _SECRET.sub(lambda found: f'{found[1]}{mask(found[2])}"', text)
    return _SECRET_CUT.sub(lambda found: f"{found[1]}****", text)


class Entry:
    """One journaled request. What filters read is kept as given; header lines and bodies are kept raw (the
    bodies cut to BODY_KEPT bytes) and masked when the entry is first read, off the request's path."""

    __slots__ = ("fields", "_raw", "_view")

    def __init__(self, fields, raw):
        self.fields = fields
        self._raw = raw
        self._view = None

    def __getitem__(self, name):
        return self.fields[name]

    def to_dict(self):
        """The entry as the control API shows it: secrets masked."""
        with _MASKING:
            if self._view is None:
                request_headers, request_body, response_headers, response_body = self._raw
                request_headers = [(header_name(key), value) for key, value in request_headers]
                self._view = {**self.fields, "requestHeaders": mask_headers(request_headers),
                              "requestBody": mask_body(request_body), "responseHeaders": mask_headers(response_headers),
                              "responseBody": mask_body(response_body)}
                self._raw = None
        return self._view


class Journal:
    """Ring buffer of a world's last `size` API requests."""

    def __init__(self, size):
        self._entries = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, raw, **fields):
        """Keep a request: `fields` as they are, `raw` = (request header lines as `environ_headers` gives them,
        request body, response header lines, response body) to be masked when read."""
        fields["id"] = next(_ENTRY_IDS)
        request_headers, request_body, response_headers, response_body = raw
        entry = Entry(fields, (request_headers, request_body[:BODY_KEPT], response_headers,
                               response_body[:BODY_KEPT]))
        with self._lock:
            self._entries.append(entry)
        return entry

    def __len__(self):
        return len(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def query(self, method=None, path=None, operation_id=None, status=None, restaurant=None, since=None):
        """Entries oldest first (`Entry.to_dict` shows one); `path` may be a glob."""
        with self._lock:
            entries = list(self._entries)
        return [e for e in entries
                if (method is None or e["method"] == method.upper())
                and (path is None or fnmatch.fnmatchcase(e["path"], path))
                and (operation_id is None or e["operationId"] == operation_id)
                and (status is None or e["status"] == status)
                and (restaurant is None or (e["restaurant"] or "").lower() == restaurant.lower())
                and (since is None or e["time"] >= since)]

