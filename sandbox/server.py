"""Serve an app through gunicorn: one worker (the store is in memory) with threads, a banner when ready, an access
log line per request, and HTTPS when asked."""

import errno
import socket
import ssl
import sys

from gunicorn.app.base import BaseApplication

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


class _Server(BaseApplication):
    def __init__(self, app, options):
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            if key in self.cfg.settings:        # a setting of newer gunicorns only is left out on older ones
                self.cfg.set(key, value)

    def load(self):
        return self._app


def serve(config):
    """Run until interrupted; returns gunicorn's exit status."""
    check_port_free(config.host, config.port)
    certificate = tls.for_config(config)
    if certificate is not None:
        try:
            certificate.server_context()
        except (ssl.SSLError, OSError) as exc:
            raise ValueError(f"cannot serve {certificate.cert} with {certificate.key}: {exc}") from exc
    app = create_app(config)
    lines = app.extensions["sandbox"].observer.lines = BatchedLines(sys.stdout)      # the access log
    host = f"[{config.host}]" if ":" in config.host else config.host
    base_url = f"{'https' if certificate else 'http'}://{host}:{config.port}"

    def when_ready(_server):
        print(banner(app, base_url, certificate), flush=True)

    def post_worker_init(_worker):
        # Threads do not survive gunicorn's fork: the delivery worker starts in the serving process.
        app.extensions["sandbox"].start()
        lines.start()

    def worker_exit(_server, _worker):
        app.extensions["sandbox"].stop()       # saves the worlds to the state dir, if there is one
        lines.flush()

    options = {
        "bind": f"{host}:{config.port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": config.threads,
        "preload_app": True,
        "timeout": 0,
        "graceful_timeout": 5,
        "loglevel": config.log_level,
        # At or above the sandbox's own limits (sandbox.core.guard), which answer in the provider's shape; 8190 is
        # the longest request line gunicorn allows short of no limit at all.
        "limit_request_line": 8190,
        "limit_request_fields": 400,
        "limit_request_field_size": 32768,
        "when_ready": when_ready,
        "control_socket_disable": True,     # gunicorn 25+; several sandboxes on one machine would share its path
        "post_worker_init": post_worker_init,
        "worker_exit": worker_exit,
    }
    if certificate is not None:
        options.update(certfile=certificate.cert, keyfile=certificate.key)
    _Server(app, options).run()
    return 0
