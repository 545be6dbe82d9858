"""Fields the platform fills in on a created order, as the orders spec's POST /orders example response shows them:
`server`, `createdDevice`/`lastModifiedDevice` with an `id`, the dining option on each selection, `seatNumber` -1 for
an unseated selection, the guest's phone as digits, and `requiredPrepTime` (ISO-8601, above zero in five-minute
steps, per the spec's Order.requiredPrepTime) echoed and moving `estimatedFulfillmentDate`."""

import pytest

from helpers import HARBOR_DOWNTOWN, assert_toast_error

ORDERS = "/orders/v2/orders"
GUEST = {"firstName": "Severe", "lastName": "Thibault", "phone": "555-555-5555", "email": "severe@example.com"}


def _take_out(harbor, **order_extra):
    body = harbor.order(harbor.selection("Clam Chowder"), dining="Take Out", customer=dict(GUEST),
                        payments=[{"type": "OTHER", "amount": 9.12, "tipAmount": 0}])
    return dict(body, **order_extra)


def test_spec_example_response_fields(client, headers, harbor, world):
    order = client.post(ORDERS, json=_take_out(harbor, requiredPrepTime="PT15M"), headers=headers).json
    first_employee = next(iter(world.state["toast"].employees[HARBOR_DOWNTOWN]))
    assert order["server"] == {"guid": first_employee, "entityType": "RestaurantUser", "externalId": None}
    check = order["checks"][0]
    for owner in (order, check, check["payments"][0]):
        assert owner["createdDevice"] == owner["lastModifiedDevice"] == {"id": None}
    selection = check["selections"][0]
    assert selection["diningOption"] == order["diningOption"]
    assert selection["seatNumber"] == -1
    assert check["customer"]["phone"] == "5555555555"
    assert order["requiredPrepTime"] == "PT15M"
    # Created at 17:30:00; ready 15 minutes later.
    assert order["estimatedFulfillmentDate"] == "2026-11-02T17:45:00.000+0000"
    assert client.get(f"{ORDERS}/{order['guid']}", headers=headers).json == order


def test_prep_time_moves_the_estimate_and_dine_in_has_none(client, headers, harbor):
    longer = client.post(ORDERS, json=_take_out(harbor, requiredPrepTime="PT1H10M"), headers=headers).json
    assert longer["estimatedFulfillmentDate"] == "2026-11-02T18:40:00.000+0000"
    dine_in = client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers).json
    assert dine_in["estimatedFulfillmentDate"] is None and dine_in["requiredPrepTime"] is None


@pytest.mark.parametrize("prep", ["PT7M", "PT0M", "15 minutes", "PT5M30S", "-PT15M"])
def test_prep_time_must_be_positive_five_minute_steps(client, headers, harbor, prep):
    error = assert_toast_error(client.post(ORDERS, json=_take_out(harbor, requiredPrepTime=prep), headers=headers),
                               400)
    assert error["fieldName"] == "requiredPrepTime"


def test_pre_modifier_on_a_modifier(client, headers, harbor):
    catalog = harbor.catalog
    extra = next(guid for guid, p in catalog.named["preModifiers"].items() if p.name == "Extra")
    modifier = dict(harbor.modifier("Bacon"), preModifier={"guid": extra})
    burger = harbor.selection("Harbor Burger", 1, ["Medium", "Fries"])
    burger["modifiers"].append(modifier)
    order = client.post(ORDERS, json=harbor.order(burger), headers=headers).json
    bacon = order["checks"][0]["selections"][0]["modifiers"][2]
    assert bacon["preModifier"]["guid"] == extra and bacon["diningOption"] is None
    modifier["preModifier"] = {"guid": "00000000-0000-4000-8000-000000000000"}
    assert_toast_error(client.post(ORDERS, json=harbor.order(burger), headers=headers), 404, "type=PreModifier")
