"""Serve an app through granian or gunicorn: one worker (the store is in memory) with threads, a banner when ready,
an access log line per request, and HTTPS when asked."""

import errno
import socket
import ssl
import sys
from dataclasses import dataclass

from sandbox import tls
from sandbox.app import create_app
from sandbox.core.observe import BatchedLines
from sandbox.toast.state import toast_state


def banner(app, base_url, certificate=None):
    """The lines printed at start: where the sandbox listens, the certificate to trust and (unless quiet) the
    console, the default world's restaurants and its fake credentials."""
    sandbox = app.extensions["sandbox"]
    world = sandbox.store.get(None)
    lines = [f"pos-sandbox is ready at {base_url}  (control API: {base_url}/_sandbox, seed {world.seed})"]
    trust = [f"  TLS      trust {certificate.ca}  (certificate SHA-256 {certificate.fingerprint})"] if certificate else []
    if sandbox.config.quiet:
        return "\n".join(lines + trust)
    for provider in sandbox.providers:
        credentials = provider.credentials(world) or {}
        for client in credentials.get("clients", []):
            lines.append(f"  toast  {client['type']:<16} clientId={client['clientId']} "
                         f"clientSecret={client['clientSecret']}  scopes={len(client['scopes'])}")
        for key in credentials.get("keys", []):
            lines.append(f"  toster key={key['key']}  scopes={','.join(key['scopes'])}")
    for restaurant in toast_state(world).restaurants.values():
        lines.append(f"  toast  restaurant {restaurant.guid}  {restaurant.name} ({restaurant.location_name})")
    lines += trust + [f"  console  {base_url}/_sandbox/console"]
    return "\n".join(lines)


def check_port_free(host, port):
    """ValueError naming the port and --port when something already listens there (gunicorn would retry for
    seconds with raw errors)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ValueError(f"port {port} on {host} is already in use; pick another with --port") from exc
            raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc


@dataclass
class Launch:
    """What either HTTP server needs: the app (built once, before any fork), where it listens, the certificate and
    the access log, and what to do once serving begins and when it ends."""

    app: object
    config: object
    certificate: object
    lines: BatchedLines
    host: str           # as in a URL: an IPv6 address in brackets

    @property
    def base_url(self):
        return f"{'https' if self.certificate else 'http'}://{self.host}:{self.config.port}"

    def banner(self):
        return banner(self.app, self.base_url, self.certificate)

    def started(self):
        """In the serving process, after any fork (threads do not survive one): the worlds kept in the state dir,
        the webhook delivery worker and the access log's writer."""
        self.app.extensions["sandbox"].start()
        self.lines.start()

    def stopped(self):
        self.app.extensions["sandbox"].stop()        # saves the worlds to the state dir, if there is one
        self.lines.flush()


def serve(config):
    """Run until interrupted on the configured server (granian or gunicorn); returns the exit status."""
    check_port_free(config.host, config.port)
    certificate = tls.for_config(config)
    if certificate is not None:
        try:
            certificate.server_context()
        except (ssl.SSLError, OSError) as exc:
            raise ValueError(f"cannot serve {certificate.cert} with {certificate.key}: {exc}") from exc
    app = create_app(config)
    lines = app.extensions["sandbox"].observer.lines = BatchedLines(sys.stdout)      # the access log
    launch = Launch(app, config, certificate, lines, f"[{config.host}]" if ":" in config.host else config.host)
    if config.server == "gunicorn":
        from sandbox import server_gunicorn as chosen
    else:
        from sandbox import server_granian as chosen
    return chosen.run(launch)
