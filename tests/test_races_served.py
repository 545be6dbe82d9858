"""Writes of the newer Toast APIs racing the control API's world-wide writes on a served sandbox: a stock update of
many items and a replacement of an employee's wage overrides each land whole or not at all against a reset or a
snapshot restore, and a report requested meanwhile is either gone with the reset or readable; never a 5xx."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from helpers import HARBOR_DOWNTOWN, LOGIN, PARTNER
from serving import Served

ROUNDS = 12
WORLD = {"X-Sandbox-World": "racing-apis"}


@pytest.fixture(scope="module")
def served():
    sandbox = Served(env={"SANDBOX_RATE_LIMITS": "false"})
    assert requests.post(f"{sandbox.url}/_sandbox/worlds", json={"name": "racing-apis"}, timeout=30).status_code == 201
    yield sandbox.url
    sandbox.stop()


def _headers(base):
    token = requests.post(base + LOGIN, headers=WORLD, timeout=10, json={
        "clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"}).json()["token"]["accessToken"]
    return {**WORLD, "Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}


def _stock(base, guids):
    items = requests.post(f"{base}/stock/v1/inventory/search", json={"guids": guids}, headers=_headers(base),
                          timeout=10).json()
    return {item["guid"]: (item["status"], item["quantity"]) for item in items}


def _reset_or_restore(base, snapshot, round_number):
    if round_number % 2:
        return requests.post(f"{base}/_sandbox/reset", headers=WORLD, timeout=30)
    return requests.post(f"{base}/_sandbox/snapshots/{snapshot}/restore", headers=WORLD, timeout=30)


def test_a_stock_update_of_many_items_lands_whole_against_reset_and_restore(served):
    base = served
    guids = [item["guid"] for item in requests.get(f"{base}/stock/v1/inventory", headers=_headers(base),
                                                   timeout=10).json()[:8]]
    snapshot = requests.post(f"{base}/_sandbox/snapshots", headers=WORLD, timeout=10).json()["id"]
    before = _stock(base, guids)
    update = [{"guid": guid, "status": "QUANTITY", "quantity": 3} for guid in guids]
    with ThreadPoolExecutor(2) as pool:
        for round_number in range(ROUNDS):
            headers = _headers(base)
            write = pool.submit(requests.put, f"{base}/stock/v1/inventory/update", json=update, headers=headers,
                                timeout=30)
            control = pool.submit(_reset_or_restore, base, snapshot, round_number)
            written, controlled = write.result(), control.result()
            assert controlled.status_code == 200, controlled.text
            assert written.status_code in (200, 401), written.text      # 401: the reset came first, forgot the token
            after = _stock(base, guids)
            # Whole: every item as updated, or every item as the world was before.
            assert after in (before, {guid: ("QUANTITY", 3.0) for guid in guids}), after
            requests.post(f"{base}/_sandbox/snapshots/{snapshot}/restore", headers=WORLD, timeout=30)
    assert before != {guid: ("QUANTITY", 3.0) for guid in guids}       # the check could tell the two apart


def test_wage_overrides_and_reports_racing_a_reset(served):
    base = served
    headers = _headers(base)
    employee = next(e for e in requests.get(f"{base}/labor/v1/employees", headers=headers, timeout=10).json()
                    if e["jobReferences"])
    job = employee["jobReferences"][0]["guid"]
    overrides = [{"wage": 31.25, "jobReference": {"guid": job, "entityType": "RestaurantJob"}}]
    url = f"{base}/labor/v1/employees/{employee['guid']}"
    report = {"startBusinessDate": 20261101, "endBusinessDate": 20261101, "restaurantIds": [HARBOR_DOWNTOWN],
              "excludedRestaurantIds": []}
    with ThreadPoolExecutor(3) as pool:
        for _ in range(ROUNDS):
            headers = _headers(base)
            wages = pool.submit(requests.put, f"{url}/wageOverrides", json=overrides, headers=headers, timeout=30)
            asked = pool.submit(requests.post, f"{base}/era/v1/metrics/day", json=report, headers=headers, timeout=30)
            reset = pool.submit(requests.post, f"{base}/_sandbox/reset", headers=WORLD, timeout=30)
            assert reset.result().status_code == 200
            assert wages.result().status_code in (200, 401) and asked.result().status_code in (200, 401)
            fresh = _headers(base)
            wage_list = requests.get(url, headers=fresh, timeout=10).json()["wageOverrides"]
            assert wage_list in (employee["wageOverrides"], [{**overrides[0], "jobReference": {
                **overrides[0]["jobReference"], "externalId": None}}]), wage_list
            if asked.result().status_code == 200:
                read = requests.get(f"{base}/era/v1/metrics/{asked.result().json()}", headers=fresh, timeout=10)
                assert read.status_code in (200, 202, 404), read.text      # 404: the reset came after the request
