"""Toast Menus v3 over the same catalog as Menus v2 and Config v2 (same GUIDs, multiLocationIds and prices), in v3's
shape (no visibility lists), `metadata` moving on publish; scheduled menus (brunch, late night) with their
`availability`, and time-specific and size prices, in every menu API (the published menus schemas' Availability,
Schedule and PricingRules)."""

import pytest

from helpers import GROUP, HARBOR_DOWNTOWN, MESA, READ_ONLY, advance, assert_toast_error, login, toast_headers
from published import assert_published

V2, V3 = "/menus/v2/menus", "/menus/v3/menus"


def _items(document):
    def walk(groups):
        for group in groups:
            yield from group["menuItems"]
            yield from walk(group["menuGroups"])
    return {item["guid"]: item for menu in document["menus"] for item in walk(menu["menuGroups"])}


def _keys(value):
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.parametrize("restaurant", [HARBOR_DOWNTOWN, MESA])
def test_v3_lists_the_same_items_at_the_same_prices_as_v2(client, partner_token, restaurant):
    headers = toast_headers(partner_token, restaurant)
    v2, v3 = client.get(V2, headers=headers), client.get(V3, headers=headers)
    assert v3.status_code == 200
    assert_published("toast-menus-v3-openapi.yaml", "GET", V3, 200, v3.json)
    fields = ("name", "multiLocationId", "price", "pricingStrategy", "pricingRules", "modifierGroupReferences",
              "salesCategory")
    old, new = _items(v2.json), _items(v3.json)
    assert set(old) == set(new) and len(new) >= 10
    for guid, item in new.items():
        category = item["salesCategory"]
        assert {k: item[k] for k in fields} == {**{k: old[guid][k] for k in fields},
                                               "salesCategory": category and {**old[guid]["salesCategory"],
                                                                              "plu": None}}
    assert v3.json["modifierOptionReferences"].keys() == v2.json["modifierOptionReferences"].keys()
    assert [m["guid"] for m in v3.json["menus"]] == [m["guid"] for m in v2.json["menus"]]
    assert "visibility" not in _keys(v3.json) and "visibility" in _keys(v2.json)
    assert all("posName" not in menu for menu in v3.json["menus"])


def test_v3_items_are_the_config_api_s_items(client, headers):
    config = client.get("/config/v2/menuItems", headers=headers).json
    v3 = _items(client.get(V3, headers=headers).json)
    assert set(v3) <= {item["guid"] for item in config}
    menus = {m["guid"] for m in client.get("/config/v2/menus", headers=headers).json}
    assert {m["guid"] for m in client.get(V3, headers=headers).json["menus"]} == menus


def test_an_order_built_from_v3_is_priced_at_v3_s_price(client, headers):
    """Lobster Benedict is on Weekend Brunch and the test clock reads a Monday: the menus spec says the orders API
    does not check a menu's availability, so the order is taken."""
    benedict = next(i for i in _items(client.get(V3, headers=headers).json).values() if i["name"] == "Lobster Benedict")
    dining = next(d for d in client.get("/config/v2/diningOptions", headers=headers).json if d["behavior"] == "DINE_IN")
    body = {"diningOption": {"guid": dining["guid"]},
            "checks": [{"selections": [{"item": {"multiLocationId": benedict["multiLocationId"]}, "quantity": 1}]}]}
    order = client.post("/orders/v2/orders", json=body, headers=headers)
    assert order.status_code == 200
    assert order.json["checks"][0]["selections"][0]["price"] == benedict["price"] == 24.0


def test_metadata_moves_on_publish_in_both_versions(client, headers):
    before = client.get("/menus/v3/metadata", headers=headers)
    assert before.status_code == 200 and before.json == client.get("/menus/v2/metadata", headers=headers).json
    assert_published("toast-menus-v3-openapi.yaml", "GET", "/menus/v3/metadata", 200, before.json)
    advance(client, 90)
    client.post(f"/_sandbox/restaurants/{HARBOR_DOWNTOWN}/menu/publish")
    after = client.get("/menus/v3/metadata", headers=headers).json
    assert after["lastUpdated"] > before.json["lastUpdated"]
    assert client.get(V3, headers=headers).json["lastUpdated"] == after["lastUpdated"]


def test_v3_needs_the_menus_channel_scope(client):
    """The published spec: menus.channel:read (menus:read is V2's)."""
    assert_toast_error(client.get(V3, headers=toast_headers(login(client, READ_ONLY), HARBOR_DOWNTOWN)), 403)
    assert client.get(V3, headers=toast_headers(login(client, GROUP), HARBOR_DOWNTOWN)).status_code == 200


@pytest.mark.parametrize("path", [V2, V3])
def test_scheduled_menus_show_their_availability(client, partner_token, path):
    brunch = next(m for m in client.get(path, headers=toast_headers(partner_token, HARBOR_DOWNTOWN)).json["menus"]
                  if m["name"] == "Weekend Brunch")
    assert brunch["availability"] == {"alwaysAvailable": False, "schedule": [
        {"days": ["SATURDAY", "SUNDAY"], "timeRanges": [{"start": "09:00", "end": "14:00"}]}]}
    menus = client.get(path, headers=toast_headers(partner_token, MESA)).json["menus"]
    late = next(m for m in menus if m["name"] == "Late Night")
    assert late["availability"]["schedule"][0]["timeRanges"] == [{"start": "22:00", "end": "02:00"}]
    always = next(m for m in menus if m["name"] == "Main Menu")
    assert always["availability"] == {"alwaysAvailable": True}          # schedule left out, as published


@pytest.mark.parametrize("path", [V2, V3])
def test_time_specific_and_size_prices_on_the_scheduled_menus(client, partner_token, path):
    document = client.get(path, headers=toast_headers(partner_token, HARBOR_DOWNTOWN)).json
    items = {i["name"]: i for i in _items(document).values()}
    mimosa, pancakes = items["Mimosa"], items["Blueberry Pancakes"]
    assert mimosa["pricingStrategy"] == "TIME_SPECIFIC_PRICE" and mimosa["price"] == 11.0
    [rule] = mimosa["pricingRules"]["timeSpecificPricingRules"]
    assert (rule["timeSpecificPrice"], rule["schedule"][0]["days"]) == (8.0, ["SUNDAY"])
    assert pancakes["pricingStrategy"] == "SIZE_PRICE" and pancakes["price"] is None
    size_group = next(g for g in document["modifierGroupReferences"].values()
                      if g["guid"] == pancakes["pricingRules"]["sizeSpecificPricingGuid"])
    sizes = {document["modifierOptionReferences"][str(r)]["name"]: document["modifierOptionReferences"][str(r)]["price"]
             for r in size_group["modifierOptionReferences"]}
    assert sizes == {"Short Stack": 10.0, "Full Stack": 14.0}


@pytest.mark.pos_sandbox(rate_limits=True)
def test_v3_menus_has_the_menus_endpoint_limit(client, headers):
    """The guide's endpoint limit of the menus API's GET /menus: one request per second per location."""
    assert client.get(V3, headers=headers).status_code == 200
    limited = assert_toast_error(client.get(V3, headers=headers), 429)
    assert limited["status"] == 429
    assert client.get("/menus/v3/metadata", headers=headers).status_code == 200
