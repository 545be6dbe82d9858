"""The gate before routing: header and URL sizes, the Host header, the admin token and cross-site control writes."""

import functools
import hmac
import ipaddress
import re
from urllib.parse import urlsplit

from flask import request

from sandbox.core import pipeline
from sandbox.core.errors import BadRequest, Forbidden, Unauthorized, error_class

CONTROL_PREFIX = "/_sandbox"
CONSOLE_PATH = "/_sandbox/console"
# Pages a browser opens by URL (it cannot set headers on a link): these take the admin token as `?token=`.
BROWSER_PAGES = (CONSOLE_PATH, "/_sandbox/docs")
SPEC_DOCUMENTS = "/_sandbox/specs/"
CONSOLE_ASSETS = "/_sandbox/console/assets/"       # the page's script and style: no secrets, and no way to send a token
# Liveness for probes that cannot send a token (HAProxy, orchestrators, CI service containers); it reveals nothing.
HEALTH_PATH = "/_sandbox/health"
TOKEN_HEADER = "X-Sandbox-Token"
MAX_URL_BYTES = 8000       # gunicorn refuses request lines over 8190 bytes itself
MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS_TOTAL = 64 * 1024
MAX_HEADER_COUNT = 200
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")

URL_TOO_LONG = "The request URL is longer than {limit} bytes"
HEADERS_TOO_LARGE = "Request headers are too large: at most {count} fields of {size} bytes, {total} bytes in all"
TOKEN_MISSING = f"This sandbox requires its admin token: send {TOKEN_HEADER} (or Authorization: Bearer)"
HOST_REFUSED = ("Host {host!r} is not served here: use localhost or an IP address, or add the name to the "
                "allowed_hosts setting")
HOST_MALFORMED = "The Host header {host!r} is not a host name or address with an optional port"
# A name (letters, digits, hyphens, dots, and underscores as container names have them) or an IPv4 address, or a
# bracketed IPv6 address; then at most a port.
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{{1,5}}))?")
CROSS_SITE = "Cross-site requests may not change the sandbox: call the control API from its own origin or a tool"


def is_loopback(host):
    """Whether a host name or address is this machine's loopback."""
    if host.lower() in ("localhost", "localhost.") or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """Checks a request against the sandbox's exposure settings (a `before_request` hook through `check`)."""

    def __init__(self, config):
        self.token = config.admin_token
        self.allowed = frozenset(name.lower().rstrip(".") for name in config.allowed_hosts)
        # DNS rebinding reaches a server bound to loopback through a name the attacker controls; a server bound
        # elsewhere checks names only when the user listed them.
        self.check_host = is_loopback(config.host) or bool(self.allowed)

    def check(self, sandbox):
        """The refusal of the current request as a response in its provider's shape, or None to go on."""
        error = self.refusal()
        if error is None:
            return None
        provider = sandbox.provider_for_path(request.path)
        return pipeline.json_response(pipeline.error_reply(provider, error, pipeline.new_request_id()))

    def refusal(self):
        """The ApiError that refuses the current request, or None when it may go on."""
        environ = request.environ
        # WSGI strings hold the raw bytes as latin-1: their lengths are byte counts.
        if len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) + 1 > MAX_URL_BYTES:
            return error_class(414)(URL_TOO_LONG.format(limit=MAX_URL_BYTES))
        if _headers_too_large(environ):
            return error_class(431)(HEADERS_TOO_LARGE.format(count=MAX_HEADER_COUNT, size=MAX_HEADER_BYTES,
                                                             total=MAX_HEADERS_TOTAL))
        host = environ.get("HTTP_HOST")
        if host is not None and not _well_formed(host):
            return BadRequest(HOST_MALFORMED.format(host=host[:200]), field="Host")
        if self.check_host and not _host_allowed(host or request.host, self.allowed):
            return Forbidden(HOST_REFUSED.format(host=request.host), field="Host")
        if request.path != CONTROL_PREFIX and not request.path.startswith(CONTROL_PREFIX + "/"):
            return None
        if self.token and not self._token_presented() and not request.path.startswith(CONSOLE_ASSETS) \
                and not (request.path.rstrip("/") == HEALTH_PATH and request.method in pipeline.SAFE_METHODS):
            return Unauthorized(TOKEN_MISSING, headers={"WWW-Authenticate": 'Bearer realm="pos-sandbox control"'})
        if request.method not in pipeline.SAFE_METHODS and self._cross_site():
            return Forbidden(CROSS_SITE, field="Origin")
        return None

    def _token_presented(self):
        presented = request.headers.get(TOKEN_HEADER)
        if presented is None:
            scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
            presented = value.strip() if scheme.lower() == "bearer" else None
        if presented is None and request.method == "GET" and (
                request.path.rstrip("/") in BROWSER_PAGES or request.path.startswith(SPEC_DOCUMENTS)):
            presented = request.args.get("token")       # pages opened from a link: a browser cannot set headers
        return presented is not None and hmac.compare_digest(presented.encode(), self.token.encode())

    def _cross_site(self):
        if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
            return True
        origin = request.headers.get("Origin")
        if origin is None:
            return False        # not from a browser page (curl, the CLI, SDKs)
        parts = urlsplit(origin)
        if origin == "null" or not parts.hostname:
            return True
        same_origin = parts.netloc.lower() == request.host.lower()
        return not (same_origin or is_loopback(parts.hostname) or parts.hostname in self.allowed)


def _headers_too_large(environ):
    """Whether the header lines break the size limits (read from the environ: the hot path of every request)."""
    sizes = [len(name) - 5 + len(value) for name, value in environ.items() if name.startswith("HTTP_")]
    sizes += [len(name) + len(environ[name]) for name in ("CONTENT_TYPE", "CONTENT_LENGTH") if environ.get(name)]
    return len(sizes) > MAX_HEADER_COUNT or max(sizes, default=0) > MAX_HEADER_BYTES or sum(sizes) > MAX_HEADERS_TOTAL


@functools.lru_cache(maxsize=256)
def _well_formed(header):
    """Whether a Host header is one host and an optional port (links the sandbox builds from it stay URLs)."""
    found = _HOST.fullmatch(header)
    if found is None or (found["port"] is not None and not 0 < int(found["port"]) <= 65535):
        return False
    if header.startswith("["):
        try:
            ipaddress.IPv6Address(header[1:header.index("]")])
        except ValueError:
            return False
    return True


@functools.lru_cache(maxsize=256)
def _host_allowed(header, allowed):
    """Whether a Host header may be served (cached: every request asks about the same few values)."""
    host = _host_name(header)
    if not host or host in allowed or is_loopback(host):
        return bool(host)
    try:
        ipaddress.ip_address(host)
        return True         # an address cannot be rebound: only names resolve to what an attacker wants
    except ValueError:
        return False


def _host_name(host):
    """`localhost:8080` -> `localhost`; `[::1]:8080` -> `::1`."""
    host = host.lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
