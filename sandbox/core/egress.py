"""Where webhooks may go: loopback and the listed `webhook_hosts` (or anywhere), checked at subscription and delivery.

An exposed sandbox must not become a tool that reaches other hosts, so delivery resolves the name again first."""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from sandbox.core.errors import BadRequest
from sandbox.core.guard import is_loopback

NOT_HTTP = "url: webhooks are sent over http or https to a host, not to {url!r}"
HOST_REFUSED = ("url: webhooks may go to loopback addresses and the hosts in the webhook_hosts setting, not to "
                "{host!r} (or switch webhook_any_host on)")
RESOLVES_ELSEWHERE = "{host} resolves to {address}, which is neither loopback nor in webhook_hosts"
UNRESOLVED = "{host} does not resolve: {reason}"


def check_subscription(url, config):
    """Refuse, with a 400 naming `url`, a subscription whose host webhooks may not reach."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest(NOT_HTTP.format(url=url), field="url")
    if not (config.webhook_any_host or _listed(parts.hostname, config) or is_loopback(parts.hostname)):
        raise BadRequest(HOST_REFUSED.format(host=parts.hostname), field="url")


def pinned_session(config):
    """A requests Session for deliveries: each connection resolves its host then, and connects to the address it
    checked (so a name cannot resolve to an allowed address for the check and another one for the connection)."""
    session = requests.Session()
    if not config.webhook_any_host:
        adapter = _PinnedAdapter(config)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return session


def checked_address(host, port, config):
    """The address to connect to for `host`; ValueError saying why when webhooks may not go there."""
    if _listed(host, config):
        return host
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValueError(UNRESOLVED.format(host=host, reason=exc)) from exc
    addresses = [entry[4][0] for entry in found]
    for address in addresses:
        if not (ipaddress.ip_address(address.split("%")[0]).is_loopback or _listed(address, config)):
            raise ValueError(RESOLVES_ELSEWHERE.format(host=host, address=address))
    return addresses[0]


def _pinned(connection_class, config):
    class Pinned(connection_class):
        def _new_conn(self):
            try:
                self._dns_host = checked_address(self.host, self.port, config)
            except ValueError as exc:
                raise NewConnectionError(self, str(exc)) from exc
            return super()._new_conn()
    return Pinned


class _PinnedAdapter(HTTPAdapter):
    """Pools whose connections go only to checked addresses (TLS still verifies the host name)."""

    def __init__(self, config):
        self._config = config
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("PinnedHTTPPool", (HTTPConnectionPool,),
                         {"ConnectionCls": _pinned(HTTPConnection, self._config)}),
            "https": type("PinnedHTTPSPool", (HTTPSConnectionPool,),
                          {"ConnectionCls": _pinned(HTTPSConnection, self._config)}),
        }


def _listed(host, config):
    """Whether a host name or address is in `webhook_hosts` (names, addresses or networks such as 10.0.0.0/8)."""
    host = host.lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for entry in config.webhook_hosts:
        entry = entry.lower().rstrip(".")
        if entry == host:
            return True
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
    return False
