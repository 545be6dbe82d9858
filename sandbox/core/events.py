"""Events recorded in a world's outbox when state changes; the webhook worker delivers them."""

from dataclasses import dataclass, field


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
    """Append an event to the world's outbox (callers hold the world lock) and return it."""
    event = Event(world.ids.guid(), provider, category, event_type, clock.timestamp(), payload, restaurant_guid)
    world.emit(event)
    return event
