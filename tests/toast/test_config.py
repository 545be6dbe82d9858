"""Toast Configuration v2: every collection and entity, paging by token, lastModified, and building an order from
configuration alone."""

import pytest

from helpers import HARBOR_DOWNTOWN, advance, assert_toast_error, login, toast_headers
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS

_SPEC_OPS = [op for provider in create_app({**TEST_SETTINGS, "history_days": 0}).extensions["sandbox"].providers
             for op in provider.operations if op.spec.name == "toast-config-v2.yaml"]
LISTS = [op for op in _SPEC_OPS if "{guid}" not in op.path and op.operation_id != "tipWithholdingGet"]


def test_all_47_operations_are_implemented(client):
    rows = [r for r in client.get("/_sandbox/coverage").json["operations"] if r["spec"] == "toast-config-v2.yaml"]
    assert len(rows) == 47 and all(r["implemented"] for r in rows)


@pytest.mark.parametrize("op", LISTS, ids=lambda op: op.operation_id)
def test_each_collection_lists_and_gets_its_entities(client, headers, op):
    listed = client.get(op.full_path, headers=headers)
    assert listed.status_code == 200 and isinstance(listed.json, list) and listed.json
    assert "Toast-Next-Page-Token" not in listed.headers
    for entity in listed.json:
        assert entity["entityType"]
        one = client.get(f"{op.full_path}/{entity['guid']}", headers=headers)
        assert one.status_code == 200 and one.json == entity
    assert_toast_error(client.get(f"{op.full_path}/00000000-0000-4000-8000-000000000000", headers=headers), 404)
    assert_toast_error(client.get(f"{op.full_path}/not-a-guid", headers=headers), 400)


def test_collections_match_the_catalog(client, headers, harbor):
    def count(path):
        return len(client.get(f"/config/v2/{path}", headers=headers).json)
    catalog = harbor.catalog
    assert count("diningOptions") == len(catalog.dining_options) == 4
    assert count("menuItems") == len(catalog.menu_items) + len(catalog.modifier_options)
    assert count("tables") == len(catalog.tables) == 18
    rate = {r["name"]: r for r in client.get("/config/v2/taxRates", headers=headers).json}["MA Sales Tax"]
    assert rate["rate"] == 0.0625 and rate["type"] == "PERCENT"
    discount = {d["name"]: d for d in client.get("/config/v2/discounts", headers=headers).json}["Happy Hour 20%"]
    assert (discount["type"], discount["percentage"], discount["selectionType"]) == ("PERCENT", 20.0, "ITEM")
    behaviors = {d["name"]: d["behavior"] for d in client.get("/config/v2/diningOptions", headers=headers).json}
    assert behaviors == {"Dine In": "DINE_IN", "Take Out": "TAKE_OUT", "Delivery": "DELIVERY", "Curbside": "TAKE_OUT"}
    assert client.get("/config/v2/tipWithholding", headers=headers).json["entityType"] == "TipWithholding"


def test_an_order_built_from_configuration_alone(client, headers):
    dine_in = next(d for d in client.get("/config/v2/diningOptions", headers=headers).json
                   if d["behavior"] == "DINE_IN")
    groups = client.get("/config/v2/menuGroups", headers=headers).json
    starters = next(g for g in groups if g["name"] == "Starters")
    item = client.get(f"/config/v2/menuItems/{starters['items'][0]['guid']}", headers=headers).json
    burger_group = next(g for g in groups if g["name"] == "Mains")
    burger = next(i for i in (client.get(f"/config/v2/menuItems/{r['guid']}", headers=headers).json
                              for r in burger_group["items"]) if i["name"] == "Harbor Burger")
    modifiers = []
    for group_ref in burger["optionGroups"]:
        group = client.get(f"/config/v2/menuOptionGroups/{group_ref['guid']}", headers=headers).json
        for option in group["options"][:int(group["minSelections"])]:
            modifiers.append({"item": {"guid": option["guid"]}, "optionGroup": {"guid": group["guid"]},
                              "quantity": 1})
    discount = next(d for d in client.get("/config/v2/discounts", headers=headers).json
                    if d["selectionType"] == "CHECK" and d["type"] == "FIXED")
    body = {"diningOption": {"guid": dine_in["guid"]}, "checks": [{
        "selections": [{"item": {"guid": item["guid"]}, "itemGroup": {"guid": starters["guid"]}, "quantity": 1},
                       {"item": {"guid": burger["guid"]}, "itemGroup": {"guid": burger_group["guid"]},
                        "quantity": 1, "modifiers": modifiers}],
        "appliedDiscounts": [{"discount": {"guid": discount["guid"]}}]}]}
    created = client.post("/orders/v2/orders", json=body, headers=headers)
    assert created.status_code == 200, created.json
    check = created.json["checks"][0]
    # Clam Chowder 8.50 + Harbor Burger 17.00 = 25.50, less $5.00.
    assert check["amount"] == 20.50 and check["appliedDiscounts"][0]["discount"]["guid"] == discount["guid"]


def test_paging_by_token():
    client = create_app({**TEST_SETTINGS, "history_days": 0, "config_page_size": 4}).test_client()
    headers = toast_headers(login(client), HARBOR_DOWNTOWN)
    first = client.get("/config/v2/tables", headers=headers)
    assert len(first.json) == 4
    token = first.headers["Toast-Next-Page-Token"]
    collected = list(first.json)
    while token:
        page = client.get("/config/v2/tables", query_string={"pageToken": token}, headers=headers)
        assert page.status_code == 200
        collected.extend(page.json)
        token = page.headers.get("Toast-Next-Page-Token")
    assert len(collected) == 18 and len({t["guid"] for t in collected}) == 18
    assert_toast_error(client.get("/config/v2/tables", query_string={"pageToken": "garbage"}, headers=headers), 409,
                       "start again")
    # A publish changes the data: tokens issued before it mean "start again".
    stale = client.get("/config/v2/tables", headers=headers).headers["Toast-Next-Page-Token"]
    advance(client, 60)
    client.post(f"/_sandbox/restaurants/{HARBOR_DOWNTOWN}/menu/publish")
    assert_toast_error(client.get("/config/v2/tables", query_string={"pageToken": stale}, headers=headers), 409)


def test_last_modified(client, headers):
    before = client.get("/config/v2/voidReasons", query_string={"lastModified": "2026-11-01T00:00:00.000+0000"},
                        headers=headers)
    assert len(before.json) == 3
    after = client.get("/config/v2/voidReasons", query_string={"lastModified": "2026-11-02T17:30:00.000+0000"},
                       headers=headers)
    assert after.json == []
    assert_toast_error(client.get("/config/v2/voidReasons", query_string={"lastModified": "soon"}, headers=headers),
                       400)


def test_configuration_needs_the_config_scope(client):
    from helpers import READ_ONLY
    assert_toast_error(client.get("/config/v2/diningOptions", headers=toast_headers(login(client, READ_ONLY))), 403)
