"""The seeded world takes every path real restaurants do (proportions in fixtures/default.yaml `history.shares`):
dine-in at tables, kitchen progress, split checks and payments, refunds, voided lines with reasons, pre-modifiers,
time-specific and size prices, item tags and allergens, and partners' external references. Everything is read
through the APIs in strict mode, so each seeded order also matches our spec."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from helpers import HARBOR_DOWNTOWN, MESA, toast_headers

pytestmark = pytest.mark.pos_sandbox(history_days=30)
BOSTON = ZoneInfo("America/New_York")


def _orders(client, headers):
    """Every order of the 30 days before the start instant (2026-11-02T17:30Z), through ordersBulk pages."""
    found, page = [], 1
    while True:
        query = {"startDate": "2026-10-03T00:00:00.000+0000", "endDate": "2026-11-02T17:30:00.001+0000",
                 "pageSize": 100, "page": page}
        batch = client.get("/orders/v2/ordersBulk", query_string=query, headers=headers)
        assert batch.status_code == 200, batch.json
        if not batch.json:
            return found
        found += batch.json
        page += 1


@pytest.fixture
def orders(client, headers):
    return _orders(client, headers)


def _config(client, headers, collection):
    return {e["guid"]: e for e in client.get(f"/config/v2/{collection}", headers=headers).json}


def _selections(orders):
    return [s for o in orders for c in o["checks"] for s in c["selections"]]


def test_dine_in_orders_sit_at_tables_in_service_areas(client, headers, orders):
    tables = _config(client, headers, "tables")
    services = _config(client, headers, "restaurantServices")
    dine_in = [o for o in orders if o["table"]]
    assert 0.3 < len(dine_in) / len(orders) < 0.7
    for order in dine_in:
        table = tables[order["table"]["guid"]]
        assert order["serviceArea"]["guid"] == table["serviceArea"]["guid"]
        assert order["revenueCenter"]["guid"] == table["revenueCenter"]["guid"]
        assert order["estimatedFulfillmentDate"] is None and order["createdDevice"]["id"]
        assert all(s["seatNumber"] >= 1 for c in order["checks"] for s in c["selections"])
    assert all(o["restaurantService"]["guid"] in services for o in orders)
    assert all(s["seatNumber"] == -1 for o in orders if not o["table"] for c in o["checks"] for s in c["selections"])


def test_kitchen_progress_and_open_orders(client, headers, mesa_headers, orders):
    everywhere = orders + _orders(client, mesa_headers)
    statuses = {s["fulfillmentStatus"] for s in _selections(everywhere)}
    assert {"SENT", "HOLD", "READY"} <= statuses
    still_open = [o for o in everywhere if not o["voided"] and any(c["paymentStatus"] == "OPEN" for c in o["checks"])]
    assert still_open and all(o["paidDate"] is None for o in still_open)
    # What is still cooking is unpaid, or a take-out paid online whose card payment is not yet captured.
    cooking = [o for o in everywhere if any(s["fulfillmentStatus"] != "READY" for c in o["checks"]
                                            for s in c["selections"])]
    assert all(o["paidDate"] is None or {(p["type"], p["paymentStatus"]) for c in o["checks"] for p in c["payments"]}
               == {("CREDIT", "AUTHORIZED")} for o in cooking)


def test_split_checks_and_split_payments_add_up(orders):
    split = [o for o in orders if len(o["checks"]) > 1]
    assert split and all(o["table"] for o in split)
    two_tenders = [c for o in orders for c in o["checks"] if len(c["payments"]) > 1]
    assert two_tenders
    for check in (c for o in orders if o["paidDate"] and not o["voided"] for c in o["checks"]):
        assert round(sum(p["amount"] for p in check["payments"]), 2) == check["totalAmount"]


def test_refunds_are_found_by_refund_business_date(client, headers, orders):
    refunded = [p for o in orders for c in o["checks"] for p in c["payments"] if p["refund"]]
    assert refunded and {p["refundStatus"] for p in refunded} == {"FULL", "PARTIAL"}
    for payment in refunded:
        day = payment["refund"]["refundBusinessDate"]
        listed = client.get("/orders/v2/payments", query_string={"refundBusinessDate": day}, headers=headers).json
        assert payment["guid"] in listed
        assert client.get(f"/orders/v2/payments/{payment['guid']}", headers=headers).json["refund"] == \
            payment["refund"]


def test_voided_lines_carry_a_void_reason_and_cost_nothing(client, headers, orders):
    reasons = _config(client, headers, "voidReasons")
    voided = [s for o in orders if not o["voided"] for s in _selections([o]) if s["voided"]]
    assert voided
    for selection in voided:
        assert selection["voidReason"]["guid"] in reasons
        assert selection["price"] == selection["tax"] == 0.0 and selection["voidBusinessDate"]


def test_pre_modifiers_on_optional_modifiers(client, headers, orders):
    pre_modifiers = _config(client, headers, "preModifiers")
    chosen = [m for s in _selections(orders) for m in s["modifiers"] if m["preModifier"]]
    assert chosen and all(m["preModifier"]["guid"] in pre_modifiers for m in chosen)


def test_time_specific_prices_follow_the_order_time(orders, harbor):
    """Local IPA: 5.00 on weekdays 15:00-18:00 (Boston), 8.00 otherwise; pricing uses the order's opened time."""
    ipas = [(o, s) for o in orders for c in o["checks"] for s in c["selections"]
            if s["displayName"] == "Local IPA" and not s["voided"]]
    assert ipas
    prices = set()
    for order, selection in ipas:
        local = datetime.strptime(order["openedDate"], "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(BOSTON)
        happy = local.weekday() < 5 and 15 <= local.hour < 18
        prices.add(selection["receiptLinePrice"])
        assert selection["receiptLinePrice"] == (5.0 if happy else 8.0)
    assert prices == {5.0, 8.0}


def test_size_prices_come_from_the_chosen_size(orders):
    oysters = [s for s in _selections(orders) if s["displayName"] == "Oysters" and not s["voided"]]
    assert {(s["modifiers"][0]["displayName"], s["receiptLinePrice"]) for s in oysters} == {("Half Dozen", 18.0),
                                                                                            ("Dozen", 33.0)}


def test_partners_external_references_and_marketplace_order_ids(client, partner_token, headers, mesa_headers,
                                                                 orders):
    listed = client.get("/partners/v1/restaurants", headers=toast_headers(partner_token, None)).json
    refs = {r["restaurantGuid"]: (r["externalGroupRef"], r["externalRestaurantRef"]) for r in listed}
    assert refs[HARBOR_DOWNTOWN] == ("SBX-GROUP-HARBOR", "SBX-STORE-1001")
    assert refs[MESA] == ("SBX-GROUP-MESA", "SBX-STORE-2001")
    marketplace = [o for o in orders + _orders(client, mesa_headers) if o["externalId"]]
    assert {o["externalId"].split(":")[0] for o in marketplace} <= {"DOORDASH", "UBEREATS", "CAVIAR"}
    sample = next(o for o in marketplace if o["restaurantService"] and o in orders)
    assert client.get(f"/orders/v2/orders/{sample['externalId']}", headers=headers).json["guid"] == sample["guid"]


def test_curbside_pickups_and_delivery_details_are_seeded(client, orders):
    """Paths of the published Order schema the history now takes: curbsidePickupInfo on curbside take-outs, and
    delivery notes and coordinates."""
    curbside = [o for o in orders if o["curbsidePickupInfo"]]
    assert curbside and all(o["curbsidePickupInfo"]["transportDescription"] and o["checks"][0]["customer"]
                            for o in curbside)
    delivered = [o["deliveryInfo"] for o in orders if o["deliveryInfo"]]
    assert any(d["notes"] for d in delivered) and all(d["latitude"] and d["longitude"] for d in delivered)


def test_scheduled_take_outs_wait_for_tomorrow(client, headers):
    """The spec's Order.approvalStatus FUTURE and promisedDate: take-outs ordered today for tomorrow, paid online
    (the card AUTHORIZED), their lines NEW, ready when promised."""
    tomorrow = client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261103"}, headers=headers).json
    assert tomorrow and all(o["approvalStatus"] == "FUTURE" and o["promisedDate"] for o in tomorrow)
    for order in tomorrow:
        assert order["estimatedFulfillmentDate"] == order["promisedDate"] > order["openedDate"]
        assert {s["fulfillmentStatus"] for c in order["checks"] for s in c["selections"]} == {"NEW"}
        assert {p["paymentStatus"] for c in order["checks"] for p in c["payments"]} == {"AUTHORIZED"}


def test_bar_parties_run_a_tab(orders, harbor):
    bar = next(a.guid for a in harbor.catalog.service_areas.values() if a.name == "Bar")
    at_bar = [o for o in orders if o["serviceArea"] and o["serviceArea"]["guid"] == bar]
    assert at_bar and all(o["checks"][0]["tabName"] for o in at_bar)


def test_guest_checks_carry_loyalty_accounts(orders):
    """Check.appliedLoyaltyInfo: the account, masked but for its last four characters, and the accrual the
    loyalty provider reports later ("Earned 27 points.")."""
    loyal = [c["appliedLoyaltyInfo"] for o in orders for c in o["checks"] if c["appliedLoyaltyInfo"]]
    assert loyal
    for info in loyal:
        assert info["maskedLoyaltyIdentifier"] == "*" * 12 + info["loyaltyIdentifier"][-4:]
        assert info["vendor"] == "TOAST" and info["accrualText"].startswith("Earned ") and info["accrualFamilyGuid"]
