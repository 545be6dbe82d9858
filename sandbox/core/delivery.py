"""The webhook delivery worker: sends due deliveries over HTTP, records every attempt, retries and backs off on
the sandbox clock. Providers give the envelope, the headers and the retry rules through a DeliveryPolicy."""

import logging
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

import requests

from sandbox.core import egress, webhooks
from sandbox.core.webhooks import ACTIVE, FAILURE, PAUSED, PENDING, STOPPED, SUCCESS

log = logging.getLogger("sandbox.webhooks")
RESPONSE_KEPT = 2048


class DeliveryPolicy(ABC):
    """Defaults are Toast's rules; a provider overrides what differs."""

    connect_timeout = 2.0
    read_timeout = 2.0
    retry_delays = (300, 600)          # seconds before attempts 2 and 3
    pause_after_errors = 50            # errors within pause_window pause the subscription ...
    pause_window = 300
    pause_seconds = 60                 # ... for this long
    stop_after_pauses = 9              # pauses within stop_window stop it until restarted by hand
    stop_window = 600

    def retryable(self, status_code):
        """No answer (timeout, refused), 404, 429 and 5xx are retried; other 4xx and 3xx are final."""
        return status_code is None or status_code in (404, 429) or status_code >= 500

    @abstractmethod
    def body(self, event):
        """The exact text sent for an event."""

    @abstractmethod
    def headers(self, delivery, subscription, attempt_number):
        """The headers of one attempt (signature included)."""


@dataclass
class _Job:
    delivery_guid: str
    subscription_guid: str
    url: str
    body: str
    headers: dict
    number: int
    policy: DeliveryPolicy


class Dispatcher:
    """Fans events out to subscriptions and delivers them; runs as a background thread when serving, or on demand
    (`run_due`) for tests and the control API's flush."""

    def __init__(self, sandbox, policies):
        self.sandbox = sandbox
        self.policies = policies                 # provider name -> DeliveryPolicy
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = None
        self._sending = threading.Lock()
        self._http = egress.pinned_session(sandbox.config)
        sandbox.clock.subscribe(self._wake.set)

    def start(self):
        """Deliver in the background until stop(); wakes on clock jumps and new events, and every 100 ms."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="webhook-delivery", daemon=True)
            self._thread.start()

    def stop(self):
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)

    def notify(self):
        self._wake.set()

    def _loop(self):
        while not self._stopping.is_set():
            try:
                self.run_due()
            except Exception:  # noqa: BLE001 - the worker must outlive any one bad delivery
                log.exception("webhook delivery round failed")
            self._wake.wait(0.1)
            self._wake.clear()

    def render(self, world):
        """Give every new delivery its body, once, so that every attempt sends the same text (callers hold the
        world lock)."""
        for delivery in reversed(webhooks.webhook_state(world).deliveries.values()):
            if delivery.body is not None:
                break
            delivery.body = self.policies[delivery.provider].body(delivery.event)

    def run_due(self):
        """Send every delivery that is due now, in event order; returns how many attempts were made."""
        with self._sending:
            made = 0
            for world in list(self.sandbox.store.worlds.values()):
                for job in self._due(world):
                    if not self._still_active(world, job):
                        continue    # paused or stopped by an earlier attempt of this round
                    outcome = self._send(job)
                    self._record(world, job, outcome)
                    made += 1
            return made

    def _due(self, world):
        now = self.sandbox.clock.timestamp()
        with world.lock:
            self.render(world)
            state = webhooks.webhook_state(world)
            for subscription in state.subscriptions.values():
                if subscription.status == PAUSED and subscription.paused_until <= now:
                    subscription.status, subscription.paused_until = ACTIVE, None
            jobs = []
            for guid in list(state.pending):
                delivery = state.deliveries[guid]
                if delivery.next_at > now:
                    continue
                subscription = state.subscriptions.get(delivery.subscription_guid)
                if subscription is None:
                    state.finish(delivery, FAILURE)
                    continue
                if subscription.status != ACTIVE:
                    continue
                number = len(delivery.attempts) + 1
                policy = self.policies[delivery.provider]
                jobs.append(_Job(delivery.guid, subscription.guid, subscription.url, delivery.body,
                                 policy.headers(delivery, subscription, number), number, policy))
            return jobs

    @staticmethod
    def _still_active(world, job):
        with world.lock:
            subscription = webhooks.webhook_state(world).subscriptions.get(job.subscription_guid)
            return subscription is not None and subscription.status == ACTIVE

    def _send(self, job):
        started = time.perf_counter()
        try:
            response = self._http.post(job.url, data=job.body.encode("utf-8"), headers=job.headers,
                                       allow_redirects=False,
                                       timeout=(job.policy.connect_timeout, job.policy.read_timeout))
            return response.status_code, response.text[:RESPONSE_KEPT], None, started
        except requests.RequestException as exc:
            return None, None, f"{type(exc).__name__}: {exc}"[:500], started

    def _record(self, world, job, outcome):
        status_code, text, error, started = outcome
        number, policy = job.number, job.policy
        latency = round((time.perf_counter() - started) * 1000, 2)
        now = self.sandbox.clock.timestamp()
        with world.lock:
            state = webhooks.webhook_state(world)
            delivery = state.deliveries.get(job.delivery_guid)
            if delivery is None or delivery.status != PENDING:
                return        # the world was reset or restored meanwhile
            delivery.attempts.append(webhooks.Attempt(number, now, status_code, error, latency, job.headers, text))
            if status_code is not None and 200 <= status_code < 300:
                state.finish(delivery, SUCCESS)
            else:
                subscription = state.subscriptions.get(delivery.subscription_guid)
                if subscription is not None:
                    _back_off(subscription, policy, now)
                if policy.retryable(status_code) and number <= len(policy.retry_delays):
                    delivery.next_at = now + policy.retry_delays[number - 1]
                else:
                    state.finish(delivery, FAILURE)
            webhooks.evict(state)


def _back_off(subscription, policy, now):
    """Count an error; too many in the window pause the subscription, too many pauses stop it."""
    subscription.errors = [t for t in subscription.errors if t > now - policy.pause_window] + [now]
    if policy.pause_after_errors and len(subscription.errors) >= policy.pause_after_errors:
        subscription.errors = []
        subscription.pauses = [t for t in subscription.pauses if t > now - policy.stop_window] + [now]
        if len(subscription.pauses) >= policy.stop_after_pauses:
            subscription.status, subscription.paused_until = STOPPED, None
        else:
            subscription.status, subscription.paused_until = PAUSED, now + policy.pause_seconds
