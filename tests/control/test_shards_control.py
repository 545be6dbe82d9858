"""A shard's side of the calls that span worlds, in-process: the shards that do not answer are named, the rest is
this shard's own; a world is only created on the shard its name hashes to."""

import pytest

from helpers import free_port
from sandbox.core.shards import shard_of

URLS = [f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"]     # nothing listens on them
MINE = [f"w{n}" for n in range(40) if shard_of(f"w{n}", 2) == 0][:2]
THEIRS = next(f"w{n}" for n in range(40) if shard_of(f"w{n}", 2) == 1)

pytestmark = pytest.mark.pos_sandbox(shard_urls=URLS, shard_index=0)


def test_listing_names_the_shards_that_did_not_answer(client):
    for name in MINE:
        assert client.post("/_sandbox/worlds", json={"name": name}).json["shard"] == 0
    listed = client.get("/_sandbox/worlds")
    assert listed.headers["X-Sandbox-Unreachable-Shards"] == "1"
    expected = set(MINE) | ({"default"} if shard_of("default", 2) == 0 else set())
    assert {w["name"] for w in listed.json} == expected
    local = client.get("/_sandbox/worlds", headers={"X-Sandbox-Scope": "local"})
    assert "X-Sandbox-Unreachable-Shards" not in local.headers and local.json == listed.json


def test_metrics_carry_the_shard_label_and_name_the_missing_shards(client):
    answer = client.get("/_sandbox/metrics")
    assert answer.headers["X-Sandbox-Unreachable-Shards"] == "1"
    assert 'sandbox_worlds{shard="0"}' in answer.get_data(as_text=True)


def test_a_name_of_another_shard_is_refused_naming_it(client):
    refused = client.post("/_sandbox/worlds", json={"name": THEIRS})
    assert refused.status_code == 409
    assert refused.json["error"].startswith(f"World {THEIRS} belongs on shard 1 ({URLS[1]})")
    assert THEIRS not in {w["name"] for w in client.get("/_sandbox/worlds").json}
