"""A bounded log of requests and responses (secrets masked) that tests query to assert how a client behaved."""

import fnmatch
import itertools
import re
import threading
from collections import deque

BODY_KEPT = 4096
# Entry ids increase across every world of the process, so entries of several worlds merge in order.
_ENTRY_IDS = itertools.count(1)
_SECRET_FIELDS = re.compile(r'("(?:clientSecret|accessToken|secret|refreshToken|idToken|key)"\s*:\s*")([^"]*)(")')
_SECRET_HEADERS = {"authorization", "x-toster-signature", "toast-signature", "x-sandbox-token"}


def mask(value):
    """Keep the last four characters of a secret."""
    return "****" + value[-4:] if len(value) > 8 else "****"


def mask_headers(headers):
    return {name: (f"{value.split(' ', 1)[0]} {mask(value.split(' ', 1)[-1])}" if name.lower() == "authorization"
                   else mask(value)) if name.lower() in _SECRET_HEADERS else value
            for name, value in headers}


def mask_body(raw):
    """A request or response body as text, secrets masked, cut to a few kilobytes."""
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else (raw or "")
    text = _SECRET_FIELDS.sub(lambda m: m.group(1) + mask(m.group(2)) + m.group(3), text)
    return text[:BODY_KEPT]


class Journal:
    """Ring buffer of a world's last `size` API requests."""

    def __init__(self, size):
        self._entries = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, **entry):
        entry["id"] = next(_ENTRY_IDS)
        with self._lock:
            self._entries.append(entry)
        return entry

    def clear(self):
        with self._lock:
            self._entries.clear()

    def query(self, method=None, path=None, operation_id=None, status=None, restaurant=None, since=None):
        """Entries oldest first; `path` may be a glob."""
        with self._lock:
            entries = list(self._entries)
        return [e for e in entries
                if (method is None or e["method"] == method.upper())
                and (path is None or fnmatch.fnmatchcase(e["path"], path))
                and (operation_id is None or e["operationId"] == operation_id)
                and (status is None or e["status"] == status)
                and (restaurant is None or (e["restaurant"] or "").lower() == restaurant.lower())
                and (since is None or e["time"] >= since)]

