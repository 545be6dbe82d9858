"""The /_sandbox control API: health, reset, credentials, clock, worlds, snapshots, coverage, error shapes."""

from datetime import datetime, timezone

import pytest

from helpers import FIXTURES, HARBOR_SEAPORT, PARTNER, login, toast_headers


def test_health(client):
    response = client.get("/_sandbox/health")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok" and body["world"] == "default" and body["worlds"] == 1
    assert body["now"] == "2026-11-02T17:30:00.000Z"


def test_credentials_list_every_fixture_client(client):
    clients = client.get("/_sandbox/credentials").json["toast"]["clients"]
    expected = FIXTURES["toast"]["clients"]
    assert [(c["clientId"], c["clientSecret"], c["type"], c["scopes"]) for c in clients] == \
        [(c["clientId"], c["clientSecret"], c["type"], c["scopes"]) for c in expected]
    partner = clients[0]
    assert partner["restaurants"] == sorted(PARTNER["restaurants"]) and partner["managementGroupGuid"] is None
    group = clients[2]
    assert group["type"] == "RESTAURANT_GROUP" and len(group["restaurants"]) == 2


def test_clock_get_advance_set_freeze(client):
    start = client.get("/_sandbox/clock").json
    epoch = datetime(2026, 11, 2, 17, 30, tzinfo=timezone.utc).timestamp()
    assert start == {"now": "2026-11-02T17:30:00.000Z", "epochMillis": int(epoch * 1000), "frozen": True}
    assert client.post("/_sandbox/clock", json={"advance": 90.5}).json["now"] == "2026-11-02T17:31:30.500Z"
    moved = client.post("/_sandbox/clock", json={"set": "2027-01-01T00:00:00.000-0500"}).json
    assert moved["now"] == "2027-01-01T05:00:00.000Z"
    assert client.post("/_sandbox/clock", json={"freeze": False}).json["frozen"] is False
    assert client.post("/_sandbox/clock", json={"freeze": True}).json["frozen"] is True


@pytest.mark.parametrize("body", [{}, {"advance": -1}, {"advance": 1, "freeze": True}, {"set": "tomorrow"},
                                  {"travel": 3}])
def test_bad_clock_changes_are_400(client, body):
    response = client.post("/_sandbox/clock", json=body)
    assert response.status_code == 400
    assert set(response.json) == {"error", "details"}
    assert client.get("/_sandbox/clock").json["now"] == "2026-11-02T17:30:00.000Z"


def test_reset_restores_world_and_clock(client):
    token = login(client)
    client.post("/_sandbox/connections", json={"clientId": PARTNER["clientId"], "restaurantGuid": HARBOR_SEAPORT})
    client.post("/_sandbox/clients/" + PARTNER["clientId"] + "/rotate-secret")
    client.post("/_sandbox/clock", json={"advance": 3600})
    assert client.post("/_sandbox/reset").status_code == 200
    assert client.get("/_sandbox/clock").json["now"] == "2026-11-02T17:30:00.000Z"
    # Issued tokens are gone with the state; the fixture secret works again.
    assert client.get("/partners/v1/restaurants", headers=toast_headers(token, None)).status_code == 401
    fresh = login(client)
    listed = client.get("/partners/v1/restaurants", headers=toast_headers(fresh, None)).json
    assert {r["restaurantGuid"] for r in listed} == set(PARTNER["restaurants"])


def test_snapshot_and_restore(client):
    snapshot = client.post("/_sandbox/snapshots")
    assert snapshot.status_code == 201
    snapshot_id = snapshot.json["id"]
    client.post("/_sandbox/connections", json={"clientId": PARTNER["clientId"], "restaurantGuid": HARBOR_SEAPORT})
    assert client.post(f"/_sandbox/snapshots/{snapshot_id}/restore").status_code == 200
    listed = client.get("/partners/v1/restaurants", headers=toast_headers(login(client), None)).json
    assert HARBOR_SEAPORT not in {r["restaurantGuid"] for r in listed}
    assert client.post("/_sandbox/snapshots/nope/restore").status_code == 404


def test_worlds_are_isolated(client):
    created = client.post("/_sandbox/worlds", json={"name": "ci-job-2", "seed": 7})
    assert created.status_code == 201 and (created.json["name"], created.json["seed"]) == ("ci-job-2", 7)
    other = {"X-Sandbox-World": "ci-job-2"}
    client.post("/_sandbox/connections", json={"clientId": PARTNER["clientId"], "restaurantGuid": HARBOR_SEAPORT},
                headers=other)
    token = login(client)
    default_list = client.get("/partners/v1/restaurants", headers=toast_headers(token, None)).json
    assert HARBOR_SEAPORT not in {r["restaurantGuid"] for r in default_list}
    # A token from one world means nothing in another.
    assert client.get("/partners/v1/restaurants", headers={**toast_headers(token, None), **other}).status_code == 401
    assert {w["name"] for w in client.get("/_sandbox/worlds").json} == {"default", "ci-job-2"}
    assert client.post("/_sandbox/worlds", json={"name": "ci-job-2"}).status_code == 409
    assert client.delete("/_sandbox/worlds/ci-job-2").status_code == 204
    assert client.delete("/_sandbox/worlds/default").status_code == 409
    assert client.delete("/_sandbox/worlds/ci-job-2").status_code == 404


def test_unknown_world_is_404_in_the_providers_shape(client):
    response = client.post("/authentication/v1/authentication/login", json={}, headers={"X-Sandbox-World": "nope"})
    assert response.status_code == 404
    assert response.json["message"] == "No world named nope"


def test_coverage_lists_every_operation(client, sandbox):
    body = client.get("/_sandbox/coverage").json
    total = sum(len(p.operations) for p in sandbox.providers)
    assert body["total"] == total == len(body["operations"])
    implemented = {(r["spec"], r["operationId"]) for r in body["operations"] if r["implemented"]}
    assert ("toast-authentication-v1.yaml", "authenticationLoginPost") in implemented
    # The same operationId in two specs is two operations.
    assert {("toast-menus-v2.yaml", "menusGet"), ("toast-config-v2.yaml", "menusGet")} <= implemented
    assert body["implemented"] == len(implemented)


def test_unknown_paths_and_methods_use_each_providers_shape(client):
    toast = client.get("/restaurants/v1/nowhere")
    assert toast.status_code == 404 and toast.json["status"] == 404 and toast.json["requestId"]
    control = client.get("/_sandbox/nowhere")
    assert control.status_code == 404 and set(control.json) == {"error", "details"}
    elsewhere = client.get("/not/an/api")
    assert elsewhere.status_code == 404 and set(elsewhere.json) == {"error", "details"}
    wrong = client.put("/authentication/v1/authentication/login")
    assert wrong.status_code == 405 and wrong.json["status"] == 405
    assert "POST" in wrong.headers["Allow"]
