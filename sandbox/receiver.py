"""A webhook receiver for tests: a local HTTP server that records deliveries, checks their Toast or Toster
signatures with the package's own helpers, can fail, hang or answer slowly for the next N deliveries, and waits
for an event on the sandbox clock instead of sleeping."""

import http.server
import json
import threading
import time
from dataclasses import dataclass, field

from sandbox.core.clock import parse_instant
from sandbox.toast import signing as toast_signing
from sandbox.toster import signing as toster_signing

HANG_LIMIT = 30           # seconds a hanging answer waits at most (the sandbox gives up after 2)


@dataclass
class Delivery:
    """One request the receiver got."""

    provider: str              # "toast" or "toster"
    event_type: str
    headers: dict
    body: str
    verified: bool             # the signature matches one of the trusted secrets
    answered: int = None       # the status it answered (None: it hung up without one)

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class _Behaviour:
    status: int = 200
    hang: bool = False
    delay: float = 0.0


@dataclass
class WebhookReceiver:
    """Start with `WebhookReceiver().start()` (or the pytest fixture); subscribe it with `sb.webhooks.subscribe`."""

    host: str = "127.0.0.1"
    deliveries: list = field(default_factory=list)
    secrets: list = field(default_factory=list)

    def __post_init__(self):
        self._plan = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = None

    # Lifecycle ----------------------------------------------------------------------------------------------

    def start(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
                receiver._answer(self, body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        return f"http://{self.host}:{self._server.server_address[1]}/webhooks"

    # What it does -------------------------------------------------------------------------------------------

    def trust(self, secret):
        """Check signatures against this secret too (subscribing through the client does it)."""
        self.secrets.append(secret)

    def fail(self, status=500, times=1):
        """Answer the next `times` deliveries with `status`."""
        self._queue(_Behaviour(status=status), times)

    def hang(self, times=1):
        """Never answer the next `times` deliveries (the sandbox times out, as with a stuck receiver)."""
        self._queue(_Behaviour(hang=True), times)

    def slow(self, seconds, times=1, status=200):
        """Answer the next `times` deliveries after `seconds` (past 2 s the sandbox has given up)."""
        self._queue(_Behaviour(status=status, delay=seconds), times)

    def _queue(self, behaviour, times):
        with self._lock:
            self._plan.extend([behaviour] * times)

    def _answer(self, handler, body):
        with self._lock:
            behaviour = self._plan.pop(0) if self._plan else _Behaviour()
        delivery = self._record(handler.headers, body)
        if behaviour.hang:
            self._release.wait(HANG_LIMIT)
            return
        if behaviour.delay:
            time.sleep(behaviour.delay)     # real time on purpose: the sender's timeout is real time
        delivery.answered = behaviour.status
        handler.send_response(behaviour.status)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok")

    def _record(self, headers, body):
        headers = dict(headers.items())
        if "Toast-Signature" in headers:
            provider, event_type = "toast", headers.get("Toast-Event-Type")
            verified = any(self._toast_signed(body, secret, headers["Toast-Signature"]) for secret in self.secrets)
        else:
            provider, event_type = "toster", _field(body, "event")
            signature = headers.get("X-Toster-Signature", "")
            verified = any(toster_signing.verify(body, secret, signature) for secret in self.secrets)
        delivery = Delivery(provider, event_type, headers, body, verified)
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    @staticmethod
    def _toast_signed(body, secret, signature):
        """Body + envelope timestamp, or (subscriptions that sign the body only) the body alone."""
        timestamp = _field(body, "timestamp") or ""
        return (toast_signing.verify(body, secret, signature, timestamp)
                or toast_signing.verify(body, secret, signature))

    # Waiting ------------------------------------------------------------------------------------------------

    def received(self, event_type=None, accepted=False):
        """Deliveries so far (of one event type; only those answered 2xx when `accepted`)."""
        with self._lock:
            return [d for d in self.deliveries if (event_type is None or d.event_type == event_type)
                    and (not accepted or (d.answered or 0) // 100 == 2)]

    def wait_for(self, event_type, sandbox, within=3600):
        """The first delivery of `event_type` this receiver accepted (answered 2xx), waiting on the sandbox clock:
        deliver what is due, and while retries are pending, advance `sandbox`'s clock to the next one, up to
        `within` sandbox seconds."""
        deadline = None
        while True:
            sandbox.webhooks.flush()
            found = self.received(event_type, accepted=True)
            if found:
                return found[0]
            pending = [e["nextAttemptAt"] for e in sandbox.webhooks.events(status="Pending") if e["nextAttemptAt"]]
            now = _epoch(sandbox.clock.now())
            deadline = deadline or now + within
            if not pending or min(pending) > deadline:
                raise AssertionError(f"no {event_type} delivery within {within} s on the sandbox clock; "
                                     f"received: {[d.event_type for d in self.received()]}")
            sandbox.clock.advance(max(0, min(pending) - now))


def _field(body, name):
    try:
        return json.loads(body).get(name)
    except (ValueError, AttributeError):
        return None


def _epoch(instant):
    return parse_instant(instant).timestamp()
