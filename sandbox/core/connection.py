"""Reading a request body within a time limit where the HTTP server lends the app its socket (gunicorn, werkzeug),
and within a cap on waiting readers where it does not (granian reads bodies in Rust, with no time limit)."""

import contextlib
import socket
import threading

from werkzeug.exceptions import ClientDisconnected

from sandbox.core.errors import error_class

TOO_MANY_READS = ("{limit} requests are already waiting for their bodies to arrive; send the body with the "
                  "headers, or try again in a moment")


class BodyTimeout(Exception):
    """The body did not arrive in time, or the client left while sending it."""


class BodyReader:
    """Runs a body read under a time limit. With the socket at hand, the socket's own timeout ends the read and the
    connection's reading side is shut so that the rest is not taken for the next request. Without it (granian,
    whose read cannot be interrupted from Python, not even from another thread), a read waits until the client
    sends or leaves: at most `limit` reads wait at once, and a body beyond them answers 503 at once, so that slow
    bodies can take neither the control API's threads nor every API thread."""

    def __init__(self, limit):
        self.limit = limit
        self.waiting = 0
        self._lock = threading.Lock()

    def read(self, environ, read, seconds):
        connection = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
        if connection is None:
            return self._counted(read)
        previous = connection.gettimeout()
        connection.settimeout(seconds)
        try:
            return read()
        except (OSError, ClientDisconnected) as exc:     # the socket's time limit ran out, or the client left
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RD)
            raise BodyTimeout() from exc
        finally:
            connection.settimeout(previous)

    def _counted(self, read):
        with self._lock:
            admitted = self.waiting < self.limit
            self.waiting += admitted
        if not admitted:
            raise error_class(503)(TOO_MANY_READS.format(limit=self.limit), headers={"Retry-After": "1"})
        try:
            return read()
        except ClientDisconnected as exc:
            raise BodyTimeout() from exc
        finally:
            with self._lock:
                self.waiting -= 1
