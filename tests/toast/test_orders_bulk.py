"""Reading orders: ordersBulk windows, paging and Link headers; the deprecated GUID list; payments by date; and the
whole seeded history, whose totals must add up."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from helpers import HARBOR_DOWNTOWN, MESA, RESTAURANTS, VOID_ALL, advance, assert_toast_error, login, toast_headers

pytestmark = pytest.mark.pos_sandbox(history_days=30)
BULK = "/orders/v2/ordersBulk"


def _bulk(client, headers, **query):
    return client.get(BULK, query_string=query, headers=headers)


@pytest.mark.parametrize("query, message", [
    ({}, "EITHER (startDate and endDate) OR businessDate is required"),
    ({"startDate": "2026-11-01T00:00:00.000+0000"}, "EITHER (startDate and endDate) OR businessDate is required"),
    ({"startDate": "2026-11-01T00:00:00.000+0000", "endDate": "2026-11-02T00:00:00.000+0000",
      "businessDate": "20261101"}, "EITHER (startDate and endDate) OR businessDate is required"),
    ({"startDate": "2026-11-02T00:00:00.000+0000", "endDate": "2026-11-01T00:00:00.000+0000"},
     "Input startDate must be before endDate"),
    ({"startDate": "2026-09-01T00:00:00.000+0000", "endDate": "2026-11-01T00:00:00.000+0000"},
     "cannot be more than one month"),
    ({"businessDate": "2026-11-01"}, "businessDate must be a date written yyyyMMdd"),
    ({"businessDate": "20261399"}, "businessDate must be a date written yyyyMMdd"),
    ({"businessDate": "20261101", "pageSize": 101}, "pageSize"),
    ({"businessDate": "20261101", "page": 0}, "page"),
    ({"startDate": "yesterday", "endDate": "2026-11-01T00:00:00.000+0000"}, "startDate"),
])
def test_bad_windows_are_400(client, headers, query, message):
    assert_toast_error(_bulk(client, headers, **query), 400, message)


def test_modified_window_is_start_inclusive_end_exclusive(client, headers, harbor):
    created = client.post("/orders/v2/orders", json=harbor.order(harbor.selection("Iced Tea")), headers=headers).json
    at = "2026-11-02T17:30:00.000+0000"
    before = "2026-11-02T17:29:00.000+0000"
    after = "2026-11-02T17:31:00.000+0000"
    starting_at = _bulk(client, headers, startDate=at, endDate=after).json
    assert [o["guid"] for o in starting_at] == [created["guid"]]
    assert _bulk(client, headers, startDate=before, endDate=at).json == []
    # A change moves the order into a later window.
    advance(client, 120)
    client.post(f"/orders/v2/orders/{created['guid']}/checks/{created['checks'][0]['guid']}/selections",
                json=[harbor.selection("Lemonade")], headers=headers)
    assert _bulk(client, headers, startDate=at, endDate=after).json == []
    moved = _bulk(client, headers, startDate=after, endDate="2026-11-02T17:33:00.000+0000").json
    assert [o["guid"] for o in moved] == [created["guid"]]


def _links(response):
    return response.headers.getlist("Link")


def test_paging_and_link_headers(client, headers):
    day = "20261101"
    everything = _bulk(client, headers, businessDate=day, pageSize=100).json
    assert len(everything) > 5
    first = _bulk(client, headers, businessDate=day, pageSize=5)
    assert first.status_code == 200 and len(first.json) == 5
    links = _links(first)
    base = f"http://localhost{BULK}"
    assert links == [f'<{base}?businessDate={day}&pageSize=5&page=1>; rel="first"',
                     f'<{base}?businessDate={day}&pageSize=5&page=1>; rel="self"',
                     f'<{base}?businessDate={day}&pageSize=5&page=2>; rel="next"']
    collected, url = [], links[-1]
    pages = 0
    while url:
        target = url[1:url.index(">")].replace("http://localhost", "")
        page = client.get(target, headers=headers)
        collected.extend(page.json)
        pages += 1
        rels = {link.split('rel="')[1].rstrip('"'): link for link in _links(page)}
        assert "last" not in rels and "prev" in rels
        url = rels.get("next")
    assert [o["guid"] for o in first.json + collected] == [o["guid"] for o in everything]
    past = _bulk(client, headers, businessDate=day, pageSize=5, page=pages + 5)
    assert past.status_code == 200 and past.json == []
    assert not [link for link in _links(past) if 'rel="next"' in link]


def test_link_urls_use_the_requests_own_host(client, headers):
    response = client.get(BULK, query_string={"businessDate": "20261101", "pageSize": 2}, headers=headers,
                          base_url="https://sandbox.example:9443")
    assert all(link.startswith("<https://sandbox.example:9443/orders/v2/ordersBulk?") for link in _links(response))


def test_deprecated_guid_list(client, headers, harbor):
    created = client.post("/orders/v2/orders", json=harbor.order(harbor.selection("Iced Tea")), headers=headers).json
    guids = client.get("/orders/v2/orders", query_string={"startDate": "2026-11-02T17:00:00.000+0000",
                                                          "endDate": "2026-11-02T18:00:00.000+0000"},
                       headers=headers)
    assert guids.status_code == 200 and created["guid"] in guids.json
    assert all(isinstance(g, str) for g in guids.json)
    too_long = client.get("/orders/v2/orders", query_string={"startDate": "2026-11-02T16:00:00.000+0000",
                                                             "endDate": "2026-11-02T18:00:00.000+0000"},
                          headers=headers)
    assert_toast_error(too_long, 400, "cannot be more than one hour")
    by_day = client.get("/orders/v2/orders", query_string={"businessDate": "20261102"}, headers=headers).json
    assert created["guid"] in by_day


def test_payments_by_business_date_and_by_guid(client, headers):
    day = "20261101"
    orders = _bulk(client, headers, businessDate=day, pageSize=100).json
    paid = client.get("/orders/v2/payments", query_string={"paidBusinessDate": day}, headers=headers)
    assert paid.status_code == 200
    expected = {p["guid"] for o in orders for c in o["checks"] for p in c["payments"]
                if p["paidBusinessDate"] == 20261101}
    assert set(paid.json) >= expected and expected
    one = client.get(f"/orders/v2/payments/{paid.json[0]}", headers=headers)
    assert one.status_code == 200
    assert one.json["entityType"] == "OrderPayment" and one.json["guid"] == paid.json[0]
    assert one.json["orderGuid"] and one.json["checkGuid"]
    assert_toast_error(client.get("/orders/v2/payments", headers=headers), 400, "One of paidBusinessDate")
    assert_toast_error(client.get("/orders/v2/payments", query_string={"paidBusinessDate": day,
                                                                       "voidBusinessDate": day}, headers=headers),
                       400, "Only one of")
    assert_toast_error(client.get("/orders/v2/payments/00000000-0000-4000-8000-000000000000", headers=headers), 404)
    assert_toast_error(client.get("/orders/v2/payments/bad", headers=headers), 400, "The GUID was malformed")


def test_voided_payments_are_listed_by_void_date(client, headers, harbor):
    order = client.post("/orders/v2/orders", json=harbor.order(harbor.selection("Iced Tea")), headers=headers).json
    check = order["checks"][0]
    paid = client.post(f"/orders/v2/orders/{order['guid']}/checks/{check['guid']}/payments",
                       json=[harbor.payment(3.75)], headers=headers).json
    client.post(f"/orders/v2/orders/{order['guid']}/void", json=VOID_ALL, headers=headers)
    voids = client.get("/orders/v2/payments", query_string={"voidBusinessDate": "20261102"}, headers=headers).json
    assert paid["checks"][0]["payments"][0]["guid"] in voids


def _days(until, count):
    end = date(until // 10000, until // 100 % 100, until % 100)
    return [(end - timedelta(days=n)).strftime("%Y%m%d") for n in range(count)]


def _cents(value):
    return Decimal(str(value))


def _assert_adds_up(order):
    for check in order["checks"]:
        live = [s for s in check["selections"] if not s["voided"]]
        for selection in live:
            # receiptLinePrice is one unit of the item alone; modifiers' prices already count the quantity.
            unit = _cents(selection["receiptLinePrice"])
            modifiers = sum((_cents(m["price"]) for m in selection["modifiers"]), Decimal(0))
            assert _cents(selection["preDiscountPrice"]) == (unit * _cents(selection["quantity"])).quantize(
                Decimal("0.01")) + modifiers
            taken = sum((_cents(d["discountAmount"]) for d in selection["appliedDiscounts"]), Decimal(0))
            assert _cents(selection["price"]) <= _cents(selection["preDiscountPrice"]) - taken
            assert _cents(selection["tax"]) == sum((_cents(t["taxAmount"]) for t in selection["appliedTaxes"]),
                                                   Decimal(0))
        # Selection.price is net of check-level discounts too: the selections' prices add up to the check.
        item_discounts = sum((_cents(d["discountAmount"]) for s in live for d in s["appliedDiscounts"]), Decimal(0))
        discounts = sum((_cents(d["discountAmount"]) for d in check["appliedDiscounts"]), Decimal(0))
        assert sum((_cents(s["price"]) for s in live), Decimal(0)) == \
            sum((_cents(s["preDiscountPrice"]) for s in live), Decimal(0)) - item_discounts - discounts
        charges = sum((_cents(c["chargeAmount"]) for c in check["appliedServiceCharges"]), Decimal(0))
        charge_tax = sum((_cents(t["taxAmount"]) for c in check["appliedServiceCharges"] for t in c["appliedTaxes"]),
                         Decimal(0))
        amount = sum((_cents(s["price"]) for s in live), Decimal(0)) + charges
        assert _cents(check["amount"]) == amount, order["guid"]
        assert _cents(check["taxAmount"]) == sum((_cents(s["tax"]) for s in live), Decimal(0)) + charge_tax
        assert _cents(check["totalAmount"]) == amount + _cents(check["taxAmount"])
        if check["paymentStatus"] in ("PAID", "CLOSED") and not check["voided"]:
            paid = sum((_cents(p["amount"]) for p in check["payments"] if p["paymentStatus"] != "VOIDED"),
                       Decimal(0))
            assert paid >= _cents(check["totalAmount"])


def test_the_whole_seeded_history_adds_up(client, partner_token, sandbox):
    # Read back every seeded order of both reachable restaurants through the API (strict mode checks each against
    # the spec) and recompute every total independently.
    seen = 0
    for restaurant in (HARBOR_DOWNTOWN, MESA):
        headers = toast_headers(partner_token, restaurant)
        for day in _days(20261103, 33):  # tomorrow holds the scheduled take-outs
            page = 1
            while True:
                batch = _bulk(client, headers, businessDate=day, pageSize=100, page=page).json
                for order in batch:
                    _assert_adds_up(order)
                seen += len(batch)
                if len(batch) < 100:
                    break
                page += 1
    book = sandbox.store.get(None).state["toast"].orders
    reachable = sum(1 for o in book.orders.values() if o.restaurant_guid in (HARBOR_DOWNTOWN, MESA))
    assert seen == reachable > 500
    assert {o.restaurant_guid for o in book.orders.values()} == set(RESTAURANTS)


def test_read_only_client_can_read_but_not_write(client, harbor):
    from helpers import READ_ONLY
    headers = toast_headers(login(client, READ_ONLY), HARBOR_DOWNTOWN)
    assert _bulk(client, headers, businessDate="20261101").status_code == 200
    assert_toast_error(client.post("/orders/v2/orders", json=harbor.order(harbor.selection("Iced Tea")),
                                   headers=headers), 403, "scope")
