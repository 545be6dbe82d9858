"""Worlds, the unit of isolation: each owns its data, clock, scenario rules, journal, rate-limit windows, webhooks
and snapshots. Reset, restore and import replace a world's data whole, under its lock; the store holds worlds by
name."""

import dataclasses
import itertools
import threading
from dataclasses import dataclass
from decimal import Decimal

from sortedcontainers import SortedList

from sandbox.core.clock import Clock, parse_instant
from sandbox.core.errors import Conflict, NotFound
from sandbox.core.faults import Faults
from sandbox.core.journal import Journal
from sandbox.core.ratelimit import RateLimiter
from sandbox.core.scenarios import Scenarios

DEFAULT_WORLD = "default"
SNAPSHOT_LIMIT = "Snapshot limit reached: world {world} keeps {limit} snapshots (setting snapshot_limit); " \
                 "delete one first"
SNAPSHOT_BYTES = ("Snapshot limit reached: this snapshot ({size} bytes) would take {what} past {limit} bytes "
                  "(setting {setting}); delete a snapshot first")
WORLD_LIMIT = "World limit reached: this sandbox holds at most {limit} worlds (setting max_worlds); delete one first"


class SnapshotBudget:
    """The bytes that snapshots hold, per world and in all; a snapshot that would pass either limit is refused."""

    def __init__(self, per_world, total):
        self.per_world = per_world
        self.total = total
        self._used = 0
        self._lock = threading.Lock()

    def take(self, world_bytes, size):
        """Count `size` more bytes for a world already holding `world_bytes`; 409 past a limit."""
        with self._lock:
            if world_bytes + size > self.per_world:
                raise Conflict(SNAPSHOT_BYTES.format(size=size, what="this world's snapshots", limit=self.per_world,
                                                     setting="snapshot_bytes_per_world"))
            if self._used + size > self.total:
                raise Conflict(SNAPSHOT_BYTES.format(size=size, what="the snapshots of every world",
                                                     limit=self.total, setting="snapshot_bytes_total"))
            self._used += size

    def give_back(self, size):
        with self._lock:
            self._used -= size


@dataclass(frozen=True)
class WorldSettings:
    """How a world is built and starts; the app's configuration gives the defaults, world creation may override."""

    seed: int
    fixtures: str
    start_time: str = None
    history_days: int = None
    frozen: bool = False
    rate_limits: bool = True
    scenarios: tuple = ()

    @classmethod
    def from_config(cls, config):
        return cls(config.seed, config.fixtures, config.start_time, config.history_days, config.frozen,
                   config.rate_limits, tuple(config.scenarios))

    @classmethod
    def from_dict(cls, view):
        """The settings `to_dict` gave (a world export's `settings`); KeyError or TypeError when it is not one."""
        return cls(int(view["seed"]), str(view["fixtures"]), view["startTime"], view["historyDays"],
                   bool(view["frozen"]), bool(view["rateLimits"]), tuple(map(str, view["scenarios"])))

    def to_dict(self):
        return {"seed": self.seed, "fixtures": self.fixtures, "startTime": self.start_time,
                "historyDays": self.history_days, "frozen": self.frozen, "rateLimits": self.rate_limits,
                "scenarios": list(self.scenarios)}


@dataclass
class Snapshot:
    id: str
    created: float             # on the world's clock
    blob: bytes

    def to_dict(self, world):
        return {"id": self.id, "world": world, "created": self.created, "bytes": len(self.blob)}


class World:
    """One world. `data` (state and ids) is replaced whole; everything a request reads of it, it reads under
    `lock` (see the pipeline), so it sees the old world or the new one, never a mix."""

    def __init__(self, name, settings, template, sandbox_config, budget):
        self.name = name
        self._budget = budget
        self.settings = settings
        self.lock = threading.RLock()
        self._template = template
        self._config = sandbox_config
        self.clock = Clock(parse_instant(settings.start_time) if settings.start_time else None, settings.frozen)
        self.scenarios = Scenarios(self.clock, settings.seed)
        self.faults = Faults(self.scenarios)
        self.journal = Journal(sandbox_config.journal_size)
        self.limiter = RateLimiter(self.clock)
        self.snapshots = {}
        self._snapshot_numbers = itertools.count(1)
        self.data = template.copy()
        self.changes = 0        # counts requests that may have changed the world (the state dir saves on a change)
        self._start_scenarios()

    @property
    def seed(self):
        return self.settings.seed

    @property
    def state(self):
        return self.data.state

    @property
    def ids(self):
        return self.data.ids

    @property
    def rate_limits(self):
        return self.settings.rate_limits

    def _start_scenarios(self):
        for name in self.settings.scenarios:
            self.scenarios.add_preset(name)

    def replace(self, data):
        """Swap in new data as a whole (callers built it outside the lock)."""
        with self.lock:
            self.data = data

    def reset(self):
        """A fresh world again: seeded data, start clock, starting scenario rules, no rate-limit windows, an empty
        journal. Snapshots stay (restore one after a reset)."""
        fresh = self._template.copy()
        with self.lock:
            self.data = fresh
            self.clock.reset()
            self.scenarios.clear()
            self._start_scenarios()
            self.limiter.reset()
            self.journal.clear()
        self.faults.release()

    def snapshot(self):
        """Save the current data; returns the Snapshot. 409 past the snapshot count or byte limits."""
        limit = self._config.snapshot_limit
        with self.lock:
            if limit is not None and len(self.snapshots) >= limit:
                raise Conflict(SNAPSHOT_LIMIT.format(world=self.name, limit=limit))
            snapshot = Snapshot(f"snap-{next(self._snapshot_numbers)}", self.clock.timestamp(),
                                self._template.dump(self.data))
            self._budget.take(self.snapshot_bytes(), len(snapshot.blob))
            self.snapshots[snapshot.id] = snapshot
        return snapshot

    def snapshot_bytes(self):
        return sum(len(s.blob) for s in list(self.snapshots.values()))

    def find_snapshot(self, snapshot_id):
        snapshot = self.snapshots.get(snapshot_id)
        if snapshot is None:
            raise NotFound(f"No snapshot {snapshot_id} in world {self.name}")
        return snapshot

    def restore(self, snapshot_id):
        """Go back to a snapshot's data (the snapshot stays; the clock keeps running); returns the snapshot. A
        snapshot deleted while it loads is a 404 and changes nothing."""
        snapshot = self.find_snapshot(snapshot_id)
        data = self._template.load(snapshot.blob)
        with self.lock:
            if self.snapshots.get(snapshot_id) is not snapshot:
                raise NotFound(f"No snapshot {snapshot_id} in world {self.name}")
            self.data = data
        return snapshot

    def delete_snapshot(self, snapshot_id):
        with self.lock:
            snapshot = self.find_snapshot(snapshot_id)
            del self.snapshots[snapshot_id]
        self._budget.give_back(len(snapshot.blob))

    def close(self):
        """The world is gone: wake whatever waits in it and give its snapshots' bytes back."""
        with self.lock:
            held, self.snapshots = self.snapshot_bytes(), {}
        self._budget.give_back(held)
        self.faults.release()


class Store:
    """The worlds of one sandbox app by name; `make(name, settings)` builds one (outside the store's lock)."""

    def __init__(self, make, default_settings, limit=None):
        self._make = make
        self._limit = limit
        self._lock = threading.Lock()
        self.worlds = {}
        self.create(DEFAULT_WORLD, default_settings)

    def create(self, name, settings):
        """A new world; 409 if the name is taken or the store is full (also when callers race for it)."""
        self._check_room(name)
        world = self._make(name, settings)
        with self._lock:
            self._check_room(name)
            self.worlds[name] = world
        return world

    def _check_room(self, name):
        if name in self.worlds:
            raise Conflict(f"World {name} already exists")
        if self._limit is not None and len(self.worlds) >= self._limit:
            raise Conflict(WORLD_LIMIT.format(limit=self._limit))

    def get(self, name):
        """The named world; 404 if there is none."""
        world = self.worlds.get(name or DEFAULT_WORLD)
        if world is None:
            raise NotFound(f"No world named {name}")
        return world

    def delete(self, name):
        if name == DEFAULT_WORLD:
            raise Conflict("The default world cannot be deleted")
        with self._lock:
            world = self.worlds.pop(name, None)
        if world is None:
            raise NotFound(f"No world named {name}")
        world.close()


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {"|".join(map(str, k)) if isinstance(k, tuple) else str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, SortedList)):
        return [_plain(v) for v in (sorted(value) if isinstance(value, set) else value)]
    return value


def export_world(world):
    """The world's state as plain JSON-able data (for `pos-sandbox seed` and determinism checks)."""
    with world.lock:
        return {"name": world.name, "seed": world.seed, "state": _plain(world.state)}
