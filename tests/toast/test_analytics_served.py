"""Analytics against `pos-sandbox serve`: a reporting client's flow as it would run in production, and reports asked
for while other threads write orders (each report holds all of an order or none of it)."""

import threading
from datetime import date, timedelta

import pytest
import requests

from helpers import GROUP, HARBOR_DOWNTOWN, HARBOR_SEAPORT, served_sandbox
from test_worlds_served import _small_order

LOGIN = "/authentication/v1/authentication/login"


@pytest.fixture(scope="module")
def served():
    with served_sandbox("--history-days", "8", SANDBOX_RATE_LIMITS="false") as (base, _):
        yield base


def _login(base):
    answer = requests.post(base + LOGIN, timeout=10, json={"clientId": GROUP["clientId"],
                                                           "clientSecret": GROUP["clientSecret"],
                                                           "userAccessType": "TOAST_MACHINE_CLIENT"})
    return {"Authorization": "Bearer " + answer.json()["token"]["accessToken"]}


def _today(base):
    return date.fromisoformat(requests.get(base + "/_sandbox/clock", timeout=10).json()["now"][:10])


def _poll(base, path, headers, statuses):
    """Read a report until it is ready, moving the sandbox clock on between polls instead of waiting."""
    for _ in range(20):
        answer = requests.get(base + path, headers=headers, timeout=30)
        statuses.append(answer.status_code)
        if answer.status_code != 202:
            return answer
        assert answer.json()["reportStatus"] == "IN_PROGRESS"
        requests.post(base + "/_sandbox/clock", json={"advance": 1}, timeout=10)
    raise AssertionError("the report never became ready")


def test_a_reporting_client_asks_polls_and_reads(served):
    headers = _login(served)
    today = _today(served)
    week = {"startBusinessDate": int((today - timedelta(days=7)).strftime("%Y%m%d")),
            "endBusinessDate": int((today - timedelta(days=1)).strftime("%Y%m%d")),
            "restaurantIds": [HARBOR_DOWNTOWN, HARBOR_SEAPORT], "excludedRestaurantIds": []}
    guid = requests.post(served + "/era/v1/metrics/week?aggregateBy=DAY", json=week, headers=headers, timeout=30)
    assert guid.status_code == 200
    statuses = []
    metrics = _poll(served, f"/era/v1/metrics/{guid.json()}?fetchRestaurantNames=true", headers, statuses)
    assert statuses[0] == 202 and statuses[-1] == 200
    assert {(r["restaurantGuid"], r["businessDate"]) for r in metrics.json()} == {
        (r, (today - timedelta(days=n)).strftime("%Y%m%d")) for r in (HARBOR_DOWNTOWN, HARBOR_SEAPORT)
        for n in range(1, 8)}
    menu_guid = requests.post(served + "/era/v1/menu/week", json={**week, "groupBy": ["MENU_ITEM"]}, headers=headers,
                              timeout=30).json()
    menu = _poll(served, f"/era/v1/menu/{menu_guid}", headers, [])
    assert menu.status_code == 200 and menu.json()
    sales = {r["businessDate"]: r["grossSalesAmount"] for r in metrics.json() if r["restaurantGuid"] == HARBOR_DOWNTOWN}
    downtown = {}
    for row in menu.json():
        if row["restaurantGuid"] == HARBOR_DOWNTOWN:
            downtown[row["businessDate"]] = downtown.get(row["businessDate"], 0) + row["grossSalesAmount"]
    assert set(downtown) <= set(sales) and downtown   # item sales fall on days the metrics show sales


def test_reports_hold_whole_orders_while_orders_are_written(served):
    headers = _login(served)
    restaurant = {**headers, "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}
    body = _small_order(served, restaurant)
    today = int(_today(served).strftime("%Y%m%d"))
    day = {"startBusinessDate": today, "endBusinessDate": today, "restaurantIds": [HARBOR_DOWNTOWN],
           "excludedRestaurantIds": [], "groupBy": ["DINING_OPTION"]}

    def take_out(rows):
        row = next((r for r in rows if r["diningOption"] == "Take Out"), None)
        return (row["ordersCount"], row["grossSalesAmount"]) if row else (0, 0.0)

    def report():
        guid = requests.post(served + "/era/v1/metrics/day", json=day, headers=headers, timeout=30).json()
        requests.post(served + "/_sandbox/clock", json={"advance": 3}, timeout=10)
        return take_out(_poll(served, f"/era/v1/metrics/{guid}", headers, []).json())

    first = requests.post(served + "/orders/v2/orders", json=body, headers=restaurant, timeout=10).json()
    price = sum(s["preDiscountPrice"] for c in first["checks"] for s in c["selections"])
    before = report()
    written, stop, failures = [], threading.Event(), []

    def write():
        while not stop.is_set():
            answer = requests.post(served + "/orders/v2/orders", json=body, headers=restaurant, timeout=10)
            if answer.status_code != 200:
                failures.append(answer.status_code)
                return
            written.append(answer.json()["guid"])

    writers = [threading.Thread(target=write) for _ in range(2)]
    for thread in writers:
        thread.start()
    seen = []
    try:
        while len(seen) < 8:
            seen.append(report())
    finally:
        stop.set()
        for thread in writers:
            thread.join(30)
    assert not failures and written
    for count, gross in seen:          # whatever moment a report was taken at, its orders are whole
        assert round(gross - before[1], 2) == round((count - before[0]) * price, 2)
    counts = [count for count, _ in seen]
    assert counts == sorted(counts) and counts[-1] > before[0]
    count, gross = report()
    assert count == before[0] + len(written) and round(gross, 2) == round(before[1] + len(written) * price, 2)
