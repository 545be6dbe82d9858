"""A bounded log of requests and responses (secrets masked) that tests query to assert how a client behaved."""

import fnmatch
import itertools
import re
import threading
from collections import deque

BODY_KEPT = 4096
# Entry ids increase across every world of the process, so entries of several worlds merge in order.
_ENTRY_IDS = itertools.count(1)
# A secret field's name up to the opening quote of its value.
_SECRET_START = re.compile(r'"(?:clientSecret|accessToken|secret|refreshToken|idToken|key)"\s*:\s*"')
_LONGEST_START = 32
_BYTES_READ = 8 * BODY_KEPT     # a kept character takes at most 4 bytes; the rest lets a secret that starts there end
_SECRET_HEADERS = {"authorization", "x-toster-signature", "toast-signature", "x-sandbox-token"}


def mask(value):
    """Keep the last four characters of a secret."""
    return "****" + value[-4:] if len(value) > 8 else "****"


def mask_headers(headers):
    return {name: (f"{value.split(' ', 1)[0]} {mask(value.split(' ', 1)[-1])}" if name.lower() == "authorization"
                   else mask(value)) if name.lower() in _SECRET_HEADERS else value
            for name, value in headers}


def mask_body(raw):
    """A request or response body as text, secrets masked, cut to a few kilobytes. Only the start of the body that
    can be kept is decoded and searched, so a large body costs what a small one does."""
    cut = isinstance(raw, bytes) and len(raw) > _BYTES_READ
    if isinstance(raw, bytes):
        raw = raw[:_BYTES_READ].decode("utf-8", errors="replace")
    text, parts, kept, at = raw or "", [], 0, 0
    while kept < BODY_KEPT:
        # Only a secret whose name starts within what is still to keep matters.
        found = _SECRET_START.search(text, at, at + BODY_KEPT - kept + _LONGEST_START)
        end = text.find('"', found.end()) if found else -1
        if end < 0 and found is not None and cut:
            # The value runs past the bytes read: hide all of it that shows.
            parts += [text[at:found.end()], "****"]
            break
        if end < 0:
            parts.append(text[at:at + BODY_KEPT - kept])
            break
        parts += [text[at:found.end()], mask(text[found.end():end]), '"']
        kept += sum(len(part) for part in parts[-3:])
        at = end + 1
    return "".join(parts)[:BODY_KEPT]


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

