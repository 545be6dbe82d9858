"""Toast Analytics (ERA): the request-then-poll flow on the sandbox clock, the range and access rules, and every
report's figures summed again from ordersBulk (one world, one truth).

Sources: the guide's "Understanding the analytics API process" (a reportRequestGuid expires seven days after it is
created; an expired or unknown one is 404), "Calculating net sales using the orders API" (what net sales include),
and toast-analytics-openapi.yaml (time ranges of 1, 7, 31 and 366 days, 202 while gathering, the row fields)."""

import threading
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from helpers import GROUP, HARBOR_DOWNTOWN, HARBOR_SEAPORT, MESA, PARTNER, READ_ONLY, assert_toast_error, login
from published import assert_published

ERA = "/era/v1"
PUBLISHED = "toast-analytics-openapi.yaml"
HISTORY = pytest.mark.pos_sandbox(history_days=10)


def _today(client):
    now = client.get("/_sandbox/clock").json["now"]
    return date.fromisoformat(now[:10])


def _int(day):
    return int(day.strftime("%Y%m%d"))


def _body(first, last, dated=False, **extra):
    keys = ("startDate", "endDate") if dated else ("startBusinessDate", "endBusinessDate")
    return {keys[0]: _int(first), keys[1]: _int(last), "restaurantIds": [], "excludedRestaurantIds": [], **extra}


@pytest.fixture
def era(client):
    return {"Authorization": f"Bearer {login(client, GROUP)}"}


def _report(client, headers, post_path, body, read_base=None, query=""):
    """Ask for a report, see 202 while it is gathered, advance the clock past the gathering time, read it."""
    asked = client.post(ERA + post_path, headers=headers, json=body)
    assert asked.status_code == 200, asked.json
    guid = asked.json
    assert isinstance(guid, str) and len(guid) == 36
    read = f"{ERA}{read_base or post_path.rsplit('/', 1)[0]}/{guid}{query}"
    waiting = client.get(read, headers=headers)
    assert waiting.status_code == 202
    assert waiting.json == {"message": waiting.json["message"], "reportStatus": "IN_PROGRESS",
                            "reportRequestGuid": guid}
    assert_published(PUBLISHED, "GET", read, 202, waiting.json)
    client.post("/_sandbox/clock", json={"advance": 2})
    ready = client.get(read, headers=headers)
    assert ready.status_code == 200, ready.json
    for row in ready.json:          # the published document types one row; the platform answers a list of them
        assert_published(PUBLISHED, "GET", read, 200, row)
    return ready.json


def _bulk(client, token, restaurant, day):
    headers = {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": restaurant}
    found, page = [], 1
    while True:
        answer = client.get(f"/orders/v2/ordersBulk?businessDate={_int(day)}&pageSize=100&page={page}",
                            headers=headers)
        assert answer.status_code == 200
        if not answer.json:
            return found
        found += answer.json
        page += 1


def _cents(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _sales(orders):
    """The metrics' definitions applied to ordersBulk JSON (the guide's net sales page)."""
    totals = defaultdict(Decimal)
    for order in orders:
        if order["voided"]:
            totals["voidOrdersCount"] += 1
            totals["voidOrdersAmount"] += sum(_cents(s["preDiscountPrice"]) for c in order["checks"]
                                              for s in c["selections"])
            continue
        totals["ordersCount"] += 1
        totals["guestCount"] += order["numberOfGuests"] or 0
        discounted = False
        for check in order["checks"]:
            charges = [c for c in check["appliedServiceCharges"]]
            gratuity = sum((_cents(c["chargeAmount"]) for c in charges if c["gratuity"]), Decimal(0))
            gross = sum(_cents(s["preDiscountPrice"]) for s in check["selections"] if not s["voided"]) \
                + sum((_cents(c["chargeAmount"]) for c in charges if not c["gratuity"]), Decimal(0))
            discount = gross - (_cents(check["amount"]) - gratuity)
            discounted |= discount > 0
            totals["grossSalesAmount"] += gross
            totals["discountAmount"] += discount
            totals["refundAmount"] += sum((_cents(p["refund"]["refundAmount"]) for p in check["payments"]
                                           if p["refund"] and p["voidInfo"] is None), Decimal(0))
        totals["discountOrderCount"] += discounted
    totals["netSalesAmount"] = totals["grossSalesAmount"] - totals["discountAmount"] - totals["refundAmount"]
    return totals


@HISTORY
def test_a_week_of_metrics_by_day_for_two_restaurants_adds_up_to_orders_bulk(client, era):
    today = _today(client)
    first, last = today - timedelta(days=7), today - timedelta(days=1)
    rows = _report(client, era, "/metrics/week", _body(first, last))
    token = login(client, GROUP)
    seen = set()
    for row in rows:
        day = date(int(row["businessDate"][:4]), int(row["businessDate"][4:6]), int(row["businessDate"][6:]))
        expected = _sales(_bulk(client, token, row["restaurantGuid"], day))
        for key, value in expected.items():
            assert _cents(row[key]) == _cents(value), (row["restaurantGuid"], day, key)
        assert _cents(row["avgOrderValue"]) == _cents(expected["netSalesAmount"] / expected["ordersCount"])
        assert row["openOrderCount"] + row["closedOrderCount"] == row["ordersCount"]
        seen.add((row["restaurantGuid"], day))
    assert {r for r, _ in seen} == {HARBOR_DOWNTOWN, HARBOR_SEAPORT}       # the group client's two locations
    assert len(seen) == 14                                                  # every day of the week, each location


@HISTORY
def test_groupings_and_hours_partition_the_day(client, era):
    day = _today(client) - timedelta(days=2)
    whole = _report(client, era, "/metrics/day", _body(day, day, restaurantIds=[HARBOR_DOWNTOWN]))
    assert len(whole) == 1
    by_hour = _report(client, era, "/metrics/day?aggregateBy=HOUR", _body(day, day, restaurantIds=[HARBOR_DOWNTOWN]),
                      read_base="/metrics")
    grouped = _report(client, era, "/metrics/day", _body(day, day, restaurantIds=[HARBOR_DOWNTOWN],
                                                         groupBy=["DINING_OPTION", "ORDER_SOURCE"]))
    assert len(by_hour) > 1 and all(0 <= int(r["businessHour"]) <= 23 for r in by_hour)
    assert {r["diningOption"] for r in grouped} >= {"Dine In"}
    for parts in (by_hour, grouped):
        for key in ("netSalesAmount", "grossSalesAmount", "discountAmount", "refundAmount"):
            assert _cents(sum(Decimal(str(r[key])) for r in parts)) == _cents(whole[0][key])
        assert sum(r["ordersCount"] for r in parts) == whole[0]["ordersCount"]


@HISTORY
def test_the_deprecated_read_sums_the_whole_range(client, era):
    today = _today(client)
    body = _body(today - timedelta(days=7), today - timedelta(days=1), restaurantIds=[HARBOR_DOWNTOWN])
    guid = client.post(ERA + "/metrics/week", headers=era, json=body).json
    client.post("/_sandbox/clock", json={"advance": 2})
    daily = client.get(f"{ERA}/metrics/{guid}", headers=era).json
    summed = client.get(f"{ERA}/metrics/week/{guid}?fetchRestaurantNames=true", headers=era)
    assert summed.status_code == 200 and len(summed.json) == 1
    assert summed.json[0]["restaurantName"] == "Harbor Grill"
    assert summed.json[0]["ordersCount"] == sum(r["ordersCount"] for r in daily)
    assert _cents(summed.json[0]["netSalesAmount"]) == _cents(sum(Decimal(str(r["netSalesAmount"])) for r in daily))
    assert_toast_error(client.get(f"{ERA}/metrics/month/{guid}", headers=era), 404)


@HISTORY
def test_check_report_has_every_check_of_the_day(client, era):
    day = _today(client) - timedelta(days=1)
    rows = _report(client, era, "/check/day", _body(day, day, restaurantIds=[HARBOR_DOWNTOWN]),
                   query="?fetchRestaurantNames=true")
    orders = _bulk(client, login(client, GROUP), HARBOR_DOWNTOWN, day)
    checks = {c["guid"]: (o, c) for o in orders for c in o["checks"]}
    assert {r["checkGuid"] for r in rows} == set(checks)
    servers = client.get("/_sandbox/credentials")     # names come from the employees (the orders' servers)
    assert servers.status_code == 200
    for row in rows:
        order, check = checks[row["checkGuid"]]
        assert row["orderGuid"] == order["guid"] and row["restaurantName"] == "Harbor Grill"
        assert _cents(row["checkTotalAmount"]) == _cents(check["totalAmount"])
        assert _cents(row["checkTaxAmount"]) == _cents(check["taxAmount"])
        assert _cents(row["checkTipAmount"]) == _cents(sum(Decimal(str(p["tipAmount"] or 0))
                                                           for p in check["payments"] if p["voidInfo"] is None))
        assert row["checkStatus"] == check["paymentStatus"] and row["checkVoidedStatus"] == check["voided"]
        assert (row["serverName"] is None) == (order["server"] is None)


@HISTORY
def test_menu_report_matches_the_selections(client, era):
    today = _today(client)
    first, last = today - timedelta(days=3), today - timedelta(days=1)
    rows = _report(client, era, "/menu", _body(first, last, restaurantIds=[HARBOR_DOWNTOWN], groupBy=["MENU_ITEM"]),
                   read_base="/menu")
    token = login(client, GROUP)
    expected = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0)])
    for n in range(3):
        for order in _bulk(client, token, HARBOR_DOWNTOWN, first + timedelta(days=n)):
            for check in order["checks"]:
                for selection in check["selections"]:
                    if selection["voided"]:
                        continue
                    sums = expected[(str(order["businessDate"]), selection["item"]["guid"])]
                    sums[0] += Decimal(str(selection["quantity"]))
                    sums[1] += _cents(selection["preDiscountPrice"])
                    sums[2] += _cents(selection["price"])
    got = {(r["businessDate"], r["menuItemGuid"]): r for r in rows if r["quantitySold"]}
    assert set(got) == set(expected)
    for key, (quantity, gross, net) in expected.items():
        row = got[key]
        assert Decimal(str(row["quantitySold"])) == quantity and row["menuItemName"]
        assert _cents(row["grossSalesAmount"]) == gross and _cents(row["netSalesAmount"]) == net


@HISTORY
def test_payouts_and_guest_cards_follow_the_card_payments(client, era):
    day = _today(client) - timedelta(days=2)
    body = _body(day, day, dated=True, restaurantIds=[HARBOR_DOWNTOWN])
    cards = [p for o in _bulk(client, login(client, GROUP), HARBOR_DOWNTOWN, day) for c in o["checks"]
             for p in c["payments"] if p["type"] == "CREDIT" and p["voidInfo"] is None and p["paidBusinessDate"]
             == _int(day)]
    assert cards
    by_sale = _report(client, era, "/payout/sales-date/day", body)
    assert len(by_sale) == 1 and by_sale[0]["salesDate"] == str(_int(day))
    assert by_sale[0]["transactionCount"] == len(cards)
    paid = sum(Decimal(str(p["amount"])) + Decimal(str(p["tipAmount"] or 0)) for p in cards)
    assert _cents(by_sale[0]["paymentAmount"]) == _cents(paid)
    assert by_sale[0]["settledDates"] == [str(_int(day + timedelta(days=1)))]
    row = by_sale[0]
    assert _cents(row["payoutAmount"]) == _cents(Decimal(str(row["paymentAmount"])) - Decimal(str(row["refundAmount"]))
                                                 - Decimal(str(row["totalFeeAmount"]))
                                                 - Decimal(str(row["withholdingAmount"])))
    settled_body = _body(day + timedelta(days=1), day + timedelta(days=1), dated=True, restaurantIds=[HARBOR_DOWNTOWN])
    settled = _report(client, era, "/payout/day", settled_body)
    assert settled[0]["paymentAmount"] == row["paymentAmount"] and settled[0]["payoutStatus"] == "PAID"
    payments = _report(client, era, "/payout/payments/day", settled_body, read_base="/payout/payments")
    assert {p["paymentGuid"] for p in payments} == {p["guid"] for p in cards}
    guests = _report(client, era, "/guest/payments/day", body, read_base="/guest/payments")
    assert {g["paymentGuid"] for g in guests} == {p["guid"] for p in cards}
    last4 = {p["guid"]: p["last4Digits"] for p in cards}
    assert all(g["cardLast4Digits"] == last4[g["paymentGuid"]] for g in guests)


def test_restaurants_information_lists_the_group(client, era):
    answer = client.get(ERA + "/restaurants-information", headers=era)
    assert answer.status_code == 200
    assert_published(PUBLISHED, "GET", ERA + "/restaurants-information", 200, answer.json)
    assert {r["restaurantGuid"] for r in answer.json} == {HARBOR_DOWNTOWN, HARBOR_SEAPORT}
    assert all(r["active"] and not r["archived"] for r in answer.json)


@pytest.mark.parametrize("path, span, message", [
    ("/metrics/day", 2, "at most 1 day"), ("/metrics/week", 8, "at most 7 day"),
    ("/metrics/month", 32, "at most 31 day"), ("/metrics/year", 367, "at most 366 day"),
    ("/metrics", 367, "at most 366 day"), ("/menu/week", 8, "at most 7 day"), ("/check/day", 2, "at most 1 day"),
])
def test_ranges_longer_than_their_time_range_are_400(client, era, path, span, message):
    last = _today(client) - timedelta(days=1)
    answer = client.post(ERA + path, headers=era, json=_body(last - timedelta(days=span - 1), last))
    assert_toast_error(answer, 400, message)
    assert answer.json["fieldName"] == "endBusinessDate"


@pytest.mark.parametrize("start, end, field, message", [
    (20260231, 20260301, "startBusinessDate", "yyyyMMdd"),
    (99999999, 99999999, "startBusinessDate", "yyyyMMdd"),
    (-5, 20260301, "startBusinessDate", "yyyyMMdd"),
    (20260305, 20260301, "startBusinessDate", "must not be after"),
    (10 ** 30, 20260301, None, None),
])
def test_malformed_or_reversed_dates_are_400(client, era, start, end, field, message):
    answer = client.post(ERA + "/metrics/week", headers=era, json={"startBusinessDate": start, "endBusinessDate": end,
                                                                   "restaurantIds": [], "excludedRestaurantIds": []})
    assert_toast_error(answer, 400, message)
    if field:
        assert answer.json["fieldName"] == field


def test_a_range_in_the_future_is_400(client, era):
    tomorrow = _today(client) + timedelta(days=2)
    assert_toast_error(client.post(ERA + "/metrics/day", headers=era, json=_body(tomorrow, tomorrow)), 400,
                       "in the future")


def test_hourly_aggregation_needs_the_day_range(client, era):
    day = _today(client) - timedelta(days=1)
    answer = client.post(ERA + "/metrics/week?aggregateBy=HOUR", headers=era, json=_body(day, day))
    assert_toast_error(answer, 400, "HOUR")


def test_unknown_other_clients_and_expired_reports_are_404(client, era):
    day = _today(client) - timedelta(days=1)
    guid = client.post(ERA + "/metrics/day", headers=era, json=_body(day, day)).json
    partner = {"Authorization": f"Bearer {login(client, PARTNER)}"}
    assert_toast_error(client.get(f"{ERA}/metrics/{guid}", headers=partner), 404)          # not the partner's
    assert_toast_error(client.get(f"{ERA}/menu/{guid}", headers=era), 404)                 # not a menu report
    assert_toast_error(client.get(f"{ERA}/metrics/not-a-guid", headers=era), 404)
    client.post("/_sandbox/clock", json={"advance": 7 * 86400 - 1})
    era = {"Authorization": f"Bearer {login(client, GROUP)}"}           # tokens live a day; reports a week
    assert client.get(f"{ERA}/metrics/{guid}", headers=era).status_code == 200
    client.post("/_sandbox/clock", json={"advance": 1})
    assert_toast_error(client.get(f"{ERA}/metrics/{guid}", headers=era), 404, "expired")


def test_restaurants_out_of_reach_and_missing_scope_are_403(client, era):
    day = _today(client) - timedelta(days=1)
    assert_toast_error(client.post(ERA + "/metrics/day", headers=era, json=_body(day, day, restaurantIds=[MESA])),
                       403)
    reader = {"Authorization": f"Bearer {login(client, READ_ONLY)}"}
    assert_toast_error(client.post(ERA + "/metrics/day", headers=reader, json=_body(day, day)), 403)


def test_excluded_and_inactive_restaurants(client, era, world):
    day = _today(client) - timedelta(days=1)
    excluded = _report(client, era, "/metrics/day", _body(day, day, excludedRestaurantIds=[HARBOR_SEAPORT]))
    assert {r["restaurantGuid"] for r in excluded} <= {HARBOR_DOWNTOWN}
    world.state["toast"].restaurants[HARBOR_SEAPORT].archived = True
    inactive = _report(client, era, "/metrics/day?onlyInactiveRestaurants=true", _body(day, day),
                       read_base="/metrics")
    assert {r["restaurantGuid"] for r in inactive} <= {HARBOR_SEAPORT}
    info = client.get(ERA + "/restaurants-information", headers=era).json
    assert {r["restaurantGuid"]: r["active"] for r in info} == {HARBOR_DOWNTOWN: True, HARBOR_SEAPORT: False}


@pytest.mark.pos_sandbox(rate_limits=True)
def test_report_requests_have_their_own_limits(client, era):
    """The guide's analytics limits: month and year requests 10 per hour; day and week 10 per minute; reads 5 per
    second."""
    day = _today(client) - timedelta(days=1)
    for _ in range(10):
        assert client.post(ERA + "/metrics/month", headers=era, json=_body(day, day)).status_code == 200
    refused = client.post(ERA + "/metrics/month", headers=era, json=_body(day, day))
    assert_toast_error(refused, 429)
    assert refused.headers["X-Toast-RateLimit-By"] == "ENDPOINT" and int(refused.headers["Retry-After"]) > 60
    client.post("/_sandbox/clock", json={"advance": 60})
    for _ in range(10):
        guid = client.post(ERA + "/metrics/day", headers=era, json=_body(day, day))
        assert guid.status_code == 200
    assert_toast_error(client.post(ERA + "/metrics/day", headers=era, json=_body(day, day)), 429)
    assert_toast_error(client.post(ERA + "/metrics/month", headers=era, json=_body(day, day)), 429)  # still this hour
    client.post("/_sandbox/clock", json={"advance": 60})
    reads = [client.get(f"{ERA}/metrics/{guid.json}", headers=era) for _ in range(6)]
    assert [r.status_code for r in reads] == [200] * 5 + [429]
    assert reads[4].headers["X-Toast-RateLimit-By"] == "ENDPOINT"
    assert reads[4].headers["X-Toast-RateLimit-Remaining"] == "0"


@pytest.mark.parametrize("preset, status", [("analytics-report-fails", 409), ("analytics-report-times-out", 504),
                                            ("analytics-report-in-progress", 202)])
def test_presets_make_reports_fail_or_stay_in_progress(client, era, preset, status):
    day = _today(client) - timedelta(days=1)
    guid = client.post(ERA + "/metrics/day", headers=era, json=_body(day, day)).json
    client.post("/_sandbox/clock", json={"advance": 3600})
    assert client.post("/_sandbox/scenarios", json={"preset": preset}).status_code == 201
    answer = client.get(f"{ERA}/metrics/{guid}", headers=era)
    assert answer.status_code == status
    if status == 202:
        assert answer.json == {"message": answer.json["message"], "reportStatus": "IN_PROGRESS",
                               "reportRequestGuid": guid}
    else:
        assert_toast_error(answer, status)
    assert client.post(ERA + "/metrics/day", headers=era, json=_body(day, day)).status_code == 200   # asking works
    client.delete("/_sandbox/scenarios")
    assert client.get(f"{ERA}/metrics/{guid}", headers=era).status_code == 200


@pytest.mark.pos_sandbox(history_days=30)
def test_a_report_lets_the_worlds_other_requests_in_while_it_gathers(app, client, era, world, monkeypatch):
    """A report folds its orders under the world's lock but lets go every CHUNK orders: another thread takes the
    lock while the report is still gathering, and the report still comes out whole."""
    from sandbox.toast.analytics import sales
    monkeypatch.setattr(sales, "CHUNK", 1)
    folding, real_add = threading.Event(), sales.Totals.add

    def add(self, order, now):
        folding.set()
        real_add(self, order, now)
    monkeypatch.setattr(sales.Totals, "add", add)
    today = _today(client)
    body = _body(today - timedelta(days=30), today - timedelta(days=1))
    answers = []
    gatherer = threading.Thread(target=lambda: answers.append(app.test_client().post(ERA + "/metrics/month",
                                                                                    headers=era, json=body)))
    gatherer.start()
    assert folding.wait(10)
    assert world.lock.acquire(timeout=10)            # the report paused between two orders
    try:
        assert gatherer.is_alive()                   # ... and waits for the lock to go on
    finally:
        world.lock.release()
    gatherer.join(30)
    assert answers[0].status_code == 200
    client.post("/_sandbox/clock", json={"advance": 2})
    rows = client.get(f"{ERA}/metrics/{answers[0].json}", headers=era).json
    assert sum(r["ordersCount"] + r["voidOrdersCount"] for r in rows) == sum(
        len(world.state["toast"].orders.on_business_date(r, _int(today - timedelta(days=n))))
        for r in (HARBOR_DOWNTOWN, HARBOR_SEAPORT) for n in range(1, 31))


@pytest.mark.pos_sandbox(history_days=2)
def test_reports_travel_with_exports_and_go_with_a_reset(client, era):
    day = _today(client) - timedelta(days=1)
    guid = client.post(ERA + "/menu/day", headers=era, json=_body(day, day, groupBy=["MENU_GROUP"])).json
    client.post("/_sandbox/clock", json={"advance": 2})
    rows = client.get(f"{ERA}/menu/{guid}", headers=era).json
    assert rows
    export = client.get("/_sandbox/export")
    client.post("/_sandbox/reset")
    era = {"Authorization": f"Bearer {login(client, GROUP)}"}
    assert_toast_error(client.get(f"{ERA}/menu/{guid}", headers=era), 404)
    assert client.post("/_sandbox/import", data=export.data, content_type="application/json").status_code == 200
    era = {"Authorization": f"Bearer {login(client, GROUP)}"}
    assert client.get(f"{ERA}/menu/{guid}", headers=era).json == rows


@HISTORY
def test_labor_report_and_hourly_metrics_add_up_to_the_labor_apis_time_entries(client, era):
    """Hours and pay of hourly jobs come from the Labor API's own time entries (analytics reference: labor data is
    for hourly jobs; pay includes overtime); the restaurant's row carries the day's net sales of the metrics."""
    day = _today(client) - timedelta(days=2)
    body = _body(day, day, restaurantIds=[HARBOR_DOWNTOWN])
    labor = _report(client, era, "/labor/day", body)
    metrics = _report(client, era, "/metrics/day", body)
    by_job = _report(client, era, "/labor/day", {**body, "groupBy": ["JOB", "EMPLOYEE"]})
    partner = {"Authorization": f"Bearer {login(client, PARTNER)}", "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}
    entries = client.get(f"/labor/v1/timeEntries?businessDate={_int(day)}", headers=partner)
    assert entries.status_code == 200
    hourly = [e for e in entries.json if e["hourlyWage"] is not None]
    assert hourly
    hours = sum(Decimal(str(e["regularHours"])) + Decimal(str(e["overtimeHours"])) for e in hourly)
    pay = sum(Decimal(str(e["hourlyWage"])) * (Decimal(str(e["regularHours"]))
                                                + Decimal("1.5") * Decimal(str(e["overtimeHours"]))) for e in hourly)
    assert len(labor) == 1 and _cents(labor[0]["totalHours"]) == _cents(hours)
    assert _cents(labor[0]["totalCost"]) == _cents(pay)
    assert _cents(labor[0]["regularCost"] + labor[0]["overtimeCost"]) == _cents(labor[0]["totalCost"])
    assert labor[0]["netSalesAmount"] == metrics[0]["netSalesAmount"]
    assert _cents(metrics[0]["hourlyJobTotalHours"]) == _cents(hours)
    assert _cents(metrics[0]["hourlyJobTotalPay"]) == _cents(pay)
    assert _cents(sum(Decimal(str(r["totalHours"])) for r in by_job)) == _cents(hours)
    staff = {e["employeeReference"]["guid"] for e in hourly}
    assert {r["employeeGuid"] for r in by_job} == staff and all(r["jobTitle"] for r in by_job)


@pytest.mark.parametrize("tamper", [
    lambda report: report.update(rows="not a list"),
    lambda report: report.update(ready="soon"),
    lambda report: report.pop("kind"),
    lambda report: report["rows"].append(7),
])
def test_a_tampered_report_in_a_world_file_is_refused(client, era, tamper):
    day = _today(client) - timedelta(days=1)
    assert client.post(ERA + "/metrics/day", headers=era, json=_body(day, day)).status_code == 200
    export = client.get("/_sandbox/export").json
    report = next(iter(export["state"]["toast"]["fields"]["reports"].values()))
    tamper(report)
    refused = client.post("/_sandbox/import", json=export)
    assert refused.status_code == 400 and "state.toast.reports" in str(refused.json), refused.json
