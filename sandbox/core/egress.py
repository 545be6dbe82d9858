"""Where webhooks may go: loopback and the listed `webhook_hosts` (or anywhere), never the sandbox's own listening
port (unless `webhook_self`), checked at subscription and delivery; and how long and how much a delivery reads.

An exposed sandbox must not become a tool that reaches other hosts or its own control API, so delivery resolves
the name again first; every attempt has a total deadline, enforced by closing its socket."""

import contextlib
import ipaddress
import socket
import threading
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
SELF = ("url: webhooks may not be sent to the sandbox itself ({address} port {port}); switch webhook_self on to "
        "allow it")
IS_SELF = "{host} port {port} is the sandbox itself (setting webhook_self)"
_attempt = threading.local()        # the sockets of the delivery attempt running on this thread


def check_subscription(url, config):
    """Refuse, with a 400 naming `url`, a subscription whose host webhooks may not reach."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest(NOT_HTTP.format(url=url), field="url")
    if not (config.webhook_any_host or _listed(parts.hostname, config) or is_loopback(parts.hostname)):
        raise BadRequest(HOST_REFUSED.format(host=parts.hostname), field="url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise BadRequest(NOT_HTTP.format(url=url), field="url") from exc
    if is_loopback(parts.hostname) and is_self("127.0.0.1", port, config):
        raise BadRequest(SELF.format(address=parts.hostname, port=port), field="url")
    try:
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return          # delivery resolves it again and refuses it then
    for entry in found:
        if is_self(entry[4][0], port, config):
            raise BadRequest(SELF.format(address=entry[4][0], port=port), field="url")


def is_self(address, port, config):
    """Whether (address, port) reaches this sandbox: its port, on its bound address, any address of this machine
    or the unspecified address (which connects to this machine)."""
    if config.webhook_self or port != config.port:
        return False
    address = ipaddress.ip_address(address.split("%")[0])
    mapped = getattr(address, "ipv4_mapped", None)
    address = mapped or address
    if address.is_loopback or address.is_unspecified or str(address) == config.host:
        return True
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((str(address), 0))       # only this machine's own addresses can be bound
        except OSError:
            return False
    return True


@contextlib.contextmanager
def deadline(seconds):
    """Run one delivery attempt on this thread within `seconds` in all: at the deadline its sockets are shut, so
    a receiver that answers one byte at a time fails the attempt instead of holding the thread."""
    sockets = _attempt.sockets = []
    expired = threading.Event()

    def expire():
        expired.set()
        for sock in list(sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield expired
    finally:
        timer.cancel()
        _attempt.sockets = None


def pinned_session(config):
    """A requests Session for deliveries: each connection resolves its host then, and connects to the address it
    checked (so a name cannot resolve to an allowed address for the check and another one for the connection);
    every socket it uses is one `deadline` can shut."""
    session = requests.Session()
    adapter = _PinnedAdapter(config)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def checked_address(host, port, config):
    """The address to connect to for `host`; ValueError saying why when webhooks may not go there."""
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValueError(UNRESOLVED.format(host=host, reason=exc)) from exc
    addresses = [entry[4][0] for entry in found]
    for address in addresses:
        if is_self(address, port, config):
            raise ValueError(IS_SELF.format(host=host, port=port))
        allowed = config.webhook_any_host or _listed(host, config) or _listed(address, config)
        if not (allowed or ipaddress.ip_address(address.split("%")[0]).is_loopback):
            raise ValueError(RESOLVES_ELSEWHERE.format(host=host, address=address))
    return addresses[0]


def _pinned(connection_class, config):
    class Pinned(connection_class):
        def _new_conn(self):
            try:
                self._dns_host = checked_address(self.host, self.port, config)
            except ValueError as exc:
                raise NewConnectionError(self, str(exc)) from exc
            sock = super()._new_conn()
            _watch(sock)
            return sock

        def request(self, *args, **kwargs):
            _watch(self.sock)       # a kept-alive connection, reused by this attempt
            return super().request(*args, **kwargs)
    return Pinned


def _watch(sock):
    sockets = getattr(_attempt, "sockets", None)
    if sock is not None and sockets is not None:
        sockets.append(sock)


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
