"""Threads kept for the control API and health: the slow stages of API requests (a hang or latency fault, reading a
body) take a slot of a gate sized `threads - reserve`, and a request that finds the gate full answers 503 in its
provider's shape instead of taking one of the last threads. Also the framing no server should pass on."""

import contextlib
import threading

from sandbox.core import pipeline
from sandbox.core.errors import error_class

BUSY = ("The sandbox is already holding {limit} API requests that wait (hangs, latency or bodies still arriving), "
        "its limit: threads minus the {reserve} kept for the control API; try again in a moment")
AMBIGUOUS_LENGTH = "The request has both Content-Length and Transfer-Encoding: its length is ambiguous"


class Gate:
    """Slots for the slow stages of API requests; `reserve` threads are left to everything else."""

    def __init__(self, threads, reserve):
        self.limit = max(1, threads - reserve)
        self.reserve = reserve
        self._slots = threading.BoundedSemaphore(self.limit)

    @contextlib.contextmanager
    def slot(self, wait=0.0):
        """Hold a slot while the block runs; 503 (Retry-After: 1) when none frees up within `wait` seconds."""
        if not self._slots.acquire(timeout=wait):
            raise error_class(503)(BUSY.format(limit=self.limit, reserve=self.reserve), headers={"Retry-After": "1"})
        try:
            yield
        finally:
            self._slots.release()


class Admission:
    """WSGI middleware: a request that frames its body two ways (Content-Length and Transfer-Encoding) is refused
    in its provider's shape before anything reads it, under any server."""

    def __init__(self, wsgi_app, sandbox):
        self.wsgi_app = wsgi_app
        self.sandbox = sandbox

    def __call__(self, environ, start_response):
        if "HTTP_TRANSFER_ENCODING" in environ and environ.get("CONTENT_LENGTH"):
            error = error_class(400)(AMBIGUOUS_LENGTH, headers={"Connection": "close"})
            provider = self.sandbox.provider_for_path(environ.get("PATH_INFO", ""))
            response = pipeline.json_response(pipeline.error_reply(provider, error, pipeline.new_request_id()))
            return response(environ, start_response)
        return self.wsgi_app(environ, start_response)
