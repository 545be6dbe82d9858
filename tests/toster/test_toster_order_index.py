"""Toster order lists come from an index (creation order, status, customer): every page and total must match what a
walk over every order gives, after creations, status changes, a snapshot restore and in a second world."""

import random

from helpers import toster

LISTS = [{}, {"status": "NEW"}, {"status": "DELIVERED"}, {"status": "CANCELLED"}]


def _walk(state, status=None, customer_id=None):
    """What the API must list: the world's orders newest first, filtered one by one."""
    return [o.id for o in reversed(state.orders.values())
            if (status is None or o.status == status) and (customer_id is None or o.customer_id == customer_id)]


def _listed(client, headers=None, **query):
    ids, page = [], 1
    while True:
        body = client.get("/api/orders", query_string={**query, "page": page, "limit": 50},
                          headers={**toster(), **(headers or {})}).json
        ids += [o["id"] for o in body["items"]]
        if page >= body["pages"]:
            assert body["total"] == len(ids)
            return ids
        page += 1


def _agree(client, state, customer_id, headers=None):
    for query in LISTS + [{"customer_id": customer_id}, {"customer_id": customer_id, "status": "NEW"}]:
        assert _listed(client, headers, **query) == _walk(state, query.get("status"), query.get("customer_id"))
    recent = client.get(f"/api/customers/{customer_id}", headers={**toster(), **(headers or {})}).json
    placed = [state.orders[i] for i in _walk(state, customer_id=customer_id)]
    assert [o["id"] for o in recent["orders"]] == [o.id for o in placed][:10]
    assert recent["orders_count"] == len([o for o in placed if o.status != "CANCELLED"])


def _churn(client, rng, customer_id, product_id, rounds):
    """Create orders and move some of them along (or cancel them) in a seeded random order."""
    created = []
    for _ in range(rounds):
        order = client.post("/api/orders", headers=toster(), json={
            "customer_id": customer_id, "type": "pickup", "items": [{"product_id": product_id, "qty": 1}]}).json
        created.append(order)
        target = rng.choice(created)
        step = rng.choice(["CONFIRMED", "CANCELLED"])
        client.patch(f"/api/orders/{target['id']}/status", json={"status": step}, headers=toster())


def test_lists_agree_with_a_walk_over_every_order(client, world):
    state = world.state["toster"]
    customer = client.get("/api/customers", query_string={"limit": 1}, headers=toster()).json["items"][0]["id"]
    product = client.get("/api/products", headers=toster()).json["items"][0]["id"]
    _agree(client, state, customer)
    _churn(client, random.Random(3), customer, product, 25)
    _agree(client, state, customer)


def test_a_restored_snapshot_and_another_world_list_their_own_orders(client, sandbox, world):
    customer = client.get("/api/customers", query_string={"limit": 1}, headers=toster()).json["items"][0]["id"]
    product = client.get("/api/products", headers=toster()).json["items"][0]["id"]
    snapshot = client.post("/_sandbox/snapshots").json["id"]
    assert client.post("/_sandbox/worlds", json={"name": "other"}).status_code == 201
    _churn(client, random.Random(5), customer, product, 10)
    other = sandbox.store.get("other").state["toster"]
    _agree(client, other, customer, {"X-Sandbox-World": "other"})
    assert client.post(f"/_sandbox/snapshots/{snapshot}/restore").status_code == 200
    _agree(client, sandbox.store.get(None).state["toster"], customer)
    _churn(client, random.Random(6), customer, product, 5)
    _agree(client, sandbox.store.get(None).state["toster"], customer)
