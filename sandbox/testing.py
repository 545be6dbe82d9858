"""A pytest plugin for users and for our own tests: a fresh sandbox per test, in-process or on a real socket."""

import threading

import pytest
from werkzeug.serving import make_server

from sandbox.app import create_app
from sandbox.tls import temporary as temporary_certificate

# Tests run with the clock frozen at a fixed instant, so time only moves when a test moves it. Rate limits are off:
# with time standing still every request would share one window (switch them on with {"rate_limits": True}).
TEST_SETTINGS = {"strict": True, "frozen": True, "start_time": "2026-11-02T17:30:00.000Z", "seed": 1,
                 "rate_limits": False}


@pytest.fixture
def pos_sandbox_app():
    """A new sandbox app with its own seeded world (strict: every response is checked against the spec)."""
    return create_app(dict(TEST_SETTINGS))


@pytest.fixture
def pos_sandbox_client(pos_sandbox_app):
    """Flask's test client for the sandbox app."""
    return pos_sandbox_app.test_client()


class LiveSandbox:
    """A sandbox served on a loopback port from a background thread, with its webhook worker running."""

    def __init__(self, app, tls=False):
        self.app = app
        # With tls=True it serves HTTPS; clients trust `.ca` (e.g. `requests.get(url, verify=live.ca)`).
        self.certificate = temporary_certificate() if tls else None
        self.ca = self.certificate.ca if tls else None
        self._server = make_server("127.0.0.1", 0, app, threaded=True,
                                   ssl_context=self.certificate.server_context() if tls else None)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        self.app.extensions["sandbox"].webhooks.start()
        return self

    def __exit__(self, *exc):
        self.app.extensions["sandbox"].webhooks.stop()
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def pos_sandbox_live(pos_sandbox_app):
    """A LiveSandbox (with `.url`) for clients that need a real socket."""
    with LiveSandbox(pos_sandbox_app) as live:
        yield live
