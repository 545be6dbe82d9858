"""Toster customers, catalogue, kitchen, couriers, analytics (checked against sums computed here), loyalty, reviews,
webhooks, the scope matrix over every operation, the rate limit and the webhook delivery with its signature."""

import hashlib
import hmac
import json
import re
from collections import Counter

import pytest

from helpers import (TOSTER_ALL, TOSTER_ORDERS_READ, TOSTER_READ, Receiver, advance, assert_toster_error, toster)
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS

OPS = [op for provider in create_app({**TEST_SETTINGS, "history_days": 0}).extensions["sandbox"].providers
       if provider.name == "toster" for op in provider.operations]


def _all(client, path, **query):
    """Every item of a list endpoint, page by page."""
    items, number = [], 1
    while True:
        body = client.get(path, query_string={**query, "limit": 100, "page": number}, headers=toster()).json
        items.extend(body["items"])
        if number >= body["pages"]:
            return items
        number += 1


def _call(client, op, headers):
    url = re.sub(r"{[^}]+}", "x_1", op.full_path)
    return client.open(url, method=op.method, headers=headers, json={} if op.has_body else None)


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.operation_id)
def test_scope_matrix(client, op):
    assert_toster_error(_call(client, op, {}), 401, "Missing API key")
    assert_toster_error(_call(client, op, {"Authorization": "Bearer 966_short"}), 401, "Malformed")
    assert_toster_error(_call(client, op, toster("966_" + "A" * 52)), 401, "Invalid API key")
    scope = op.extension("x-scope")
    if scope != "orders:read":
        error = assert_toster_error(_call(client, op, toster(TOSTER_ORDERS_READ)), 403, scope)
        assert error["details"]["required_scope"] == scope
    if not scope.endswith(":read"):
        assert_toster_error(_call(client, op, toster(TOSTER_READ)), 403)


def test_credentials_list_the_keys(client):
    keys = client.get("/_sandbox/credentials").json["toster"]["keys"]
    assert [k["key"] for k in keys] == [TOSTER_ALL, TOSTER_READ, TOSTER_ORDERS_READ]
    assert len(keys[0]["scopes"]) == 12 and keys[2]["scopes"] == ["orders:read"]


@pytest.mark.pos_sandbox(history_days=30)
def test_customers_search_get_update_and_orders(client):
    customers = _all(client, "/api/customers")
    assert len(customers) == 80
    one = customers[0]
    found = client.get("/api/customers", query_string={"q": one["phone"][-7:]}, headers=toster()).json["items"]
    assert one["id"] in [c["id"] for c in found]
    tagged = client.get("/api/customers", query_string={"tag": "vip", "limit": 100}, headers=toster()).json
    assert all("vip" in c["tags"] for c in tagged["items"])
    detail = client.get(f"/api/customers/{one['id']}", headers=toster()).json
    orders = _all(client, f"/api/customers/{one['id']}/orders")
    assert detail["orders_count"] == len([o for o in orders if o["status"] != "CANCELLED"])
    assert detail["total_spent"] == sum(o["total"] for o in orders if o["status"] != "CANCELLED")
    assert [o["id"] for o in detail["orders"]] == [o["id"] for o in orders][:10]
    changed = client.patch(f"/api/customers/{one['id']}", json={"tags": ["vip", "office"], "notes": "Gate code 42",
                                                                "email": None}, headers=toster())
    assert changed.status_code == 200
    assert (changed.json["tags"], changed.json["notes"], changed.json["email"]) == (["vip", "office"],
                                                                                   "Gate code 42", None)
    taken = client.patch(f"/api/customers/{one['id']}", json={"phone": customers[1]["phone"]}, headers=toster())
    assert_toster_error(taken, 409, "phone")
    assert_toster_error(client.patch(f"/api/customers/{one['id']}", json={}, headers=toster()), 400)
    assert_toster_error(client.patch(f"/api/customers/{one['id']}", json={"id": "x"}, headers=toster()), 400)
    assert_toster_error(client.get("/api/customers/cus_nobody", headers=toster()), 404)


def test_catalogue(client):
    categories = client.get("/api/products/categories", headers=toster()).json["items"]
    assert [c["name"] for c in categories] == ["Rolls", "Sets", "Hot", "Drinks"]
    products = _all(client, "/api/products")
    assert len(products) == sum(c["product_count"] for c in categories) == 10
    rolls = client.get("/api/products", query_string={"category_id": categories[0]["id"]}, headers=toster()).json
    assert rolls["total"] == 4 and all(p["category_id"] == categories[0]["id"] for p in rolls["items"])
    ramen = client.get("/api/products", query_string={"q": "ramen"}, headers=toster()).json["items"][0]
    assert [m["name"] for m in ramen["modifiers"]] == ["Extra egg", "Extra chashu"]
    assert client.get(f"/api/products/{ramen['id']}", headers=toster()).json == ramen
    assert_toster_error(client.get("/api/products/prd_none", headers=toster()), 404)


@pytest.mark.pos_sandbox(history_days=30)
def test_kitchen_queue_and_stats(client):
    queue = client.get("/api/kitchen/queue", headers=toster()).json
    ranks = {"COOKING": 3, "CONFIRMED": 2, "NEW": 1}
    assert [t["priority"] for t in queue["items"]] == list(range(1, queue["total"] + 1))
    assert [ranks[t["status"]] for t in queue["items"]] == sorted((ranks[t["status"]] for t in queue["items"]),
                                                                  reverse=True)
    stats = client.get("/api/kitchen/stats", headers=toster()).json
    assert stats["in_queue"] == queue["total"]
    orders = _all(client, "/api/orders", **{"from": "2026-11-01T00:00:00Z"})
    packed = [o for o in orders if any(h["status"] == "PACKED" and h["at"] >= "2026-11-01T17:30:00Z"
                                       for h in o["status_history"])]
    assert stats["completed"] == len(packed)


@pytest.mark.pos_sandbox(history_days=30)
def test_analytics_agree_with_the_orders(client):
    window = {"from": "2026-10-20T00:00:00Z", "to": "2026-10-27T00:00:00Z"}
    orders = [o for o in _all(client, "/api/orders", **window)]
    kept = [o for o in orders if o["status"] != "CANCELLED"]
    revenue = client.get("/api/analytics/revenue", query_string=window, headers=toster()).json
    assert revenue["total"] == sum(o["total"] for o in kept)
    by_day = Counter()
    for o in kept:
        by_day[o["created_at"][:10]] += o["total"]
    assert {p["period_start"][:10]: p["revenue"] for p in revenue["points"]} == dict(by_day)
    hourly = client.get("/api/analytics/revenue", query_string={**window, "group_by": "hour"}, headers=toster()).json
    assert sum(p["revenue"] for p in hourly["points"]) == revenue["total"]
    stats = client.get("/api/analytics/orders", query_string=window, headers=toster()).json
    assert stats["count"] == len(kept)
    assert stats["average_order_value"] == round(sum(o["total"] for o in kept) / len(kept))
    assert stats["by_status"] == {s: sum(1 for o in orders if o["status"] == s) for s in
                                  ["NEW", "CONFIRMED", "COOKING", "PACKED", "DISPATCHED", "DELIVERED", "CANCELLED"]}
    assert stats["conversion_rate"] == round(stats["by_status"]["DELIVERED"] / len(orders), 4)
    top = client.get("/api/analytics/top-products", query_string={**window, "limit": 3, "sort": "revenue"},
                     headers=toster()).json
    earned = Counter()
    for o in kept:
        for item in o["items"]:
            earned[item["product_id"]] += item["total"]
    assert [(p["product_id"], p["revenue"]) for p in top["items"]] == sorted(
        earned.items(), key=lambda pair: (-pair[1], pair[0]))[:3]


def test_creating_an_order_moves_the_analytics(client):
    before = client.get("/api/analytics/orders", headers=toster()).json
    product = _all(client, "/api/products")[0]
    created = client.post("/api/orders", headers=toster(), json={
        "customer": {"name": "Ivan P.", "phone": "+380501112233"}, "type": "pickup",
        "items": [{"product_id": product["id"], "qty": 3}]}).json
    advance(client, 1)
    after = client.get("/api/analytics/orders", headers=toster()).json
    assert after["count"] == before["count"] + 1 and after["by_status"]["NEW"] == before["by_status"]["NEW"] + 1
    revenue = client.get("/api/analytics/revenue", query_string={"from": "2026-11-02T17:00:00Z"},
                         headers=toster()).json
    assert created["total"] == 3 * product["price"] and revenue["total"] >= created["total"]


def test_analytics_range_must_not_run_backwards(client):
    assert_toster_error(client.get("/api/analytics/revenue", query_string={"from": "2026-11-02T00:00:00Z",
                                                                           "to": "2026-11-01T00:00:00Z"},
                                   headers=toster()), 400, "to must not be before from")


@pytest.mark.pos_sandbox(history_days=30)
def test_loyalty_balance_history_and_award(client):
    customer = _all(client, "/api/customers")[3]
    balance = client.get(f"/api/loyalty/{customer['id']}", headers=toster()).json
    history = _all(client, f"/api/loyalty/{customer['id']}/history")
    assert balance["points"] == sum(-e["points"] if e["type"] == "spend" else e["points"] for e in history)
    assert balance["tier"] == customer["loyalty"]["tier"]
    awarded = client.post("/api/loyalty/award", json={"customer_id": customer["id"], "points": 600,
                                                      "reason": "Apology for a late order"}, headers=toster())
    assert awarded.status_code == 201
    assert awarded.json["entry"]["type"] == "award" and awarded.json["balance"]["points"] == balance["points"] + 600
    assert awarded.json["balance"]["lifetime_points"] >= 600 and awarded.json["balance"]["tier"] != "bronze"
    assert _all(client, f"/api/loyalty/{customer['id']}/history")[0]["id"] == awarded.json["entry"]["id"]
    events = client.get("/_sandbox/webhooks/events", query_string={"type": "loyalty.awarded"}).json
    assert len(events) == 1
    assert_toster_error(client.post("/api/loyalty/award", json={"customer_id": "cus_none", "points": 5,
                                                                "reason": "x"}, headers=toster()), 404)
    assert_toster_error(client.post("/api/loyalty/award", json={"customer_id": customer["id"], "points": 0,
                                                                "reason": "x"}, headers=toster()), 400)
    assert_toster_error(client.get("/api/loyalty/cus_none", headers=toster()), 404)


@pytest.mark.pos_sandbox(history_days=30)
def test_reviews(client):
    reviews = _all(client, "/api/reviews")
    assert reviews and all(1 <= r["rating"] <= 5 for r in reviews)
    fives = client.get("/api/reviews", query_string={"rating": 5, "limit": 100}, headers=toster()).json
    assert fives["total"] == sum(1 for r in reviews if r["rating"] == 5)
    assert_toster_error(client.get("/api/reviews", query_string={"rating": 6}, headers=toster()), 400)
    triggered = client.post("/_sandbox/trigger", json={"event": "review.submitted"}).json
    assert triggered["event"] == "review.submitted"
    assert client.get("/api/reviews", headers=toster()).json["total"] == len(reviews) + 1


def test_couriers(client):
    couriers = client.get("/api/couriers", headers=toster()).json["items"]
    assert [c["vehicle"] for c in couriers] == ["scooter", "bike", "car", "foot"]
    free = next(c for c in couriers if c["status"] == "available")
    location = client.get(f"/api/couriers/{free['id']}/location", headers=toster()).json
    assert location["order_id"] is None and location["route"] == []
    assert_toster_error(client.get("/api/couriers/cou_none", headers=toster()), 404)


def test_webhook_subscriptions_and_signed_delivery(client):
    receiver = Receiver()
    try:
        created = client.post("/api/webhooks", json={"url": receiver.url, "events": ["order.created"],
                                                     "secret": "toster-secret-0123456789"}, headers=toster())
        assert created.status_code == 201 and created.json["secret"] == "toster-secret-0123456789"
        listed = client.get("/api/webhooks", headers=toster()).json["items"]
        assert [w["id"] for w in listed] == [created.json["id"]] and "secret" not in listed[0]
        client.post("/_sandbox/trigger", json={"event": "order.created"})
        client.post("/_sandbox/trigger", json={"event": "customer.created"})
        client.post("/_sandbox/webhooks/flush")
        [sent] = receiver.requests
        digest = hmac.new(b"toster-secret-0123456789", sent["body"].encode(), hashlib.sha256).hexdigest()
        expected = "sha256=" + digest
        assert sent["headers"]["X-Toster-Signature"] == expected
        body = json.loads(sent["body"])
        assert body["event"] == "order.created" and body["created_at"] == "2026-11-02T17:30:00Z"
        assert body["data"]["status"] == "NEW"
        assert client.delete(f"/api/webhooks/{created.json['id']}", headers=toster()).status_code == 204
        assert client.get("/api/webhooks", headers=toster()).json["total"] == 0
        assert_toster_error(client.delete(f"/api/webhooks/{created.json['id']}", headers=toster()), 404)
    finally:
        receiver.stop()


def test_toster_retries_with_exponential_back_off(client):
    receiver = Receiver()
    try:
        receiver.statuses = [500, 500, 500]
        client.post("/api/webhooks", json={"url": receiver.url, "events": ["order.created"]}, headers=toster())
        client.post("/_sandbox/trigger", json={"event": "order.created"})
        attempts = []
        for wait in (0, 60, 120, 240):
            advance(client, wait)
            attempts.append(client.post("/_sandbox/webhooks/flush").json["attempts"])
        assert attempts == [1, 1, 1, 1] and len(receiver.requests) == 4
        assert client.get("/_sandbox/webhooks/events", query_string={"type": "order.created"}
                          ).json[-1]["status"] == "Success"
    finally:
        receiver.stop()


def test_per_key_rate_limit():
    client = create_app({**TEST_SETTINGS, "history_days": 0, "rate_limits": True, "toster_per_minute": 3}
                        ).test_client()
    statuses = [client.get("/api/couriers", headers=toster()).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/couriers", headers=toster())
    assert_toster_error(refused, 429) and int(refused.headers["Retry-After"]) <= 60
    assert client.get("/api/couriers", headers=toster(TOSTER_READ)).status_code == 200
    advance(client, 60)
    assert client.get("/api/couriers", headers=toster()).status_code == 200


def test_toster_faults_use_its_own_shape(client):
    client.post("/_sandbox/scenarios", json={"match": {"provider": "toster", "key": TOSTER_ALL},
                                             "fault": {"status": 503, "retryAfter": 9}})
    refused = client.get("/api/couriers", headers=toster())
    assert_toster_error(refused, 503) and refused.headers["Retry-After"] == "9"
    assert client.get("/api/couriers", headers=toster(TOSTER_READ)).status_code == 200
    assert_toster_error(client.get("/api/nowhere", headers=toster()), 404)
    assert_toster_error(client.delete("/api/couriers", headers=toster()), 405)


def test_bad_bodies_get_toster_errors(client, sandbox):
    assert_toster_error(client.post("/api/orders", data="{", content_type="application/json", headers=toster()),
                        400, "not valid JSON")
    assert_toster_error(client.post("/api/orders", data="x=1", content_type="text/plain", headers=toster()), 415)
    huge = '{"notes": "' + "x" * sandbox.config.max_body_bytes + '"}'
    assert_toster_error(client.post("/api/orders", data=huge, content_type="application/json", headers=toster()),
                        413)
    error = assert_toster_error(client.post("/api/orders", json={"type": "pickup", "items": [{"qty": "two"}]},
                                            headers=toster()), 400)
    assert {p["field"] for p in error["details"]["problems"]} == {"items[0].product_id", "items[0].qty"}
