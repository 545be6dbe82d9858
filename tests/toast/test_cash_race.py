"""Adversarial: tipped card-paid orders posted from several threads while others read the drawer and the kitchen
export and a reset swaps the world mid-way; no answer is a 5xx, and once the day closes every tip is paid out and the
drawer still adds up."""

import threading
from decimal import Decimal

import requests

from helpers import HARBOR_DOWNTOWN, LOGIN, PARTNER, Menu
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS, LiveSandbox

WRITERS, ORDERS, READERS = 4, 5, 2
DAY = "20261102"


def _headers(base):
    answer = requests.post(base + LOGIN, timeout=10, json={
        "clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"})
    return {"Authorization": f"Bearer {answer.json()['token']['accessToken']}",
            "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}


def _money(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_tipped_orders_reads_and_a_reset_race():
    app = create_app({**TEST_SETTINGS, "history_days": 0})
    menu = Menu(app.extensions["sandbox"].store.get(None).state["toast"].catalogs[HARBOR_DOWNTOWN])
    body = menu.order(menu.selection("Fish and Chips"))
    statuses, done, reset = [], threading.Event(), threading.Event()
    halfway = threading.Barrier(WRITERS + 1)         # every writer has written some orders: reset now

    with LiveSandbox(app) as live:
        def call(method, path, headers, **kwargs):
            answer = requests.request(method, live.url + path, headers=headers, timeout=10, **kwargs)
            statuses.append(answer.status_code)
            return answer

        def write():
            headers = _headers(live.url)
            for number in range(ORDERS):
                if number == 2:
                    halfway.wait(30)
                    reset.wait(30)
                order = call("POST", "/orders/v2/orders", headers, json=body)
                if order.status_code == 401:            # the reset dropped the token: log in again
                    headers = _headers(live.url)
                    continue
                check = order.json()["checks"][0]
                call("POST", f"/orders/v2/orders/{order.json()['guid']}/checks/{check['guid']}/payments", headers,
                     json=[{"type": "CREDIT", "amount": check["totalAmount"], "tipAmount": 1.0}])

        def read():
            headers = _headers(live.url)
            while not done.is_set():
                for path in (f"/cashmgmt/v1/entries?businessDate={DAY}", f"/cashmgmt/v1/deposits?businessDate={DAY}",
                             f"/kitchen/v1/export/itemFulfillments?businessDate={DAY}"):
                    if call("GET", path, headers).status_code == 401:
                        headers = _headers(live.url)

        writers = [threading.Thread(target=write) for _ in range(WRITERS)]
        readers = [threading.Thread(target=read) for _ in range(READERS)]
        for thread in readers + writers:
            thread.start()
        halfway.wait(30)
        statuses.append(requests.post(f"{live.url}/_sandbox/reset", timeout=10).status_code)
        reset.set()
        for thread in writers:
            thread.join()
        done.set()
        for thread in readers:
            thread.join()
        assert set(statuses) <= {200, 401} and statuses.count(200) > WRITERS * ORDERS

        requests.post(f"{live.url}/_sandbox/clock", json={"advance": 16 * 3600}, timeout=10)
        headers = _headers(live.url)
        guids = requests.get(f"{live.url}/orders/v2/payments?paidBusinessDate={DAY}", headers=headers, timeout=10)
        payments = [requests.get(f"{live.url}/orders/v2/payments/{g}", headers=headers, timeout=10).json()
                    for g in guids.json()]
        # What the writers paid after the reset, the first order of each perhaps refused (401) and retried next.
        assert WRITERS * (ORDERS - 3) <= len(payments) <= WRITERS * (ORDERS - 2)
        entries = requests.get(f"{live.url}/cashmgmt/v1/entries?businessDate={DAY}", headers=headers, timeout=10)
        deposits = requests.get(f"{live.url}/cashmgmt/v1/deposits?businessDate={DAY}", headers=headers, timeout=10)
        cash = sum(_money(p["amount"]) + _money(p["tipAmount"]) for p in payments if p["type"] == "CASH")
        assert cash + sum(_money(e["amount"]) for e in entries.json()) == \
            sum(_money(d["amount"]) for d in deposits.json())
        tip_outs = [e for e in entries.json() if e["type"] == "TIP_OUT"]
        assert [_money(e["amount"]) for e in tip_outs] == [-_money(len(payments))]
