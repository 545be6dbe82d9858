"""Events recorded when state changes; they go to the world's webhook outbox, which the delivery worker sends."""

from dataclasses import dataclass, field

from sandbox.core import webhooks


@dataclass
class Event:
    """One state change worth a webhook. `payload` is the provider's body content (Toast `details`, Toster `data`)."""

    guid: str
    provider: str                  # "toast" or "toster"
    category: str                  # Toast eventCategory (e.g. "order_updated"); Toster: the event's prefix ("order")
    type: str                      # Toast eventType; Toster event name ("order.created")
    created: float                 # epoch seconds on the sandbox clock
    payload: dict = field(default_factory=dict)
    restaurant_guid: str = None    # None for events that are not about one restaurant (Toast partner events)


def record(world, clock, provider, category, event_type, payload, restaurant_guid=None):
    """Queue an event for the subscriptions that want it (callers hold the world lock); returns the event."""
    event = Event(world.ids.guid(), provider, category, event_type, clock.timestamp(), payload, restaurant_guid)
    webhooks.fan_out(world, event)
    return event
