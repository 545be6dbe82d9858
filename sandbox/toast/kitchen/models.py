"""Prep stations as the kitchen API shows them, and item fulfillments derived from the orders' selections."""

import uuid

from sandbox.toast.dates import toast_date

# Minutes a fulfilled item spent at its station (after its ticket fired), and then at the expediter.
PREP_MINUTES = (6, 20)
EXPO_MINUTES = (1, 3)


def station_view(station):
    """A PrepStation in the API's shape."""
    return {"guid": station.guid, "entityType": "PrepStation", "name": station.name,
            "connectedPrepStations": [{"guid": g, "entityType": "PrepStation"} for g in station.connected_guids],
            "printingMode": "ON" if station.printer_guid else "OFFLINE_ONLY",
            "includeWithExpediter": station.expo_routing == "SEND_TO_EXPO", "expoRouting": station.expo_routing,
            "kitchenPrinter": {"guid": station.printer_guid, "entityType": "Printer"} if station.printer_guid else None}


def _spread(guid, salt, bounds):
    """A stable number of seconds within `bounds` minutes for one selection (no random state to keep)."""
    low, high = bounds
    return (low * 60) + uuid.uuid5(uuid.UUID(guid), salt).int % ((high - low) * 60 + 1)


def fulfillments(catalog, book, restaurant_guid, day, now):
    """One record per fulfilled (READY) item selection of the business date and prep station it went to, plus
    one at the expediter when a station sends its tickets there; nothing for voided lines or lines still cooking."""
    records = []
    for order_guid in book.on_business_date(restaurant_guid, day):
        order = book.orders[order_guid]
        dining = catalog.dining_options.get(order.dining_option_guid)
        for check in order.checks:
            for selection in check.selections:
                if selection.voided or selection.fulfillment_status != "READY":
                    continue
                base = _base(order, selection, dining, catalog.menu_items.get(selection.item_guid))
                records.extend(_records(base, check, selection, catalog.prep_stations_of(selection.item_guid), now))
    return records


def _base(order, selection, dining, item):
    return {"restaurantGuid": order.restaurant_guid, "orderGuid": order.guid, "selectionGuid": selection.guid,
            "selectionMenuItemGuid": selection.item_guid,
            "selectionMenuItemName": item.name if item else selection.name,
            "selectionMenuItemMultiLocationId": selection.multi_location_id,
            "diningOptionGuid": order.dining_option_guid, "diningOptionName": dining.name if dining else None,
            "diningOptionBehavior": order.dining_behavior, "courseGuid": None, "courseName": None,
            "orderSource": order.source}


def _records(base, check, selection, stations, now):
    fired = selection.created
    done = []
    for station in stations:
        ready = min(fired + _spread(selection.guid, station.guid, PREP_MINUTES), now)
        done.append(ready)
        if station.expo_routing != "EXPO_ONLY":
            yield {**base, "ticketGuid": str(uuid.uuid5(uuid.UUID(check.guid), station.guid)),
                   "ticketFiredAt": toast_date(fired), "itemStartedAt": toast_date(fired),
                   "itemFulfilledAt": toast_date(ready), "itemFulfillmentLevel": 0, "prepStationGuid": station.guid,
                   "prepStationName": station.name, "prepStationMultiLocationId": station.multi_location_id}
    if not stations or any(s.expo_routing != "SKIP_EXPO" for s in stations):   # no station: the expediter alone
        ready = min(max(done, default=fired) + _spread(selection.guid, "expo", EXPO_MINUTES), now)
        yield {**base, "ticketGuid": str(uuid.uuid5(uuid.UUID(check.guid), "expo")), "ticketFiredAt": toast_date(fired),
               "itemStartedAt": toast_date(fired), "itemFulfilledAt": toast_date(ready), "itemFulfillmentLevel": 1,
               "prepStationGuid": None, "prepStationName": None, "prepStationMultiLocationId": None}
