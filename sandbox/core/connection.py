"""Reading a request body within a time limit under any HTTP server: through the connection's socket where the
server lends it (gunicorn, werkzeug), on a reader thread where it does not (granian reads in Rust, with no limit)."""

import contextlib
import socket
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

from werkzeug.exceptions import ClientDisconnected


class BodyTimeout(Exception):
    """The body did not arrive in time, or the client left while sending it."""


def held_socket(environ):
    """The connection's socket when the server lends it to the app (None under granian and the test client)."""
    return environ.get("gunicorn.socket") or environ.get("werkzeug.socket")


class BodyReader:
    """Runs `read()` under a time limit. With the socket at hand, the socket's own timeout ends the read and the
    connection's reading side is shut so that the rest is not taken for the next request. Under granian the read
    runs on a reader thread of its own: the request thread answers 408 when the limit runs out, and the reader stays
    until the client sends or leaves (the answer closes the connection). Reader threads start on first use, after
    any fork."""

    def __init__(self, threads):
        self._readers = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sandbox-body")

    def read(self, environ, read, seconds):
        connection = held_socket(environ)
        if connection is None and environ.get("SERVER_SOFTWARE") == "Granian":
            return self._on_reader(read, seconds)
        if connection is not None:
            previous = connection.gettimeout()
            connection.settimeout(seconds)
        try:
            return read()
        except (OSError, ClientDisconnected) as exc:     # the socket's time limit ran out, or the client left
            if connection is not None:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RD)
            raise BodyTimeout() from exc
        finally:
            if connection is not None:
                connection.settimeout(previous)

    def _on_reader(self, read, seconds):
        future = self._readers.submit(read)
        try:
            return future.result(timeout=seconds)
        except FutureTimeout as exc:
            raise BodyTimeout() from exc
        except (OSError, ClientDisconnected, ValueError) as exc:       # granian: the client left mid-body
            raise BodyTimeout() from exc
