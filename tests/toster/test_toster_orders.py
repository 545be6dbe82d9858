"""Toster orders: listing and filters, creation priced from the catalogue, the status machine, tracking on the
sandbox clock, and the events each change records."""

import json

import pytest

from helpers import advance, assert_toster_error, toster

STATUSES = ["NEW", "CONFIRMED", "COOKING", "PACKED", "DISPATCHED", "DELIVERED"]


def _products(client):
    return {p["name"]: p for p in client.get("/api/products", query_string={"limit": 100}, headers=toster()
                                             ).json["items"]}


def _create(client, **body):
    products = _products(client)
    roll = products["Philadelphia Roll"]
    payload = {"type": "delivery", "customer": {"name": "Anna K.", "phone": "+380671234567"},
               "items": [{"product_id": roll["id"], "qty": 2, "modifiers": [roll["modifiers"][1]["id"]]},
                         {"product_id": products["Green Tea"]["id"], "qty": 1}],
               "address": {"street": "12 Obolonskyi Ave", "city": "Kyiv", "lat": 50.5000, "lng": 30.5000}}
    payload.update(body)
    response = client.post("/api/orders", json=payload, headers=toster())
    assert response.status_code == 201, response.json
    return response.json


def _move(client, order, status):
    return client.patch(f"/api/orders/{order['id']}/status", json={"status": status}, headers=toster())


def test_create_prices_from_the_catalogue_in_minor_units(client):
    order = _create(client)
    # 2 x (Philadelphia Roll 34000 + Spicy mayo 2500) + Green Tea 6000 + delivery 4900.
    assert [(i["price"], i["qty"], i["total"]) for i in order["items"]] == [(36500, 2, 73000), (6000, 1, 6000)]
    assert (order["subtotal"], order["delivery_fee"], order["discount"], order["total"]) == (79000, 4900, 0, 83900)
    assert order["status"] == "NEW" and order["currency"] == "UAH" and order["courier_id"] is None
    assert order["status_history"] == [{"status": "NEW", "at": "2026-11-02T17:30:00Z", "reason": None}]
    assert client.get(f"/api/orders/{order['id']}", headers=toster()).json == order


def test_customer_is_matched_by_phone_or_created(client):
    first = _create(client)
    second = _create(client, customer={"name": "Anna Kovalenko", "phone": "+380671234567"})
    assert first["customer"]["id"] == second["customer"]["id"]
    created = client.get("/_sandbox/webhooks/events", query_string={"type": "customer.created"}).json
    assert len(created) == 1
    existing = client.get("/api/customers", query_string={"limit": 1}, headers=toster()).json["items"][0]
    by_id = client.post("/api/orders", headers=toster(), json={
        "customer_id": existing["id"], "type": "pickup",
        "items": [{"product_id": _products(client)["Gyoza"]["id"], "qty": 1}]})
    assert by_id.status_code == 201 and by_id.json["customer"]["id"] == existing["id"]
    assert by_id.json["delivery_fee"] == 0 and by_id.json["address"] is None


@pytest.mark.parametrize("change, status, message", [
    ({"customer_id": "cus_nobody"}, 400, "exactly one"),
    ({"customer": None}, 400, None),
    ({"items": [{"product_id": "prd_nothing", "qty": 1}]}, 404, "Product not found"),
    ({"items": [{"product_id": "PRODUCT", "qty": 1, "modifiers": ["mod_nope"]}]}, 400, "not offered"),
    ({"items": [{"product_id": "PRODUCT", "qty": 0}]}, 400, None),
    ({"items": []}, 400, None),
    ({"type": "delivery", "address": None}, 400, None),
    ({"type": "drone"}, 400, None),
    ({"tip": 5}, 400, None),
])
def test_bad_orders_are_refused(client, change, status, message):
    products = _products(client)
    body = {"type": "delivery", "customer": {"name": "Anna K.", "phone": "+380671234567"},
            "items": [{"product_id": products["Gyoza"]["id"], "qty": 1}],
            "address": {"street": "1 Khreshchatyk St", "city": "Kyiv"}}
    body.update(change)
    for item in body["items"]:
        if item.get("product_id") == "PRODUCT":
            item["product_id"] = products["Gyoza"]["id"]
    body = {k: v for k, v in body.items() if v is not None}
    assert_toster_error(client.post("/api/orders", json=body, headers=toster()), status, message)


def test_the_whole_flow_and_its_events(client, sandbox):
    order = _create(client)
    for status in STATUSES[1:]:
        advance(client, 300)
        moved = _move(client, order, status)
        assert moved.status_code == 200, moved.json
        assert moved.json["status"] == status
    final = moved.json
    assert [h["status"] for h in final["status_history"]] == STATUSES
    events = [e["eventType"] for e in client.get("/_sandbox/webhooks/events").json if e["provider"] == "toster"]
    assert events[-6:] == ["order.created", "order.confirmed", "order.cooking", "order.packed", "order.dispatched",
                           "order.delivered"]
    body = json.loads(client.get("/_sandbox/webhooks/events", query_string={"type": "order.delivered"}
                                 ).json[0]["body"])
    assert set(body) == {"event", "created_at", "data"} and body["data"]["status"] == "DELIVERED"


@pytest.mark.parametrize("path, target", [
    (["NEW"], "COOKING"), (["NEW"], "DELIVERED"), (["NEW", "CONFIRMED"], "NEW"),
    (["NEW", "CONFIRMED", "COOKING", "PACKED", "DISPATCHED"], "CANCELLED"),
    (["NEW", "CONFIRMED", "COOKING", "PACKED", "DISPATCHED", "DELIVERED"], "CANCELLED"),
    (["NEW"], "NEW"),
])
def test_illegal_transitions_are_409_with_both_states(client, path, target):
    order = _create(client)
    for status in path[1:]:
        assert _move(client, order, status).status_code == 200
    error = assert_toster_error(_move(client, order, target), 409, "Illegal status transition")
    assert error["details"] == {"from": path[-1], "to": target}


@pytest.mark.parametrize("reached", ["NEW", "CONFIRMED", "COOKING", "PACKED"])
def test_cancel_before_dispatch(client, reached):
    order = _create(client)
    for status in STATUSES[1:STATUSES.index(reached) + 1]:
        _move(client, order, status)
    cancelled = client.patch(f"/api/orders/{order['id']}/status", json={"status": "CANCELLED", "reason": "Guest"},
                             headers=toster())
    assert cancelled.status_code == 200 and cancelled.json["status_history"][-1]["reason"] == "Guest"


def test_pickup_orders_are_collected_not_dispatched(client):
    order = _create(client, type="pickup")
    for status in ["CONFIRMED", "COOKING", "PACKED"]:
        _move(client, order, status)
    assert_toster_error(_move(client, order, "DISPATCHED"), 409)
    assert _move(client, order, "DELIVERED").json["status"] == "DELIVERED"


def test_tracking_moves_with_the_clock_and_agrees_with_the_courier(client):
    order = _create(client)
    before = client.get(f"/api/orders/{order['id']}/track", headers=toster()).json
    assert before["courier"] is None and before["location"] is None and before["eta"]
    for status in STATUSES[1:5]:
        _move(client, order, status)
    dispatched = client.get(f"/api/orders/{order['id']}/track", headers=toster()).json
    courier = dispatched["courier"]
    assert courier is not None
    # The courier starts at the kitchen, the first point of the route.
    assert (dispatched["location"]["lat"], dispatched["location"]["lng"]) == (dispatched["route"][0]["lat"],
                                                                              dispatched["route"][0]["lng"])
    start_remaining = dispatched["distance_remaining_m"]
    advance(client, 60)
    moving = client.get(f"/api/orders/{order['id']}/track", headers=toster()).json
    assert 0 < moving["distance_remaining_m"] < start_remaining
    location = client.get(f"/api/couriers/{courier['id']}/location", headers=toster()).json
    assert (location["lat"], location["lng"]) == (moving["location"]["lat"], moving["location"]["lng"])
    assert location["order_id"] == order["id"] and location["route"] == moving["route"]
    detail = client.get(f"/api/couriers/{courier['id']}", headers=toster()).json
    assert detail["status"] == "assigned" and detail["active_assignment"]["order_id"] == order["id"]
    advance(client, 3600)
    arrived = client.get(f"/api/orders/{order['id']}/track", headers=toster()).json
    assert arrived["distance_remaining_m"] == 0
    assert (arrived["location"]["lat"], arrived["location"]["lng"]) == (arrived["route"][-1]["lat"],
                                                                        arrived["route"][-1]["lng"])
    _move(client, order, "DELIVERED")
    freed = client.get(f"/api/couriers/{courier['id']}", headers=toster()).json
    assert freed["status"] == "available" and freed["active_assignment"] is None


def test_list_filters_and_paging(client):
    created = _create(client)
    everything = client.get("/api/orders", query_string={"limit": 100}, headers=toster()).json
    assert everything["total"] >= 1 and everything["page"] == 1
    assert everything["pages"] == -(-everything["total"] // 100)
    assert everything["items"][0]["id"] == created["id"]          # newest first
    by_status = client.get("/api/orders", query_string={"status": "NEW", "limit": 100}, headers=toster()).json
    assert all(o["status"] == "NEW" for o in by_status["items"]) and created["id"] in [o["id"] for o in
                                                                                         by_status["items"]]
    by_number = client.get("/api/orders", query_string={"q": str(created["number"])}, headers=toster()).json
    assert [o["id"] for o in by_number["items"]] == [created["id"]]
    by_customer = client.get("/api/orders", query_string={"customer_id": created["customer"]["id"]},
                             headers=toster()).json
    assert [o["id"] for o in by_customer["items"]] == [created["id"]]
    window = client.get("/api/orders", query_string={"from": "2026-11-02T17:30:00Z", "to": "2026-11-02T17:31:00Z"},
                        headers=toster()).json
    assert [o["id"] for o in window["items"]] == [created["id"]]
    page_two = client.get("/api/orders", query_string={"limit": 1, "page": 2}, headers=toster()).json
    assert page_two["items"][0]["id"] == everything["items"][1]["id"]
    past = client.get("/api/orders", query_string={"limit": 100, "page": 50}, headers=toster()).json
    assert past["items"] == [] and past["total"] == everything["total"]


@pytest.mark.parametrize("query", [{"limit": 101}, {"limit": 0}, {"page": 0}, {"status": "LOST"},
                                   {"from": "yesterday"}])
def test_bad_list_parameters_are_400(client, query):
    assert_toster_error(client.get("/api/orders", query_string=query, headers=toster()), 400)


def test_unknown_order_is_404_with_its_id(client):
    error = assert_toster_error(client.get("/api/orders/ord_missing", headers=toster()), 404, "Order not found")
    assert error["details"] == {"id": "ord_missing"}
    assert_toster_error(client.patch("/api/orders/ord_missing/status", json={"status": "CONFIRMED"},
                                     headers=toster()), 404)
    assert_toster_error(client.get("/api/orders/ord_missing/track", headers=toster()), 404)
