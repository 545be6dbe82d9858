"""World files against a served sandbox: tampered exports are refused whole (400, world unchanged) or read back
without a 500 on every operation; nothing in a file names code to import; a bad --world-file stops the start."""

import copy
import json
import random
import re

import pytest
import requests

from helpers import HARBOR_DOWNTOWN, LOGIN, PARTNER, TOSTER_ALL
from serving import Served, run

SOURCE, TARGET = "fuzz-source", "fuzz-target"
ROUNDS = 40
# What an attacker puts where the sandbox expects something else.
HOSTILE = ["x", "", [], {}, None, 0, -1, 1.5, True, 1e300, -1e29, 253402300799, 10 ** 20, "9999-12-31T23:59:59Z",
           ["a", 1], {"$type": "sandbox.__main__:main", "fields": {}}, {"$type": "os:system", "fields": {}},
           {"$decimal": "1e400"}, {"$decimal": "NaN"}, {"$float": "nan"}, {"$tuple": [[1]]}, {"$set": [[1], [2]]},
           {"$items": [[[1], 2]]}, {"$sorted": [1, "a"]}, "not-a-guid", {"$type": "sandbox.core.store:World"}]


@pytest.fixture(scope="module")
def served():
    sandbox = Served("--history-days", "1", "--frozen", "--start-time", "2026-06-01T12:00:00Z")
    yield sandbox.url
    sandbox.stop()


def _world(base, name):
    requests.post(f"{base}/_sandbox/worlds", json={"name": name}, timeout=30)
    return {"X-Sandbox-World": name}


def _prepared_export(base):
    """An export with orders, webhook subscriptions and deliveries of both providers in it."""
    world = _world(base, SOURCE)
    hook = "http://127.0.0.1:9/hook"
    for url, body, headers in (
            ("/_sandbox/webhooks/subscriptions", {"provider": "toast", "eventCategory": "order_updated"}, {}),
            ("/api/webhooks", {"events": ["order.created"]}, {"Authorization": f"Bearer {TOSTER_ALL}"})):
        response = requests.post(base + url, headers={**world, **headers}, timeout=10, json={"url": hook, **body})
        assert response.status_code == 201, response.text
    for event in ("order_updated", "order.created"):
        requests.post(f"{base}/_sandbox/trigger", json={"event": event}, headers=world, timeout=10)
    # Sent once now: on the frozen clock their retries are never due, so no worker changes an imported world.
    requests.post(f"{base}/_sandbox/webhooks/flush", headers=world, timeout=30)
    return requests.get(f"{base}/_sandbox/export", headers=world, timeout=30).json()


def _nodes(value, path=()):
    """Every (path, value) of a JSON document."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nodes(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nodes(item, path + (index,))


def _tamper(document, rng):
    """One hostile change somewhere in the document's state or clock; returns (document, path)."""
    tampered = copy.deepcopy(document)
    candidates = [path for path, _ in _nodes(tampered) if path and path[0] in ("state", "clock", "ids")]
    path = rng.choice(candidates)
    parent = tampered
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[path[-1]]                       # a dangling index entry, a missing field
    elif isinstance(parent, list) and rng.random() < 0.2:
        parent.append(copy.deepcopy(parent[path[-1]]))    # a duplicate
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(HOSTILE))
    return tampered, path


_PAGES = {"/_sandbox/docs"}


def _reads(base, path_ids):
    """Every implemented JSON GET (not the console's or the API reference's pages), path parameters filled with the
    ids the tampering passed through (and defaults)."""
    operations = requests.get(f"{base}/_sandbox/coverage", timeout=10).json()["operations"]
    urls = []
    for operation in operations:
        if operation["method"] != "GET" or not operation["implemented"] or operation["path"] in _PAGES \
                or "/console" in operation["path"]:
            continue
        for value in path_ids or ["none"]:
            urls.append((operation["provider"], re.sub(r"{[A-Za-z_]+}", value, operation["path"])))
            if "{" not in operation["path"]:
                break
    return urls


def _headers(base, provider):
    target = {"X-Sandbox-World": TARGET}
    if provider == "toster":
        return {**target, "Authorization": f"Bearer {TOSTER_ALL}"}
    if provider != "toast":
        return target
    login = requests.post(base + LOGIN, headers=target, timeout=10, json={
        "clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"})
    assert login.status_code < 500, login.text
    token = login.json().get("token", {}).get("accessToken", "none") if login.ok else "none"
    return {**target, "Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}


def _assert_answer(response, where):
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    assert "html" not in response.headers.get("Content-Type", ""), where


def test_tampered_exports_are_refused_whole_or_read_back_without_a_500(served):
    base = served
    document = _prepared_export(base)
    target = _world(base, TARGET)
    rng = random.Random(18)
    accepted = refused = 0
    for _ in range(ROUNDS):
        assert requests.post(f"{base}/_sandbox/import", json=document, headers=target, timeout=30).status_code == 200
        before = requests.get(f"{base}/_sandbox/export", headers=target, timeout=30).json()
        tampered, path = _tamper(document, rng)
        response = requests.post(f"{base}/_sandbox/import", data=json.dumps(tampered), headers={
            **target, "Content-Type": "application/json"}, timeout=30)
        _assert_answer(response, f"import with {path}")
        if response.status_code == 400:
            refused += 1
            assert response.json()["error"], path
            assert requests.get(f"{base}/_sandbox/export", headers=target, timeout=30).json() == before, path
            continue
        accepted += 1
        ids = [step for step in path if isinstance(step, str) and len(step) > 8] + [HARBOR_DOWNTOWN]
        headers = {provider: _headers(base, provider) for provider in ("toast", "toster", "sandbox")}
        for provider, url in _reads(base, ids):
            _assert_answer(requests.get(base + url, headers=headers[provider], timeout=30), f"{url} after {path}")
    assert refused and accepted, (refused, accepted)
    assert requests.get(f"{base}/_sandbox/health", timeout=10).json()["status"] == "ok"


@pytest.mark.parametrize("change, says", [
    (lambda d: d["state"]["toast"]["fields"].update(orders={"$type": "sandbox.__main__:main", "fields": {}}),
     "is not one of the sandbox's data types"),
    (lambda d: d["clock"].update(now="9999-12-31T23:59:59Z"), "clock.now"),
    (lambda d: d["clock"].update(frozen="false"), "clock"),
    (lambda d: _first_order(d).update(checks="not a list"), "expected list"),
    (lambda d: _first_order(d).update(modified=float("1e300")), "out of range"),
    (lambda d: _first_order(d).update(guid="elsewhere"), "not its own"),
    (lambda d: d["state"]["toast"]["fields"]["orders"]["fields"]["orders"].clear(), "does not hold"),
    (lambda d: d["state"]["webhooks"]["fields"]["pending"].update(ghost=None), "pending"),
])
def test_each_class_of_tampering_is_a_400_naming_it(served, change, says):
    base = served
    world = _world(base, "tampered")
    document = requests.get(f"{base}/_sandbox/export", headers=_world(base, SOURCE), timeout=30).json()
    before = requests.get(f"{base}/_sandbox/export", headers=world, timeout=30).json()
    change(document)
    response = requests.post(f"{base}/_sandbox/import", json=document, headers=world, timeout=30)
    assert response.status_code == 400 and says in response.json()["error"], response.text[:500]
    assert requests.get(f"{base}/_sandbox/export", headers=world, timeout=30).json()["state"] == before["state"]


def _first_order(document):
    orders = document["state"]["toast"]["fields"]["orders"]["fields"]["orders"]
    return next(iter(orders.values()))["fields"]


def test_nan_and_infinity_literals_are_refused(served):
    text = requests.get(f"{served}/_sandbox/export", timeout=30).text.replace('"frozen": true', '"frozen": NaN', 1)
    text = text.replace('"frozen":true', '"frozen":NaN', 1)
    response = requests.post(f"{served}/_sandbox/import", data=text, timeout=30,
                             headers={"Content-Type": "application/json", "X-Sandbox-World": "tampered"})
    assert response.status_code == 400 and "NaN" in response.json()["error"]


@pytest.mark.parametrize("content", ['{"format": "pos-sandbox.world", "version": 1, "state": NaN}',
                                     '{"format": "pos-sandbox.world", "version": 1, "state": {"$type": '
                                     '"sandbox.__main__:main", "fields": {}}}', "[" * 100000])
def test_a_bad_world_file_stops_the_start_with_a_clear_error(tmp_path, content):
    path = tmp_path / "world.json"
    path.write_text(content)
    result = run("serve", "--port", "0", "--world-file", str(path), timeout=60)
    assert result.returncode == 2 and f"world file {path}" in result.stderr, result.stderr[-500:]
    assert "Traceback" not in result.stderr
