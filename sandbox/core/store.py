"""Worlds of in-memory state: one lock each, snapshot, restore and reset; the store holds them by name."""

import dataclasses
import pickle
import threading
from decimal import Decimal

from sortedcontainers import SortedList

from sandbox.core.errors import Conflict, NotFound
from sandbox.core.ids import IdFactory

DEFAULT_WORLD = "default"


class World:
    """Everything one sandbox world knows: each provider's state (the webhook outbox included) and the id source."""

    def __init__(self, name, seed, builder):
        self.name = name
        self.seed = seed
        self.lock = threading.RLock()
        self.snapshots = {}
        self._builder = builder
        self._seed()

    def _seed(self):
        self.ids = IdFactory(self.seed)
        self.state = {}
        self._builder(self)

    def reset(self):
        """Back to the state right after seeding (seeding again gives the same world)."""
        with self.lock:
            self._seed()

    def snapshot(self):
        """Save the current state under a new id and return the id."""
        with self.lock:
            snapshot_id = f"snap-{len(self.snapshots) + 1}"
            self.snapshots[snapshot_id] = pickle.dumps((self.state, self.ids.random.getstate()),
                                                       protocol=pickle.HIGHEST_PROTOCOL)
            return snapshot_id

    def restore(self, snapshot_id):
        """Go back to a saved snapshot (it stays available)."""
        with self.lock:
            if snapshot_id not in self.snapshots:
                raise NotFound(f"No snapshot {snapshot_id} in world {self.name}")
            self.state, random_state = pickle.loads(self.snapshots[snapshot_id])
            self.ids.random.setstate(random_state)


class Store:
    """The worlds of one sandbox app, built by `builder(name, seed)`."""

    def __init__(self, builder, seed):
        self._builder = builder
        self._lock = threading.Lock()
        self.worlds = {}
        self.create(DEFAULT_WORLD, seed)

    def create(self, name, seed):
        """Seed a new world; 409 if the name is taken."""
        with self._lock:
            if name in self.worlds:
                raise Conflict(f"World {name} already exists")
        world = World(name, seed, self._builder)
        with self._lock:
            self.worlds.setdefault(name, world)
        return self.worlds[name]

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
            if self.worlds.pop(name, None) is None:
                raise NotFound(f"No world named {name}")


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
