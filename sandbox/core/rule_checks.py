"""Checks a scenario rule fully before it is switched on, so that no stored rule can fail while matching."""

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sandbox.core.errors import BadRequest

MATCH_KEYS = ("provider", "api", "operationId", "method", "path", "restaurant", "client", "key")
FAULT_KEYS = ("status", "retryAfter", "message", "expireToken", "latencyMs", "hang", "drop", "empty", "truncate",
              "malformed", "commitThen")
# What a commit-then-fail fault answers with once the write is applied (one of the first three is needed).
COMMIT_THEN_KEYS = ("status", "hang", "drop", "retryAfter", "message")
UNKNOWN_FIELDS = "Unknown scenario fields: {names}"
UNKNOWN_ZONE = "hours.timeZone: {zone!r} is not an IANA time zone such as America/New_York"
BAD_TIME = "hours.{name}: {value!r} is not a time of day written HH:MM (00:00 to 23:59)"


def check_rule(raw):
    """Raise a 400 naming the field for anything in a rule (a dict as the control API takes it) that could not
    be matched or applied later."""
    unknown = sorted(set(raw.get("match") or {}) - set(MATCH_KEYS)) + sorted(set(raw.get("fault") or {})
                                                                            - set(FAULT_KEYS))
    then = (raw.get("fault") or {}).get("commitThen", {"drop": True})
    if not isinstance(then, dict) or not set(then) & set(COMMIT_THEN_KEYS[:3]):
        unknown.append("commitThen")
    elif set(then) - set(COMMIT_THEN_KEYS):
        unknown.append(f"commitThen.{sorted(set(then) - set(COMMIT_THEN_KEYS))[0]}")
    if unknown:
        raise BadRequest(UNKNOWN_FIELDS.format(names=", ".join(unknown)), field=unknown[0])
    if raw.get("hours") is not None:
        _check_hours(raw["hours"])


def _check_hours(hours):
    zone = hours.get("timeZone")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise BadRequest(UNKNOWN_ZONE.format(zone=zone), field="hours.timeZone") from exc
    for name in ("open", "close"):
        value = hours.get(name)
        try:
            time.fromisoformat(value)
        except (ValueError, TypeError) as exc:
            raise BadRequest(BAD_TIME.format(name=name, value=value), field=f"hours.{name}") from exc
