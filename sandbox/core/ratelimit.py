"""Fixed-window rate limits on the sandbox clock: counters per (tier, key, window), checked in priority order."""

import math
import threading
from dataclasses import dataclass

from sandbox.core.errors import TooManyRequests


@dataclass(frozen=True)
class Limit:
    """`allowed` requests per `seconds`-long fixed window, counted per `key`, reported as `tier`."""

    tier: str
    key: tuple
    allowed: int
    seconds: int


@dataclass
class Verdict:
    """The limit closest to running out after this request (or the one that refused it)."""

    limit: Limit
    remaining: int
    reset: int          # epoch seconds at which the window ends
    retry_after: int


class RateLimiter:
    """Counts requests in fixed windows (e.g. 09:00:00-09:00:01, 09:00-09:15) that follow the sandbox clock."""

    def __init__(self, clock):
        self._clock = clock
        self._lock = threading.Lock()
        self._counts = {}

    def check(self, limits):
        """Count one request against every limit (a refused request counts too), then raise 429 for the first
        exceeded one in priority order. Returns the Verdict of the limit with the fewest requests left (the first
        of equals), or None when there are no limits."""
        if not limits:
            return None
        now = self._clock.timestamp()
        verdicts = []
        with self._lock:
            for limit in limits:
                window = math.floor(now / limit.seconds)
                slot = (limit.tier, limit.key, limit.seconds)
                seen_window, count = self._counts.get(slot, (window, 0))
                count = count + 1 if seen_window == window else 1
                self._counts[slot] = (window, count)
                reset = (window + 1) * limit.seconds
                verdicts.append((count > limit.allowed, Verdict(limit, max(0, limit.allowed - count), int(reset),
                                                                max(1, math.ceil(reset - now)))))
            if len(self._counts) > 100000:
                self._forget_old(now)
        refused = next((verdict for exceeded, verdict in verdicts if exceeded), None)
        if refused is not None:
            raise _refused(refused)
        return min((verdict for _, verdict in verdicts), key=lambda v: v.remaining)

    def _forget_old(self, now):
        """Drop counters of windows that have ended (keeps memory flat under many keys)."""
        self._counts = {slot: (window, count) for slot, (window, count) in self._counts.items()
                        if (window + 1) * slot[2] > now}

    def reset(self):
        with self._lock:
            self._counts.clear()


class RateLimited(TooManyRequests):
    """A 429 that knows which limit refused it."""

    def __init__(self, verdict, message):
        super().__init__(message, headers={"Retry-After": str(verdict.retry_after)})
        self.verdict = verdict


def _refused(verdict):
    limit = verdict.limit
    return RateLimited(verdict, f"Rate limit exceeded ({limit.tier}: {limit.allowed} requests per {limit.seconds} s); "
                                f"retry after {verdict.retry_after} s")
