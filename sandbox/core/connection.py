"""Reading a request body within a time limit where the HTTP server lends the app its socket (gunicorn, werkzeug);
granian reads bodies in Rust with no time limit, and its read cannot be interrupted from Python."""

import contextlib
import socket

from werkzeug.exceptions import ClientDisconnected

# How long a body read waits for a slot of the gate before answering 503: long enough for the gate to turn over
# when many ordinary bodies are read at once, short enough that waiting reads never hold the reserve's threads for
# long. (A hang or latency fault, slow by definition, does not wait.)
BODY_SLOT_WAIT = 0.05


class BodyTimeout(Exception):
    """The body did not arrive in time, or the client left while sending it."""


class BodyReader:
    """Runs a body read in a slot of the gate (sandbox.core.admission), so that slow bodies can never take the
    threads kept for the control API. With the socket at hand, the socket's own timeout ends the read and the
    connection's reading side is shut so that the rest is not taken for the next request. Without it (granian), a
    read waits until the client sends or leaves."""

    def __init__(self, gate):
        self.gate = gate

    def read(self, environ, read, seconds):
        connection = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
        with self.gate.slot(BODY_SLOT_WAIT):
            if connection is None:
                try:
                    return read()
                except ClientDisconnected as exc:
                    raise BodyTimeout() from exc
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
