"""THE request pipeline: one straight function that takes a request through every stage in order."""

import json
import logging
import time
import uuid
from dataclasses import dataclass, field

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from sandbox.core.errors import (ApiError, BadRequest, InternalError, NotImplementedOperation, PayloadTooLarge,
                                 UnsupportedMediaType)
from sandbox.core.journal import mask_body, mask_headers
from sandbox.core.ratelimit import RateLimited

log = logging.getLogger("sandbox.pipeline")
_NO_BODY = object()


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
    request_id: str
    headers: object = None
    params: dict = field(default_factory=dict)
    body: object = None
    principal: object = None
    restaurant: object = None


def unlocked(handler):
    """Mark a handler that takes the world lock itself (for work that must not block the world, such as sending
    webhooks to receivers that may call back)."""
    handler.unlocked = True
    return handler


def new_request_id():
    return str(uuid.uuid4())


def handle(sandbox, provider, operation, path_params):
    """Route -> journal -> scenarios -> authenticate/authorize -> rate limit -> validate -> handler -> respond.
    Every error leaves in the provider's own shape; the journal records what the client saw."""
    started = time.perf_counter()
    request_id = new_request_id()
    ctx, rule, verdict, response = None, None, None, None
    try:
        world = sandbox.store.get(request.headers.get("X-Sandbox-World"))
        ctx = Context(sandbox, provider, operation, world, request_id, request.headers)
        if provider.simulated:
            rule = sandbox.scenarios.fire(provider.describe(ctx), _one_call_rules(sandbox))
            if rule is not None:
                response = sandbox.faults.apply(ctx, rule, provider)
        if response is None:
            provider.authenticate(ctx)
            provider.authorize(ctx)
            if provider.simulated and sandbox.config.rate_limits:
                verdict = sandbox.rate_limiter.check(provider.rate_limits(ctx))
            reply = _run(ctx, provider, operation, path_params)
    except RateLimited as error:
        verdict = error.verdict
        reply = error_reply(provider, error, request_id)
    except ApiError as error:
        reply = error_reply(provider, error, request_id)
    except Exception:  # noqa: BLE001 - the client gets the provider's 500, the log gets the trace
        log.exception("handler failed for %s %s", request.method, request.path)
        reply = error_reply(provider, InternalError(), request_id)
    if response is None and isinstance(reply, Response):
        response = reply        # a page, not JSON (the control API's console)
    if response is None:
        if verdict is not None:
            reply.headers.extend(provider.rate_limit_headers(verdict))
        response = respond(sandbox, provider, operation, reply, strict=rule is None)
    if provider.simulated:
        journal(sandbox, provider, ctx, operation, response, started, rule)
    sandbox.observer.request_done(provider, operation, ctx and ctx.world, response, started, rule)
    return response


def _one_call_rules(sandbox):
    """The rules of the preset named by an `X-Sandbox-Scenario` header, for this request only."""
    name = request.headers.get("X-Sandbox-Scenario")
    return sandbox.scenarios.one_call_rules(name) if name else ()


def _run(ctx, provider, operation, path_params):
    """Validate the request and call the handler (under the world lock unless it takes the lock itself)."""
    body = _read_body(operation, ctx.sandbox.config.max_body_bytes)
    ctx.params = operation.parse_parameters(path_params, request.args, request.headers)
    if body is not _NO_BODY:
        operation.validate_body(body)
        ctx.body = body
    handler = provider.handler_for(operation)
    if handler is None:
        raise NotImplementedOperation()
    if getattr(handler, "unlocked", False):
        result = handler(ctx)
    else:
        with ctx.world.lock:
            result = handler(ctx)
    return result if isinstance(result, (Reply, Response)) else Reply(result)


def journal(sandbox, provider, ctx, operation, response, started, rule=None):
    """Record a finished request in the sandbox's journal."""
    body = b"" if response.is_streamed else response.get_data()
    sandbox.journal.record(
        time=sandbox.clock.timestamp(), method=request.method, path=request.path,
        operationId=operation.operation_id if operation else None, provider=provider.name,
        world=ctx.world.name if ctx else request.headers.get("X-Sandbox-World", "default"),
        client=provider.caller(ctx) if ctx else None,
        restaurant=request.headers.get("Toast-Restaurant-External-ID"), status=response.status_code,
        latencyMs=round((time.perf_counter() - started) * 1000, 3), scenario=rule.id if rule else None,
        requestHeaders=mask_headers(request.headers.items()), requestBody=mask_body(_request_body()),
        responseHeaders=mask_headers(response.headers.items()), responseBody=mask_body(body))


def _request_body():
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        return f"<{request.content_length} bytes, over the limit: not kept>"


def error_reply(provider, error, request_id):
    """An ApiError as the provider's wire shape."""
    return Reply(provider.error_body(error, request_id), error.status, list(error.headers.items()))


def _read_body(operation, limit):
    """The parsed JSON body, or _NO_BODY for operations without one; 413, 415 and 400 as the platforms answer."""
    if not operation.has_body:
        return _NO_BODY
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"Request body is larger than {limit} bytes")
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge as exc:
        raise PayloadTooLarge(f"Request body is larger than {limit} bytes") from exc
    if not raw:
        if operation.body_required:
            raise BadRequest("A JSON request body is required")
        return _NO_BODY
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise UnsupportedMediaType(f"Content-Type must be application/json, not {request.mimetype or 'missing'}")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}") from exc


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
    data = b"" if reply.status == 204 else json.dumps(reply.body, separators=(",", ":")).encode()
    response = Response(data, status=reply.status, content_type="application/json")
    for name, value in reply.headers:
        response.headers.add(name, str(value))
    return response
