"""Serving on granian (the default): one worker process forked from the process that built the app, headers read
in Rust under a time limit, the banner printed once the worker listens, reloads (SIGHUP) refused, and the access
log flushed when the worker stops."""

import logging
import multiprocessing
import socket
import threading
import time
from pathlib import Path

from granian.constants import HTTPModes, Interfaces, SSLProtocols
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server.mp import MPServer, WorkerProcess

from sandbox.core.faults import Dropped

_serve_wsgi = MPServer._spawn_wsgi_worker.__wrapped__       # granian's own worker body, before its wrapping
_LISTEN_WAIT = 10.0
_launch = None          # the Launch being served (set before the fork; the worker inherits it)


class _Server(MPServer):
    """A reload would fork a fresh worker from the process that holds the worlds as they were at start."""

    def signal_handler_reload(self, *args, **kwargs):
        logging.getLogger("_granian").warning("pos-sandbox keeps its worlds in memory: not reloading")


class _QuietDrops(logging.Filter):
    """A connection dropped on purpose (a scenario) is not an application error (granian logs the traceback as
    the record's text)."""

    def filter(self, record):
        return Dropped.MARK not in record.getMessage()


@WorkerProcess.wrap_target
def _worker(*args, **kwargs):
    try:
        _serve_wsgi(*args, **kwargs)
    finally:
        _launch.stopped()


def _load(_target):
    """In the worker, after the fork: start the background threads, print the banner once the port answers."""
    for handler in logging.getLogger("_granian").handlers:
        handler.addFilter(_QuietDrops())
    _launch.started()
    threading.Thread(target=_announce, args=(_launch,), name="sandbox-banner", daemon=True).start()
    return _launch.app


def _announce(launch):
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(launch.config.host, launch.config.host)
    deadline = time.monotonic() + _LISTEN_WAIT
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, launch.config.port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.01)
    print(launch.banner(), flush=True)


def run(launch):
    """Serve until interrupted; returns the exit status."""
    global _launch
    _launch = launch
    config = launch.config
    multiprocessing.set_start_method("fork", force=True)      # the worker inherits the app built here
    level = LogLevels.debug if config.log_level == "debug" else LogLevels.error
    tls = {}
    if launch.certificate is not None:
        tls = {"ssl_cert": Path(launch.certificate.cert), "ssl_key": Path(launch.certificate.key),
               "ssl_protocol_min": SSLProtocols.tls12}
    server = _Server(
        "pos-sandbox", address=config.host, port=config.port, interface=Interfaces.WSGI, workers=1,
        blocking_threads=config.threads, http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=int(config.header_timeout * 1000)),
        log_level=level, workers_kill_timeout=5, **tls)
    server.serve(spawn_target=_worker, target_loader=_load)
    return 0
