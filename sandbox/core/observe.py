"""What the sandbox tells its operator: one access-log line per request and Prometheus metrics."""

import json
import logging
import threading
import time
from collections import deque
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from sandbox.core.journal import mask
from sandbox.core.shards import holds
from sandbox.core.webhooks import STATUSES, webhook_state
from sandbox.core.world_paths import ENVIRON_KEY, WORLD_HEADER

access_log = logging.getLogger("sandbox.access")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Latency buckets in seconds: local calls take a millisecond or two; injected latency and hangs take seconds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class BatchedLines:
    """Access lines that a background thread writes together every `interval` seconds. A request thread only
    queues its line: a log record, and a write and a flush per line, would cost every request several
    microseconds and two system calls, each a turn of the GIL among the serving threads. Start the writer in the
    process that serves (threads do not survive a fork); `flush` writes what is pending."""

    def __init__(self, stream, interval=0.1):
        self.stream = stream
        self.interval = interval
        self._pending = deque()
        self._lock = threading.Lock()

    def start(self):
        threading.Thread(target=self._write_periodically, name="access-log", daemon=True).start()

    def append(self, line):
        self._pending.append(line)

    def flush(self):
        with self._lock:
            lines = []
            while self._pending:
                lines.append(self._pending.popleft())
            if lines:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()

    def _write_periodically(self):
        while True:
            time.sleep(self.interval)
            self.flush()


class Observer:
    """Per app: formats access lines and keeps the counters a scrape reads."""

    def __init__(self, sandbox, log_format="text"):
        self.sandbox = sandbox
        self.log_format = log_format
        # Where access lines go: BatchedLines when served (sandbox.server); otherwise the `sandbox.access` logger,
        # for whoever embeds the app to route (pytest's caplog, a host application's logging).
        self.lines = None
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("sandbox_requests", "Requests answered, by provider, operationId and status",
                                ["provider", "operation", "status"], registry=self.registry)
        self.latency = Histogram("sandbox_request_duration_seconds", "Time to answer a request, by provider",
                                 ["provider"], buckets=BUCKETS, registry=self.registry)
        self.registry.register(_StateCollector(sandbox))
        # The labelled series a request updates, looked up once (a label lookup costs more than the update).
        self._series = {}

    def request_done(self, req, provider, operation, world, response, started, rule=None):
        """Count a finished request and write its access line."""
        seconds = time.perf_counter() - started
        operation_id = operation.operation_id if operation else None
        key = (provider.name, operation_id, response.status_code)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = (self.requests.labels(provider.name, operation_id or "",
                                                                str(response.status_code)),
                                          self.latency.labels(provider.name))
        series[0].inc()
        series[1].observe(seconds)
        logged = access_log.isEnabledFor(logging.INFO) and access_log.hasHandlers()
        if self.lines is None and not logged:
            return
        world_name = world.name if world else (req.environ.get(ENVIRON_KEY) or req.headers.get(WORLD_HEADER, "default"))
        line = self.line(req.method, _logged_path(req), response.status_code, seconds * 1000, operation_id,
                         world_name, rule.id if rule else None)
        if self.lines is not None:
            self.lines.append(line)
        else:
            access_log.info(line)

    def line(self, method, path, status, latency_ms, operation_id, world, scenario):
        """One access line, readable or as a JSON object."""
        if self.log_format == "json":
            return json.dumps({"time": _now(), "method": method, "path": path, "status": status,
                               "latencyMs": round(latency_ms, 3), "operationId": operation_id, "world": world,
                               "scenario": scenario}, separators=(",", ":"))
        return (f"{_now()} {_printable(method)} {_printable(path)} {status} {latency_ms:.1f}ms "
                f"op={operation_id or '-'} world={_printable(world)} scenario={scenario or '-'}")

    def exposition(self):
        """The metrics page, in Prometheus text format."""
        return generate_latest(self.registry)


def _logged_path(req):
    """The path and query, with the console's `token` masked like every other secret (also when the query spells
    it with percent escapes)."""
    raw_query = req.environ.get("QUERY_STRING", "")
    # The text test first: most queries cannot hold a `token` parameter, and parsing them costs more.
    if ("token" not in raw_query and "%" not in raw_query) or "token" not in req.args:
        return f"{req.path}?{raw_query}" if raw_query else req.path
    query = urlencode([(name, mask(value) if name == "token" else value)
                       for name, value in req.args.items(multi=True)])
    return f"{req.path}?{query}"


# Characters a text access line shows percent-encoded: controls (a %0A in a path would start a forged line),
# spaces (they separate the fields) and what is not ASCII.
_UNPRINTABLE = {code: f"%{code:02X}" for code in [*range(0x21), 0x7F]}


def _printable(text):
    if text.isascii() and text.isprintable() and " " not in text:
        return text
    return "".join(_UNPRINTABLE.get(ord(c), c) if ord(c) < 0x80 else quote(c) for c in text)


def _now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _StateCollector:
    """Gauges read from the worlds at scrape time: webhook deliveries by outcome, worlds, journal entries."""

    def __init__(self, sandbox):
        self.sandbox = sandbox

    def describe(self):
        return []

    def collect(self):
        worlds = list(self.sandbox.store.worlds.values())
        deliveries = GaugeMetricFamily("sandbox_webhook_deliveries", "Webhook deliveries in the log, by provider "
                                       "and outcome (Success, Pending, Not sent, Failure)",
                                       labels=["provider", "outcome"])
        counts = {}
        for world in worlds:
            with world.lock:
                for delivery in list(webhook_state(world).deliveries.values()):
                    key = (delivery.provider, delivery.status)
                    counts[key] = counts.get(key, 0) + 1
        for provider in [p.name for p in self.sandbox.providers if p.simulated]:
            for outcome in STATUSES:
                deliveries.add_metric([provider, outcome], counts.get((provider, outcome), 0))
        yield deliveries
        # A shard's own worlds: every shard keeps a `default` for calls that name none, but only one holds it.
        held = sum(holds(self.sandbox.config, world.name) for world in worlds)
        yield GaugeMetricFamily("sandbox_worlds", "Worlds in this process", value=held)
        yield GaugeMetricFamily("sandbox_journal_entries", "Requests kept in the journal",
                                value=sum(len(world.journal) for world in worlds))
