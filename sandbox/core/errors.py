"""API errors: one exception class per status; each provider renders them in its own wire shape."""


class ApiError(Exception):
    """An error answer. The status lives on the class; the message, field and details on the instance."""

    status = 500
    message = "Internal error"

    def __init__(self, message=None, *, field=None, details=None, errors=(), headers=None, code=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.field = field
        self.details = details or {}
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.code = code


class BadRequest(ApiError):
    status = 400
    message = "Bad request"


class Unauthorized(ApiError):
    status = 401
    message = "Authentication failed"


class Forbidden(ApiError):
    status = 403
    message = "Access denied"


class NotFound(ApiError):
    status = 404
    message = "Not found"


class MethodNotAllowed(ApiError):
    status = 405
    message = "Method not allowed"


class Conflict(ApiError):
    status = 409
    message = "Conflict"


class RequestTimeout(ApiError):
    status = 408
    message = "Request timeout"


class PayloadTooLarge(ApiError):
    status = 413
    message = "Request body too large"


class UnsupportedMediaType(ApiError):
    status = 415
    message = "Content-Type must be application/json"


class Unprocessable(ApiError):
    status = 422
    message = "Unprocessable entity"


class TooManyRequests(ApiError):
    status = 429
    message = "Rate limit exceeded"


class InternalError(ApiError):
    status = 500
    message = "Internal server error"


class NotImplementedOperation(ApiError):
    status = 501
    message = "This operation is in the spec but the sandbox does not implement it yet"


class BadGateway(ApiError):
    status = 502
    message = "Bad gateway"


class ServiceUnavailable(ApiError):
    status = 503
    message = "Service unavailable"


class GatewayTimeout(ApiError):
    status = 504
    message = "Gateway timeout"


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def error_class(status):
    """The error class for an HTTP status (a plain ApiError subclass is made for unusual ones)."""
    for cls in _all_subclasses(ApiError):
        if cls.status == status and cls.__module__ == __name__:
            return cls
    return type(f"Error{status}", (ApiError,), {"status": status, "message": f"Error {status}"})
