"""Worlds kept on disk (`state_dir`): each world in a file of its own, replaced atomically while worlds change and
at stop, and restored at start; a file that is torn, edited or from another format is refused and moved aside."""

import glob
import hashlib
import json
import logging
import os
import threading
import time

from sandbox.core import portable
from sandbox.core.errors import ApiError
from sandbox.core.shards import holds, shard_of
from sandbox.core.store import WorldSettings

log = logging.getLogger("sandbox.state")
FORMAT = "pos-sandbox.state"
VERSION = 1
SUFFIX = ".world.json"


class Refused(ValueError):
    """A state file that is not loaded (the message says why)."""


def encode(document, version):
    """A state file's bytes: one header line (format, versions, the body's SHA-256) and the world export."""
    body = json.dumps(document, separators=(",", ":")).encode()
    header = {"format": FORMAT, "version": VERSION, "export": portable.VERSION, "sandbox": version,
              "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
    return json.dumps(header).encode() + b"\n" + body


def decode(raw):
    """The world export in a state file's bytes; Refused naming what is wrong."""
    head, newline, body = raw.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        header = None
    if not newline or not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Refused(f"not a state file of pos-sandbox (its first line is not a {FORMAT} header)")
    if header.get("version") != VERSION or header.get("export") != portable.VERSION:
        raise Refused(f"written by pos-sandbox {header.get('sandbox')} in state format {header.get('version')} "
                      f"(world export {header.get('export')}); this sandbox reads format {VERSION} "
                      f"(world export {portable.VERSION})")
    if header.get("bytes") != len(body) or hashlib.sha256(body).hexdigest() != header.get("sha256"):
        raise Refused("its content does not match its checksum: the file was cut short or changed after the "
                      "sandbox wrote it")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise Refused(f"not JSON: {exc}") from exc


def write_atomically(path, raw):
    """Replace `path` with `raw`: written and synced under a temporary name, then renamed over it (a reader or a
    restart after kill -9 finds the old file or the new one, never a mix)."""
    folder = os.path.dirname(path)
    temporary = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(raw)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class StateDir:
    """The state folder of one sandbox process: `restore()` at start, then `start()` saves changed worlds at most
    every `interval` seconds on a thread, and `stop()` saves what changed since."""

    def __init__(self, sandbox, folder, interval, version):
        self.sandbox = sandbox
        self.folder = folder
        self.interval = interval
        self.version = version
        self._saved = {}            # world name -> (World object, its change count) at the last save
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = None

    def path(self, name):
        return os.path.join(self.folder, name + SUFFIX)

    def restore(self):
        """Load every world file of the folder; a refused one is moved aside with a warning. Returns the names."""
        os.makedirs(self.folder, exist_ok=True)
        for stale in glob.glob(os.path.join(self.folder, ".*.tmp")):
            os.unlink(stale)            # a save that a kill -9 cut short; the file it was replacing is intact
        restored = []
        for path in sorted(glob.glob(os.path.join(self.folder, "*" + SUFFIX))):
            name = os.path.basename(path)[:-len(SUFFIX)]
            if not holds(self.sandbox.config, name):
                log.warning("state file %s: world %s belongs on shard %d of %d now; left as it is (move it to that "
                            "shard's state dir)", path, name,
                            shard_of(name, len(self.sandbox.config.shard_urls)), len(self.sandbox.config.shard_urls))
                continue
            try:
                self._restore(name, path)
                restored.append(name)
            except Refused as exc:
                aside = f"{path}.refused-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
                os.replace(path, aside)
                log.warning("state file %s refused: %s; moved aside to %s", path, exc, aside)
        return restored

    def _restore(self, name, path):
        with open(path, "rb") as handle:
            document = decode(handle.read())
        if not isinstance(document, dict) or document.get("world") != name:
            raise Refused(f"it holds world {document.get('world') if isinstance(document, dict) else None!r}, "
                          f"not {name!r}")
        store = self.sandbox.store
        fresh = name not in store.worlds
        try:
            world = store.create(name, WorldSettings.from_dict(document["settings"])) if fresh else store.get(name)
            self.sandbox.exports.import_world(world, document)
        except (KeyError, TypeError, ValueError, ApiError) as exc:
            if fresh and name in store.worlds:
                store.delete(name)
            raise Refused(getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}") from exc
        self._saved[name] = (world, world.changes)

    def start(self):
        """Save changed worlds on a thread until `stop`."""
        self._thread = threading.Thread(target=self._run, name="sandbox-state", daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stopping.wait(self.interval):
            self.save()

    def stop(self):
        """Stop the thread and save what changed since its last pass."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(30)
        self.save()

    def save(self):
        """Write every world that changed since its last save (a new world, or a replaced one, counts as changed)
        and remove the files of deleted worlds. Returns the names written."""
        with self._lock:
            worlds = {name: world for name, world in list(self.sandbox.store.worlds.items())
                      if holds(self.sandbox.config, name)}
            written = []
            for name, world in worlds.items():
                if self._saved.get(name) == (world, world.changes):
                    continue
                changes = world.changes           # read before the export: a change during it is saved next time
                try:
                    write_atomically(self.path(name), encode(self.sandbox.exports.export_world(world), self.version))
                except Exception:  # noqa: BLE001 - one world that cannot be saved must not stop the others' saves
                    log.exception("saving world %s to %s failed; trying again on the next pass", name, self.folder)
                    continue
                self._saved[name] = (world, changes)
                written.append(name)
            for name in set(self._saved) - set(worlds):
                del self._saved[name]
                try:
                    os.unlink(self.path(name))
                except FileNotFoundError:
                    pass
                except OSError:
                    log.exception("removing the file of deleted world %s failed", name)
            return written
