"""Changing orders: selections, discounts, payments, tips, delivery and void; modifiedDate, events, state rules."""

import json

import pytest

from helpers import HARBOR_DOWNTOWN, VOID_ALL, advance, assert_toast_error

ORDERS = "/orders/v2/orders"


def _create(client, headers, body):
    response = client.post(ORDERS, json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _url(order, *parts):
    return "/".join([ORDERS, order["guid"], *parts])


def _check_url(order, *parts):
    return _url(order, "checks", order["checks"][0]["guid"], *parts)


def _pay(client, headers, order, payment):
    return client.post(_check_url(order, "payments"), json=[payment], headers=headers)


def _totals(check):
    return check["amount"], check["taxAmount"], check["totalAmount"]


def _bulk_copy(client, headers, order):
    listed = client.get("/orders/v2/ordersBulk", query_string={"businessDate": str(order["businessDate"]),
                                                               "pageSize": 100}, headers=headers).json
    return next(o for o in listed if o["guid"] == order["guid"])


def test_round_trip_totals_agree_at_every_step(client, headers, harbor):
    order = _create(client, headers, harbor.order(harbor.selection("Clam Chowder")))
    assert _totals(order["checks"][0]) == (8.50, 0.59, 9.09)

    advance(client, 60)
    order = client.post(_check_url(order, "selections"), json=[harbor.selection("Fish and Chips")],
                        headers=headers).json
    # 8.50 + 21.00 = 29.50; tax 0.53 + 0.06 + 1.31 + 0.16 = 2.06.
    assert _totals(order["checks"][0]) == (29.50, 2.06, 31.56)
    assert order["modifiedDate"] == "2026-11-02T17:31:00.000+0000"

    advance(client, 60)
    order = client.post(_check_url(order, "appliedDiscounts"),
                        json=[{"discount": {"guid": harbor.discount("$5 Off Check").guid}}], headers=headers).json
    assert _totals(order["checks"][0]) == (24.50, 1.71, 26.21)

    fish = order["checks"][0]["selections"][1]["guid"]
    order = client.post(_check_url(order, "selections", fish, "appliedDiscounts"),
                        json=[{"discount": {"guid": harbor.discount("Happy Hour 20%").guid}}], headers=headers).json
    # Fish and Chips 21.00 - 20 % = 16.80; 25.30 - 5.00 = 20.30; shares 1.68 / 3.32 -> prices 6.82 / 13.48
    # (Selection.price in the spec is net of check-level discounts too); tax 0.43 + 0.05 + 0.84 + 0.10 = 1.42.
    selections = order["checks"][0]["selections"]
    assert [(s["preDiscountPrice"], s["price"]) for s in selections] == [(8.50, 6.82), (21.00, 13.48)]
    assert sum(s["price"] for s in selections) == order["checks"][0]["amount"]
    assert _totals(order["checks"][0]) == (20.30, 1.42, 21.72)
    assert order["checks"][0]["paymentStatus"] == "OPEN"

    order = _pay(client, headers, order, harbor.payment(21.72, 3.00, "CREDIT")).json
    check = order["checks"][0]
    assert check["paymentStatus"] == "PAID" and check["paidDate"] and order["paidDate"]
    payment = check["payments"][0]
    order = client.patch(_check_url(order, "payments", payment["guid"]), json={"tipAmount": 4.50},
                         headers=headers).json
    assert order["checks"][0]["payments"][0]["tipAmount"] == 4.50
    assert _totals(order["checks"][0]) == (20.30, 1.42, 21.72)

    by_guid = client.get(_url(order), headers=headers).json
    assert by_guid == order == _bulk_copy(client, headers, order)


def test_paid_checks_close_when_the_business_day_closes_out(client, headers, harbor):
    order = _create(client, headers, harbor.order(harbor.selection("Iced Tea")))
    total = order["checks"][0]["totalAmount"]
    _pay(client, headers, order, harbor.payment(total, kind="CREDIT"))
    # Boston closes out at 4 a.m.: 2026-11-03T09:00Z; it is 17:30Z on the 2nd now.
    advance(client, 15.5 * 3600 - 1)
    assert client.get(_url(order), headers=headers).json["checks"][0]["paymentStatus"] == "PAID"
    advance(client, 1)
    closed = client.get(_url(order), headers=headers).json
    assert closed["checks"][0]["paymentStatus"] == "CLOSED"
    assert closed["closedDate"] == "2026-11-03T09:00:00.000+0000"


def test_tip_patch_changes_only_the_tip(client, headers, harbor):
    order = _create(client, headers, harbor.order(harbor.selection("Iced Tea")))
    order = _pay(client, headers, order, harbor.payment(3.75)).json
    url = _check_url(order, "payments", order["checks"][0]["payments"][0]["guid"])
    assert_toast_error(client.patch(url, json={"tipAmount": -1}, headers=headers), 400, "Tip amount cannot be negative")
    assert_toast_error(client.patch(url, json={"tipAmount": 1, "amount": 99}, headers=headers), 400,
                       "Only tipAmount can be changed")
    assert_toast_error(client.patch(_check_url(order, "payments", "00000000-0000-4000-8000-000000000000"),
                                    json={"tipAmount": 1}, headers=headers), 404)
    assert client.get(_url(order), headers=headers).json["checks"][0]["payments"][0]["tipAmount"] == 0.0


def test_delivery_info_moves_until_delivered(client, headers, harbor):
    order = _create(client, headers, harbor.order_for_guest(harbor.selection("Lemonade"), dining="Delivery"))
    url = _url(order, "deliveryInfo")
    order = client.patch(url, json={"deliveryState": "PICKED_UP"}, headers=headers).json
    assert order["deliveryInfo"]["deliveryState"] == "PICKED_UP"
    assert order["deliveryInfo"]["dispatchedDate"] == "2026-11-02T17:30:00.000+0000"
    advance(client, 900)
    order = client.patch(url, json={"deliveryState": "DELIVERED", "notes": "Left at door"}, headers=headers).json
    assert order["deliveryInfo"]["deliveredDate"] == "2026-11-02T17:45:00.000+0000"
    assert_toast_error(client.patch(url, json={"notes": "again"}, headers=headers), 409,
                       "cannot change once the order is DELIVERED")
    assert client.get(_url(order), headers=headers).json["deliveryInfo"]["notes"] == "Left at door"
    dine_in = _create(client, headers, harbor.order(harbor.selection("Lemonade")))
    assert_toast_error(client.patch(_url(dine_in, "deliveryInfo"), json={"notes": "x"}, headers=headers), 400,
                       "does not use a DELIVERY dining option")


def test_only_orders_paid_with_other_can_be_voided(client, headers, harbor):
    card = _create(client, headers, harbor.order(harbor.selection("Iced Tea")))
    _pay(client, headers, card, harbor.payment(3.75, kind="CREDIT"))
    assert_toast_error(client.post(_url(card, "void"), json=VOID_ALL, headers=headers), 400,
                       "Only orders paid with OTHER payments can be voided")
    other = _create(client, headers, harbor.order(harbor.selection("Iced Tea")))
    _pay(client, headers, other, harbor.payment(3.75))
    voided = client.post(_url(other, "void"), json=VOID_ALL, headers=headers)
    assert voided.status_code == 200
    body = voided.json
    assert body["voided"] and body["voidBusinessDate"] == 20261102 and body["checks"][0]["voided"]
    assert body["checks"][0]["payments"][0]["paymentStatus"] == "VOIDED"
    assert _totals(body["checks"][0]) == (0.0, 0.0, 0.0)


def test_voided_orders_stay_readable_and_refuse_changes(client, headers, harbor):
    order = _create(client, headers, harbor.order(harbor.selection("Iced Tea")))
    client.post(_url(order, "void"), json=VOID_ALL, headers=headers)
    assert client.get(_url(order), headers=headers).json["voided"] is True
    message = "has been voided and can no longer change"
    attempts = [
        client.post(_check_url(order, "selections"), json=[harbor.selection("Lemonade")], headers=headers),
        client.post(_check_url(order, "appliedDiscounts"),
                    json=[{"discount": {"guid": harbor.discount("$5 Off Check").guid}}], headers=headers),
        _pay(client, headers, order, harbor.payment(1)),
        client.post(_url(order, "void"), json=VOID_ALL, headers=headers),
    ]
    for response in attempts:
        assert_toast_error(response, 409, message)


def test_unknown_check_and_selection_are_404(client, headers, harbor):
    order = _create(client, headers, harbor.order(harbor.selection("Iced Tea")))
    missing = "00000000-0000-4000-8000-000000000000"
    assert_toast_error(client.post(_url(order, "checks", missing, "selections"), json=[harbor.selection("Lemonade")],
                                   headers=headers), 404, "check was not found")
    assert_toast_error(client.post(_check_url(order, "selections", missing, "appliedDiscounts"),
                                   json=[{"discount": {"guid": harbor.discount("Happy Hour 20%").guid}}],
                                   headers=headers), 404, "selection was not found")
    assert_toast_error(client.post(_url({"guid": missing}, "void"), json=VOID_ALL, headers=headers), 404)


def test_every_change_records_an_order_updated_event_without_guest_details(client, headers, harbor):
    body = harbor.order_for_guest(harbor.selection("Lemonade"), dining="Delivery", externalId="ext-42")
    order = _create(client, headers, body)
    client.patch(_url(order, "deliveryInfo"), json={"deliveryState": "IN_PROGRESS"}, headers=headers)
    events = client.get("/_sandbox/webhooks/events", query_string={"type": "order_updated"}).json
    assert len(events) == 2
    first, second = (json.loads(e["body"]) for e in events)
    assert events[0]["restaurantGuid"] == HARBOR_DOWNTOWN and first["eventCategory"] == "order_updated"
    assert first["details"]["restaurantGuid"] == HARBOR_DOWNTOWN
    sent = first["details"]["order"]
    assert sent["guid"] == order["guid"] and sent["externalId"] is None
    customer = sent["checks"][0]["customer"]
    assert customer["firstName"] is None and customer["lastName"] is None and customer["phone"] is None
    assert sent["deliveryInfo"]["address1"] is None and sent["deliveryInfo"]["deliveryState"] == "PENDING"
    assert second["details"]["order"]["deliveryInfo"]["deliveryState"] == "IN_PROGRESS"
    # The API itself still shows the guest.
    assert order["checks"][0]["customer"]["firstName"] == "Ada" and order["externalId"] == "ext-42"


@pytest.mark.parametrize("amount, message", [(0, "greater than 0"), (-5, "greater than 0")])
def test_bad_payments_are_400(client, headers, harbor, amount, message):
    order = _create(client, headers, harbor.order(harbor.selection("Iced Tea")))
    assert_toast_error(_pay(client, headers, order, harbor.payment(amount)), 400, message)


def test_applicable_discounts(client, headers, harbor):
    body = {"order": harbor.order(harbor.selection("Iced Tea"))}
    response = client.post("/orders/v2/applicableDiscounts", json=body, headers=headers)
    assert response.status_code == 200
    found = {d["discount"]["guid"]: d for d in response.json}
    assert set(found) == {guid for guid, d in harbor.catalog.discounts.items() if not d.promo_codes}
    check_level = found[harbor.discount("$5 Off Check").guid]
    assert len(check_level["applicableChecks"]) == 1 and check_level["applicableSelections"] == []
    item_level = found[harbor.discount("Happy Hour 20%").guid]
    assert len(item_level["applicableSelections"]) == 1 and item_level["applicableChecks"] == []
