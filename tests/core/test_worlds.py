"""Worlds: each owns its data, clock, scenario rules, journal, rate-limit windows, webhooks and snapshots; reset,
restore and import replace a world whole; snapshots are listed, freed, capped and exported."""

import json

import pytest

from helpers import HARBOR_DOWNTOWN, PARTNER, TOSTER_ALL, login, toast_headers, toster
from sandbox.app import create_app
from sandbox.core.store import export_world
from sandbox.testing import TEST_SETTINGS

pytestmark = pytest.mark.pos_sandbox(history_days=30)


def _world(client, name, **settings):
    created = client.post("/_sandbox/worlds", json={"name": name, **settings})
    assert created.status_code == 201, created.json
    return {"X-Sandbox-World": name}


def _in(world_headers, headers):
    return {**headers, **world_headers}


def _a_history_order(client, headers):
    """A seeded order of yesterday at Harbor Downtown, as the API shows it."""
    guids = client.get("/orders/v2/ordersBulk", headers=headers,
                       query_string={"businessDate": "20261101", "pageSize": 1}).json
    return guids[0]


def test_a_new_world_is_a_copy_of_the_seeded_template(client, sandbox):
    _world(client, "copy")
    assert export_world(sandbox.store.get("copy"))["state"] == export_world(sandbox.store.get(None))["state"]
    other = _world(client, "other-seed", seed=99)
    listed = {w["name"]: w for w in client.get("/_sandbox/worlds").json}
    assert listed["other-seed"]["seed"] == 99 and listed["copy"]["seed"] == 1
    assert export_world(sandbox.store.get("other-seed"))["state"] != export_world(sandbox.store.get(None))["state"]
    assert client.get("/_sandbox/health", headers=other).json["world"] == "other-seed"


def test_changing_a_seeded_order_in_one_world_leaves_every_other_world_alone(client, sandbox):
    """Worlds share the seeded history until they change it: a change copies the order into its world first."""
    a = _world(client, "a")
    headers = toast_headers(login(client, PARTNER), HARBOR_DOWNTOWN)
    original = _a_history_order(client, headers)
    a_headers = _in(a, toast_headers(_login_in(client, a), HARBOR_DOWNTOWN))
    check = original["checks"][0]
    item = sandbox.store.get("a").state["toast"].catalogs[HARBOR_DOWNTOWN].menu_items
    any_item = next(iter(item.values()))
    added = client.post(f"/orders/v2/orders/{original['guid']}/checks/{check['guid']}/selections", headers=a_headers,
                        json=[{"item": {"guid": any_item.guid}, "itemGroup": {"guid": any_item.group_guid},
                               "quantity": 1}])
    assert added.status_code == 200, added.json
    assert len(added.json["checks"][0]["selections"]) == len(check["selections"]) + 1
    # The default world, and a world made afterwards from the same template, still see the seeded order.
    assert client.get(f"/orders/v2/orders/{original['guid']}", headers=headers).json == original
    fresh = _world(client, "fresh")
    assert client.get(f"/orders/v2/orders/{original['guid']}",
                      headers=_in(fresh, toast_headers(_login_in(client, fresh), HARBOR_DOWNTOWN))).json == original


def _login_in(client, world_headers):
    response = client.post("/authentication/v1/authentication/login", headers=world_headers,
                           json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                                 "userAccessType": "TOAST_MACHINE_CLIENT"})
    assert response.status_code == 200
    return response.json["token"]["accessToken"]


def test_clocks_scenarios_and_journals_belong_to_their_world(client):
    a, b = _world(client, "a"), _world(client, "b")
    before = client.get("/_sandbox/clock", headers=b).json
    client.post("/_sandbox/clock", json={"advance": 3600}, headers=a)
    assert client.get("/_sandbox/clock", headers=b).json == before
    assert client.get("/_sandbox/clock", headers=a).json["epochMillis"] == before["epochMillis"] + 3_600_000
    client.post("/_sandbox/reset", headers=a)
    assert client.get("/_sandbox/clock", headers=b).json == before
    # A rule that matches everything, in A only.
    assert client.post("/_sandbox/scenarios", json={"match": {}, "fault": {"status": 503}}, headers=a).status_code \
        == 201
    assert client.get("/api/orders?limit=1", headers=_in(a, toster(TOSTER_ALL))).status_code == 503
    assert client.get("/api/orders?limit=1", headers=_in(b, toster(TOSTER_ALL))).status_code == 200
    assert client.get("/api/orders?limit=1", headers=toster(TOSTER_ALL)).status_code == 200
    assert client.get("/_sandbox/scenarios", headers=b).json["active"] == []
    # Each journal lists its own world's requests; `world=*` lists them all, in order.
    a_worlds = {e["world"] for e in client.get("/_sandbox/requests", headers=a).json["requests"]}
    b_entries = client.get("/_sandbox/requests", headers=b).json["requests"]
    assert a_worlds == {"a"} and {e["world"] for e in b_entries} == {"b"} and len(b_entries) == 1
    everything = client.get("/_sandbox/requests", query_string={"world": "*"}).json["requests"]
    assert {e["world"] for e in everything} == {"a", "b", "default"}
    assert [e["id"] for e in everything] == sorted(e["id"] for e in everything)
    assert client.get("/_sandbox/requests", query_string={"world": "b"}).json["requests"] == b_entries
    client.delete("/_sandbox/requests", headers=b)
    assert client.get("/_sandbox/requests", headers=b).json["count"] == 0
    assert client.get("/_sandbox/requests", headers=a).json["count"] == 1     # the reset emptied it before


def test_rate_limit_windows_belong_to_their_world(client):
    """A burst in one world does not spend another world's GLOBAL allowance (TOAST-PLATFORM.md §2: 20 per second)."""
    a, b = _world(client, "a", rateLimits=True), _world(client, "b", rateLimits=True)
    headers_a = _in(a, toast_headers(_login_in(client, a), HARBOR_DOWNTOWN))
    headers_b = _in(b, toast_headers(_login_in(client, b), HARBOR_DOWNTOWN))
    statuses = [client.get(f"/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", headers=headers_a).status_code
                for _ in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
    answer = client.get(f"/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", headers=headers_b)
    assert answer.status_code == 200 and int(answer.headers["X-Toast-RateLimit-Remaining"]) == 19
    # The default world of these tests keeps rate limits off, as its settings say.
    assert client.get("/_sandbox/worlds").json[0]["rateLimits"] is False


def test_reset_makes_a_fresh_world_but_keeps_snapshots(client):
    headers = toster(TOSTER_ALL)
    snapshot = client.post("/_sandbox/snapshots").json["id"]
    client.post("/_sandbox/clock", json={"advance": 60})
    client.post("/_sandbox/scenarios", json={"match": {"operationId": "getOrder"}, "fault": {"status": 500}})
    created = client.post("/api/orders", headers=headers, json={
        "customer_id": client.get("/api/customers?limit=1", headers=headers).json["items"][0]["id"], "type": "pickup",
        "items": [{"product_id": client.get("/api/products", headers=headers).json["items"][0]["id"], "qty": 1}]})
    assert created.status_code == 201
    reset = client.post("/_sandbox/reset")
    assert reset.status_code == 200 and reset.json["now"] == "2026-11-02T17:30:00.000Z"
    assert client.get("/_sandbox/scenarios").json["active"] == []
    assert client.get(f"/api/orders/{created.json['id']}", headers=headers).status_code == 404
    assert [e["path"] for e in client.get("/_sandbox/requests").json["requests"]] == [
        f"/api/orders/{created.json['id']}"]
    assert [s["id"] for s in client.get("/_sandbox/snapshots").json] == [snapshot]


def test_snapshots_are_listed_freed_and_capped():
    client = create_app({**TEST_SETTINGS, "history_days": 0, "snapshot_limit": 2}).test_client()
    first = client.post("/_sandbox/snapshots").json
    second = client.post("/_sandbox/snapshots").json
    assert [s["id"] for s in client.get("/_sandbox/snapshots").json] == [first["id"], second["id"]]
    assert first["bytes"] > 0 and first["world"] == "default"
    refused = client.post("/_sandbox/snapshots")
    assert refused.status_code == 409 and "snapshot_limit" in refused.json["error"]
    assert client.delete(f"/_sandbox/snapshots/{first['id']}").status_code == 204
    assert client.delete(f"/_sandbox/snapshots/{first['id']}").status_code == 404
    assert client.post(f"/_sandbox/snapshots/{first['id']}/restore").status_code == 404
    assert client.post("/_sandbox/snapshots").status_code == 201
    # A world's snapshots are its own.
    client.post("/_sandbox/worlds", json={"name": "other"})
    assert client.get("/_sandbox/snapshots", headers={"X-Sandbox-World": "other"}).json == []
    assert client.post(f"/_sandbox/snapshots/{second['id']}/restore",
                       headers={"X-Sandbox-World": "other"}).status_code == 404


def test_export_then_import_carries_a_world_over(client, tmp_path):
    headers = toster(TOSTER_ALL)
    customer = client.get("/api/customers?limit=1", headers=headers).json["items"][0]["id"]
    awarded = client.post("/api/loyalty/award", headers=headers, json={"customer_id": customer, "points": 7,
                                                                        "reason": "kept across restarts"})
    assert awarded.status_code == 201
    client.post("/_sandbox/clock", json={"advance": 90})
    exported = client.get("/_sandbox/export")
    assert exported.status_code == 200 and exported.json["format"] == "pos-sandbox.world"
    other = _world(client, "imported", seed=5)
    imported = client.post("/_sandbox/import", data=exported.data, content_type="application/json", headers=other)
    assert imported.status_code == 200, imported.json
    assert client.get("/_sandbox/clock", headers=other).json == client.get("/_sandbox/clock").json
    history = client.get(f"/api/loyalty/{customer}/history", headers=_in(other, headers)).json
    assert "kept across restarts" in json.dumps(history)
    # The same document serves `pos-sandbox serve --world-file`.
    path = tmp_path / "world.json"
    path.write_bytes(exported.data)
    restarted = create_app({**TEST_SETTINGS, "world_file": str(path)}).test_client()
    assert "kept across restarts" in json.dumps(restarted.get(f"/api/loyalty/{customer}/history",
                                                              headers=headers).json)


def _export(**changes):
    return {"format": "pos-sandbox.world", "version": 1, "ids": {"$tuple": []}, "state": {},
            "clock": {"now": "2026-01-01T00:00:00.000Z", "epochMillis": 0, "frozen": True}, **changes}


def _parts(toast):
    return {"toast": toast, "toster": 2, "webhooks": 3}


@pytest.mark.parametrize("document, says", [
    (_export(format="something-else"), "format"),
    (_export(version=99), "version 99"),
    (_export(state={"$type": "os:system", "fields": {}}), "state: must hold exactly"),
    (_export(state=_parts({"$type": "os:system", "fields": {}})), "'os:system' is not one of the sandbox's data"),
    (_export(state=_parts({"$type": "sandbox.__main__:main", "fields": {}})), "is not one of the sandbox's data"),
    (_export(state=_parts({"$decimal": "NaN"})), "state.toast: not a finite decimal"),
    (_export(state=_parts({"$bogus": 1})), "state.toast: unknown tag $bogus"),
    (_export(state=_parts({"$type": "sandbox.core.store:World", "fields": {}})), "is not one of the sandbox's data"),
    (_export(state=_parts({"$type": "sandbox.toast.state:ToastState", "fields": {"nope": 1}})), "no field nope"),
    (_export(state=_parts(1)), "state.toast: is not a ToastState"),
    (_export(ids={"$tuple": [1, 2]}), "Not a world export"),
])
def test_an_import_that_is_not_an_export_is_a_400_and_changes_nothing(client, sandbox, document, says):
    before = export_world(sandbox.store.get(None))
    response = client.post("/_sandbox/import", json=document)
    assert response.status_code == 400, response.json
    assert says in response.json["error"]
    assert export_world(sandbox.store.get(None)) == before


@pytest.mark.parametrize("settings, status", [
    ({"startTime": "yesterday"}, 400), ({"scenarios": ["no-such-preset"]}, 404),
    ({"fixtures": "/nonexistent/world.yaml"}, 400), ({"historyDays": -1}, 400), ({"name": "bad name!"}, 400),
])
def test_world_settings_are_checked(client, settings, status):
    response = client.post("/_sandbox/worlds", json={"name": "checked", **settings})
    assert response.status_code == status, response.json
    assert "checked" not in {w["name"] for w in client.get("/_sandbox/worlds").json}


def test_a_world_starts_as_its_settings_say(client):
    settings = {"seed": 3, "startTime": "2026-05-01T12:00:00Z", "frozen": True, "historyDays": 0,
                "scenarios": ["toast-outage"]}
    world = _world(client, "configured", **settings)
    view = next(w for w in client.get("/_sandbox/worlds").json if w["name"] == "configured")
    assert {k: view[k] for k in settings} == settings and view["now"] == "2026-05-01T12:00:00.000Z"
    # No history: only the orders of the start day, against 30 days' worth in the default world.
    assert client.get("/api/orders", headers=_in(world, toster(TOSTER_ALL))).json["total"] < \
        client.get("/api/orders", headers=toster(TOSTER_ALL)).json["total"] / 10
    assert client.get("/partners/v1/restaurants", headers=world).status_code == 503
