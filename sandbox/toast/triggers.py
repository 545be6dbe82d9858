"""Real state changes that emit each Toast webhook event, for `pos-sandbox trigger` and `POST /_sandbox/trigger`."""

from decimal import Decimal

from sandbox.core.errors import BadRequest, Conflict, NotFound
from sandbox.core.events import record
from sandbox.core.pipeline import Context
from sandbox.toast.menus.views import metadata
from sandbox.toast.orders.actions import OrderDesk
from sandbox.toast.availability import models as availability
from sandbox.toast.partners import models as partners
from sandbox.toast.state import toast_state
from sandbox.toast.stock import models as stock

STOCK_EVENTS = {"in_stock": "IN_STOCK", "out_of_stock": "OUT_OF_STOCK", "low_quantity": "QUANTITY"}
AVAILABILITY_EVENTS = tuple(availability.EVENTS)


def partner_details(state, connection):
    """The connection as partner webhooks carry it."""
    restaurant = state.restaurants[connection.restaurant_guid]
    view = connection.to_dict(restaurant)
    view.pop("deleted")
    return {**view, "createdByFirstName": None, "createdByLastName": None,
            "createdByPhoneNumber": None, "restaurantPhoneNumber": restaurant.phone,
            "restaurantAddressLine1": restaurant.address1, "restaurantAddressLine2": None,
            "restaurantCity": restaurant.city, "restaurantState": restaurant.state_code,
            "restaurantZipCode": restaurant.zip_code, "restaurantLatitude": str(restaurant.latitude),
            "restaurantLongitude": str(restaurant.longitude), "restaurantCountryCode": restaurant.country,
            "restaurantTimezone": restaurant.time_zone}


def record_partner(world, clock, kind, connection):
    return record(world, clock, "toast", "partner", kind, partner_details(toast_state(world), connection))


def publish_menu(world, clock, catalog):
    """Publish a restaurant's menu again: lastUpdated moves and menus_updated is recorded."""
    catalog.last_updated = clock.timestamp()
    published = metadata(catalog)
    event = record(world, clock, "toast", "menus", "menus_updated",
                   {"restaurantGuid": catalog.restaurant_guid, "publishedDate": published["lastUpdated"]},
                   catalog.restaurant_guid)
    return published, event


def _partner_client(state, client_id):
    if client_id:
        client = state.clients.get(client_id)
        if client is None or not client.is_partner:
            raise NotFound(f"No partner API client {client_id}")
        return client
    return next(c for c in state.clients.values() if c.is_partner)


def _order(sandbox, world, state, restaurant, catalog):
    """A one-item dine-in order, created as an integration would."""
    ctx = Context(sandbox, None, None, world, restaurant=restaurant)
    dining = next(d for d in catalog.dining_options.values() if d.behavior == "DINE_IN")
    item = next(i for i in catalog.menu_items.values()
                if not any(catalog.modifier_groups[g].min_selections for g in i.modifier_group_guids)
                and stock.state_of(catalog, i.guid)[0] == "IN_STOCK")
    desk = OrderDesk(ctx, state)
    order = desk.create({"diningOption": {"guid": dining.guid},
                         "checks": [{"selections": [{"item": {"guid": item.guid}, "quantity": 1}]}]})
    return {"orderGuid": order["guid"]}, desk.last_event


def _stock(world, clock, catalog, event_name):
    """The first menu item goes in stock, out of stock, or low (3 left)."""
    item = next(iter(catalog.menu_items.values()))
    status = STOCK_EVENTS[event_name]
    event = stock.set_status(world, clock, catalog, item, status, Decimal(3) if status == "QUANTITY" else None)
    return {"itemGuid": item.guid, "status": status}, event


def _availability(world, clock, restaurant, event_name):
    """The restaurant goes OFFLINE or ONLINE; 409 when it already is."""
    status = availability.EVENTS[event_name]
    event = availability.switch(world, clock, restaurant, status)
    if event is None:
        raise Conflict(f"Restaurant {restaurant.guid} is already {status}")
    return {"status": status}, event


def _partner(world, clock, state, guid, event_name, client_id):
    """Connect (partner_added), edit (partner_updated) or disconnect (partner_removed) a partner's restaurant."""
    client = _partner_client(state, client_id)
    connected = (client.client_id, guid) in state.connections
    if connected != (event_name != "partner_added"):
        problem = "already" if connected else "not"
        raise Conflict(f"Restaurant {guid} is {problem} connected to API client {client.client_id}")
    if event_name == "partner_removed":
        connection = state.connections[(client.client_id, guid)]
        partners.disconnect(state, client.client_id, guid)
    else:
        reference = f"ref-{world.ids.token(6)}" if event_name == "partner_updated" else None
        connection, _ = partners.connect(state, client.client_id, guid, clock.timestamp(), "qa@pos-sandbox.local",
                                         external_restaurant_ref=reference)
    return {"clientId": client.client_id}, record_partner(world, clock, event_name, connection)


def trigger(sandbox, world, event_name, restaurant_guid=None, client_id=None):
    """Make the change behind `event_name`; returns (restaurant guid, what changed, the recorded event)."""
    state = toast_state(world)
    guid = (restaurant_guid or next(iter(state.restaurants))).lower()
    restaurant = state.restaurants.get(guid)
    if restaurant is None:
        raise NotFound(f"No restaurant {guid}")
    catalog = state.catalogs[guid]
    if event_name == "order_updated":
        changed, event = _order(sandbox, world, state, restaurant, catalog)
    elif event_name == "menus_updated":
        changed, event = publish_menu(world, world.clock, catalog)
    elif event_name in STOCK_EVENTS:
        changed, event = _stock(world, world.clock, catalog, event_name)
    elif event_name in AVAILABILITY_EVENTS:
        changed, event = _availability(world, world.clock, restaurant, event_name)
    elif event_name in ("partner_added", "partner_updated", "partner_removed"):
        changed, event = _partner(world, world.clock, state, guid, event_name, client_id)
    else:
        raise BadRequest(f"No trigger for {event_name}", field="event")
    return guid, changed, event
