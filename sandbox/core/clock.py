"""The sandbox clock: the only source of time, real, frozen or moved by the control API."""

import threading
import time
from datetime import datetime, timezone


def parse_instant(text):
    """Parse an ISO-8601 instant (RFC 3339 or Toast's `...000+0000`); naive values are taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError as exc:
        raise ValueError(f"{text} is outside the years a clock can show") from exc


# The clock stays within years every date library handles (and every client can parse).
EARLIEST = datetime(1971, 1, 1, tzinfo=timezone.utc).timestamp()
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc).timestamp()


def _in_range(epoch):
    if not EARLIEST <= epoch <= LATEST:
        raise ValueError("the clock stays between 1971 and 9000")
    return epoch


class Clock:
    """Wall time plus an offset, or a frozen instant; listeners hear every jump."""

    def __init__(self, start=None, frozen=False, wall=time.time):
        self._wall = wall
        self._lock = threading.Lock()
        self._listeners = []
        self._initial = (start, frozen)
        self._apply(start, frozen)

    def _apply(self, start, frozen):
        start_ts = start.timestamp() if start else self._wall()
        self._offset = start_ts - self._wall()
        self._frozen_at = start_ts if frozen else None

    def timestamp(self):
        """Seconds since the epoch, on the sandbox clock."""
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return self._wall() + self._offset

    def now(self):
        """The current instant as an aware UTC datetime."""
        return datetime.fromtimestamp(self.timestamp(), timezone.utc)

    @property
    def frozen(self):
        return self._frozen_at is not None

    def advance(self, seconds):
        """Move time forward (frozen or not)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = _in_range(self._frozen_at + seconds)
            else:
                _in_range(self._wall() + self._offset + seconds)
                self._offset += seconds
        self._notify()

    def set(self, instant):
        """Jump to an instant, keeping the frozen/running mode."""
        target = _in_range(instant.timestamp())
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at = target
            else:
                self._offset = target - self._wall()
        self._notify()

    def freeze(self, frozen):
        """Stop time where it is, or let it run again from there."""
        with self._lock:
            current = self._frozen_at if self._frozen_at is not None else self._wall() + self._offset
            if frozen:
                self._frozen_at = current
            else:
                self._frozen_at = None
                self._offset = current - self._wall()
        self._notify()

    def reset(self):
        """Back to the start instant and mode the clock was made with."""
        with self._lock:
            self._apply(*self._initial)
        self._notify()

    def subscribe(self, listener):
        """Call `listener()` after every jump, so waiting work can wake up."""
        self._listeners.append(listener)

    def _notify(self):
        for listener in list(self._listeners):
            listener()

    def to_dict(self):
        now = self.now()
        return {
            "now": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "epochMillis": int(now.timestamp() * 1000),
            "frozen": self.frozen,
        }

