"""Toast Kitchen: prep stations paged by token (like the configuration API), the routing of menu items to them, and
the item fulfillment export agreeing with the orders' selections and their fulfillmentStatus."""

from datetime import date, timedelta

import pytest

from helpers import HARBOR_DOWNTOWN, MESA, READ_ONLY, advance, assert_toast_error, login, orders_of_day, \
    toast_headers
from tests.published import assert_published

DOCUMENT = "toast-kitchen-openapi.yaml"
# Paging by token, with 409 to start again: https://doc.toasttab.com/doc/devguide/apiResponseDataPagination.html
STATIONS = "/kitchen/v1/published/prepStations"
EXPORT = "/kitchen/v1/export/itemFulfillments"


def _get(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.json
    assert_published(DOCUMENT, "GET", path, 200, response.json)
    return response


def _today(client):
    return date.fromisoformat(client.get("/_sandbox/clock").json["now"][:10])


def test_prep_stations_list_and_get(client, headers):
    stations = _get(client, headers, STATIONS).json
    assert [s["name"] for s in stations] == ["Grill", "Cold Line", "Bar"]
    assert "Toast-Next-Page-Token" not in _get(client, headers, STATIONS).headers
    printers = {p["guid"]: p["name"] for p in client.get("/config/v2/printers", headers=headers).json}
    guids = {s["guid"] for s in stations}
    for station in stations:
        assert _get(client, headers, f"{STATIONS}/{station['guid']}").json == station
        assert printers[station["kitchenPrinter"]["guid"]] == ("Bar" if station["name"] == "Bar" else "Kitchen")
        assert {c["guid"] for c in station["connectedPrepStations"]} <= guids
        assert station["includeWithExpediter"] == (station["expoRouting"] == "SEND_TO_EXPO")
    assert_toast_error(client.get(f"{STATIONS}/00000000-0000-4000-8000-000000000000", headers=headers), 404)
    assert_toast_error(client.get(f"{STATIONS}/not-a-guid", headers=headers), 400)
    # Another restaurant's station is not this one's.
    mesa_station = client.get(STATIONS, headers=toast_headers(login(client), MESA)).json[0]["guid"]
    assert_toast_error(client.get(f"{STATIONS}/{mesa_station}", headers=headers), 404)


@pytest.mark.pos_sandbox(config_page_size=2)
def test_prep_stations_page_by_token_and_last_modified(client, headers):
    first = _get(client, headers, STATIONS)
    token = first.headers["Toast-Next-Page-Token"]
    second = _get(client, headers, f"{STATIONS}?pageToken={token}")
    assert "Toast-Next-Page-Token" not in second.headers
    assert len(first.json) == 2 and len(second.json) == 1
    assert {s["guid"] for s in first.json + second.json} == {s["guid"] for s in client.get(
        STATIONS, headers=headers).json + second.json}
    assert_toast_error(client.get(f"{STATIONS}?pageToken=garbage", headers=headers), 409)
    assert _get(client, headers, f"{STATIONS}?lastModified=2000-01-01T00:00:00.000%2B0000").json == first.json
    assert _get(client, headers, f"{STATIONS}?lastModified=2999-01-01T00:00:00.000%2B0000").json == []
    assert_toast_error(client.get(f"{STATIONS}?lastModified=yesterday", headers=headers), 400)
    # A menu publish moves lastModified: a token issued before it is stale.
    advance(client, 60)
    assert client.post(f"/_sandbox/restaurants/{HARBOR_DOWNTOWN}/menu/publish").status_code in (200, 202)
    assert_toast_error(client.get(f"{STATIONS}?pageToken={token}", headers=headers), 409)


def test_menu_items_route_to_the_stations_of_their_group(world, harbor):
    catalog = harbor.catalog
    for item in catalog.menu_items.values():
        group = catalog.menu_groups[item.group_guid].name
        names = [s.name for s in catalog.prep_stations_of(item.guid)]
        assert names == {"Mains": ["Grill"], "Brunch": ["Grill"], "Starters": ["Cold Line"],
                         "Desserts": ["Cold Line"], "Drinks": ["Bar"]}[group]


def _selections(client, headers, day):
    return [(o, s) for o in orders_of_day(client, headers, day) for c in o["checks"] for s in c["selections"]]


@pytest.mark.pos_sandbox(history_days=2)
@pytest.mark.parametrize("restaurant", [HARBOR_DOWNTOWN, MESA])
def test_every_fulfilled_selection_is_exported_and_nothing_else(client, partner_token, restaurant):
    headers = toast_headers(partner_token, restaurant)
    stations = {s["guid"]: s for s in client.get(STATIONS, headers=headers).json}
    today = _today(client)
    for day in (f"{today - timedelta(days=1):%Y%m%d}", f"{today:%Y%m%d}"):
        selections = _selections(client, headers, day)
        ready = {s["guid"]: (o, s) for o, s in selections if s["fulfillmentStatus"] == "READY" and not s["voided"]}
        records = _get(client, headers, f"{EXPORT}?businessDate={day}").json
        # The closed day's lines are all fulfilled; today's open orders may have none ready yet.
        assert (ready or day == f"{today:%Y%m%d}") and {r["selectionGuid"] for r in records} == set(ready)
        for record in records:
            order, selection = ready[record["selectionGuid"]]
            assert (record["orderGuid"], record["restaurantGuid"]) == (order["guid"], restaurant)
            assert record["selectionMenuItemGuid"] == selection["item"]["guid"]
            assert record["diningOptionGuid"] == order["diningOption"]["guid"]
            assert record["orderSource"] == order["source"]
            assert record["ticketFiredAt"] <= record["itemStartedAt"] <= record["itemFulfilledAt"]
            if record["itemFulfillmentLevel"] == 0:
                assert record["prepStationName"] == stations[record["prepStationGuid"]]["name"]
            else:
                assert record["prepStationGuid"] is None
                assert record["selectionMenuItemName"] != "" and record["itemFulfillmentLevel"] == 1
        # Each fulfilled line appears at its station (level 0); drinks skip the expediter, food goes there too.
        levels = {}
        for record in records:
            levels.setdefault(record["selectionGuid"], []).append(record["itemFulfillmentLevel"])
        assert all(sorted(found) in ([0], [0, 1]) for found in levels.values())
    still_cooking = [s for o, s in _selections(client, headers, f"{today:%Y%m%d}")
                     if s["fulfillmentStatus"] in ("SENT", "HOLD")]
    assert still_cooking


def test_an_api_order_stays_out_of_the_export_while_the_kitchen_has_it(client, headers, harbor):
    """Orders posted through the API arrive NEW; only READY lines are fulfilled."""
    created = client.post("/orders/v2/orders", json=harbor.order(harbor.selection("Fish and Chips")), headers=headers)
    assert created.status_code == 200
    assert created.json["checks"][0]["selections"][0]["fulfillmentStatus"] == "NEW"
    assert _get(client, headers, f"{EXPORT}?businessDate={_today(client):%Y%m%d}").json == []


@pytest.mark.pos_sandbox(history_days=1, toast_kitchen_export=False)
def test_without_the_subscription_the_export_is_204(client, headers):
    response = client.get(f"{EXPORT}?businessDate={_today(client):%Y%m%d}", headers=headers)
    assert response.status_code == 204 and response.get_data() == b""
    assert client.get(STATIONS, headers=headers).status_code == 200


@pytest.mark.parametrize("query", ["", "?businessDate=2026-11-01", "?businessDate=20261301", "?businessDate=1",
                                   "?businessDate=" + "1" * 9000, "?businessDate=%F0%9F%8D%94"])
def test_a_bad_business_date_is_400(client, headers, query):
    response = client.get(EXPORT + query, headers=headers)
    assert_toast_error(response, 414 if len(query) > 8000 else 400)


@pytest.mark.parametrize("path", [STATIONS, f"{EXPORT}?businessDate=20261101"])
def test_access_rules(client, partner_token, path):
    assert_toast_error(client.get(path), 401)
    assert_toast_error(client.get(path, headers=toast_headers(login(client, READ_ONLY))), 403, "kitchen:read")
