"""Control writes racing each other and the caps of a served sandbox: a 404 restore changes nothing, reset and
import never mix, and worlds, snapshot bytes, the webhook log, scenario rules and subscriptions stop at their
documented limits with a 409 (or drop their oldest finished entries)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from helpers import PARTNER
from serving import Served

ROTATE = f"/_sandbox/clients/{PARTNER['clientId']}/rotate-secret"


@pytest.fixture(scope="module")
def served():
    sandbox = Served(env={"SANDBOX_MAX_WORLDS": "4", "SANDBOX_SNAPSHOT_BYTES_PER_WORLD": "400000",
                          "SANDBOX_SNAPSHOT_BYTES_TOTAL": "1000000", "SANDBOX_WEBHOOK_LOG_SIZE": "5"})
    yield sandbox.url
    sandbox.stop()


def _world(base, name):
    response = requests.post(f"{base}/_sandbox/worlds", json={"name": name}, timeout=30)
    assert response.status_code in (201, 409), response.text
    return {"X-Sandbox-World": name}


def _secret(base, world):
    clients = requests.get(f"{base}/_sandbox/credentials", headers=world, timeout=10).json()["toast"]["clients"]
    return next(c["clientSecret"] for c in clients if c["clientId"] == PARTNER["clientId"])


def test_a_restore_racing_the_delete_of_its_snapshot_is_all_or_nothing(served):
    base, world = served, _world(served, "racing")
    outcomes = set()
    with ThreadPoolExecutor(2) as pool:
        for _ in range(40):
            snapshot = requests.post(f"{base}/_sandbox/snapshots", headers=world, timeout=10).json()["id"]
            saved = _secret(base, world)
            changed = requests.post(base + ROTATE, headers=world, timeout=10).json()["clientSecret"]
            restore = pool.submit(requests.post, f"{base}/_sandbox/snapshots/{snapshot}/restore", headers=world,
                                  timeout=10)
            delete = pool.submit(requests.delete, f"{base}/_sandbox/snapshots/{snapshot}", headers=world, timeout=10)
            restored, deleted = restore.result(), delete.result()
            assert restored.status_code in (200, 404) and deleted.status_code in (204, 404)
            assert _secret(base, world) == (saved if restored.status_code == 200 else changed)
            outcomes.add(restored.status_code)
            requests.delete(f"{base}/_sandbox/snapshots/{snapshot}", headers=world, timeout=10)
    assert requests.get(f"{base}/_sandbox/snapshots", headers=world, timeout=10).json() == []
    assert outcomes <= {200, 404}
    requests.delete(f"{base}/_sandbox/worlds/racing", timeout=10)


def test_reset_and_import_racing_never_mix_two_worlds(served):
    base, world = served, _world(served, "mixing")
    requests.post(f"{base}/_sandbox/clock", json={"freeze": True}, headers=world, timeout=10)
    requests.post(f"{base}/_sandbox/clock", json={"set": "2030-01-01T00:00:00Z"}, headers=world, timeout=10)
    imported_secret = requests.post(base + ROTATE, headers=world, timeout=10).json()["clientSecret"]
    document = requests.get(f"{base}/_sandbox/export", headers=world, timeout=30).json()
    with ThreadPoolExecutor(2) as pool:
        for _ in range(15):
            calls = [pool.submit(requests.post, f"{base}/_sandbox/import", json=document, headers=world, timeout=30),
                     pool.submit(requests.post, f"{base}/_sandbox/reset", headers=world, timeout=30)]
            assert [call.result().status_code for call in calls] == [200, 200]
            clock = requests.get(f"{base}/_sandbox/clock", headers=world, timeout=10).json()
            assert (_secret(base, world) == imported_secret) == (clock["now"] == "2030-01-01T00:00:00.000Z")
    requests.delete(f"{base}/_sandbox/worlds/mixing", timeout=10)


def test_worlds_stop_at_max_worlds(served):
    base = served
    names = [w["name"] for w in requests.get(f"{base}/_sandbox/worlds", timeout=10).json()]
    created = []
    for number in range(6 - len(names)):
        response = requests.post(f"{base}/_sandbox/worlds", json={"name": f"cap-{number}"}, timeout=30)
        if response.status_code == 409:
            assert "at most 4 worlds" in response.json()["error"]
            break
        created.append(f"cap-{number}")
    else:
        pytest.fail("no world limit")
    assert len(requests.get(f"{base}/_sandbox/worlds", timeout=10).json()) == 4
    for name in created:
        assert requests.delete(f"{base}/_sandbox/worlds/{name}", timeout=10).status_code == 204


def test_snapshot_bytes_stop_per_world_and_in_all(served):
    base, world = served, _world(served, "snapping")
    taken, refusal = [], None
    for _ in range(400):
        response = requests.post(f"{base}/_sandbox/snapshots", headers=world, timeout=10)
        if response.status_code == 409:
            refusal = response.json()["error"]
            break
        taken.append(response.json())
    assert refusal and "snapshot_bytes_per_world" in refusal and taken
    assert sum(s["bytes"] for s in taken) <= 400000
    requests.delete(f"{base}/_sandbox/snapshots/{taken[0]['id']}", headers=world, timeout=10)
    assert requests.post(f"{base}/_sandbox/snapshots", headers=world, timeout=10).status_code == 201
    requests.delete(f"{base}/_sandbox/worlds/snapping", timeout=10)
    # A deleted world gives its bytes back: a new world snapshots again.
    again = _world(base, "snapping")
    assert requests.post(f"{base}/_sandbox/snapshots", headers=again, timeout=10).status_code == 201
    requests.delete(f"{base}/_sandbox/worlds/snapping", timeout=10)


def test_the_webhook_log_keeps_its_size_with_failed_and_pending_entries(served):
    base, world = served, _world(served, "logging")
    response = requests.post(f"{base}/_sandbox/webhooks/subscriptions", headers=world, timeout=10, json={
        "provider": "toast", "eventCategory": "order_updated", "url": "http://127.0.0.1:9/refused"})
    assert response.status_code == 201
    for _ in range(12):
        requests.post(f"{base}/_sandbox/trigger", json={"event": "order_updated"}, headers=world, timeout=10)
        requests.post(f"{base}/_sandbox/webhooks/flush", headers=world, timeout=30)
        requests.post(f"{base}/_sandbox/clock", json={"advance": 400}, headers=world, timeout=10)
    log = requests.get(f"{base}/_sandbox/webhooks/events", headers=world, timeout=10).json()
    assert len(log) == 5 and {d["status"] for d in log} <= {"Pending", "Failure"}
    requests.delete(f"{base}/_sandbox/worlds/logging", timeout=10)


def test_scenario_rules_and_subscriptions_stop_at_their_limits(served):
    base, world = served, _world(served, "rules")
    rule = {"match": {"path": "/nowhere"}, "fault": {"status": 503}}
    statuses = [requests.post(f"{base}/_sandbox/scenarios", json=rule, headers=world, timeout=10).status_code
                for _ in range(1001)]
    assert statuses.count(201) == 1000 and statuses[-1] == 409
    hook = {"provider": "toast", "eventCategory": "menus", "url": "http://127.0.0.1:9/hook"}
    statuses = [requests.post(f"{base}/_sandbox/webhooks/subscriptions", json=hook, headers=world,
                              timeout=10).status_code for _ in range(501)]
    assert statuses.count(201) == 500 and statuses[-1] == 409
    requests.delete(f"{base}/_sandbox/worlds/rules", timeout=10)
