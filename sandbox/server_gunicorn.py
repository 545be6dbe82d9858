"""Serving on gunicorn (gthread, one worker): a request takes a thread only once its headers have arrived, what
gunicorn refuses while parsing answers in the provider's shape, and the worker count cannot change."""

import http
import socket
import threading
import time

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.http import errors as parse_errors
from gunicorn.workers.gthread import _DEFER, ThreadWorker

from sandbox.core import pipeline
from sandbox.core.encoding import dumps
from sandbox.core.errors import error_class

HEAD_END = b"\r\n\r\n"
# Past this much without the end of the headers, gunicorn's own limits (below) refuse the request.
HEAD_LIMIT = 128 * 1024
REQUEST_LINE_LIMIT = 8190       # the longest gunicorn allows short of no limit at all
UNREADABLE = "The request could not be read: {problem}"
_STATUS = ((parse_errors.LimitRequestLine, 414), (parse_errors.LimitRequestHeaders, 431),
           (parse_errors.UnsupportedTransferCoding, 501), (parse_errors.ExpectationFailed, 417),
           ((parse_errors.InvalidRequestLine, parse_errors.InvalidRequestMethod, parse_errors.InvalidHTTPVersion,
             parse_errors.InvalidHeader, parse_errors.InvalidHeaderName, parse_errors.ObsoleteFolding,
             parse_errors.InvalidSchemeHeaders, parse_errors.InvalidChunkSize, parse_errors.ChunkMissingTerminator,
             parse_errors.InvalidChunkExtension), 400))
_current = threading.local()        # the path of the request a worker thread is parsing, for its error's shape


class Worker(ThreadWorker):
    """gunicorn's threaded worker, with the header block gathered on the poller before a thread is committed (a
    client that sends half a header and stops holds no thread, and is closed after header_timeout), and the
    requests gunicorn refuses answered as JSON in their provider's shape instead of HTML."""

    def handle(self, conn):
        if not self.cfg.is_ssl:
            arrived = self._head_arrived(conn, self.app.launch.config.header_timeout)
            if arrived is None:
                return _DEFER
            if not arrived:
                return False
        return super().handle(conn)

    @staticmethod
    def _head_arrived(conn, timeout):
        """True once the request's header block is buffered (or too large to wait for); None to wait on the poller
        for more; False when the client closed or took longer than `timeout`."""
        state = conn.__dict__
        unreader = conn.parser.unreader if conn.initialized else None
        head = unreader.buf.getvalue() if unreader else state.get("head", b"")
        if HEAD_END not in head and len(head) < HEAD_LIMIT:
            try:
                chunk = conn.sock.recv(HEAD_LIMIT, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                chunk = None
            except OSError:
                return True         # gunicorn meets the error itself
            if chunk == b"":
                return bool(head)
            if chunk:
                head += chunk
                if unreader:
                    unreader.unread(chunk)
                else:
                    state["head"] = head
        if HEAD_END in head or len(head) >= HEAD_LIMIT:
            state.pop("head_since", None)
            _current.path = _path_of(head)
            if not conn.initialized:
                conn.init()
                conn.parser.unreader.unread(state.pop("head", b""))
                conn.data_ready = True
            return True
        since = state.setdefault("head_since", time.monotonic())
        return None if time.monotonic() - since < timeout else False

    def handle_error(self, req, client, addr, exc):
        status = next((code for kinds, code in _STATUS if isinstance(exc, kinds)), None)
        if status is None:
            return super().handle_error(req, client, addr, exc)
        sandbox = self.app.launch.app.extensions["sandbox"]
        path = getattr(req, "path", None) or getattr(_current, "path", "/")
        error = error_class(status)(UNREADABLE.format(problem=exc))
        body = dumps(pipeline.error_reply(sandbox.provider_for_path(path), error,
                                                   pipeline.new_request_id()).body)
        head = (f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        self.log.debug("refused a request from %s: %s", addr, exc)
        try:
            client.sendall(head + body)
        except OSError:
            pass
        return None


def _path_of(head):
    target = head[:REQUEST_LINE_LIMIT].split(b"\r\n", 1)[0].split(b" ")
    return target[1].split(b"?", 1)[0].decode("latin-1") if len(target) > 1 else "/"


class _Arbiter(Arbiter):
    """The worlds live in the one worker's memory: a signal asking for another worker (or one less) is refused."""

    def handle_ttin(self):
        self.log.warning("pos-sandbox serves from one worker (its worlds are in memory): not adding one")

    def handle_ttou(self):
        self.log.warning("pos-sandbox serves from one worker: not removing it")


class _Application(BaseApplication):
    def __init__(self, launch, options):
        self.launch = launch
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)
        # gunicorn's control socket (25.1 on) can add workers, which would split the in-memory worlds.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)

    def load(self):
        return self.launch.app

    def run(self):
        _Arbiter(self).run()


def run(launch):
    """Serve until interrupted; returns gunicorn's exit status."""
    config = launch.config
    options = {
        "bind": f"{launch.host}:{config.port}",
        "workers": 1,
        "worker_class": Worker,
        "threads": config.threads,
        "preload_app": True,
        "timeout": 0,
        "graceful_timeout": 5,
        "keepalive": 5,
        "loglevel": config.log_level,
        # At or above the sandbox's own limits (sandbox.core.guard), which answer in the provider's shape.
        "limit_request_line": REQUEST_LINE_LIMIT,
        "limit_request_fields": 400,
        "limit_request_field_size": 32768,
        "when_ready": lambda _arbiter: print(launch.banner(), flush=True),
        "post_worker_init": lambda _worker: launch.started(),
        "worker_exit": lambda _arbiter, _worker: launch.stopped(),
    }
    if launch.certificate is not None:
        options.update(certfile=launch.certificate.cert, keyfile=launch.certificate.key)
    _Application(launch, options).run()
    return 0
