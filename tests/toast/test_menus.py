"""Toast Menus v2: the menu tree orders are priced from, its metadata, and publishing a new version."""

import json

from helpers import HARBOR_DOWNTOWN, MESA, advance, assert_toast_error, login, toast_headers


def test_menu_tree_matches_the_catalog(client, headers, harbor):
    response = client.get("/menus/v2/menus", headers=headers)
    assert response.status_code == 200
    body = response.json
    assert body["restaurantGuid"] == HARBOR_DOWNTOWN and body["restaurantTimeZone"] == "America/New_York"
    items = {i["guid"]: i for m in body["menus"] for g in m["menuGroups"] for i in g["menuItems"]}
    assert set(items) == set(harbor.catalog.menu_items)
    burger = items[harbor.item("Harbor Burger").guid]
    assert burger["price"] == 17.0 and burger["multiLocationId"] == harbor.item("Harbor Burger").multi_location_id
    groups = body["modifierGroupReferences"]
    options = body["modifierOptionReferences"]
    names = {groups[str(ref)]["name"] for ref in burger["modifierGroupReferences"]}
    assert names == {"Temperature", "Choose a Side", "Add-ons"}
    temperature = next(g for g in groups.values() if g["name"] == "Temperature")
    assert (temperature["minSelections"], temperature["maxSelections"], temperature["requiredMode"]) == \
        (1, 1, "REQUIRED")
    bacon = next(o for o in options.values() if o["name"] == "Bacon")
    assert bacon["price"] == 2.0 and bacon["guid"] == harbor.option("Bacon").guid


def test_locations_of_a_group_share_multi_location_ids(client, partner_token, sandbox):
    from helpers import GROUP, HARBOR_SEAPORT
    token = login(client, GROUP)
    downtown = client.get("/menus/v2/menus", headers=toast_headers(token, HARBOR_DOWNTOWN)).json
    seaport = client.get("/menus/v2/menus", headers=toast_headers(token, HARBOR_SEAPORT)).json

    def ids(doc):
        return {i["name"]: (i["guid"], i["multiLocationId"])
                for m in doc["menus"] for g in m["menuGroups"] for i in g["menuItems"]}
    a, b = ids(downtown), ids(seaport)
    assert a.keys() == b.keys()
    assert all(a[n][1] == b[n][1] and a[n][0] != b[n][0] for n in a)


def test_each_restaurant_has_its_own_menu(client, mesa_headers):
    body = client.get("/menus/v2/menus", headers=mesa_headers).json
    assert body["restaurantGuid"] == MESA
    names = {i["name"] for m in body["menus"] for g in m["menuGroups"] for i in g["menuItems"]}
    assert "Taco Plate" in names and "Lobster Roll" not in names


def test_publish_moves_last_updated_and_records_an_event(client, headers):
    before = client.get("/menus/v2/metadata", headers=headers).json
    assert before == {"restaurantGuid": HARBOR_DOWNTOWN, "lastUpdated": "2026-11-02T17:30:00.000+0000"}
    advance(client, 3600)
    published = client.post(f"/_sandbox/restaurants/{HARBOR_DOWNTOWN}/menu/publish")
    assert published.status_code == 200
    assert published.json["lastUpdated"] == "2026-11-02T18:30:00.000+0000"
    assert client.get("/menus/v2/metadata", headers=headers).json["lastUpdated"] == "2026-11-02T18:30:00.000+0000"
    assert client.get("/menus/v2/menus", headers=headers).json["lastUpdated"] == "2026-11-02T18:30:00.000+0000"
    [event] = client.get("/_sandbox/webhooks/events", query_string={"type": "menus_updated"}).json
    assert (event["eventCategory"], event["restaurantGuid"]) == ("menus", HARBOR_DOWNTOWN)
    assert json.loads(event["body"])["details"] == {"restaurantGuid": HARBOR_DOWNTOWN,
                                                    "publishedDate": "2026-11-02T18:30:00.000+0000"}
    assert client.post("/_sandbox/restaurants/00000000-0000-4000-8000-000000000000/menu/publish").status_code == 404


def test_menus_need_the_menus_scope(client):
    from helpers import READ_ONLY
    token = login(client, READ_ONLY)
    assert_toast_error(client.get("/menus/v2/menus", headers=toast_headers(token)), 403, "scope")
