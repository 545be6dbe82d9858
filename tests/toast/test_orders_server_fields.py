"""Fields the platform fills in on a created order, as the orders spec's POST /orders example response shows them:
`server`, `createdDevice`/`lastModifiedDevice` with an `id`, the dining option on each selection, `seatNumber` -1 for
an unseated selection, the guest's phone as digits, and `requiredPrepTime` (ISO-8601, above zero in five-minute
steps, per the spec's Order.requiredPrepTime) echoed and moving `estimatedFulfillmentDate`."""

import pytest

from helpers import HARBOR_DOWNTOWN, Menu, assert_toast_error, login, toast_headers
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS

ORDERS = "/orders/v2/orders"
GUEST = {"firstName": "Severe", "lastName": "Thibault", "phone": "555-555-5555", "email": "severe@example.com"}


def _take_out(harbor, **order_extra):
    body = harbor.order(harbor.selection("Clam Chowder"), dining="Take Out", customer=dict(GUEST),
                        payments=[harbor.payment(9.12)])
    return dict(body, **order_extra)


def test_spec_example_response_fields(client, headers, harbor, world):
    order = client.post(ORDERS, json=_take_out(harbor, requiredPrepTime="PT15M"), headers=headers).json
    first_employee = world.state["toast"].employees[HARBOR_DOWNTOWN][0]["guid"]
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


# What the POS fills in on an API order (issue 22), from the spec's Order, Check and Payment descriptions.

def _table(harbor, area_name):
    catalog = harbor.catalog
    area = next(a for a in catalog.service_areas.values() if a.name == area_name)
    return next(t for t in catalog.tables.values() if t.service_area_guid == area.guid), area


def test_service_area_follows_the_table_and_the_service_follows_the_time(client, headers, harbor):
    table, area = _table(harbor, "Bar")
    order = client.post(ORDERS, json=dict(harbor.order(harbor.selection("Iced Tea")), table={"guid": table.guid}),
                        headers=headers).json
    assert order["table"]["guid"] == table.guid
    assert order["serviceArea"] == {"guid": area.guid, "entityType": "ServiceArea", "externalId": None}
    services = {s.name: guid for guid, s in harbor.catalog.named["restaurantServices"].items()}
    # 17:30Z is 12:30 in Boston: lunch. An order opened at 18:00 local is dinner.
    assert order["restaurantService"]["guid"] == services["Lunch"]
    evening = client.post(ORDERS, json=dict(harbor.order(harbor.selection("Iced Tea")),
                                            openedDate="2026-11-02T23:00:00.000+0000"), headers=headers).json
    assert evening["restaurantService"]["guid"] == services["Dinner"] and evening["serviceArea"] is None


def test_number_of_guests_defaults_to_one_as_the_spec_example_response_shows(client, headers, harbor):
    assert client.post(ORDERS, json=_take_out(harbor), headers=headers).json["numberOfGuests"] == 1
    party = dict(harbor.order(harbor.selection("Iced Tea")), numberOfGuests=4)
    assert client.post(ORDERS, json=party, headers=headers).json["numberOfGuests"] == 4


def test_server_on_payments_checks_and_prices(client, headers, harbor, world):
    """Payment.server: "The restaurant employee ... associated with the payment"; Check.openedBy; POST /prices
    answers what POST /orders would, server included."""
    server = {"guid": world.state["toast"].employees[HARBOR_DOWNTOWN][0]["guid"], "entityType": "RestaurantUser",
              "externalId": None}
    order = client.post(ORDERS, json=_take_out(harbor), headers=headers).json
    assert order["checks"][0]["payments"][0]["server"] == server and order["checks"][0]["openedBy"] == server
    quoted = client.post("/orders/v2/prices", json=_take_out(harbor), headers=headers).json
    assert quoted["guid"] is None and quoted["server"] == server
    assert quoted["checks"][0]["payments"][0]["server"] == server


def test_duration_once_closed(client, headers, harbor):
    """Order.duration and Check.duration: "The number of seconds between creation and payment", set once the
    check is CLOSED; null while it is open or a card tip can still change."""
    order = client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers).json
    assert order["duration"] is None and order["checks"][0]["duration"] is None
    client.post("/_sandbox/clock", json={"advance": 1500})
    url = f"{ORDERS}/{order['guid']}/checks/{order['checks'][0]['guid']}/payments"
    paid = client.post(url, json=[harbor.payment(3.75)], headers=headers).json
    assert paid["checks"][0]["paymentStatus"] == "CLOSED"
    assert paid["duration"] == paid["checks"][0]["duration"] == 1500
    assert paid["closedDate"] == paid["checks"][0]["closedDate"] == "2026-11-02T17:55:00.000+0000"
    card = client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea"),
                                                 payments=[harbor.payment(3.75, kind="CREDIT")]),
                       headers=headers).json
    assert card["checks"][0]["paymentStatus"] == "PAID" and card["duration"] is None


def test_non_card_checks_read_paid_until_close_out_with_the_switch():
    """Judgement (`toast_non_card_check_status`): the spec's Check.paymentStatus says PAID is "a credit card payment
    was applied, but the tip has not been adjusted" and CLOSED "no remaining amount due", so a check paid without a
    card is CLOSED at once (default); `paid` keeps it PAID until the business day closes out."""
    app = create_app(dict(TEST_SETTINGS, history_days=0, toast_non_card_check_status="paid"))
    client = app.test_client()
    harbor = Menu(app.extensions["sandbox"].store.get(None).state["toast"].catalogs[HARBOR_DOWNTOWN])
    headers = toast_headers(login(client), HARBOR_DOWNTOWN)
    order = client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea"), payments=[harbor.payment(3.75)]),
                        headers=headers).json
    assert order["checks"][0]["paymentStatus"] == "PAID" and order["closedDate"] is None
    client.post("/_sandbox/clock", json={"advance": 15.5 * 3600})
    closed = client.get(f"{ORDERS}/{order['guid']}", headers=headers).json
    assert closed["checks"][0]["paymentStatus"] == "CLOSED" and closed["closedDate"] == "2026-11-03T09:00:00.000+0000"


def test_deleted_date_is_the_epoch_while_not_deleted(client, headers, harbor):
    """Order.deletedDate and Check.deletedDate: "If deleted is false, ... the UNIX epoch"."""
    order = client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers).json
    assert order["deleted"] is False and order["deletedDate"] == "1970-01-01T00:00:00.000+0000"
    assert order["checks"][0]["deletedDate"] == "1970-01-01T00:00:00.000+0000"


def test_prices_answer_reads_like_the_created_order(client, headers, harbor):
    """POST /prices prices without storing: the same statuses and dates as POST /orders, GUIDs null."""
    body = harbor.order(harbor.selection("Iced Tea"), payments=[harbor.payment(3.75)])
    quoted = client.post("/orders/v2/prices", json=body, headers=headers).json
    created = client.post(ORDERS, json=body, headers=headers).json
    for key in ("paidDate", "closedDate", "duration", "server", "restaurantService", "numberOfGuests"):
        assert quoted[key] == created[key], key
    assert quoted["checks"][0]["paymentStatus"] == created["checks"][0]["paymentStatus"] == "CLOSED"
    assert quoted["checks"][0]["closedDate"] == created["checks"][0]["closedDate"] == "2026-11-02T17:30:00.000+0000"


def test_take_out_and_delivery_default_to_fifteen_minutes_as_the_spec_example_shows(client, headers, harbor):
    """The POST /orders example response: a delivery order sent without requiredPrepTime answers `PT15M`, ready 15
    minutes after it opened."""
    for dining in ("Delivery", "Take Out"):
        order = client.post(ORDERS, json=harbor.order_for_guest(harbor.selection("Iced Tea"), dining=dining),
                            headers=headers).json
        assert order["requiredPrepTime"] == "PT15M"
        assert order["estimatedFulfillmentDate"] == "2026-11-02T17:45:00.000+0000"


def test_api_orders_can_wait_for_approval_with_the_switch(client, headers, harbor):
    """Judgement (`toast_api_order_approval`): the spec's POST /orders example response reads NEEDS_APPROVAL (a
    restaurant that approves online orders by hand); by default an ASAP API order is APPROVED at once."""
    assert client.post(ORDERS, json=_take_out(harbor), headers=headers).json["approvalStatus"] == "APPROVED"
    app = create_app(dict(TEST_SETTINGS, history_days=0, toast_api_order_approval="NEEDS_APPROVAL"))
    other = app.test_client()
    menu = Menu(app.extensions["sandbox"].store.get(None).state["toast"].catalogs[HARBOR_DOWNTOWN])
    created = other.post(ORDERS, json=_take_out(menu), headers=toast_headers(login(other), HARBOR_DOWNTOWN)).json
    assert created["approvalStatus"] == "NEEDS_APPROVAL"
    scheduled = other.post(ORDERS, json=_take_out(menu, promisedDate="2026-11-03T18:00:00.000+0000"),
                           headers=toast_headers(login(other), HARBOR_DOWNTOWN)).json
    assert scheduled["approvalStatus"] == "FUTURE"
