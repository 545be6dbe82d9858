"""Webhook subscriptions and the delivery log of a world: fan-out of events, retry schedule, back-off, replay."""

from collections import OrderedDict
from dataclasses import dataclass, field

from sandbox.core.codec import Refused, check_items, check_known, check_mapping
from sandbox.core.errors import BadRequest, Conflict, NotFound
from sandbox.core.journal import mask_headers

SUCCESS, PENDING, NOT_SENT, FAILURE = "Success", "Pending", "Not sent", "Failure"
STATUSES = (SUCCESS, PENDING, NOT_SENT, FAILURE)
ACTIVE, PAUSED, STOPPED = "active", "paused", "stopped"
SIGNING_MODES = ("body+timestamp", "body")
MAX_SUBSCRIPTIONS = 500     # in one world
TOO_MANY_SUBSCRIPTIONS = "A world holds at most {limit} webhook subscriptions; delete some first"


@dataclass
class Subscription:
    guid: str
    provider: str                  # "toast" or "toster"
    url: str
    secret: str
    events: list                   # Toast: [eventCategory]; Toster: event names ("order.created", ...)
    created: float
    signing: str = "body+timestamp"
    status: str = ACTIVE
    paused_until: float = None
    errors: list = field(default_factory=list)     # times of failed attempts (back-off window)
    pauses: list = field(default_factory=list)     # times of pauses (stop window)

    def wants(self, event):
        return event.provider == self.provider and (event.category in self.events or event.type in self.events)

    def to_dict(self, with_secret=True):
        view = {"guid": self.guid, "provider": self.provider, "url": self.url, "events": list(self.events),
                "eventCategory": self.events[0] if self.provider == "toast" and self.events else None,
                "signing": self.signing, "status": self.status, "pausedUntil": self.paused_until}
        if with_secret:
            view["secret"] = self.secret
        return view


@dataclass
class Attempt:
    number: int
    at: float
    status_code: int = None        # None when no HTTP answer came back (refused, timeout, dropped)
    error: str = None
    latency_ms: float = None
    request_headers: dict = field(default_factory=dict)
    response_body: str = None

    def to_dict(self):
        return {"number": self.number, "at": self.at, "statusCode": self.status_code, "error": self.error,
                "latencyMs": self.latency_ms, "requestHeaders": mask_headers(self.request_headers.items()),
                "responseBody": self.response_body}


@dataclass
class Delivery:
    """One event on its way to one subscription (or, with no subscription, an event nobody listens to)."""

    guid: str
    event_guid: str
    provider: str
    category: str
    type: str
    restaurant_guid: str
    created: float
    event: object                  # the Event; the provider's policy renders it once into `body`
    body: str = None               # the exact text every attempt sends
    subscription_guid: str = None
    status: str = PENDING
    next_at: float = None
    attempts: list = field(default_factory=list)
    replay_of: str = None

    def to_dict(self):
        return {"guid": self.guid, "eventGuid": self.event_guid, "provider": self.provider,
                "eventCategory": self.category, "eventType": self.type, "restaurantGuid": self.restaurant_guid,
                "subscription": self.subscription_guid, "status": self.status, "created": self.created,
                "nextAttemptAt": self.next_at if self.status == PENDING else None, "body": self.body,
                "attempts": [a.to_dict() for a in self.attempts], "replayOf": self.replay_of}


@dataclass
class WebhookState:
    subscriptions: dict = field(default_factory=dict)      # guid -> Subscription
    deliveries: OrderedDict = field(default_factory=OrderedDict)   # guid -> Delivery, oldest first
    pending: dict = field(default_factory=dict)            # guids of Pending deliveries, oldest first (a set)
    keep: int = 10000                                      # finished entries kept in the log

    def add(self, delivery):
        self.deliveries[delivery.guid] = delivery
        if delivery.status == PENDING:
            self.pending[delivery.guid] = None

    def finish(self, delivery, status):
        """Settle a delivery as Success or Failure."""
        delivery.status = status
        self.pending.pop(delivery.guid, None)


def check_import(state, where):
    """An imported delivery log holds what the worker reads: subscriptions and deliveries by guid, a pending set
    of pending deliveries, statuses it knows."""
    check_mapping(state.subscriptions, Subscription, f"{where}.subscriptions", key=lambda s: s.guid)
    check_mapping(state.deliveries, Delivery, f"{where}.deliveries", key=lambda d: d.guid)
    if not isinstance(state.deliveries, OrderedDict) or not isinstance(state.pending, dict) or state.keep < 1:
        raise Refused(where, "deliveries must be ordered, pending a set and keep at least 1")
    check_known(state.pending, state.deliveries, f"{where}.pending", "delivery")
    for subscription in state.subscriptions.values():
        if subscription.status not in (ACTIVE, PAUSED, STOPPED) or subscription.signing not in SIGNING_MODES:
            raise Refused(f"{where}.subscriptions[{subscription.guid!r}]", "unknown status or signing mode")
        for name in ("events", "errors", "pauses"):
            check_items(getattr(subscription, name), (str,) if name == "events" else (int, float),
                        f"{where}.subscriptions[{subscription.guid!r}].{name}")
    for delivery in state.deliveries.values():
        here = f"{where}.deliveries[{delivery.guid!r}]"
        if delivery.status not in STATUSES or (delivery.status == PENDING) != (delivery.guid in state.pending):
            raise Refused(here, "its status and the pending set disagree")
        if delivery.status == PENDING and delivery.next_at is None:
            raise Refused(here, "a pending delivery needs nextAt")
        check_items(delivery.attempts, Attempt, f"{here}.attempts")


def webhook_state(world):
    return world.state.setdefault("webhooks", WebhookState())


def subscribe(world, provider, url, events, secret, now, signing="body+timestamp"):
    """A new active subscription; `secret` None gets a generated one."""
    if signing not in SIGNING_MODES:
        raise BadRequest(f"signing must be one of {', '.join(SIGNING_MODES)}", field="signing")
    if len(webhook_state(world).subscriptions) >= MAX_SUBSCRIPTIONS:
        raise Conflict(TOO_MANY_SUBSCRIPTIONS.format(limit=MAX_SUBSCRIPTIONS))
    subscription = Subscription(world.ids.guid(), provider, url, secret or world.ids.token(40), list(events), now,
                                signing)
    webhook_state(world).subscriptions[subscription.guid] = subscription
    return subscription


def find_subscription(world, guid):
    subscription = webhook_state(world).subscriptions.get(guid)
    if subscription is None:
        raise NotFound(f"No webhook subscription {guid}")
    return subscription


def fan_out(world, event):
    """Queue the event for every subscription that wants it now; with none it is logged as Not sent."""
    state = webhook_state(world)
    targets = [s for s in state.subscriptions.values() if s.wants(event)]
    for subscription in targets or [None]:
        delivery = Delivery(world.ids.guid(), event.guid, event.provider, event.category, event.type,
                            event.restaurant_guid, event.created, event,
                            subscription_guid=subscription.guid if subscription else None,
                            status=PENDING if subscription else NOT_SENT, next_at=event.created)
        state.add(delivery)
    evict(state)


def replay(world, guid, now, copies=1):
    """Send a logged event again (`copies` times, to test a receiver's idempotency); returns the new deliveries."""
    state = webhook_state(world)
    original = state.deliveries.get(guid)
    if original is None:
        raise NotFound(f"No webhook delivery {guid}")
    if original.subscription_guid is None or original.subscription_guid not in state.subscriptions:
        raise Conflict(f"Delivery {guid} has no subscription to send it to")
    fresh = []
    for _ in range(copies):
        again = Delivery(world.ids.guid(), original.event_guid, original.provider, original.category, original.type,
                         original.restaurant_guid, now, original.event, original.body, original.subscription_guid,
                         next_at=now, replay_of=original.guid)
        state.add(again)
        fresh.append(again)
    return fresh


def evict(state):
    """Keep the log within `state.keep` entries: the oldest finished ones (delivered, failed, or with nobody to
    send to) go first; when only pending deliveries are left, the oldest of them are given up too."""
    deliveries = state.deliveries
    surplus = len(deliveries) - state.keep
    if surplus <= 0:
        return
    doomed = []
    for guid, delivery in deliveries.items():       # oldest first; stop at the first `surplus` finished ones
        if delivery.status != PENDING:
            doomed.append(guid)
            if len(doomed) == surplus:
                break
    for guid in list(state.pending)[:surplus - len(doomed)]:
        doomed.append(guid)
        state.pending.pop(guid, None)
    for guid in doomed:
        del deliveries[guid]


def log(world, status=None, event_type=None, subscription=None, since=None):
    """The delivery log, oldest first, filtered."""
    return [d for d in webhook_state(world).deliveries.values()
            if (status is None or d.status == status) and (event_type is None or event_type in (d.type, d.category))
            and (subscription is None or d.subscription_guid == subscription) and (since is None or d.created >= since)]
