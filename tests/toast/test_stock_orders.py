"""Orders obey stock: counted items fall with orders and never below zero, out-of-stock items are refused (the stock
spec: an OUT_OF_STOCK item "cannot be selected for an order"), /prices agrees, voids give back, restock brings an
item back. The developer guide's stock overview says the orders API takes such orders anyway: that is the
`toast_out_of_stock_orders: accept` switch."""

import threading

import pytest

from helpers import HARBOR_DOWNTOWN, VOID_ALL, Menu, assert_toast_error, login, toast_headers
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS, LiveSandbox

ORDERS = "/orders/v2/orders"
STOCK = "/stock/v1/inventory"


def _stock(client, headers, item):
    [entry] = client.post(f"{STOCK}/search", json={"guids": [item.guid]}, headers=headers).json
    return entry["status"], entry["quantity"]


def _set(client, headers, item, status, quantity=None):
    entry = {"guid": item.guid, "status": status, **({"quantity": quantity} if quantity is not None else {})}
    assert client.put(f"{STOCK}/update", json=[entry], headers=headers).status_code == 200


def _stock_events(client):
    return [e["eventType"] for e in client.get("/_sandbox/webhooks/events").json if e["eventCategory"] == "stock"]


def test_out_of_stock_item_is_refused_then_ordered_once_restocked(client, headers, harbor):
    cobbler = harbor.item("Blueberry Cobbler")
    body = harbor.order(harbor.selection("Iced Tea"), harbor.selection("Blueberry Cobbler"))
    refused = assert_toast_error(client.post(ORDERS, json=body, headers=headers), 400, "Blueberry Cobbler")
    assert cobbler.guid in refused["message"] and refused["fieldName"] == "checks[0].selections[1].item"
    assert_toast_error(client.post("/orders/v2/prices", json=body, headers=headers), 400, "out of stock")
    _set(client, headers, cobbler, "IN_STOCK")
    assert client.post("/orders/v2/prices", json=body, headers=headers).status_code == 200
    assert client.post(ORDERS, json=body, headers=headers).status_code == 200
    assert _stock(client, headers, cobbler) == ("IN_STOCK", None)


def test_quantity_falls_with_orders_and_reaching_zero_is_out_of_stock(client, headers, harbor):
    """The stock webhook guide: ordering decrements; at 5 or less low_quantity, at 0 out_of_stock."""
    pie = harbor.item("Boston Cream Pie")
    first = client.post(ORDERS, json=harbor.order(harbor.selection("Boston Cream Pie", 2)), headers=headers)
    assert first.status_code == 200
    assert _stock(client, headers, pie) == ("QUANTITY", 6.0) and _stock_events(client) == []
    client.post(ORDERS, json=harbor.order(harbor.selection("Boston Cream Pie"), harbor.selection("Boston Cream Pie")),
                headers=headers)
    assert _stock(client, headers, pie) == ("QUANTITY", 4.0) and _stock_events(client) == ["low_quantity"]
    too_many = client.post(ORDERS, json=harbor.order(harbor.selection("Boston Cream Pie", 5)), headers=headers)
    assert_toast_error(too_many, 400, "Boston Cream Pie")
    assert "has 4 left" in too_many.json["message"]
    priced = client.post("/orders/v2/prices", json=harbor.order(harbor.selection("Boston Cream Pie", 4)),
                         headers=headers)
    assert priced.status_code == 200 and _stock(client, headers, pie) == ("QUANTITY", 4.0)   # /prices takes nothing
    last = client.post(ORDERS, json=harbor.order(harbor.selection("Boston Cream Pie", 4)), headers=headers).json
    assert _stock(client, headers, pie) == ("OUT_OF_STOCK", None)
    assert _stock_events(client) == ["low_quantity", "out_of_stock"]
    # Voiding the last order gives its four back.
    assert client.post(f"{ORDERS}/{last['guid']}/void", json=VOID_ALL, headers=headers).status_code == 200
    assert _stock(client, headers, pie) == ("QUANTITY", 4.0)
    assert _stock_events(client)[-1] == "low_quantity"


def test_a_void_leaves_items_marked_by_hand_alone(client, headers, harbor):
    pie = harbor.item("Boston Cream Pie")
    order = client.post(ORDERS, json=harbor.order(harbor.selection("Boston Cream Pie")), headers=headers).json
    _set(client, headers, pie, "OUT_OF_STOCK")
    client.post(f"{ORDERS}/{order['guid']}/void", json=VOID_ALL, headers=headers)
    assert _stock(client, headers, pie) == ("OUT_OF_STOCK", None)


def test_modifier_options_are_counted_too(client, headers, harbor):
    fries = harbor.option("Sweet Potato Fries")
    _set(client, headers, fries, "QUANTITY", 1)
    body = harbor.order(harbor.selection("Lobster Roll", 2, ["Sweet Potato Fries"]))
    refused = assert_toast_error(client.post(ORDERS, json=body, headers=headers), 400, "Sweet Potato Fries")
    assert refused["fieldName"] == "checks[0].selections[0].modifiers[0].item"
    body = harbor.order(harbor.selection("Lobster Roll", 1, ["Sweet Potato Fries"]))
    assert client.post(ORDERS, json=body, headers=headers).status_code == 200
    assert _stock(client, headers, fries) == ("OUT_OF_STOCK", None)


def test_added_selections_take_from_stock(client, headers, harbor):
    pie = harbor.item("Boston Cream Pie")
    order = client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers).json
    url = f"{ORDERS}/{order['guid']}/checks/{order['checks'][0]['guid']}/selections"
    assert_toast_error(client.post(url, json=[harbor.selection("Boston Cream Pie", 9)], headers=headers), 400,
                       "has 8 left")
    assert client.post(url, json=[harbor.selection("Boston Cream Pie", 3)], headers=headers).status_code == 200
    assert _stock(client, headers, pie) == ("QUANTITY", 5.0)


def test_a_refused_order_is_not_stored_and_takes_nothing(client, headers, harbor):
    body = harbor.order(harbor.selection("Boston Cream Pie"), harbor.selection("Blueberry Cobbler"))
    assert_toast_error(client.post(ORDERS, json=body, headers=headers), 400)
    assert _stock(client, headers, harbor.item("Boston Cream Pie")) == ("QUANTITY", 8.0)
    assert client.get("/_sandbox/webhooks/events").json == []


@pytest.mark.pos_sandbox(toast_out_of_stock_orders="accept")
def test_accept_mode_takes_such_orders_and_stops_at_zero(client, headers, harbor):
    """The developer guide's stock overview: the orders API accepts orders with out-of-stock items."""
    for selection in (harbor.selection("Blueberry Cobbler"), harbor.selection("Boston Cream Pie", 20)):
        assert client.post(ORDERS, json=harbor.order(selection), headers=headers).status_code == 200
    assert _stock(client, headers, harbor.item("Boston Cream Pie")) == ("OUT_OF_STOCK", None)


def _race(post, threads=8, each=3):
    """`threads` threads post `each` one-pie orders at once; returns every status."""
    statuses, start = [], threading.Barrier(threads)

    def run():
        start.wait()
        for _ in range(each):
            statuses.append(post())

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses


def test_concurrent_orders_never_take_more_than_is_left(app, headers, harbor):
    """24 orders race for 10 pies in-process: exactly 10 succeed, the rest are refused, none goes below zero."""
    body = harbor.order(harbor.selection("Boston Cream Pie"))
    admin = app.test_client()
    _set(admin, headers, harbor.item("Boston Cream Pie"), "QUANTITY", 10)
    statuses = _race(lambda: app.test_client().post(ORDERS, json=body, headers=headers).status_code)
    assert sorted(statuses) == [200] * 10 + [400] * 14
    assert _stock(admin, headers, harbor.item("Boston Cream Pie")) == ("OUT_OF_STOCK", None)
    assert harbor.catalog.stock[harbor.item("Boston Cream Pie").guid]["quantity"] == 0


def test_concurrent_orders_against_a_served_sandbox():
    """The same race over real sockets, through the served pipeline."""
    import requests
    app = create_app(dict(TEST_SETTINGS, history_days=0))
    harbor = Menu(app.extensions["sandbox"].store.get(None).state["toast"].catalogs[HARBOR_DOWNTOWN])
    headers = toast_headers(login(app.test_client()), HARBOR_DOWNTOWN)
    body = harbor.order(harbor.selection("Boston Cream Pie"))
    with LiveSandbox(app) as live:
        statuses = _race(lambda: requests.post(live.url + ORDERS, json=body, headers=headers, timeout=10).status_code,
                         threads=6, each=3)
        left = requests.post(live.url + f"{STOCK}/search", json={"guids": [harbor.item("Boston Cream Pie").guid]},
                             headers=headers, timeout=10).json()
    assert sorted(statuses) == [200] * 8 + [400] * 10
    assert (left[0]["status"], left[0]["quantity"]) == ("OUT_OF_STOCK", None)


def test_orders_restocks_and_resets_racing_leave_no_negative_count(app, headers, harbor):
    """Orders, restocks and world resets from several threads at once: every answer is a clean one, and whatever
    world is left never counts below zero."""
    body = harbor.order(harbor.selection("Boston Cream Pie", 2))
    pie = harbor.item("Boston Cream Pie")
    restock = [{"guid": pie.guid, "status": "QUANTITY", "quantity": 3}]
    sandbox = app.extensions["sandbox"]
    statuses, start = [], threading.Barrier(6)

    def run(call, times):
        client = app.test_client()
        start.wait()
        for _ in range(times):
            statuses.append(call(client).status_code)

    calls = [(lambda c: c.post(ORDERS, json=body, headers=headers), 15)] * 4 + [
        (lambda c: c.put(f"{STOCK}/update", json=restock, headers=headers), 15),
        (lambda c: c.post("/_sandbox/reset"), 3)]
    workers = [threading.Thread(target=run, args=call) for call in calls]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert set(statuses) <= {200, 400, 401} and 200 in statuses
    catalog = sandbox.store.get(None).state["toast"].catalogs[HARBOR_DOWNTOWN]
    entry = catalog.stock.get(pie.guid)
    assert entry is not None and (entry["quantity"] is None or entry["quantity"] >= 0)
