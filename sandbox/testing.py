"""The pytest plugin (registered when the package is installed) and `run_sandbox` for any other test runner.

Fixtures:
- `pos_sandbox`: a SandboxClient on a fresh world of a sandbox served once per session (per xdist worker); the
  world is made from the test's `@pytest.mark.pos_sandbox(...)` settings and dropped afterwards.
- `pos_sandbox_receiver`: a WebhookReceiver on a loopback port.
- `pos_sandbox_factory`: `factory(**settings)` starts another sandbox of its own (for tests that need two).
- `pos_sandbox_app`, `pos_sandbox_client`, `pos_sandbox_live`: a whole in-process app per test (its Flask test
  client; the same served on a loopback port), for white-box tests.

Defaults, and why: the clock is frozen at TEST_START (time moves only when a test moves it, so dates and
tokens are the same in every run) and rate limits are off (with time standing still every request would share
one window). Both can be changed per suite (ini or command line) or per test (marker)."""

import contextlib
import itertools
import os
import re
import threading
from dataclasses import fields

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from sandbox.config import Config
from sandbox.client import SandboxClient
from sandbox.receiver import WebhookReceiver

TEST_START = "2026-11-02T17:30:00.000Z"
TEST_SETTINGS = {"strict": True, "frozen": True, "start_time": TEST_START, "seed": 1, "rate_limits": False}
# Settings a marker, an ini option or a command-line option may give (the ini/option name adds `pos_sandbox_`).
WORLD_SETTINGS = ("seed", "fixtures", "start_time", "history_days", "scenarios", "rate_limits", "frozen")
# Markers on tests that build a sandbox of their own may also set any other setting (`toster_per_minute=3`).
_SETTING_NAMES = {f.name for f in fields(Config)}
_BOOLEAN = {"frozen", "rate_limits"}
_INTEGER = {"seed", "history_days"}


class _QuietHandler(WSGIRequestHandler):
    """The journal and the console show requests; a test's output need not."""

    def log_request(self, *args, **kwargs):
        pass


class LiveSandbox:
    """A sandbox app served on a loopback port from background threads, with its webhook worker running."""

    def __init__(self, app, tls=False):
        self.app = app
        # With tls=True it serves HTTPS; clients trust `.ca` (e.g. `requests.get(url, verify=live.ca)`).
        self.certificate = self.ca = None
        if tls:
            from sandbox.tls import temporary     # cryptography is loaded only when TLS is asked for
            self.certificate = temporary()
            self.ca = self.certificate.ca
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler,
                                   ssl_context=self.certificate.server_context() if tls else None)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self._server.server_port}"
        token = app.extensions["sandbox"].config.admin_token
        # Headers for control API calls (the admin token, when one is set).
        self.control_headers = {"X-Sandbox-Token": token} if token else {}
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self):
        self._thread.start()
        self.app.extensions["sandbox"].start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self.app.extensions["sandbox"].stop()
        self._server.server_close()
        self._thread.join(5)


@contextlib.contextmanager
def run_sandbox(**settings):
    """Serve a sandbox in this process on a free loopback port until the block ends; yields a SandboxClient of its
    default world (`.url` for your own clients). Settings are the configuration's (`seed`, `start_time`,
    `history_days`, `rate_limits`, ...) over TEST_SETTINGS."""
    from sandbox.app import create_app      # here, not at import: every pytest run loads this plugin
    with LiveSandbox(create_app({**TEST_SETTINGS, **settings})) as live:
        yield SandboxClient(live.url, admin_token=settings.get("admin_token"))


# pytest -------------------------------------------------------------------------------------------------------

def pytest_addoption(parser):
    group = parser.getgroup("pos_sandbox", "pos-sandbox: the defaults of every test's world")
    group.addoption("--pos-sandbox-url", help="use this running sandbox (a container, say) instead of starting one")
    parser.addini("pos_sandbox_url", "use this running sandbox instead of starting one")
    group.addoption("--pos-sandbox-admin-token", help="the admin token of the sandbox at --pos-sandbox-url "
                                                     "(default: $SANDBOX_ADMIN_TOKEN)")
    parser.addini("pos_sandbox_admin_token", "the admin token of the sandbox at pos_sandbox_url")
    for name in WORLD_SETTINGS:
        flag = f"--pos-sandbox-{name.replace('_', '-')}"
        group.addoption(flag, dest=f"pos_sandbox_{name}", help=f"default {name} of each test's world")
        parser.addini(f"pos_sandbox_{name}", f"default {name} of each test's world")


def pytest_configure(config):
    config.addinivalue_line("markers", "pos_sandbox(seed=, fixtures=, start_time=, history_days=, scenarios=, "
                                       "rate_limits=, frozen=, ...): settings of the test's sandbox world (any "
                                       "setting for pos_sandbox_app and pos_sandbox_factory)")


def settings_for(node):
    """The world settings of a test: TEST_SETTINGS, then ini options, then command-line options, then markers
    from the module down to the test."""
    config = node.config
    settings = {name: TEST_SETTINGS.get(name) for name in WORLD_SETTINGS}
    for name in WORLD_SETTINGS:
        raw = config.getoption(f"pos_sandbox_{name}") or config.getini(f"pos_sandbox_{name}")
        if raw not in (None, "", []):
            settings[name] = _parse(name, raw)
    for marker in reversed(list(node.iter_markers("pos_sandbox"))):
        unknown = sorted(set(marker.kwargs) - _SETTING_NAMES)
        if unknown or marker.args:
            raise pytest.UsageError(f"pos_sandbox marker: unknown settings {unknown or marker.args}; "
                                    f"known: {', '.join(sorted(_SETTING_NAMES))}")
        settings.update(marker.kwargs)
    return settings


def _world_settings(node):
    """The settings of a world on the session's sandbox: app-wide ones need a sandbox of the test's own."""
    settings = settings_for(node)
    app_wide = sorted(set(settings) - set(WORLD_SETTINGS))
    if app_wide:
        raise pytest.UsageError(f"{node.nodeid}: {', '.join(app_wide)} apply to a whole sandbox: use "
                                f"pos_sandbox_app or pos_sandbox_factory, not the per-world pos_sandbox fixture")
    return settings


def _parse(name, raw):
    if name in _BOOLEAN:
        return str(raw).lower() in ("1", "true", "yes", "on")
    if name in _INTEGER:
        return int(raw)
    if name == "scenarios":
        return [s for s in re.split(r"[,\s]+", str(raw)) if s]
    return raw


@pytest.fixture(scope="session")
def pos_sandbox_server(pytestconfig):
    """The session's sandbox: the one at --pos-sandbox-url, or one served in this process (per xdist worker)."""
    url = pytestconfig.getoption("pos_sandbox_url") or pytestconfig.getini("pos_sandbox_url")
    if url:
        token = (pytestconfig.getoption("pos_sandbox_admin_token") or pytestconfig.getini("pos_sandbox_admin_token")
                 or os.environ.get("SANDBOX_ADMIN_TOKEN"))
        yield SandboxClient(url, admin_token=token)
        return
    with run_sandbox() as sandbox:
        yield sandbox


_WORLD_NUMBERS = itertools.count(1)


@pytest.fixture
def pos_sandbox(request, pos_sandbox_server):
    """A SandboxClient on a fresh world of the session's sandbox, made from the test's settings."""
    # Unique within the session's sandbox, also when xdist workers share one at --pos-sandbox-url.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{worker}t{next(_WORLD_NUMBERS)}-{re.sub(r'[^A-Za-z0-9_.-]', '-', request.node.name)}"[:64]
    world = pos_sandbox_server.new_world(name, **_world_settings(request.node))
    yield world
    world.delete_world()


@pytest.fixture
def pos_sandbox_receiver():
    """A webhook receiver on a loopback port (`.url`, `.deliveries`, `.fail()`, `.hang()`, `.wait_for()`)."""
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def pos_sandbox_factory(request):
    """`factory(**settings)`: start another sandbox of its own for this test; returns its SandboxClient."""
    with contextlib.ExitStack() as stack:
        def factory(**settings):
            return stack.enter_context(run_sandbox(**{**_app_settings(request.node), **settings}))
        yield factory


def _app_settings(node):
    return {**TEST_SETTINGS, **{k: v for k, v in settings_for(node).items() if v is not None}}


@pytest.fixture
def pos_sandbox_app(request):
    """A new sandbox app of its own (strict: every response is checked against the spec), from the test's
    settings."""
    from sandbox.app import create_app
    return create_app(_app_settings(request.node))


@pytest.fixture
def pos_sandbox_client(pos_sandbox_app):
    """Flask's test client for `pos_sandbox_app` (it sends the admin token, when one is set, with every request)."""
    client = pos_sandbox_app.test_client()
    token = pos_sandbox_app.extensions["sandbox"].config.admin_token
    if token:
        client.environ_base["HTTP_X_SANDBOX_TOKEN"] = token
    return client


@pytest.fixture
def pos_sandbox_live(pos_sandbox_app):
    """`pos_sandbox_app` served on a loopback port (`.url`), with its webhook worker running."""
    with LiveSandbox(pos_sandbox_app) as live:
        yield live
