"""Seeded base worlds, built once per process and copied for every new world, reset and restore.

A template keeps the seeded data as one pickle in which the objects worlds may share (the history of Toast orders,
most of the data by weight) are references, not copies: a copy loads everything else (fast) and points at those
shared objects until it changes one (the owner copies it first, see `OrderBook.writable`). Snapshots are pickled
the same way, so a world that changed a few orders snapshots in a fraction of the whole."""

import contextlib
import gc
import io
import pickle
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sandbox.core.ids import IdFactory

# Distinct (fixtures, seed, start, history) combinations kept; a test suite rarely uses more than a handful.
KEPT = 8


@dataclass
class Data:
    """What reset and restore replace: every provider's state and the id source (its random state included)."""

    state: dict
    ids: IdFactory


class Template:
    """A seeded world frozen as a pickle; `copy()` makes an independent Data from it."""

    def __init__(self, data, shared):
        # The shared objects stay alive as long as the template: their ids are stable keys.
        self._shared = list(shared)
        self._index = {id(obj): number for number, obj in enumerate(self._shared)}
        self._blob = self.dump(data)

    def dump(self, data):
        """Pickle a Data of this template's lineage; shared objects it still holds become references."""
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = lambda obj: self._index.get(id(obj))
        pickler.dump(data)
        return buffer.getvalue()

    def load(self, blob):
        """A Data from `dump`'s bytes. The collector waits meanwhile: tens of thousands of new objects would
        otherwise set off collections that walk every world in the process."""
        unpickler = pickle.Unpickler(io.BytesIO(blob))
        unpickler.persistent_load = self._shared.__getitem__
        with _collector_paused():
            return unpickler.load()

    def copy(self):
        return self.load(self._blob)


class Templates:
    """The process's templates by key, least recently used dropped past `KEPT`; built outside the lock, once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._building = {}
        self._kept = OrderedDict()

    def get(self, key, build):
        """The template for `key`, calling `build()` (returns a Template) only if no thread has built it."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            event = self._building.get(key)
            owner = event is None
            if owner:
                event = self._building[key] = threading.Event()
        if not owner:
            event.wait()
            return self.get(key, build)
        try:
            template = build()
            # Templates live as long as the process: keep the collector from walking them ever again.
            gc.freeze()
            with self._lock:
                self._kept[key] = template
                while len(self._kept) > KEPT:
                    self._kept.popitem(last=False)
            return template
        finally:
            with self._lock:
                del self._building[key]
            event.set()


@contextlib.contextmanager
def _collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


TEMPLATES = Templates()
