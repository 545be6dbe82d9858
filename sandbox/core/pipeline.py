"""THE request pipeline: one straight function that takes a request through every stage in order."""

import json
import logging
import uuid
from dataclasses import dataclass, field

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from sandbox.core.errors import (ApiError, BadRequest, InternalError, NotImplementedOperation, PayloadTooLarge,
                                 UnsupportedMediaType)

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

    @property
    def now(self):
        return self.sandbox.clock.now()


def unlocked(handler):
    """Mark a handler that takes the world lock itself (for work that must not block the world, such as sending
    webhooks to receivers that may call back)."""
    handler.unlocked = True
    return handler


def new_request_id():
    return str(uuid.uuid4())


def handle(sandbox, provider, operation, path_params):
    """Route -> authenticate/authorize -> validate -> handler -> respond; every error leaves as the provider's."""
    request_id = new_request_id()
    try:
        world = sandbox.store.get(request.headers.get("X-Sandbox-World"))
        ctx = Context(sandbox, provider, operation, world, request_id, request.headers)
        provider.authenticate(ctx)
        provider.authorize(ctx)
        body = _read_body(operation, sandbox.config.max_body_bytes)
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
            with world.lock:
                result = handler(ctx)
        reply = result if isinstance(result, Reply) else Reply(result)
    except ApiError as error:
        reply = error_reply(provider, error, request_id)
    except Exception:  # noqa: BLE001 - the client gets the provider's 500, the log gets the trace
        log.exception("handler failed for %s %s", request.method, request.path)
        reply = error_reply(provider, InternalError(), request_id)
    return respond(sandbox, provider, operation, reply)


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


def respond(sandbox, provider, operation, reply):
    """Serialize a reply; in strict mode a body that breaks our own spec becomes a loud 500."""
    if operation is not None and sandbox.config.strict:
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
