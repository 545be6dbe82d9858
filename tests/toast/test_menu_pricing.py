"""Time-specific and size prices, item tags, allergens and pre-modifiers: as the menus API describes them (pricing
strategy and rules, per the menus spec's MenuItem.pricingRules) and as orders are priced at the order's time (the
orders spec's /prices: "some pricing configuration is based on time and date schedules")."""

import pytest

ORDERS = "/orders/v2/orders"


@pytest.fixture
def menu(client, headers):
    document = client.get("/menus/v2/menus", headers=headers).json
    items = {i["name"]: i for m in document["menus"] for g in m["menuGroups"] for i in g["menuItems"]}
    return document, items


def test_menus_describe_time_and_size_prices(menu):
    document, items = menu
    ipa = items["Local IPA"]
    assert ipa["pricingStrategy"] == "TIME_SPECIFIC_PRICE" and ipa["price"] == 8.0
    rule = ipa["pricingRules"]["timeSpecificPricingRules"][0]
    assert rule["timeSpecificPrice"] == 5.0 and rule["basePrice"] == 8.0
    assert rule["schedule"] == [{"days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
                                 "timeRanges": [{"start": "15:00", "end": "18:00"}]}]
    oysters = items["Oysters"]
    assert oysters["pricingStrategy"] == "SIZE_PRICE" and oysters["price"] is None
    sizes = next(g for g in document["modifierGroupReferences"].values()
                 if g["guid"] == oysters["pricingRules"]["sizeSpecificPricingGuid"])
    assert sizes["referenceId"] in oysters["modifierGroupReferences"] and sizes["requiredMode"] == "REQUIRED"
    options = [document["modifierOptionReferences"][str(r)] for r in sizes["modifierOptionReferences"]]
    assert [(o["name"], o["price"]) for o in options] == [("Half Dozen", 18.0), ("Dozen", 33.0)]
    assert items["Clam Chowder"]["pricingStrategy"] == "BASE_PRICE" and items["Clam Chowder"]["pricingRules"] is None


def test_menus_carry_tags_allergens_and_pre_modifier_groups(menu):
    document, items = menu
    assert [t["name"] for t in items["Local IPA"]["itemTags"]] == ["Alcohol"]
    assert items["Local IPA"]["contentAdvisories"]["alcohol"]["containsAlcohol"] == "YES"
    assert {a["code"] for a in items["Clam Chowder"]["allergens"]} == {"SHELLFISH", "MILK"}
    tags = {t["name"]: t["guid"] for i in items.values() for t in i["itemTags"]}
    assert len(set(tags.values())) == len(tags)           # one GUID per tag across the menu
    reference = next(g["preModifierGroupReference"] for g in document["modifierGroupReferences"].values()
                     if g["name"] == "Add-ons")
    group = document["preModifierGroupReferences"][str(reference)]
    assert [p["name"] for p in group["preModifiers"]] == ["No", "Extra", "On the Side"]


@pytest.mark.parametrize("opened, price", [
    ("2026-11-02T20:30:00.000+0000", 5.0),     # Monday 15:30 in Boston: happy hour
    ("2026-11-02T23:30:00.000+0000", 8.0),     # Monday 18:30
    ("2026-11-01T20:30:00.000+0000", 8.0),     # Sunday 15:30
])
def test_time_specific_price_at_the_orders_opened_time(client, headers, harbor, opened, price):
    body = dict(harbor.order(harbor.selection("Local IPA")), openedDate=opened)
    for path in (ORDERS, "/orders/v2/prices"):
        selection = client.post(path, json=body, headers=headers).json["checks"][0]["selections"][0]
        assert selection["receiptLinePrice"] == price


def test_scheduled_order_is_priced_at_its_promised_time(client, mesa_headers, mesa):
    """Taco Plate is 11.00 on Tuesdays; the sandbox clock says Monday, the order is promised for Tuesday."""
    guest = {"firstName": "Ada", "lastName": "Park", "phone": "4155550100", "email": "ada@example.com"}
    body = mesa.order(mesa.selection("Taco Plate", 1, ["Carnitas"]), dining="Take Out", customer=guest)
    now = client.post("/orders/v2/prices", json=body, headers=mesa_headers).json
    later = client.post("/orders/v2/prices", json=dict(body, promisedDate="2026-11-03T19:00:00.000+0000"),
                        headers=mesa_headers).json
    assert now["checks"][0]["selections"][0]["receiptLinePrice"] == 14.0
    assert later["checks"][0]["selections"][0]["receiptLinePrice"] == 11.0


def test_size_is_required_and_sets_the_price(client, headers, harbor):
    dozen = harbor.selection("Oysters", 1, ["Dozen"])
    assert client.post(ORDERS, json=harbor.order(dozen), headers=headers).json["checks"][0]["amount"] == 33.0
    response = client.post(ORDERS, json=harbor.order(harbor.selection("Oysters")), headers=headers)
    assert response.status_code == 400 and "needs between 1 and 1" in response.json["message"]


# Modifier groups that price their options (the menus spec's ModifierGroup.pricingStrategy: SIZE_PRICE,
# SEQUENCE_PRICE, SIZE_SEQUENCE_PRICE with PricingRules.sizeSequencePricingRules; options then read GROUP_PRICE and a
# null price; sizes match the item's by name).

def _group(document, name):
    group = next(g for g in document["modifierGroupReferences"].values() if g["name"] == name)
    return group, [document["modifierOptionReferences"][str(r)] for r in group["modifierOptionReferences"]]


def test_menus_describe_group_level_prices(menu, client, mesa_headers):
    document, items = menu
    garnish, options = _group(document, "Oyster Garnish")
    assert garnish["pricingStrategy"] == "SIZE_SEQUENCE_PRICE"
    assert garnish["referenceId"] in items["Oysters"]["modifierGroupReferences"]
    sizes, size_options = _group(document, "Oysters Size")
    rules = {r["sizeName"]: r for r in garnish["pricingRules"]["sizeSequencePricingRules"]}
    assert {name: [p["price"] for p in r["sequencePrices"]] for name, r in rules.items()} == \
        {"Half Dozen": [1.0, 0.5], "Dozen": [2.0, 1.0]}
    assert {rules[o["name"]]["sizeGuid"] for o in size_options} == {o["guid"] for o in size_options}
    assert all(o["pricingStrategy"] == "GROUP_PRICE" and o["price"] is None for o in options)
    mesa = client.get("/menus/v2/menus", headers=mesa_headers).json
    toppings, _ = _group(mesa, "Bowl Toppings")
    assert toppings["pricingStrategy"] == "SEQUENCE_PRICE"
    [rule] = toppings["pricingRules"]["sizeSequencePricingRules"]
    assert rule["sizeName"] is None and [(p["sequence"], p["price"]) for p in rule["sequencePrices"]] == \
        [(1, 1.0), (2, 0.75), (3, 0.5)]


def test_orders_price_options_by_the_item_size_and_their_sequence(client, headers, harbor):
    half = harbor.selection("Oysters", 1, ["Half Dozen", "Mignonette", "Cocktail Sauce", "Fresh Horseradish"])
    dozen = harbor.selection("Oysters", 2, ["Dozen", "Mignonette"])
    check = client.post(ORDERS, json=harbor.order(half, dozen), headers=headers).json["checks"][0]
    first, second = check["selections"]
    # Half dozen: 1.00, then 0.50 for the second and every further garnish; a dozen: 2.00 for the first.
    assert [m["receiptLinePrice"] for m in first["modifiers"][1:]] == [1.0, 0.5, 0.5]
    assert first["preDiscountPrice"] == 18.0 + 2.0 and first["receiptLinePrice"] == 18.0
    assert second["modifiers"][1]["price"] == 4.0 and second["preDiscountPrice"] == 2 * (33.0 + 2.0)


def test_sequence_prices_follow_the_order_chosen(client, mesa_headers, mesa):
    bowl = mesa.selection("Burrito Bowl", 1, ["Carnitas", "Cotija", "Corn Salsa", "Pico de Gallo", "Pickled Onions"])
    quoted = client.post("/orders/v2/prices", json=mesa.order(bowl), headers=mesa_headers).json
    toppings = quoted["checks"][0]["selections"][0]["modifiers"][1:]
    assert [(m["displayName"], m["price"]) for m in toppings] == [("Cotija", 1.0), ("Corn Salsa", 0.75),
                                                                 ("Pico de Gallo", 0.5), ("Pickled Onions", 0.5)]
    assert quoted["checks"][0]["selections"][0]["preDiscountPrice"] == 15.5 + 2.75
