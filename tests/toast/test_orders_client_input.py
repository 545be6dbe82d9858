"""What a client may send on POST /orders and the calls that change an order, each rule from the orders spec
(reference/toast-specs/toast-orders-openapi.yaml, definitions named in each test) or the developer guide."""

import pytest

from helpers import assert_toast_error

ORDERS = "/orders/v2/orders"
CURBSIDE = {"transportDescription": "Silver sedan, plate 4KX", "transportColor": "Silver", "notes": "By the door"}


def _post(client, headers, body):
    return client.post(ORDERS, json=body, headers=headers)


def _created(client, headers, body):
    response = _post(client, headers, body)
    assert response.status_code == 200, response.json
    return response.json


def _check_url(order, *parts):
    return "/".join([ORDERS, order["guid"], "checks", order["checks"][0]["guid"], *parts])


# Payment.type: "When POSTing, only OTHER and CREDIT payment types are supported"; Payment.otherPayment: "Required
# when the payment type is OTHER".

@pytest.mark.parametrize("kind", ["CASH", "GIFTCARD", "HOUSE_ACCOUNT", "UNDETERMINED"])
def test_only_other_and_credit_payments_may_be_posted(client, headers, harbor, kind):
    body = harbor.order(harbor.selection("Iced Tea"), payments=[harbor.payment(3.75, kind=kind)])
    error = assert_toast_error(_post(client, headers, body), 400, f"Payments of type {kind} cannot be added")
    assert error["fieldName"] == "checks[0].payments[0].type"


def test_other_payment_needs_its_alternate_payment_type(client, headers, harbor):
    order = _created(client, headers, harbor.order(harbor.selection("Iced Tea")))
    error = assert_toast_error(client.post(_check_url(order, "payments"), headers=headers,
                                           json=[{"type": "OTHER", "amount": 3.75, "tipAmount": 0}]), 400,
                               "needs otherPayment")
    assert error["fieldName"] == "[0].otherPayment"
    paid = client.post(_check_url(order, "payments"), json=[harbor.payment(3.75, option="House Credit")],
                       headers=headers).json["checks"][0]["payments"][0]
    assert paid["type"] == "OTHER" and paid["otherPayment"]["entityType"] == "AlternatePaymentType"


def test_a_posted_card_payment_is_authorized_until_the_business_day_closes_out(client, headers, harbor):
    order = _created(client, headers, harbor.order(harbor.selection("Iced Tea"),
                                                   payments=[harbor.payment(3.75, kind="CREDIT")]))
    payment = order["checks"][0]["payments"][0]
    assert payment["paymentStatus"] == "AUTHORIZED" and order["checks"][0]["paymentStatus"] == "PAID"
    assert client.get(f"/orders/v2/payments/{payment['guid']}", headers=headers).json["paymentStatus"] == "AUTHORIZED"
    # Boston closes out at 4 a.m. local: 2026-11-03T09:00Z, 15.5 hours after the frozen start.
    client.post("/_sandbox/clock", json={"advance": 15.5 * 3600})
    assert client.get(f"/orders/v2/payments/{payment['guid']}", headers=headers).json["paymentStatus"] == "CAPTURED"


# The guide's "Updating the tip amount for a payment": the type must be CREDIT or OTHER, and a CREDIT payment must
# still be AUTHORIZED (not captured; capture usually happens at the end of the business day).

def test_tips_change_on_authorized_card_payments_and_other_payments_only(client, headers, harbor):
    order = _created(client, headers, harbor.order(harbor.selection("Iced Tea"),
                                                   payments=[harbor.payment(2, kind="CREDIT"), harbor.payment(1.75)]))
    card, other = order["checks"][0]["payments"]
    for payment, tip in ((card, 0.60), (other, 0.25)):
        changed = client.patch(_check_url(order, "payments", payment["guid"]), json={"tipAmount": tip},
                               headers=headers)
        assert changed.status_code == 200, changed.json
    client.post("/_sandbox/clock", json={"advance": 15.5 * 3600})
    error = assert_toast_error(client.patch(_check_url(order, "payments", card["guid"]), json={"tipAmount": 1},
                                            headers=headers), 400, "CREDIT CAPTURED")
    assert error["fieldName"] == "tipAmount"
    after = client.patch(_check_url(order, "payments", other["guid"]), json={"tipAmount": 0.5}, headers=headers).json
    assert [p["tipAmount"] for p in after["checks"][0]["payments"]] == [0.60, 0.5]


@pytest.mark.pos_sandbox(history_days=1)
def test_seeded_card_payments_of_today_are_authorized_and_take_a_tip(client, headers, world):
    """The seeded history holds card payments in both states: today's AUTHORIZED, yesterday's CAPTURED; cash
    payments never take a tip."""
    orders = client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261102", "pageSize": 100},
                        headers=headers).json
    today = [(o, c, p) for o in orders for c in o["checks"] for p in c["payments"] if p["type"] == "CREDIT"]
    order, check, payment = next(t for t in today if t[2]["paymentStatus"] == "AUTHORIZED")
    url = f"{ORDERS}/{order['guid']}/checks/{check['guid']}/payments/{payment['guid']}"
    assert client.patch(url, json={"tipAmount": 5}, headers=headers).json["checks"][0]["paymentStatus"] == "PAID"
    yesterday = client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261101", "pageSize": 100},
                           headers=headers).json
    assert {p["paymentStatus"] for o in yesterday for c in o["checks"] for p in c["payments"]
            if p["type"] == "CREDIT"} == {"CAPTURED"}
    for kind, status in (("CREDIT", "CAPTURED"), ("CASH", "CAPTURED")):
        order, check, payment = next((o, c, p) for o in yesterday if not o["voided"] for c in o["checks"]
                                     for p in c["payments"] if p["type"] == kind)
        url = f"{ORDERS}/{order['guid']}/checks/{check['guid']}/payments/{payment['guid']}"
        assert_toast_error(client.patch(url, json={"tipAmount": 5}, headers=headers), 400, f"{kind} {status}")


# Check.appliedDiscounts: "In a POST request, only one appliedDiscount is allowed per check"; AppliedDiscount: "You
# can only apply one discount to a menu item selection".

def test_one_discount_per_check_on_post(client, headers, harbor):
    five_off = {"discount": {"guid": harbor.discount("$5 Off Check").guid}}
    body = harbor.order(harbor.selection("Fish and Chips"), appliedDiscounts=[five_off, five_off])
    error = assert_toast_error(_post(client, headers, body), 400, "Only one appliedDiscount is allowed per check")
    assert error["fieldName"] == "checks[0].appliedDiscounts[1]"
    order = _created(client, headers, harbor.order(harbor.selection("Fish and Chips"), appliedDiscounts=[five_off]))
    # Judgement: POST .../appliedDiscounts is a POST too: one per request; a later request may add another.
    url = _check_url(order, "appliedDiscounts")
    assert_toast_error(client.post(url, json=[five_off, five_off], headers=headers), 400, "Only one appliedDiscount")
    assert len(client.post(url, json=[five_off], headers=headers).json["checks"][0]["appliedDiscounts"]) == 2


def test_one_discount_per_selection_everywhere(client, headers, harbor):
    twenty = {"discount": {"guid": harbor.discount("Happy Hour 20%").guid}}
    doubled = harbor.selection("Fish and Chips", appliedDiscounts=[twenty, twenty])
    assert_toast_error(_post(client, headers, harbor.order(doubled)), 400, "only one discount")
    order = _created(client, headers, harbor.order(harbor.selection("Fish and Chips", appliedDiscounts=[twenty])))
    selection = order["checks"][0]["selections"][0]["guid"]
    again = client.post(_check_url(order, "selections", selection, "appliedDiscounts"), json=[twenty],
                        headers=headers)
    assert_toast_error(again, 400, "only one discount")
    assert client.get(f"{ORDERS}/{order['guid']}", headers=headers).json == order       # nothing changed


# Order.curbsidePickupInfo and CurbsidePickupInfo ("transportDescription is a required field"; lengths 20/100/100).

def test_curbside_pickup_info_is_stored_and_returned(client, headers, harbor):
    body = harbor.order_for_guest(harbor.selection("Lemonade"), dining="Curbside", curbsidePickupInfo=CURBSIDE)
    order = _created(client, headers, body)
    info = order["curbsidePickupInfo"]
    assert {k: info[k] for k in CURBSIDE} == CURBSIDE and info["entityType"] == "CurbsidePickupInfo" and info["guid"]
    assert client.get(f"{ORDERS}/{order['guid']}", headers=headers).json["curbsidePickupInfo"] == info


@pytest.mark.parametrize("info, field", [
    ({"transportColor": "Red"}, "curbsidePickupInfo.transportDescription"),
    (dict(CURBSIDE, transportColor="C" * 21), "curbsidePickupInfo.transportColor"),
    (dict(CURBSIDE, transportDescription="D" * 101), "curbsidePickupInfo.transportDescription"),
    (dict(CURBSIDE, notes="N" * 101), "curbsidePickupInfo.notes"),
])
def test_curbside_pickup_info_rules(client, headers, harbor, info, field):
    body = harbor.order_for_guest(harbor.selection("Lemonade"), dining="Curbside", curbsidePickupInfo=info)
    assert assert_toast_error(_post(client, headers, body), 400)["fieldName"] == field


# Strings with a stated length or format: Check.tabName (up to 255), DeliveryInfo.state (two capital letters,
# ISO 3166-2) and country (two letters), the info section's e-mail rule (53 characters).

@pytest.mark.parametrize("change, field", [
    ({"tabName": "T" * 256}, "checks[0].tabName"),
    ({"state": "ma"}, "deliveryInfo.state"),
    ({"state": "Mass"}, "deliveryInfo.state"),
    ({"country": "USA"}, "deliveryInfo.country"),
    ({"email": "a" * 42 + "@example.com"}, "checks[0].customer.email"),
])
def test_stated_string_lengths_and_formats(client, headers, harbor, change, field):
    body = harbor.order_for_guest(harbor.selection("Lemonade"), dining="Delivery")
    check, info = body["checks"][0], body["deliveryInfo"]
    for name, value in change.items():
        (check if name == "tabName" else check["customer"] if name == "email" else info)[name] = value
    assert assert_toast_error(_post(client, headers, body), 400)["fieldName"] == field


def test_longest_allowed_strings_pass(client, headers, harbor):
    body = harbor.order_for_guest(harbor.selection("Lemonade"), dining="Delivery")
    body["checks"][0]["tabName"] = "T" * 255
    body["deliveryInfo"]["country"] = "US"
    body["checks"][0]["customer"]["email"] = "a" * 41 + "@example.com"
    order = _created(client, headers, body)
    assert order["checks"][0]["tabName"] == "T" * 255 and order["deliveryInfo"]["country"] == "US"


# Check.displayNumber: "The Toast platform fills this in if it is not specified when the order is POSTed"; the
# POST /orders example sends one and its response keeps it.

def test_a_clients_check_display_number_is_kept(client, headers, harbor):
    mine = _created(client, headers, harbor.order(harbor.selection("Iced Tea"), displayNumber="web-1627646263"))
    assert mine["checks"][0]["displayNumber"] == "web-1627646263"
    assert mine["displayNumber"] == "1"                   # the order's own number is the platform's
    other = _created(client, headers, harbor.order(harbor.selection("Iced Tea")))
    assert other["checks"][0]["displayNumber"] == other["displayNumber"] == "2"


@pytest.mark.parametrize("field, value", [("channelGuid", "abc"), ("openedDate", "yesterday"),
                                          ("promisedDate", "2026-13-01T00:00:00.000+0000"),
                                          ("requiredPrepTime", "soon")])
def test_stated_order_formats(client, headers, harbor, field, value):
    """Order.channelGuid `format: uuid`, the dates `format: date-time`, requiredPrepTime an ISO-8601 duration."""
    body = dict(harbor.order(harbor.selection("Iced Tea")), **{field: value})
    assert assert_toast_error(_post(client, headers, body), 400)["fieldName"] == field


def test_applied_loyalty_info_is_stored_without_accrual(client, headers, harbor):
    """AppliedLoyaltyInfo: loyaltyIdentifier and vendor required; maskedLoyaltyIdentifier null unless posted;
    accrualFamilyGuid and accrualText "not returned from the initial POST"."""
    loyalty = {"loyaltyIdentifier": "4000123412341234", "vendor": "INTEGRATION"}
    order = _created(client, headers, harbor.order(harbor.selection("Iced Tea"), appliedLoyaltyInfo=loyalty))
    info = order["checks"][0]["appliedLoyaltyInfo"]
    assert {k: info[k] for k in loyalty} == loyalty and info["entityType"] == "AppliedLoyaltyInfo" and info["guid"]
    assert info["maskedLoyaltyIdentifier"] is None and info["accrualText"] is None
    error = assert_toast_error(_post(client, headers, harbor.order(harbor.selection("Iced Tea"),
                                                                   appliedLoyaltyInfo={"vendor": "TOAST"})), 400)
    assert error["fieldName"] == "checks[0].appliedLoyaltyInfo.loyaltyIdentifier"
