"""Where webhooks may go: loopback and the listed `webhook_hosts` (or anywhere), checked at subscription and delivery.

An exposed sandbox must not become a tool that reaches other hosts, so delivery resolves the name again first."""

import ipaddress
import socket
from urllib.parse import urlsplit

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


def delivery_refusal(url, config):
    """Why a delivery to `url` may not be sent now (None when it may): the host's addresses, resolved now, must
    all be loopback or listed, unless the host itself is listed or any host is allowed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if config.webhook_any_host or _listed(host, config):
        return None
    try:
        found = socket.getaddrinfo(host, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        return UNRESOLVED.format(host=host, reason=exc)
    for address in {entry[4][0] for entry in found}:
        if not (ipaddress.ip_address(address.split("%")[0]).is_loopback or _listed(address, config)):
            return RESOLVES_ELSEWHERE.format(host=host, address=address)
    return None


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
