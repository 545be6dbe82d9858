"""What a fired scenario does to a request: an error in the provider's shape, latency, a hang, a dropped or cut
connection, or a malformed body."""

import json
import socket
import threading

from flask import Response, request

from sandbox.core.errors import error_class

_MALFORMED = b'{"status": 200, "data": [{"guid": "'


class Dropped(Exception):
    """Raised from a response body to make a server that keeps its sockets to itself (granian) end the
    connection: it has sent the status line and headers, and the client sees the rest cut off."""

    MARK = "connection dropped on purpose by a scenario"

    def __init__(self):
        super().__init__(self.MARK)


def _end_connection(environ):
    """Shut the client connection down; under granian, which lends the app no socket, raise Dropped instead (the
    test client has neither: nothing to end)."""
    connection = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    if connection is not None:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    elif environ.get("SERVER_SOFTWARE") == "Granian":
        raise Dropped()


def _drop():
    """Close the client connection without answering (under granian the headers of a 502 go out first and the
    body never comes); the server's own write then fails quietly."""
    environ = request.environ
    if environ.get("SERVER_SOFTWARE") == "Granian":
        return Response(_cut(environ), status=502, headers={"Content-Length": "1", "Connection": "close"})
    _end_connection(environ)
    return Response(b"", status=502, headers={"Connection": "close"})


def _cut(environ):
    _end_connection(environ)
    yield b""


def _truncated(body):
    """Headers promising the whole body, half of it, then the connection closes."""
    environ = request.environ

    def stream():
        yield body[:len(body) // 2]
        _end_connection(environ)
    return Response(stream(), status=200, content_type="application/json",
                    headers={"Content-Length": str(len(body)), "Connection": "close"})


class Faults:
    """Applies fault specs; `release()` wakes every hang (used when scenarios are switched off)."""

    def __init__(self, scenarios):
        self._scenarios = scenarios
        self._release = threading.Event()

    def release(self):
        self._release.set()
        self._release = threading.Event()

    def apply(self, ctx, rule, provider):
        """Return a Response that ends the request, raise the ApiError to answer with, or return None to let the
        request go on (after any latency; a commit-then-fail rule lets it go on and answers in `after_commit`)."""
        if "commitThen" in rule.fault:
            return None
        return self._answer(ctx, rule.fault, provider)

    def after_commit(self, ctx, rule, provider, reply):
        """Commit-then-fail: once the handler has applied a write successfully, answer with the rule's `commitThen`
        fault (a status, a hang or a dropped connection) instead of the result; None leaves the reply alone."""
        then = rule.fault.get("commitThen") if rule is not None else None
        status = getattr(reply, "status_code", None) or getattr(reply, "status", 200)     # a Response or a Reply
        if then is None or not 200 <= status < 300:
            return None
        return self._answer(ctx, then, provider)

    def _answer(self, ctx, fault, provider):
        delay = self._scenarios.latency(fault)
        if delay or fault.get("hang"):
            with ctx.sandbox.gate.slot():       # waiting, it holds none of the threads kept for the control API
                if delay:
                    self._release.wait(delay)
                if fault.get("hang"):
                    self._release.wait(fault["hang"])
        if fault.get("hang"):
            return _drop()
        if fault.get("drop"):
            return _drop()
        if fault.get("empty"):
            return Response(b"", status=200, content_type="application/json")
        if fault.get("truncate"):
            return _truncated(json.dumps({"status": 200, "sandbox": "truncated on purpose", "padding": "x" * 64})
                              .encode())
        if fault.get("malformed"):
            return Response(_MALFORMED, status=200, content_type="application/json")
        if "status" in fault:
            if fault.get("expireToken"):
                provider.expire_session(ctx)
            error = error_class(fault["status"])(fault.get("message") or provider.fault_message(fault["status"]))
            if fault.get("retryAfter") is not None or fault["status"] in (429, 503):
                error.headers["Retry-After"] = str(fault.get("retryAfter", 1))
            raise error
        return None
