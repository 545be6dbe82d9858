"""create_app(config): wires the providers, the routes and the store of worlds; nothing runs at import."""

import functools
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

from sandbox.config import Config, load_config
from sandbox.control.home import package_version
from sandbox.control.provider import ControlProvider
from sandbox.core import heap, pipeline, portable
from sandbox.core.admission import Admission, Gate
from sandbox.core.clock import parse_instant
from sandbox.core.connection import BodyReader
from sandbox.core.delivery import Dispatcher
from sandbox.core.errors import ApiError, BadRequest, error_class
from sandbox.core.fixtures import fixture_key, load_fixtures
from sandbox.core.guard import Guard
from sandbox.core.ids import IdFactory
from sandbox.core.observe import Observer
from sandbox.core.persist import StateDir
from sandbox.core.store import SnapshotBudget, Store, World, WorldSettings
from sandbox.core.templates import TEMPLATES, Data, Template
from sandbox.core.webhooks import WebhookState
from sandbox.core.world_paths import WorldPaths
from sandbox.toast.provider import ToastProvider
from sandbox.toster.provider import TosterProvider

# The control API comes last: it answers paths no platform API claims.
PROVIDERS = (ToastProvider, TosterProvider, ControlProvider)


@dataclass
class Seeding:
    """What the providers' seeders fill: a world's data in the making."""

    seed: int
    state: dict
    ids: IdFactory


class Sandbox:
    """Everything one app instance owns: config, providers, the webhook dispatcher and the store of worlds."""

    def __init__(self, config):
        heap.install()
        self.config = config
        self.providers = [cls(self) for cls in PROVIDERS]
        self.routes = {route_name(p, op): (p, op) for p in self.providers for op in p.operations}
        # Without a pinned start, every world's seeded history ends when the sandbox started.
        self.started = time.time()
        self.webhooks = Dispatcher(self, {p.name: p.delivery_policy(config) for p in self.providers
                                          if p.delivery_policy(config)})
        self.exports = portable.Exports(self.providers, self.webhooks.policies)
        self.snapshot_budget = SnapshotBudget(config.snapshot_bytes_per_world, config.snapshot_bytes_total)
        try:
            self.store = Store(self._make_world, WorldSettings.from_config(config), config.max_worlds)
        except ApiError as exc:
            raise ValueError(f"--scenario: {exc.message}") from exc
        if config.world_file:
            self.exports.load_file(self.store.get(None), config.world_file)
        self.observer = Observer(self, config.log_format)
        self.gate = Gate(config.threads, config.reserve)
        self.bodies = BodyReader(self.gate)
        self.state_dir = StateDir(self, config.state_dir, config.state_interval, package_version()) \
            if config.state_dir else None

    def start(self):
        """Start what runs in the serving process (after a server's fork): the worlds kept in the state dir come
        back, then webhook delivery and the state dir's saves begin."""
        if self.state_dir is not None:
            try:
                restored = self.state_dir.restore()
            except OSError as exc:
                raise ValueError(f"state dir {self.state_dir.folder}: {exc.strerror}") from exc
            logging.getLogger("sandbox.state").info("restored %d worlds from %s", len(restored),
                                                    self.state_dir.folder)
            self.state_dir.start()
        self.webhooks.start()

    def stop(self):
        """A graceful stop: webhook delivery ends and every changed world is saved."""
        self.webhooks.stop()
        if self.state_dir is not None:
            self.state_dir.stop()

    def world_settings(self, **overrides):
        """The app's world settings with some replaced; a start time that is not an instant is a 400."""
        settings = replace(WorldSettings.from_config(self.config), **overrides)
        if settings.start_time:
            try:
                parse_instant(settings.start_time)
            except ValueError as exc:
                raise BadRequest(f"startTime is not an ISO-8601 instant: {exc}", field="startTime") from exc
        return settings

    def _make_world(self, name, settings):
        world = World(name, settings, self.template(settings), self.config, self.snapshot_budget)
        self.webhooks.watch(world)
        return world

    def template(self, settings):
        """The seeded template for these settings, built once per process."""
        start = parse_instant(settings.start_time).timestamp() if settings.start_time else self.started
        key = (fixture_key(settings.fixtures), settings.seed, start, settings.history_days,
               self.config.webhook_log_size)
        return TEMPLATES.get(key, functools.partial(self._build_template, settings, start))

    def _build_template(self, settings, seeded_at):
        fixtures = load_fixtures(settings.fixtures, self.config.max_fixture_bytes)
        if settings.history_days is not None:
            fixtures = {**fixtures, "history": {**fixtures.get("history", {}), "days": settings.history_days}}
        seeding = Seeding(settings.seed, {"webhooks": WebhookState(keep=self.config.webhook_log_size)},
                          IdFactory(settings.seed))
        for provider in self.providers:
            provider.seed(seeding, fixtures, seeded_at)
        shared = [obj for provider in self.providers for obj in provider.share(seeding.state)]
        return Template(Data(seeding.state, seeding.ids), shared)

    def provider_for_path(self, path):
        """The provider whose base path, or claimed prefix, is the longest prefix of `path` (the control API
        otherwise)."""
        best, best_length = self.providers[-1], -1
        for provider in self.providers:
            for base in (*provider.base_paths, *provider.claimed_prefixes):
                if (path == base or path.startswith(base + "/")) and len(base) > best_length:
                    best, best_length = provider, len(base)
        return best


def route_name(provider, operation):
    return f"{provider.name}.{operation.spec.name}.{operation.operation_id}"


@functools.lru_cache(maxsize=None)
def _url_map(provider_classes):
    """The URL rules of every operation, built once per process (every app shares them; matching is read-only).
    strict_slashes=False: `/orders/v2/orders/` answers like `/orders/v2/orders`, with no redirect."""
    rules = [Rule(op.flask_rule, endpoint=route_name(cls, op), methods=[op.method])
             for cls in provider_classes for op in cls.spec_operations()]
    return Map(rules, strict_slashes=False, merge_slashes=False)


def create_app(config=None):
    """Build a sandbox app from a Config, a mapping of settings, or the defaults (plus environment)."""
    if not isinstance(config, Config):
        config = load_config(config if isinstance(config, Mapping) else None)
    logging.getLogger("sandbox").setLevel(config.log_level.upper())
    app = Flask("sandbox")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    sandbox = Sandbox(config)
    app.extensions["sandbox"] = sandbox
    # Flask matches every request once against the per-process map of our specs' operations.
    app.url_map = _url_map(PROVIDERS)
    for endpoint, (provider, operation) in sandbox.routes.items():
        app.view_functions[endpoint] = _view(sandbox, provider, operation)
    app.register_error_handler(HTTPException, functools.partial(_http_error, sandbox))
    app.before_request(functools.partial(Guard(config).check, sandbox))
    # A world's base URL is taken off the path first, so admission sees the platform path it leads to.
    app.wsgi_app = WorldPaths(Admission(app.wsgi_app, sandbox))
    return app


def _view(sandbox, provider, operation):
    """The view of one operation (a plain function: Flask inspects every view it calls, partials at more cost)."""
    def view(**path_params):
        return pipeline.handle(sandbox, provider, operation, path_params)
    return view


def _http_error(sandbox, exc):
    """Routing errors (unknown path, wrong method, body too large) in the shape of the provider they fell under."""
    provider = sandbox.provider_for_path(request.path)
    error = error_class(exc.code)(f"{exc.name}: {request.method} {request.path}")
    if exc.code == 404:
        error.message = f"No operation at {request.method} {request.path}"
    elif exc.code == 405:
        error.message = f"{request.method} is not allowed on {request.path}"
        error.headers["Allow"] = ", ".join(exc.valid_methods or ())
    started = time.perf_counter()
    response = pipeline.json_response(pipeline.error_reply(provider, error, pipeline.new_request_id()))
    if provider.simulated:
        pipeline.journal_unrouted(sandbox, provider, response, started)
    sandbox.observer.request_done(request, provider, None, None, response, started)
    return response
