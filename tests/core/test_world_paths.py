"""A world by base URL (`/worlds/<name>/...`): every platform and control path works below it in that world, the
URLs the sandbox writes keep the base, and the header still works."""

import pytest

from helpers import (HARBOR_DOWNTOWN, LOGIN, PARTNER, TOSTER_ALL, assert_toast_error, assert_toster_error,
                     toast_headers, toster)

pytestmark = pytest.mark.pos_sandbox(history_days=2)
BASE = "/worlds/qa-1"
ORDERS = "/orders/v2/orders"


@pytest.fixture
def qa(client):
    created = client.post("/_sandbox/worlds", json={"name": "qa-1"})
    assert created.status_code == 201
    return created.json


def _token(client, prefix=""):
    answer = client.post(prefix + LOGIN, json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                                               "userAccessType": "TOAST_MACHINE_CLIENT"})
    assert answer.status_code == 200, answer.json
    return answer.json["token"]["accessToken"]


def test_create_answers_the_base_url_and_the_list_carries_every_world_s(client, qa):
    assert qa["baseUrl"] == "http://localhost/worlds/qa-1" and qa["shard"] is None
    listed = {w["name"]: w["baseUrl"] for w in client.get("/_sandbox/worlds").json}
    assert listed == {"default": "http://localhost/worlds/default", "qa-1": "http://localhost/worlds/qa-1"}


def test_an_order_by_base_url_is_the_world_s_and_the_header_sees_it(client, qa, harbor):
    headers = toast_headers(_token(client, BASE), HARBOR_DOWNTOWN)
    created = client.post(BASE + ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers)
    assert created.status_code == 200, created.json
    guid = created.json["guid"]
    by_header = client.get(f"{ORDERS}/{guid}", headers={**headers, "X-Sandbox-World": "qa-1"})
    assert by_header.status_code == 200 and by_header.json["guid"] == guid
    assert_toast_error(client.get(f"{ORDERS}/{guid}", headers=toast_headers(_token(client), HARBOR_DOWNTOWN)), 404)
    journal = client.get(BASE + "/_sandbox/requests", query_string={"operationId": "ordersPost"}).json
    assert [entry["world"] for entry in journal["requests"]] == ["qa-1"]
    assert client.get("/_sandbox/requests", query_string={"operationId": "ordersPost"}).json["requests"] == []


def test_toster_and_the_control_api_answer_below_the_base(client, qa):
    advanced = client.post(BASE + "/_sandbox/clock", json={"advance": 7200})
    assert advanced.status_code == 200
    assert client.get("/_sandbox/clock").json["epochMillis"] < advanced.json["epochMillis"] - 7_000_000
    orders = client.get(BASE + "/api/orders", query_string={"limit": 1}, headers=toster(TOSTER_ALL))
    assert orders.status_code == 200 and orders.json["page"] == 1
    assert_toster_error(client.get(BASE + "/api/nowhere", headers=toster(TOSTER_ALL)), 404)
    home = client.get(BASE + "/").json
    assert home["console"] == "/worlds/qa-1/_sandbox/console" and home["health"] == "/worlds/qa-1/_sandbox/health"
    assert client.get(BASE + "/_sandbox/health").json["world"] == "qa-1"
    assert client.get(BASE).status_code == 200         # the base itself is the world's front door


@pytest.mark.pos_sandbox(history_days=30)
def test_link_headers_keep_the_world_s_base(client, qa):
    headers = toast_headers(_token(client, BASE), HARBOR_DOWNTOWN)
    clock = client.get(BASE + "/_sandbox/clock").json["now"]
    day = clock[:10].replace("-", "")
    page = client.get(BASE + "/orders/v2/ordersBulk", query_string={"businessDate": day, "pageSize": 1},
                      headers=headers)
    assert page.status_code == 200
    links = page.headers.getlist("Link")
    assert links and all(link.startswith("<http://localhost/worlds/qa-1/orders/v2/ordersBulk?") for link in links)
    partners = client.get(BASE + "/partners/v1/connectedRestaurants", query_string={"pageSize": 1},
                          headers=toast_headers(_token(client, BASE), None))
    nexts = [link for link in partners.headers.getlist("Link") if 'rel="next"' in link]
    assert nexts and nexts[0].startswith("<http://localhost/worlds/qa-1/partners/v1/connectedRestaurants?")
    following = client.get(nexts[0][1:nexts[0].index(">")], headers=toast_headers(_token(client, BASE), None))
    assert following.status_code == 200 and following.json["currentPageNum"] == 2


def test_a_request_naming_two_worlds_or_none_that_exists(client, qa):
    token = _token(client)
    conflict = client.get(BASE + ORDERS + "/x", headers={**toast_headers(token), "X-Sandbox-World": "default"})
    assert_toast_error(conflict, 400, "X-Sandbox-World")
    same = client.get(BASE + "/_sandbox/health", headers={"X-Sandbox-World": "qa-1"})
    assert same.status_code == 200
    missing = client.get("/worlds/nobody/api/orders", headers=toster(TOSTER_ALL))
    assert_toster_error(missing, 404, "No world named nobody")
    assert client.get("/worlds/nobody/_sandbox/health").status_code == 404


def test_reset_below_the_base_resets_that_world_only(client, qa):
    client.post(BASE + "/_sandbox/clock", json={"advance": 86400})
    client.post("/_sandbox/clock", json={"advance": 3600})
    before = client.get("/_sandbox/clock").json["epochMillis"]
    assert client.post(BASE + "/_sandbox/reset").status_code == 200
    assert client.get(BASE + "/_sandbox/clock").json["epochMillis"] < before
    assert client.get("/_sandbox/clock").json["epochMillis"] >= before


@pytest.mark.pos_sandbox(config_page_size=4)
def test_page_tokens_flow_below_the_base_and_follow_the_world_s_own_publish(client, qa):
    """A world's publish makes its tokens stale (409), not the default world's: the token flow is the world's."""
    headers = toast_headers(_token(client, BASE), HARBOR_DOWNTOWN)
    first = client.get(BASE + "/config/v2/tables", headers=headers)
    token, collected = first.headers["Toast-Next-Page-Token"], list(first.json)
    root_token = client.get("/config/v2/tables", headers=toast_headers(_token(client), HARBOR_DOWNTOWN)).headers[
        "Toast-Next-Page-Token"]
    client.post(BASE + "/_sandbox/clock", json={"advance": 60})
    client.post(f"{BASE}/_sandbox/restaurants/{HARBOR_DOWNTOWN}/menu/publish")
    assert_toast_error(client.get(BASE + "/config/v2/tables", query_string={"pageToken": token}, headers=headers),
                       409, "start again")
    page = client.get("/config/v2/tables", query_string={"pageToken": root_token},
                      headers=toast_headers(_token(client), HARBOR_DOWNTOWN))
    assert page.status_code == 200 and len(page.json) == 4
    token = client.get(BASE + "/config/v2/tables", headers=headers).headers["Toast-Next-Page-Token"]
    while token:
        page = client.get(BASE + "/config/v2/tables", query_string={"pageToken": token}, headers=headers)
        assert page.status_code == 200
        collected.extend(page.json)
        token = page.headers.get("Toast-Next-Page-Token")
    assert len({t["guid"] for t in collected}) == len(collected) > 4


@pytest.mark.parametrize("name", [".", "..", ".hidden", "-rf", "_x", "a/b", "x" * 65])
def test_a_world_name_is_never_a_segment_clients_fold_away(client, name):
    # URL clients remove `.` and `..` segments (RFC 3986, 5.2.4): `/worlds/../api` would reach the default world.
    answer = client.post("/_sandbox/worlds", json={"name": name})
    assert answer.status_code == 400 and "name" in answer.json["error"], answer.json
    assert name not in {w["name"] for w in client.get("/_sandbox/worlds").json}


@pytest.mark.parametrize("name", ["a", "9", "job-42.retry_1", "A" * 64])
def test_names_that_start_with_a_letter_or_digit_are_taken(client, name):
    assert client.post("/_sandbox/worlds", json={"name": name}).status_code == 201
    assert client.get(f"/worlds/{name}/_sandbox/health").status_code == 200
