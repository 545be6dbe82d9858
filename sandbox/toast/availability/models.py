"""A restaurant's online-ordering availability, switched by QA, with its webhook event and its effect on orders."""

from sandbox.core.errors import BadRequest, Conflict
from sandbox.core.events import record

STATUSES = ("ONLINE", "OFFLINE")
EVENTS = {"availability_online": "ONLINE", "availability_offline": "OFFLINE"}
_REASONS = {"ONLINE": "Restaurant is accepting online orders",
            "OFFLINE": "Restaurant is not accepting online orders"}
OFFLINE_REFUSED = "Restaurant({guid}) is OFFLINE and is not accepting online orders"


def view(restaurant):
    """The RestaurantAvailability object."""
    status = restaurant.availability
    return {"restaurantGuid": restaurant.guid, "status": status, "reasonKey": f"AVAILABILITY_{status}",
            "reason": _REASONS[status]}


def switch(world, clock, restaurant, status):
    """Set a restaurant ONLINE or OFFLINE; records `availability_online`/`availability_offline` when it changes
    (returns the event, or None when the status was already that)."""
    if status not in STATUSES:
        raise BadRequest(f"status must be one of {', '.join(STATUSES)}", field="status")
    if restaurant.availability == status:
        return None
    restaurant.availability = status
    return record(world, clock, "toast", "restaurant_availability", f"availability_{status.lower()}",
                  view(restaurant), restaurant.guid)


def admit_order(config, restaurant):
    """Orders for an OFFLINE restaurant: taken (the platform answers 200), or 409 with `toast_offline_orders`
    set to `reject`."""
    if restaurant.availability == "OFFLINE" and config.toast_offline_orders == "reject":
        raise Conflict(OFFLINE_REFUSED.format(guid=restaurant.guid))
