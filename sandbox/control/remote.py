"""Calls from the command line to the control API of a running sandbox, with errors reduced to one line."""

import warnings

import requests
import urllib3

TIMEOUT_SECONDS = 10


class ControlError(Exception):
    """A control call that failed: exit 1 when the sandbox refused it, 2 when no sandbox answered."""

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code


def call(base_url, method, path, body=None, verify=True, headers=None, data=None):
    """The JSON answer of `/_sandbox{path}` (None for an empty one); ControlError on any failure. `data` sends
    ready JSON bytes (a world file) instead of `body`."""
    url = f"{base_url}/_sandbox{path}"
    headers = {**(headers or {}), **({"Content-Type": "application/json"} if data is not None else {})}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
            response = requests.request(method, url, json=body, data=data, headers=headers, verify=verify,
                                        timeout=TIMEOUT_SECONDS if data is None else 10 * TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise ControlError(f"cannot reach {base_url}: {_reason(exc)}", 2) from exc
    if not response.content:
        if response.ok:
            return None
        raise ControlError(f"{method} {path} answered {response.status_code} {response.reason}")
    try:
        answer = response.json()
    except ValueError as exc:
        raise ControlError(f"{base_url} answered {response.status_code} "
                           f"{response.headers.get('Content-Type', 'without a type')}, not the sandbox's control "
                           f"API: is --url right?", 2) from exc
    if not response.ok:
        message = answer.get("error") if isinstance(answer, dict) else None
        raise ControlError(f"{method} {path} answered {response.status_code}: {message or response.reason}")
    return answer


def _reason(exc):
    """The innermost cause of a connection failure, without urllib3's nesting."""
    while exc.__context__ is not None and not isinstance(exc, ConnectionRefusedError):
        exc = exc.__context__
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).split(": ")[-1]
