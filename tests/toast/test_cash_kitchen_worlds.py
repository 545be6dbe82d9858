"""The new APIs' data goes with its world: an export imported into a world of another seed, and a snapshot
restored, answer the same prep stations, cash entries, deposits and fulfillments."""

import pytest

from helpers import HARBOR_DOWNTOWN, login, toast_headers

DAY = "20261101"
PATHS = ["/kitchen/v1/published/prepStations", f"/kitchen/v1/export/itemFulfillments?businessDate={DAY}",
         f"/cashmgmt/v1/entries?businessDate={DAY}", f"/cashmgmt/v1/deposits?businessDate={DAY}",
         "/device-details/v1/device-info", "/packaging/v1/published/packagingConfig"]


def _answers(client, headers):
    return {path: client.get(path, headers=headers).json for path in PATHS}


@pytest.mark.pos_sandbox(history_days=2)
def test_export_import_and_restore_keep_the_answers(client):
    before = _answers(client, toast_headers(login(client), HARBOR_DOWNTOWN))
    assert all(before.values())
    exported = client.get("/_sandbox/export")
    assert client.post("/_sandbox/worlds", json={"name": "copy", "seed": 9, "historyDays": 0}).status_code == 201
    other = {"X-Sandbox-World": "copy"}
    fresh = _answers(client, {**toast_headers(login_in(client, other), HARBOR_DOWNTOWN), **other})
    assert fresh != before
    imported = client.post("/_sandbox/import", data=exported.data, content_type="application/json", headers=other)
    assert imported.status_code == 200, imported.json
    assert _answers(client, {**toast_headers(login_in(client, other), HARBOR_DOWNTOWN), **other}) == before
    snapshot = client.post("/_sandbox/snapshots").json
    client.post("/_sandbox/reset")
    assert client.post(f"/_sandbox/snapshots/{snapshot['id']}/restore").status_code == 200
    assert _answers(client, toast_headers(login(client), HARBOR_DOWNTOWN)) == before


def login_in(client, world_headers):
    from helpers import LOGIN, PARTNER
    answer = client.post(LOGIN, headers=world_headers, json={
        "clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"})
    return answer.json["token"]["accessToken"]
