"""Admission before Flask: threads kept in reserve for the control API and health, so that API requests caught in
hangs, slow bodies or a flood can never take the last of them."""

import threading

from sandbox.core import pipeline
from sandbox.core.errors import error_class
from sandbox.core.guard import CONTROL_PREFIX

BUSY = ("The sandbox is serving {limit} API requests at once, its limit (threads minus the {reserve} kept for the "
        "control API); try again in a moment")
AMBIGUOUS_LENGTH = "The request has both Content-Length and Transfer-Encoding: its length is ambiguous"


class Admission:
    """WSGI middleware: API requests beyond `threads - reserve_threads` in flight answer 503 at once, in their
    provider's shape with Retry-After; control requests (`/_sandbox/...`) always go through. A request that frames
    its body two ways is refused before anything reads it."""

    def __init__(self, wsgi_app, sandbox):
        self.wsgi_app = wsgi_app
        self.sandbox = sandbox
        self.reserve = sandbox.config.reserve
        self.limit = sandbox.config.threads - self.reserve
        self.in_flight = 0
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if "HTTP_TRANSFER_ENCODING" in environ and environ.get("CONTENT_LENGTH"):
            return self._refuse(environ, start_response, error_class(400)(AMBIGUOUS_LENGTH),
                                {"Connection": "close"})
        if environ.get("PATH_INFO", "").startswith(CONTROL_PREFIX):
            return self.wsgi_app(environ, start_response)
        with self._lock:
            admitted = self.in_flight < self.limit
            self.in_flight += admitted
        if not admitted:
            error = error_class(503)(BUSY.format(limit=self.limit, reserve=self.reserve))
            return self._refuse(environ, start_response, error, {"Retry-After": "1"})
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _refuse(self, environ, start_response, error, headers):
        error.headers.update(headers)
        provider = self.sandbox.provider_for_path(environ.get("PATH_INFO", ""))
        response = pipeline.json_response(pipeline.error_reply(provider, error, pipeline.new_request_id()))
        return response(environ, start_response)
