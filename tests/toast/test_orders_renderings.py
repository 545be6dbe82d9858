"""Rendered orders are kept while an order is unchanged: never stale after a change, a closeout, a restore, or in
another world that shares the seeded order."""

import pytest

from helpers import HARBOR_DOWNTOWN, PARTNER, advance, login, toast_headers
from sandbox.toast.orders.views import Renderings

ORDERS = "/orders/v2/orders"
pytestmark = pytest.mark.pos_sandbox(history_days=2)


def _world(client, name):
    assert client.post("/_sandbox/worlds", json={"name": name}).status_code == 201
    world = {"X-Sandbox-World": name}
    token = client.post("/authentication/v1/authentication/login", headers=world, json={
        "clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"}).json["token"]["accessToken"]
    return {**world, **toast_headers(token, HARBOR_DOWNTOWN)}


def _get(client, headers, guid):
    response = client.get(f"{ORDERS}/{guid}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _bulk(client, headers, day, guid):
    listed = client.get("/orders/v2/ordersBulk", headers=headers,
                        query_string={"businessDate": str(day), "pageSize": 100}).json
    return next(o for o in listed if o["guid"] == guid)


def _closed_yesterday(client, headers):
    """A seeded order of yesterday (2026-11-01) at Harbor Downtown; its day closed out at 2026-11-02T09:00Z (4 a.m.
    in Boston), so its paid checks are CLOSED at the start time (17:30Z)."""
    listed = client.get("/orders/v2/ordersBulk", headers=headers,
                        query_string={"businessDate": "20261101", "pageSize": 100}).json
    return next(o for o in listed if {c["paymentStatus"] for c in o["checks"]} == {"CLOSED"})


BEFORE_CLOSEOUT = {"set": "2026-11-02T08:59:59Z"}


def test_a_change_is_seen_by_the_next_read_of_either_kind(client, headers, harbor):
    order = client.post(ORDERS, json=harbor.order(harbor.selection("Clam Chowder")), headers=headers).json
    assert _get(client, headers, order["guid"]) == order == _bulk(client, headers, order["businessDate"],
                                                                   order["guid"])
    advance(client, 60)
    check = order["checks"][0]["guid"]
    changed = client.post(f"{ORDERS}/{order['guid']}/checks/{check}/selections",
                          json=[harbor.selection("Iced Tea")], headers=headers).json
    assert len(changed["checks"][0]["selections"]) == 2
    assert _get(client, headers, order["guid"]) == changed == _bulk(client, headers, order["businessDate"],
                                                                     order["guid"])
    assert changed["modifiedDate"] != order["modifiedDate"]


def test_a_refused_change_leaves_no_stale_rendering(client, headers, harbor, world):
    """A change that fails half way (the second payment is refused) must not leave a rendering of an order that
    differs from the one stored: the next read renders what the book holds."""
    order = client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers).json
    _get(client, headers, order["guid"])
    check = order["checks"][0]["guid"]
    refused = client.post(f"{ORDERS}/{order['guid']}/checks/{check}/payments", headers=headers,
                          json=[{"type": "CREDIT", "amount": 1.0, "tipAmount": 0},
                                {"type": "OTHER", "amount": 1.0, "tipAmount": 0,
                                 "otherPayment": {"guid": "00000000-0000-4000-8000-000000000000"}}])
    assert refused.status_code == 404                # no such alternate payment type
    stored = world.state["toast"].orders.orders[order["guid"]].to_dict(world.clock.timestamp())
    assert _get(client, headers, order["guid"]) == stored


def test_paid_checks_read_before_closeout_turn_closed_after_it(client, headers):
    """A read before the closeout and one after must differ, though the order itself did not change."""
    closed = _closed_yesterday(client, headers)
    assert client.post("/_sandbox/clock", json=BEFORE_CLOSEOUT).status_code == 200
    before = _get(client, headers, closed["guid"])
    assert {c["paymentStatus"] for c in before["checks"]} == {"PAID"} and before["closedDate"] is None
    assert _bulk(client, headers, 20261101, closed["guid"]) == before
    advance(client, 1)
    after = _get(client, headers, closed["guid"])
    assert after == closed and after["closedDate"] == "2026-11-02T09:00:00.000+0000"
    assert _bulk(client, headers, 20261101, closed["guid"]) == closed


def test_worlds_sharing_a_seeded_order_each_see_their_own(client, headers, harbor):
    order = _closed_yesterday(client, headers)
    earlier, changed = _world(client, "earlier"), _world(client, "changed")
    for world in (headers, earlier, changed):        # every world has read (and rendered) the shared order
        assert _get(client, world, order["guid"]) == order
    assert client.post("/_sandbox/clock", json=BEFORE_CLOSEOUT, headers={"X-Sandbox-World": "earlier"}
                       ).status_code == 200
    check = order["checks"][0]["guid"]
    added = client.post(f"{ORDERS}/{order['guid']}/checks/{check}/selections", headers=changed,
                        json=[harbor.selection("Iced Tea")])
    assert added.status_code == 200, added.json

    assert _get(client, headers, order["guid"]) == order
    assert {c["paymentStatus"] for c in _get(client, earlier, order["guid"])["checks"]} == {"PAID"}
    assert _get(client, changed, order["guid"]) == added.json != order
    assert _bulk(client, headers, 20261101, order["guid"]) == order


def test_a_restored_snapshot_is_read_as_it_was(client, headers, harbor):
    order = client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers).json
    snapshot = client.post("/_sandbox/snapshots").json["id"]
    check = order["checks"][0]["guid"]
    client.post(f"{ORDERS}/{order['guid']}/checks/{check}/selections", json=[harbor.selection("Iced Tea")],
                headers=headers)
    assert len(_get(client, headers, order["guid"])["checks"][0]["selections"]) == 2
    assert client.post(f"/_sandbox/snapshots/{snapshot}/restore").status_code == 200
    assert _get(client, fresh_headers(client), order["guid"]) == order


def fresh_headers(client):
    return toast_headers(login(client, PARTNER), HARBOR_DOWNTOWN)


def test_renderings_keep_only_the_most_recently_read(world):
    book = world.state["toast"].orders
    renderings = Renderings(size=2)
    first, second, third = list(book.orders.values())[:3]
    now = world.clock.timestamp()
    kept = renderings.get(first, now)
    renderings.get(second, now)
    assert renderings.get(first, now) is kept          # read again: still kept, now the most recent
    renderings.get(third, now)                          # pushes out `second`, the least recently read
    assert len(renderings) == 2
    assert renderings.get(first, now) is kept
    assert renderings.get(second, now) == second.to_dict(now)
