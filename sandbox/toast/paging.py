"""Toast's page-token paging (config and kitchen APIs): `Toast-Next-Page-Token` out, `pageToken` back in."""

import base64

from sandbox.core.clock import parse_instant
from sandbox.core.errors import Conflict
from sandbox.core.pipeline import Reply

NEXT_PAGE_HEADER = "Toast-Next-Page-Token"
PAGE_TOKEN_STALE = "The page token is not valid for this data any more; start again from the first page"


def _token(offset, version):
    return base64.urlsafe_b64encode(f"{offset}:{version}".encode()).decode()


def _offset(token, version):
    """Where a page token starts; 409 when it is malformed or the data changed since it was issued."""
    try:
        offset, issued = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        offset, issued = int(offset), int(issued)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Conflict(PAGE_TOKEN_STALE, field="pageToken") from exc
    if issued != version or offset < 0:
        raise Conflict(PAGE_TOKEN_STALE, field="pageToken")
    return offset


def token_page(params, everything, last_updated, size):
    """One page of `everything` (already rendered) for the request's `pageToken` and `lastModified`; the data's
    `last_updated` (epoch seconds) versions the tokens and answers `lastModified`."""
    version = int(last_updated * 1000)
    since = params.get("lastModified")
    if since and parse_instant(since).timestamp() >= last_updated:
        everything = []
    start = _offset(params["pageToken"], version) if params.get("pageToken") else 0
    headers = [(NEXT_PAGE_HEADER, _token(start + size, version))] if start + size < len(everything) else []
    return Reply(everything[start:start + size], headers=headers)
