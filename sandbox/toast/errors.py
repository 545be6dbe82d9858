"""Toast's error body and the message texts the platform uses."""

from flask import request

# Messages, as named constants so tests and handlers share one wording.
TOKEN_MISSING = "Authorization header with a Bearer access token is required"
TOKEN_MALFORMED = "The Authorization header must be 'Bearer <access token>'"
TOKEN_UNKNOWN = "The access token is not valid; log in again"
TOKEN_EXPIRED = "The access token has expired; log in again"
BAD_CREDENTIALS = "Invalid client credentials"
RESTAURANT_HEADER_MISSING = "The Toast-Restaurant-External-ID header is required"
RESTAURANT_HEADER_MALFORMED = "The Toast-Restaurant-External-ID header must be a restaurant GUID"
RESTAURANT_NOT_CONNECTED = "Restaurant({guid}) is not connected to this API client"
RESTAURANT_NOT_YET_AVAILABLE = ("Restaurant({guid}) was connected less than {seconds} seconds ago and is not "
                                "available yet")
RESTAURANT_DELETED = "Restaurant({guid}) has been deleted"
MISSING_SCOPE = "This API client lacks the scope this operation needs (one of: {scopes})"
PARTNERS_ONLY = "Only partner API clients can use the partners API"
GUID_MALFORMED = "The GUID was malformed"

# What injected faults say, by status (scenarios may give their own message).
REPORT_IN_PROGRESS = "The report is still being gathered; ask again later"
FAULT_MESSAGES = {
    401: TOKEN_EXPIRED,
    429: "Rate limit exceeded; retry after the time in Retry-After",
    500: "An internal error occurred",
    502: "Bad gateway",
    503: "The service is temporarily unavailable; retry after the time in Retry-After",
    504: "Gateway timeout",
}

# Toast error codes by status, used when an error carries no code of its own.
_CODES = {400: 10025, 401: 10006, 403: 10007, 404: 10008, 409: 10009, 413: 10010, 415: 10011, 429: 10012}


def _one(error, request_id):
    return {
        "status": error.status,
        "code": error.code if error.code is not None else _CODES.get(error.status, error.status * 100),
        "message": error.message,
        "messageKey": None,
        "fieldName": error.field,
        "link": None,
        "requestId": request_id,
        "developerMessage": None,
        "errors": [_one(sub, request_id) for sub in error.errors],
        "canRetry": None,
    }


def in_progress(guid):
    """The analytics API's 202 body for a report still being gathered."""
    return {"message": REPORT_IN_PROGRESS, "reportStatus": "IN_PROGRESS", "reportRequestGuid": guid}


def error_body(error, request_id):
    """Toast's ErrorMessage: every key present, nulls included; sub-errors in `errors`. A scenario's 202 is the
    analytics API's in-progress answer for the report in the path."""
    if error.status == 202:
        return in_progress((request.view_args or {}).get("reportRequestGuid"))
    return _one(error, request_id)
