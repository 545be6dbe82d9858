"""Toast's rate limits: tiers in priority order, fixed windows on the sandbox clock, keys, and the headers."""

import pytest

from helpers import HARBOR_DOWNTOWN, MESA, READ_ONLY, advance, assert_toast_error, login, toast_headers
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS


@pytest.fixture
def app():
    return create_app({**TEST_SETTINGS, "history_days": 0, "rate_limits": True})


def _limits(response):
    return (response.headers.get("X-Toast-RateLimit-By"), response.headers.get("X-Toast-RateLimit-Remaining"),
            response.headers.get("X-Toast-RateLimit-Reset"))


def test_every_response_but_the_login_reports_the_closest_limit(client, world):
    response = client.post("/authentication/v1/authentication/login", json={
        "clientId": READ_ONLY["clientId"], "clientSecret": READ_ONLY["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"})
    assert response.status_code == 200 and _limits(response) == (None, None, None)
    headers = toast_headers(response.json["token"]["accessToken"])
    first = client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261102"}, headers=headers)
    # ordersBulk allows 5 per second per location: the ENDPOINT tier is the closest to running out.
    now = int(world.clock.timestamp())
    assert _limits(first) == ("ENDPOINT", "4", str(now + 1))
    other = client.get("/orders/v2/orders/00000000-0000-4000-8000-000000000000", headers=headers)
    assert other.status_code == 404
    assert _limits(other)[0] == "GLOBAL" and _limits(other)[1] == "18"


def test_endpoint_limit_then_a_new_window(client):
    headers = toast_headers(login(client))
    for _ in range(5):
        assert client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261102"},
                          headers=headers).status_code == 200
    refused = client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261102"}, headers=headers)
    error = assert_toast_error(refused, 429, "ENDPOINT")
    assert refused.headers["Retry-After"] == "1" and _limits(refused)[:2] == ("ENDPOINT", "0")
    assert error["status"] == 429
    # Other locations have their own endpoint budget.
    assert client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261102"},
                      headers=toast_headers(login(client), MESA)).status_code == 200
    advance(client, 1)
    assert client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261102"},
                      headers=headers).status_code == 200


def test_menus_allow_one_call_per_second_per_location(client):
    headers = toast_headers(login(client))
    assert client.get("/menus/v2/menus", headers=headers).status_code == 200
    assert_toast_error(client.get("/menus/v2/menus", headers=headers), 429)
    assert client.get("/menus/v2/metadata", headers=headers).status_code == 200
    advance(client, 1)
    assert client.get("/menus/v2/menus", headers=headers).status_code == 200


def test_global_limit_per_second_and_per_fifteen_minutes():
    client = create_app({**TEST_SETTINGS, "history_days": 0, "rate_limits": True, "toast_global_per_second": 3,
                         "toast_global_per_15_minutes": 5}).test_client()
    headers = toast_headers(login(client))
    codes = [client.get("/config/v2/tables", headers=headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    advance(client, 1)
    # 4 counted in this 15-minute window already: one more is allowed, then the long window refuses.
    assert client.get("/config/v2/tables", headers=headers).status_code == 200
    refused = client.get("/config/v2/tables", headers=headers)
    assert_toast_error(refused, 429, "900 s")
    assert int(refused.headers["Retry-After"]) > 1
    advance(client, 900)
    assert client.get("/config/v2/tables", headers=headers).status_code == 200


def test_api_tier_counts_each_api_separately():
    client = create_app({**TEST_SETTINGS, "history_days": 0, "rate_limits": True, "toast_api_per_second": 2}
                        ).test_client()
    headers = toast_headers(login(client))
    assert [client.get("/config/v2/tables", headers=headers).status_code for _ in range(3)] == [200, 200, 429]
    ok = client.get("/restaurants/v1/restaurants/" + HARBOR_DOWNTOWN, headers=headers)
    assert ok.status_code == 200 and _limits(ok)[0] == "API"


def test_limits_can_be_switched_off():
    client = create_app({**TEST_SETTINGS, "history_days": 0, "rate_limits": False}).test_client()
    headers = toast_headers(login(client))
    responses = [client.get("/menus/v2/menus", headers=headers) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert _limits(responses[0]) == (None, None, None)


def test_control_api_is_never_limited(client):
    assert {client.get("/_sandbox/health").status_code for _ in range(30)} == {200}
