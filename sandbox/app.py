"""create_app(config): wires the clock, the store, the providers and their routes; nothing runs at import."""

import logging
import time
from collections.abc import Mapping
from functools import partial

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from sandbox.config import Config, load_config
from sandbox.control.provider import ControlProvider
from sandbox.core import pipeline
from sandbox.core.clock import Clock
from sandbox.core.delivery import Dispatcher
from sandbox.core.errors import ApiError, error_class
from sandbox.core.faults import Faults
from sandbox.core.fixtures import load_fixtures
from sandbox.core.journal import Journal
from sandbox.core.observe import Observer
from sandbox.core.ratelimit import RateLimiter
from sandbox.core.scenarios import Scenarios
from sandbox.core.store import Store
from sandbox.core.webhooks import WebhookState
from sandbox.toast.provider import ToastProvider
from sandbox.toster.provider import TosterProvider

# The control API comes last: it answers paths no platform API claims.
PROVIDERS = (ToastProvider, TosterProvider, ControlProvider)


class Sandbox:
    """Everything one app instance owns: config, clock, fixtures, providers and the store of worlds."""

    def __init__(self, config):
        self.config = config
        self.clock = Clock(config.start_instant, frozen=config.frozen)
        # The seeded history ends at the pinned start instant (exactly, for reproducible worlds) or at now.
        start = config.start_instant
        self.seeded_at = start.timestamp() if start else self.clock.timestamp()
        self.fixtures = load_fixtures(config.fixtures)
        if config.history_days is not None:
            self.fixtures["history"] = {**self.fixtures.get("history", {}), "days": config.history_days}
        self.providers = [cls(self) for cls in PROVIDERS]
        self.store = Store(self._seed_world, config.seed)
        self.journal = Journal(config.journal_size)
        self.rate_limiter = RateLimiter(self.clock)
        self.scenarios = Scenarios(self.clock, config.seed)
        self.faults = Faults(self.scenarios)
        for name in config.scenarios:
            try:
                self.scenarios.add_preset(name)
            except ApiError as exc:
                raise ValueError(f"--scenario {name}: {exc.message}") from exc
        policies = {p.name: p.delivery_policy(config) for p in self.providers}
        self.webhooks = Dispatcher(self, {name: policy for name, policy in policies.items() if policy})
        self.observer = Observer(self, config.log_format)

    def _seed_world(self, world):
        world.state["webhooks"] = WebhookState(keep=self.config.webhook_log_size)
        for provider in self.providers:
            provider.seed(world, self.fixtures, self.seeded_at)

    def provider_for_path(self, path):
        """The provider whose base path is the longest prefix of `path` (the control API otherwise)."""
        best, best_length = self.providers[-1], -1
        for provider in self.providers:
            for base in provider.base_paths:
                if (path == base or path.startswith(base + "/")) and len(base) > best_length:
                    best, best_length = provider, len(base)
        return best


def create_app(config=None):
    """Build a sandbox app from a Config, a mapping of settings, or the defaults (plus environment)."""
    if not isinstance(config, Config):
        config = load_config(config if isinstance(config, Mapping) else None)
    logging.getLogger("sandbox").setLevel(config.log_level.upper())
    app = Flask("sandbox")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    sandbox = Sandbox(config)
    app.extensions["sandbox"] = sandbox
    for provider in sandbox.providers:
        for operation in provider.operations:
            view = partial(_dispatch, sandbox, provider, operation)
            endpoint = f"{provider.name}.{operation.spec.name}.{operation.operation_id}"
            # strict_slashes=False: `/orders/v2/orders/` answers like `/orders/v2/orders`, with no redirect.
            app.add_url_rule(operation.flask_rule, endpoint, view, methods=[operation.method], strict_slashes=False)
    app.register_error_handler(HTTPException, partial(_http_error, sandbox))
    return app


def _dispatch(sandbox, provider, operation, **path_params):
    return pipeline.handle(sandbox, provider, operation, path_params)


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
        pipeline.journal(sandbox, provider, None, None, response, started)
    sandbox.observer.request_done(provider, None, None, response, started)
    return response
