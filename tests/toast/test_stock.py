"""Toast Stock v1: the three operations, their refusals, and the stock events (developer guide: "Stock overview",
"Getting stock information using the stock API", "Updating stock", "Stock webhook")."""

import json

import pytest

from helpers import HARBOR_DOWNTOWN, PARTNER, READ_ONLY, assert_toast_error, login, toast_headers
from published import assert_published

STOCK = "/stock/v1/inventory"
SPEC = "toast-stock-openapi.yaml"


def _published(method, path, response):
    assert_published(SPEC, method, path, response.status_code, response.json)


def _events(client, kind=None):
    query = {"type": kind} if kind else {}
    return [json.loads(e["body"])["details"] | {"eventType": e["eventType"]}
            for e in client.get("/_sandbox/webhooks/events", query_string=query).json
            if e["eventCategory"] == "stock"]


def test_inventory_lists_only_items_at_risk(client, headers, harbor):
    """The guide: items IN_STOCK are not listed; `status` narrows to OUT_OF_STOCK or QUANTITY."""
    response = client.get(STOCK, headers=headers)
    assert response.status_code == 200
    _published("GET", STOCK, response)
    by_name = {harbor.catalog.menu_items.get(e["guid"], harbor.catalog.modifier_options.get(e["guid"])).name: e
               for e in response.json}
    assert set(by_name) == {"Boston Cream Pie", "Blueberry Cobbler", "Sweet Potato Fries"}
    assert (by_name["Boston Cream Pie"]["status"], by_name["Boston Cream Pie"]["quantity"]) == ("QUANTITY", 8.0)
    assert (by_name["Blueberry Cobbler"]["status"], by_name["Blueberry Cobbler"]["quantity"]) == ("OUT_OF_STOCK", None)
    assert all(e["itemGuidValidity"] == "VALID" for e in response.json)
    out = client.get(STOCK, query_string={"status": "OUT_OF_STOCK"}, headers=headers).json
    assert [e["guid"] for e in out] == [harbor.item("Blueberry Cobbler").guid]
    counted = client.get(STOCK, query_string={"status": "QUANTITY"}, headers=headers).json
    assert {e["status"] for e in counted} == {"QUANTITY"} and len(counted) == 2


def test_inventory_status_must_be_one_it_lists(client, headers):
    assert_toast_error(client.get(STOCK, query_string={"status": "IN_STOCK"}, headers=headers), 400, "status")


def test_search_by_guid_and_multi_location_id(client, headers, harbor):
    pie, chowder = harbor.item("Boston Cream Pie"), harbor.item("Clam Chowder")
    body = {"guids": [pie.guid, "00000000-0000-4000-8000-000000000000"],
            "multiLocationIds": [chowder.multi_location_id, "999"]}
    response = client.post(f"{STOCK}/search", json=body, headers=headers)
    assert response.status_code == 200
    _published("POST", f"{STOCK}/search", response)
    first, unknown, second, unknown_mlid = response.json
    assert (first["guid"], first["status"], first["quantity"]) == (pie.guid, "QUANTITY", 8.0)
    assert (second["guid"], second["status"], second["quantity"]) == (chowder.guid, "IN_STOCK", None)
    assert second["multiLocationId"] == chowder.multi_location_id
    assert unknown["itemGuidValidity"] == unknown_mlid["itemGuidValidity"] == "INVALID"
    assert unknown_mlid["multiLocationId"] == "999"


def test_search_of_nothing_is_an_empty_list(client, headers):
    assert client.post(f"{STOCK}/search", json={}, headers=headers).json == []


def test_update_changes_stock_and_records_one_event_per_item(client, headers, harbor):
    """The guide's thresholds: low_quantity at 5 or less, in_stock above it or when marked in stock."""
    chowder, burger = harbor.item("Clam Chowder"), harbor.item("Harbor Burger")
    cobbler = harbor.item("Blueberry Cobbler")
    body = [{"guid": chowder.guid, "status": "QUANTITY", "quantity": 2.5},
            {"multiLocationId": burger.multi_location_id, "status": "OUT_OF_STOCK"},
            {"guid": cobbler.guid, "status": "IN_STOCK"}]
    response = client.put(f"{STOCK}/update", json=body, headers=headers)
    assert response.status_code == 200
    _published("PUT", f"{STOCK}/update", response)
    assert [(e["guid"], e["status"], e["quantity"]) for e in response.json] == [
        (chowder.guid, "QUANTITY", 2.5), (burger.guid, "OUT_OF_STOCK", None), (cobbler.guid, "IN_STOCK", None)]
    events = _events(client)
    assert [(e["eventType"], e["itemGuid"]) for e in events] == [
        ("low_quantity", chowder.guid), ("out_of_stock", burger.guid), ("in_stock", cobbler.guid)]
    assert events[0] == {"eventType": "low_quantity", "itemGuid": chowder.guid, "restaurantGuid": HARBOR_DOWNTOWN,
                         "status": "QUANTITY", "quantity": 2.5, "multiLocationId": chowder.multi_location_id,
                         "versionId": chowder.guid}
    assert "quantity" not in events[1]
    listed = {e["guid"] for e in client.get(STOCK, headers=headers).json}
    assert chowder.guid in listed and burger.guid in listed and cobbler.guid not in listed
    client.put(f"{STOCK}/update", json=[{"guid": chowder.guid, "status": "QUANTITY", "quantity": 40}],
               headers=headers)
    assert _events(client)[-1]["eventType"] == "in_stock"


def test_update_of_a_modifier_option(client, headers, harbor):
    bacon = harbor.option("Bacon")
    response = client.put(f"{STOCK}/update", json=[{"guid": bacon.guid, "status": "OUT_OF_STOCK"}], headers=headers)
    assert response.json[0]["guid"] == bacon.guid
    assert bacon.guid in {e["guid"] for e in client.get(STOCK, headers=headers).json}


def test_update_with_an_unknown_item_changes_nothing(client, headers, harbor):
    """The guide: when an item cannot be found the entire update fails, naming it in the message."""
    chowder = harbor.item("Clam Chowder")
    missing = "00000000-0000-4000-8000-000000000001"
    body = [{"guid": chowder.guid, "status": "OUT_OF_STOCK"}, {"guid": missing, "status": "IN_STOCK"}]
    assert_toast_error(client.put(f"{STOCK}/update", json=body, headers=headers), 400, missing)
    assert chowder.guid not in harbor.catalog.stock and _events(client) == []


@pytest.mark.parametrize("entry, field", [
    ({"status": "QUANTITY"}, "[0].quantity"),
    ({"status": "QUANTITY", "quantity": 0}, "[0].quantity"),
    ({"status": "QUANTITY", "quantity": -3}, "[0].quantity"),
    ({"status": "OUT_OF_STOCK", "quantity": 4}, "[0].quantity"),
    ({"status": "IN_STOCK"}, "[0].guid"),
])
def test_update_refuses_inconsistent_entries(client, headers, harbor, entry, field):
    """The spec: QUANTITY needs a quantity above 0; no quantity with IN_STOCK or OUT_OF_STOCK."""
    if field != "[0].guid":
        entry = {"guid": harbor.item("Clam Chowder").guid, **entry}
    body = assert_toast_error(client.put(f"{STOCK}/update", json=[entry], headers=headers), 400)
    assert body["fieldName"] == field
    assert harbor.catalog.stock.get(harbor.item("Clam Chowder").guid) is None


@pytest.mark.parametrize("body", [
    [], {"guid": "x"}, [{"guid": "not-a-guid", "status": "IN_STOCK"}], [{"status": "SOLD_OUT", "guid": None}],
    [{"status": "QUANTITY", "quantity": 1e300, "multiLocationId": "1"}], [{"status": "QUANTITY", "quantity": "lots"}],
    [{"status": "IN_STOCK", "multiLocationId": "9" * 65}],
    [{"status": "IN_STOCK", "multiLocationId": "1"}] * 1001, "\ud800",
])
def test_update_hostile_bodies_are_400(client, headers, body):
    assert_toast_error(client.put(f"{STOCK}/update", json=body, headers=headers), 400)
    assert _events(client) == []


@pytest.mark.parametrize("body", [{"guids": "abc"}, {"guids": ["nope"]}, {"multiLocationIds": [1] * 1001}, []])
def test_search_hostile_bodies_are_400(client, headers, body):
    assert_toast_error(client.post(f"{STOCK}/search", json=body, headers=headers), 400)


def test_stock_needs_its_scopes(client):
    """The spec: stock:read to read, stock:write to update."""
    headers = toast_headers(login(client, READ_ONLY), HARBOR_DOWNTOWN)
    assert_toast_error(client.get(STOCK, headers=headers), 403)
    assert_toast_error(client.put(f"{STOCK}/update", json=[{"multiLocationId": "1", "status": "IN_STOCK"}],
                                  headers=headers), 403)


def test_stock_round_trips_through_export_and_import(client, headers, harbor):
    client.put(f"{STOCK}/update", json=[{"guid": harbor.item("Clam Chowder").guid, "status": "QUANTITY",
                                         "quantity": 0.5}], headers=headers)

    def inventory():
        fresh = toast_headers(login(client), HARBOR_DOWNTOWN)       # a reset or an import forgets issued tokens
        return sorted(client.get(STOCK, headers=fresh).json, key=lambda entry: entry["guid"])
    before = inventory()
    exported = client.get("/_sandbox/export").json
    client.post("/_sandbox/reset")
    assert inventory() != before
    assert client.post("/_sandbox/import", json=exported).status_code in (200, 204)
    assert inventory() == before


def test_stock_is_per_world(client, headers, harbor):
    """A world's stock is its own: a change in one world leaves another's as seeded."""
    assert client.post("/_sandbox/worlds", json={"name": "other"}).status_code == 201
    token = client.post("/authentication/v1/authentication/login", headers={"X-Sandbox-World": "other"},
                        json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                              "userAccessType": "TOAST_MACHINE_CLIENT"}).json["token"]["accessToken"]
    other = {**toast_headers(token, HARBOR_DOWNTOWN), "X-Sandbox-World": "other"}
    pie = harbor.item("Boston Cream Pie").multi_location_id
    client.put(f"{STOCK}/update", json=[{"multiLocationId": pie, "status": "OUT_OF_STOCK"}], headers=headers)
    [mine] = client.post(f"{STOCK}/search", json={"multiLocationIds": [pie]}, headers=headers).json
    [theirs] = client.post(f"{STOCK}/search", json={"multiLocationIds": [pie]}, headers=other).json
    assert (mine["status"], theirs["status"], theirs["quantity"]) == ("OUT_OF_STOCK", "QUANTITY", 8.0)
