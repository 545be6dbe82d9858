"""THE request pipeline: one straight function that takes a request through every stage in order."""

import logging
import time
import uuid
from dataclasses import dataclass, field

from flask import Response, request

from sandbox.core.body import parse_form, parse_json, read_raw
from sandbox.core.connection import BodyTimeout
from sandbox.core.encoding import dumps
from sandbox.core.errors import (ApiError, BadRequest, InternalError, NotImplementedOperation, RequestTimeout,
                                 UnsupportedMediaType)
from sandbox.core.journal import environ_headers
from sandbox.core.openapi import FORM
from sandbox.core.store import DEFAULT_WORLD
from sandbox.core.world_paths import world_name

log = logging.getLogger("sandbox.pipeline")
_NO_BODY = object()
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
BODY_TIMEOUT = "The request body did not arrive within {seconds} s"


@dataclass
class Reply:
    """What a handler answers: a JSON-able body, a status and extra header lines (repeatable)."""

    body: object = None
    status: int = 200
    headers: list = field(default_factory=list)


@dataclass
class Context:
    """One request on its way through the pipeline."""

    sandbox: object
    provider: object
    operation: object
    world: object
    request: object = None
    headers: object = None
    params: dict = field(default_factory=dict)
    raw_body: bytes = None
    body: object = None
    principal: object = None
    restaurant: object = None


def unlocked(handler):
    """Mark a handler that takes the world lock itself (for work that must not block the world, such as sending
    webhooks to receivers that may call back)."""
    handler.unlocked = True
    return handler


def elsewhere(handler):
    """Mark a handler that changes no data of the request's own world (it creates or deletes another one), so the
    state dir does not save that world again."""
    handler.elsewhere = True
    return handler


def new_request_id():
    return str(uuid.uuid4())


def handle(sandbox, provider, operation, path_params):
    """Route -> journal -> scenarios -> authenticate/authorize -> rate limit -> validate -> handler -> respond.
    Every error leaves in the provider's own shape; the journal records what the client saw.

    Nothing slow holds the world: scenario waits and reading the body happen first; authentication, limits,
    validation and the handler then run under one hold of the world's lock, so a request sees one version of
    the world (a reset or restore swaps versions under that lock)."""
    started = time.perf_counter()
    req = request._get_current_object()      # the proxy costs a lookup per use; this request is used often
    ctx, rule, verdict, response, handler = None, None, None, None, None
    try:
        world = sandbox.store.get(world_name(req))
        ctx = Context(sandbox, provider, operation, world, req, req.headers)
        one_call = _one_call_rules(world, req) if provider.simulated else ()
        if one_call or (provider.simulated and world.scenarios.rules):
            rule = world.scenarios.fire(provider.describe(ctx), one_call)
            if rule is not None:
                response = world.faults.apply(ctx, rule, provider)
        if response is None:
            raw = ctx.raw_body = _read_raw_body(sandbox, req, operation)
            handler = provider.handler_for(operation)
            if getattr(handler, "unlocked", False):
                reply = _run(ctx, provider, operation, path_params, raw, handler)
            else:
                with world.lock:
                    reply = _run(ctx, provider, operation, path_params, raw, handler)
            if isinstance(reply, tuple):
                reply, verdict = reply
            response = world.faults.after_commit(ctx, rule, provider, reply)   # commit-then-fail rules
    except ApiError as error:
        verdict = getattr(error, "verdict", None)    # a 429's, or the limits counted before the error
        reply = error_reply(provider, error, new_request_id())
    except Exception:  # noqa: BLE001 - the client gets the provider's 500, the log gets the trace
        log.exception("handler failed for %s %s", req.method, req.path)
        reply = error_reply(provider, InternalError(), new_request_id())
    if response is None and isinstance(reply, Response):
        response = reply        # a page, not JSON (the control API's console)
    if response is None:
        if verdict is not None:
            reply.headers.extend(provider.rate_limit_headers(verdict))
        response = respond(sandbox, provider, operation, reply, strict=rule is None)
    if ctx is not None and req.method not in SAFE_METHODS and not getattr(handler, "elsewhere", False):
        ctx.world.changes += 1
    if provider.simulated and ctx is not None:
        journal(ctx.world, provider, ctx, req, operation, response, started, rule)
    sandbox.observer.request_done(req, provider, operation, ctx and ctx.world, response, started, rule)
    return response


def _one_call_rules(world, req):
    """The rules of the preset named by an `X-Sandbox-Scenario` header, for this request only."""
    name = req.headers.get("X-Sandbox-Scenario")
    return world.scenarios.one_call_rules(name) if name else ()


def _run(ctx, provider, operation, path_params, raw, handler):
    """Authenticate, authorize, count against the limits, validate and call the handler; returns (Reply, Verdict)
    or a Response."""
    provider.authenticate(ctx)
    provider.authorize(ctx)
    verdict = None
    if provider.simulated and ctx.world.rate_limits:
        verdict = ctx.world.limiter.check(provider.rate_limits(ctx))
    try:
        body = _parse_body(ctx.request, operation, raw)
        ctx.params = operation.parse_parameters(path_params, ctx.request.args, ctx.headers)
        if body is not _NO_BODY:
            operation.validate_body(body)
            ctx.body = body
        if handler is None:
            raise NotImplementedOperation()
        result = handler(ctx)
    except ApiError as error:
        error.verdict = verdict
        raise
    if isinstance(result, Response):
        return result
    return (result if isinstance(result, Reply) else Reply(result)), verdict


def journal(world, provider, ctx, req, operation, response, started, rule=None):
    """Record a finished request in its world's journal."""
    body = b"" if response.is_streamed else response.get_data()
    world.journal.record(
        (environ_headers(req.environ), _request_body(req, ctx), list(response.headers.items()), body),
        time=world.clock.timestamp(), method=req.method, path=req.path,
        operationId=operation.operation_id if operation else None, provider=provider.name, world=world.name,
        client=provider.caller(ctx) if ctx else None,
        restaurant=req.environ.get("HTTP_TOAST_RESTAURANT_EXTERNAL_ID"), status=response.status_code,
        latencyMs=round((time.perf_counter() - started) * 1000, 3), scenario=rule.id if rule else None)


def journal_unrouted(sandbox, provider, response, started):
    """Record an unknown path or method in the journal of the world the request named, if there is one."""
    try:
        world = sandbox.store.worlds.get(world_name(request) or DEFAULT_WORLD)
    except ApiError:
        world = None
    if world is not None:
        journal(world, provider, None, request, None, response, started)


def _request_body(req, ctx):
    if ctx is not None and ctx.raw_body is not None:
        return ctx.raw_body
    length = req.environ.get("CONTENT_LENGTH", "")
    if length.isdigit() and len(length) <= 19 and int(length):
        return f"<{int(length)} bytes, not read: not kept>"
    return b""


def error_reply(provider, error, request_id):
    """An ApiError as the provider's wire shape."""
    return Reply(provider.error_body(error, request_id), error.status, list(error.headers.items()))


def _read_raw_body(sandbox, req, operation):
    """The raw body of an operation that takes one (None otherwise), read with a time limit so that a client that
    sends less than it announced gets a 408 instead of holding a thread; 413 over the size limit."""
    if not operation.has_body:
        return None
    config = sandbox.config
    # A world export is larger than any API body: the import operation has a limit of its own.
    limit = config.max_import_bytes if operation.extension("x-sandbox-large-body") else config.max_body_bytes
    req.max_content_length = limit
    try:
        return sandbox.bodies.read(req.environ, lambda: read_raw(req, limit), config.body_timeout)
    except BodyTimeout as exc:
        # What is left of the body must not be read as the next request: the answer ends the connection.
        raise RequestTimeout(BODY_TIMEOUT.format(seconds=config.body_timeout),
                             headers={"Connection": "close"}) from exc


def _parse_body(req, operation, raw):
    """The parsed JSON body, or _NO_BODY for operations without one; 415 and 400 as the platforms answer."""
    if raw is None:
        return _NO_BODY
    if not raw:
        if operation.body_required:
            raise BadRequest(f"A {'form' if operation.form_body else 'JSON'} request body is required")
        return _NO_BODY
    if operation.form_body:
        if req.mimetype != FORM:
            raise UnsupportedMediaType(f"Content-Type must be {FORM}, not {req.mimetype or 'missing'}")
        return parse_form(raw)
    if req.mimetype != "application/json" and not req.mimetype.endswith("+json"):
        raise UnsupportedMediaType(f"Content-Type must be application/json, not {req.mimetype or 'missing'}")
    return parse_json(raw)


def respond(sandbox, provider, operation, reply, strict=True):
    """Serialize a reply; in strict mode a body that breaks our own spec becomes a loud 500 (faults that scenarios
    inject on purpose are not checked)."""
    if operation is not None and sandbox.config.strict and strict:
        problems = operation.response_problems(reply.status, reply.body) if reply.status != 204 else []
        if problems:
            text = "; ".join(f"{f}: {m}" if f else m for f, m in problems[:5])
            log.error("response of %s broke the spec: %s", operation.operation_id, text)
            error = InternalError(f"Sandbox bug: the {reply.status} response of {operation.operation_id} "
                                  f"does not match the spec ({text})")
            reply = error_reply(provider, error, new_request_id())
    return json_response(reply)


def json_response(reply):
    """A Flask response for a Reply: JSON body (none for 204) and every header line."""
    data = b"" if reply.status == 204 else dumps(reply.body)
    response = Response(data, status=reply.status, content_type="application/json")
    for name, value in reply.headers:
        response.headers.add(name, str(value))
    return response
