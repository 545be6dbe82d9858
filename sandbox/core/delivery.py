"""The webhook delivery worker: sends due deliveries over HTTP, records every attempt, retries and backs off on
the sandbox clock. Providers give the envelope, the headers and the retry rules through a DeliveryPolicy."""

import logging
import threading
import time
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from sandbox.core import egress, webhooks
from sandbox.core.webhooks import ACTIVE, FAILURE, PAUSED, PENDING, STOPPED, SUCCESS

log = logging.getLogger("sandbox.webhooks")
RESPONSE_KEPT = 2048
LANES_PER_WORLD = 4         # background delivery threads one world may hold at once (of the pool's 32)
DEADLINE = "Timeout: no whole answer within {seconds:g} s (setting webhook_deadline)"


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
    """Delivers every world's due webhooks: one lane per subscription (its deliveries go one at a time, oldest
    first), lanes running side by side on a thread pool, so a slow receiver delays only its own subscription.
    Runs in the background when serving; `run_due(world)` delivers a world's due work now and waits for it."""

    def __init__(self, sandbox, policies, workers=32):
        self.sandbox = sandbox
        self.policies = policies                 # provider name -> DeliveryPolicy
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = None
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webhook")
        self._lanes = {}                         # (world, subscription guid) -> _Lane
        self._lanes_lock = threading.Lock()
        self._local = threading.local()          # a requests.Session per sending thread

    def watch(self, world):
        """Wake up when the world's clock jumps (retries that became due go at once)."""
        world.clock.subscribe(self._wake.set)

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
        self._pool.shutdown(wait=False, cancel_futures=True)

    def notify(self):
        self._wake.set()

    def _loop(self):
        while not self._stopping.is_set():
            try:
                for world in list(self.sandbox.store.worlds.values()):
                    for guid in self._due_lanes(world):
                        self._start_lane(world, guid)
                self._forget_lanes()
            except Exception:  # noqa: BLE001 - the worker must outlive any one bad delivery
                log.exception("webhook delivery round failed")
            self._wake.wait(0.1)
            self._wake.clear()

    def run_due(self, world):
        """Send every delivery of `world` that is due now, each subscription in event order, and wait for them;
        returns how many attempts were made. Other worlds' receivers never delay it."""
        futures = [self._pool.submit(self._drain, world, guid, True) for guid in self._due_lanes(world)]
        return sum(future.result() for future in futures)

    def render(self, world):
        """Give every new delivery its body, once, so that every attempt sends the same text (callers hold the
        world lock)."""
        for delivery in reversed(webhooks.webhook_state(world).deliveries.values()):
            if delivery.body is not None:
                break
            delivery.body = self.policies[delivery.provider].body(delivery.event)

    def _due_lanes(self, world):
        """The subscriptions of `world` with a delivery due now (deliveries whose subscription is gone fail)."""
        now = world.clock.timestamp()
        with world.lock:
            self.render(world)
            state = webhooks.webhook_state(world)
            for subscription in state.subscriptions.values():
                if subscription.status == PAUSED and subscription.paused_until <= now:
                    subscription.status, subscription.paused_until = ACTIVE, None
            due = {}
            for guid in list(state.pending):
                delivery = state.deliveries[guid]
                if delivery.next_at > now:
                    continue
                subscription = state.subscriptions.get(delivery.subscription_guid)
                if subscription is None:
                    state.finish(delivery, FAILURE)
                elif subscription.status == ACTIVE:
                    due[subscription.guid] = None
            return list(due)

    def _lane(self, world, guid):
        with self._lanes_lock:
            return self._lanes.setdefault((world, guid), _Lane())

    def _start_lane(self, world, guid):
        lane = self._lane(world, guid)
        with self._lanes_lock:
            busy = sum(1 for (owner, _), other in self._lanes.items() if owner is world and other.scheduled)
            # One world's slow receivers take at most LANES_PER_WORLD of the pool; the rest wait for a later round.
            if lane.scheduled or busy >= LANES_PER_WORLD:
                return
            lane.scheduled = True
        self._pool.submit(self._drain, world, guid, False)

    def _forget_lanes(self):
        """Drop the lanes of worlds that are gone."""
        worlds = set(self.sandbox.store.worlds.values())
        with self._lanes_lock:
            for key in [key for key, lane in self._lanes.items() if key[0] not in worlds and not lane.scheduled]:
                del self._lanes[key]

    def _drain(self, world, subscription_guid, wait):
        """Send the subscription's due deliveries one at a time, oldest first; `wait` queues behind a lane that is
        already sending, otherwise a busy lane is left to finish on its own."""
        lane = self._lane(world, subscription_guid)
        if not lane.lock.acquire(blocking=wait):
            return 0
        made = 0
        try:
            while (job := self._next_job(world, subscription_guid)) is not None:
                self._record(world, job, self._send(job))
                made += 1
            return made
        except Exception:  # noqa: BLE001 - a lane must not die silently
            log.exception("webhook lane %s failed", subscription_guid)
            return made
        finally:
            if not wait:
                with self._lanes_lock:
                    lane.scheduled = False
            lane.lock.release()

    def _next_job(self, world, subscription_guid):
        """The oldest due delivery of an active subscription, as a job (None when there is none)."""
        now = world.clock.timestamp()
        with world.lock:
            self.render(world)
            state = webhooks.webhook_state(world)
            subscription = state.subscriptions.get(subscription_guid)
            if subscription is None or subscription.status != ACTIVE:
                return None
            for guid in state.pending:
                delivery = state.deliveries[guid]
                if delivery.subscription_guid == subscription_guid and delivery.next_at <= now:
                    number = len(delivery.attempts) + 1
                    policy = self.policies[delivery.provider]
                    return _Job(delivery.guid, subscription.guid, subscription.url, delivery.body,
                                policy.headers(delivery, subscription, number), number, policy)
            return None

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            # Connects only to the address the allow-list check resolved (sandbox.core.egress).
            session = self._local.session = egress.pinned_session(self.sandbox.config)
        return session

    def _send(self, job):
        """One attempt, within the total deadline, reading at most `webhook_answer_bytes` of the answer."""
        config = self.sandbox.config
        started = time.perf_counter()
        with egress.deadline(config.webhook_deadline) as expired:
            try:
                with self._session().post(job.url, data=job.body.encode("utf-8"), headers=job.headers,
                                          allow_redirects=False, stream=True,
                                          timeout=(job.policy.connect_timeout, job.policy.read_timeout)) as response:
                    answer = _read_answer(response, config.webhook_answer_bytes)
                if expired.is_set():        # the shut socket read as the end of an answer without a length
                    return None, None, DEADLINE.format(seconds=config.webhook_deadline), started
                return response.status_code, answer[:RESPONSE_KEPT], None, started
            except (requests.RequestException, OSError) as exc:
                if expired.is_set():
                    return None, None, DEADLINE.format(seconds=config.webhook_deadline), started
                return None, None, f"{type(exc).__name__}: {exc}"[:500], started

    @staticmethod
    def _record(world, job, outcome):
        status_code, text, error, started = outcome
        number, policy = job.number, job.policy
        latency = round((time.perf_counter() - started) * 1000, 2)
        now = world.clock.timestamp()
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


def _read_answer(response, limit):
    """The first `limit` bytes of the answer as text; the rest is never read (the connection is dropped)."""
    raw = b""
    for chunk in response.iter_content(chunk_size=min(limit, 16384)):
        raw += chunk
        if len(raw) >= limit:
            break
    try:
        return raw[:limit].decode(response.encoding or "utf-8", errors="replace")
    except LookupError:             # a charset Python does not know
        return raw[:limit].decode("utf-8", errors="replace")


class _Lane:
    """One subscription's delivery lane: held while sending; `scheduled` while a background drain is queued."""

    def __init__(self):
        self.lock = threading.Lock()
        self.scheduled = False


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
