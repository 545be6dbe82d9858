"""What every provider (Toast, Toster, the control API) gives the core: specs, handlers, auth and error shape."""

import functools
from abc import ABC, abstractmethod
from importlib import resources

from sandbox.core.openapi import Spec, SpecError
from sandbox.core.scenarios import Request


@functools.lru_cache(maxsize=None)
def load_spec(filename):
    """Read and compile one of our specs from the package's `specs` folder (once per process: specs are read-only)."""
    try:
        text = resources.files("sandbox").joinpath("specs", filename).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SpecError(f"{filename}: no such spec") from exc
    return Spec(filename, text)


class Provider(ABC):
    """Base class: subclasses list their APIs as (spec file, OPERATIONS map) and implement the hooks."""

    name = ""
    apis = ()
    # Simulated providers go through scenarios, rate limits and the journal; the control API does not.
    simulated = True

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.specs = []
        # (spec file, operationId) -> handler: operationIds are unique within a spec, not across them
        # (the menus and configuration APIs both have `menusGet`).
        self.handlers = {}
        for filename, operations in self.apis:
            spec = load_spec(filename)
            known = {op.operation_id for op in spec.operations}
            unknown = sorted(set(operations) - known)
            if unknown:
                raise SpecError(f"{filename}: handlers for operations the spec does not have: {unknown}")
            self.specs.append(spec)
            self.handlers.update({(filename, operation_id): handler for operation_id, handler in operations.items()})

    @classmethod
    def spec_operations(cls):
        """Every operation of this provider's specs (the specs are read once per process)."""
        return [op for filename, _ in cls.apis for op in load_spec(filename).operations]

    @property
    def operations(self):
        return [op for spec in self.specs for op in spec.operations]

    def handler_for(self, operation):
        """The handler of an operation, or None when the sandbox does not implement it."""
        return self.handlers.get((operation.spec.name, operation.operation_id))

    @property
    def base_paths(self):
        return [base for spec in self.specs for base in spec.base_paths]

    def authenticate(self, ctx):
        """Who is calling (sets ctx.principal); 401 when they cannot be identified."""

    def authorize(self, ctx):
        """May they call this operation here (scopes, restaurant access); 400/403 otherwise."""

    def caller(self, ctx):
        """Who is calling, as scenarios and the journal name them (without enforcing anything)."""
        return None

    def describe(self, ctx):
        """The request as scenario rules match it."""
        return Request(self.name, ctx.operation.spec.base_path.strip("/").split("/")[0], ctx.operation.operation_id,
                       ctx.request.method, ctx.request.path, ctx.headers.get("Toast-Restaurant-External-ID"),
                       self.caller(ctx))

    def rate_limits(self, ctx):
        """The limits this request counts against, in priority order (sandbox.core.ratelimit.Limit)."""
        return []

    def rate_limit_headers(self, verdict):
        """Header lines that report the limit closest to running out."""
        return []

    def expire_session(self, ctx):
        """Make the credentials of this request expire now (for the expired-token fault)."""

    def fault_message(self, status):
        """The message of an injected error with this status (None: the error class's default)."""
        return None

    def credentials(self, world):
        """What `GET /_sandbox/credentials` lists for this provider (nothing by default)."""
        return None

    def delivery_policy(self, config):
        """How this provider's webhooks are sent (None: it sends none)."""
        return None

    def seed(self, world, fixtures, seeded_at):
        """Fill a new world with this provider's seeded data."""

    def share(self, state):
        """The objects of a seeded template's `state` that copies of it may share until they change them (each
        provider copies such an object before changing it); nothing by default."""
        return []

    @abstractmethod
    def error_body(self, error, request_id):
        """The provider's wire shape for an ApiError."""
