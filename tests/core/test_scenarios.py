"""Failure scenarios over HTTP: each fault kind, times/after/probability/window/hours, every preset, the per-request
header, the control API switch and the startup switch, and the request journal."""

import json

import pytest

from helpers import (HARBOR_DOWNTOWN, MESA, PARTNER, advance, assert_toast_error, login, toast_headers)
from sandbox.app import create_app
from sandbox.core.scenarios import preset_names
from sandbox.testing import TEST_SETTINGS

RESTAURANT = f"/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}"


def _on(client, rule):
    response = client.post("/_sandbox/scenarios", json=rule)
    assert response.status_code == 201, response.json
    return response.json


def _get(client, headers, path=RESTAURANT):
    return client.get(path, headers=headers)


@pytest.fixture
def headers(client):
    return toast_headers(login(client))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500, 502, 503, 504])
def test_http_errors_in_the_providers_shape(client, headers, status):
    _on(client, {"match": {"provider": "toast", "api": "restaurants"}, "fault": {"status": status,
                                                                                 "retryAfter": 7}})
    error = assert_toast_error(_get(client, headers), status)
    assert _get(client, headers).headers["Retry-After"] == "7"
    assert error["requestId"]
    # Other APIs are untouched.
    assert client.get("/menus/v2/metadata", headers=headers).status_code == 200


def test_expired_token_fault_expires_the_token_for_real(client, headers):
    _on(client, {"match": {"provider": "toast"}, "times": 1, "fault": {"status": 401, "expireToken": True}})
    assert_toast_error(_get(client, headers), 401, "expired")
    assert_toast_error(_get(client, headers), 401, "expired")      # the rule retired; the token stays expired
    fresh = toast_headers(login(client))
    assert fresh != headers and _get(client, fresh).status_code == 200


def test_times_after_and_window(client, headers):
    _on(client, {"match": {"operationId": "restaurantsRestaurantGuidGet"}, "after": 2, "times": 2,
                 "fault": {"status": 500}})
    assert [_get(client, headers).status_code for _ in range(6)] == [200, 200, 500, 500, 200, 200]
    _on(client, {"match": {"path": "/restaurants/v1/*"}, "fault": {"status": 503},
                 "window": {"start": "2026-11-02T18:00:00Z", "end": "2026-11-02T19:00:00Z"}})
    assert _get(client, headers).status_code == 200
    advance(client, 1800)
    assert _get(client, headers).status_code == 503
    advance(client, 3600)
    assert _get(client, headers).status_code == 200


def test_probability_is_seeded(headers):
    def run():
        client = create_app({**TEST_SETTINGS, "history_days": 0}).test_client()
        token_headers = toast_headers(login(client))
        _on(client, {"match": {"provider": "toast", "api": "restaurants"}, "probability": 0.3,
                     "fault": {"status": 500}})
        return [_get(client, token_headers).status_code for _ in range(40)]
    first, second = run(), run()
    assert first == second and 3 <= first.count(500) <= 25


def test_match_by_restaurant_client_and_method(client, headers):
    _on(client, {"match": {"restaurant": MESA, "client": PARTNER["clientId"], "method": "GET"},
                 "fault": {"status": 502}})
    assert _get(client, headers).status_code == 200
    mesa = toast_headers(login(client), MESA)
    assert _get(client, mesa, f"/restaurants/v1/restaurants/{MESA}").status_code == 502


def test_latency_is_added(client, headers):
    _on(client, {"match": {"provider": "toast", "api": "restaurants"}, "fault": {"latencyMs": [20, 40]}})
    response = _get(client, headers)
    assert response.status_code == 200
    [entry] = client.get("/_sandbox/requests", query_string={"operationId": "restaurantsRestaurantGuidGet"}
                         ).json["requests"]
    assert entry["latencyMs"] >= 20 and entry["scenario"]


def test_malformed_empty_and_in_process_drop(client, headers):
    rule = _on(client, {"match": {"api": "restaurants"}, "times": 1, "fault": {"malformed": True}})
    malformed = _get(client, headers)
    assert malformed.status_code == 200 and malformed.mimetype == "application/json"
    with pytest.raises(ValueError):
        json.loads(malformed.get_data(as_text=True))
    _on(client, {"match": {"api": "restaurants"}, "times": 1, "fault": {"empty": True}})
    assert _get(client, headers).get_data() == b""
    assert rule["ids"][0] not in [r["id"] for r in client.get("/_sandbox/scenarios").json["active"]]


def test_control_api_lists_removes_and_clears(client, headers):
    first = _on(client, {"match": {"api": "restaurants"}, "fault": {"status": 500}})["ids"][0]
    _on(client, {"preset": "toast-outage"})
    listed = client.get("/_sandbox/scenarios").json
    assert len(listed["active"]) == 2 and set(listed["presets"]) == set(preset_names())
    assert client.delete(f"/_sandbox/scenarios/{first}").status_code == 204
    assert_toast_error(_get(client, headers), 503)
    assert client.delete("/_sandbox/scenarios").status_code == 204
    assert _get(client, headers).status_code == 200
    assert client.delete("/_sandbox/scenarios/sc-999").status_code == 404


@pytest.mark.parametrize("body", [{"match": {"api": "x"}}, {"fault": {"status": 418}}, {"preset": "nope"},
                                  {"fault": {"status": 500}, "match": {"colour": "red"}},
                                  {"fault": {"latencyMs": -5}}])
def test_bad_rules_are_refused(client, body):
    response = client.post("/_sandbox/scenarios", json=body)
    assert response.status_code in (400, 404) and set(response.json) == {"error", "details"}


def test_one_call_header(client, headers):
    assert_toast_error(client.get(RESTAURANT, headers={**headers, "X-Sandbox-Scenario": "toast-outage"}), 503)
    assert _get(client, headers).status_code == 200
    assert client.get("/_sandbox/scenarios").json["active"] == []


def test_startup_switch():
    client = create_app({**TEST_SETTINGS, "history_days": 0, "scenarios": ["toast-outage"]}).test_client()
    assert client.post("/authentication/v1/authentication/login", json={}).status_code == 503
    assert client.get("/_sandbox/health").status_code == 200


def test_presets_load():
    assert set(preset_names()) >= {"toast-outage", "maintenance-window", "rate-limit-storm", "token-expiry-midway",
                                   "partner-access-revoked", "flaky-5pct", "slow-network", "same-error-repeatedly",
                                   "sandbox-hours"}


def test_preset_toast_outage(client, headers):
    _on(client, {"preset": "toast-outage"})
    for path in (RESTAURANT, "/menus/v2/menus", "/config/v2/tables"):
        response = client.get(path, headers=headers)
        assert_toast_error(response, 503)
        assert response.headers["Retry-After"] == "30"


def test_preset_maintenance_window(client, headers):
    _on(client, {"preset": "maintenance-window"})
    assert _get(client, headers).status_code == 200
    advance(client, 600)
    assert_toast_error(_get(client, headers), 503, "maintenance")
    advance(client, 1800)
    assert _get(client, headers).status_code == 200


def test_preset_rate_limit_storm(client, headers):
    _on(client, {"preset": "rate-limit-storm"})
    statuses = [_get(client, headers).status_code for _ in range(30)]
    assert set(statuses) == {200, 429}


def test_preset_token_expiry_midway(client, headers):
    _on(client, {"preset": "token-expiry-midway"})
    statuses = [_get(client, headers).status_code for _ in range(22)]
    assert statuses[:20] == [200] * 20 and statuses[20:] == [401, 401]
    assert _get(client, toast_headers(login(client))).status_code == 200


def test_preset_partner_access_revoked(client):
    token = login(client)
    applied = _on(client, {"preset": "partner-access-revoked"})
    assert applied["effects"][0]["trigger"] == "partner_removed"
    listed = client.get("/partners/v1/restaurants", headers=toast_headers(token, None)).json
    assert MESA not in {r["restaurantGuid"] for r in listed}
    assert_toast_error(client.get(f"/restaurants/v1/restaurants/{MESA}", headers=toast_headers(token, MESA)), 403)
    events = client.get("/_sandbox/webhooks/events", query_string={"type": "partner_removed"}).json
    assert len(events) == 1


def test_preset_flaky_5pct(client, headers):
    _on(client, {"preset": "flaky-5pct"})
    statuses = [_get(client, headers).status_code for _ in range(200)]
    assert 2 <= statuses.count(500) <= 20 and statuses.count(200) == 200 - statuses.count(500)


def test_preset_slow_network(client, headers):
    _on(client, {"preset": "slow-network"})
    client.delete("/_sandbox/requests")
    assert _get(client, headers).status_code == 200
    [entry] = client.get("/_sandbox/requests").json["requests"]
    assert entry["latencyMs"] >= 200


def test_preset_same_error_repeatedly(client, headers, harbor):
    _on(client, {"preset": "same-error-repeatedly"})
    body = harbor.order(harbor.selection("Iced Tea"))
    answers = [client.post("/orders/v2/orders", json=body, headers=headers) for _ in range(3)]
    assert {a.status_code for a in answers} == {500}
    assert len({a.json["message"] for a in answers}) == 1
    assert client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261102"}, headers=headers
                      ).status_code == 200


def test_preset_sandbox_hours(client, headers):
    _on(client, {"preset": "sandbox-hours"})
    # 17:30 UTC is 12:30 in New York: open.
    assert _get(client, headers).status_code == 200
    advance(client, 6 * 3600)            # 18:30 in New York
    assert_toast_error(_get(client, headers), 503, "9:00-18:00")
    advance(client, 15 * 3600)           # 9:30 the next day
    assert _get(client, headers).status_code == 200


def test_journal_records_filters_and_masks(client, headers):
    client.delete("/_sandbox/requests")
    _get(client, headers)
    client.get("/menus/v2/metadata", headers=headers)
    client.get("/orders/v2/nowhere", headers=headers)
    client.post("/authentication/v1/authentication/login", json={"clientId": PARTNER["clientId"],
                                                                "clientSecret": PARTNER["clientSecret"],
                                                                "userAccessType": "TOAST_MACHINE_CLIENT"})
    everything = client.get("/_sandbox/requests").json
    assert everything["count"] == 4
    assert [e["status"] for e in everything["requests"]] == [200, 200, 404, 200]
    first = everything["requests"][0]
    assert first["operationId"] == "restaurantsRestaurantGuidGet" and first["client"] == PARTNER["clientId"]
    assert first["restaurant"] == HARBOR_DOWNTOWN and first["world"] == "default"
    assert first["requestHeaders"]["Authorization"].startswith("Bearer ****")
    login_entry = everything["requests"][-1]
    assert PARTNER["clientSecret"] not in login_entry["requestBody"]
    assert json.loads(login_entry["responseBody"])["token"]["accessToken"].startswith("****")
    by_path = client.get("/_sandbox/requests", query_string={"path": "/menus/*"}).json
    assert [e["path"] for e in by_path["requests"]] == ["/menus/v2/metadata"]
    assert client.get("/_sandbox/requests", query_string={"status": 404}).json["count"] == 1
    assert client.get("/_sandbox/requests", query_string={"method": "post"}).json["count"] == 1
    assert client.get("/_sandbox/requests", query_string={"restaurant": HARBOR_DOWNTOWN}).json["count"] == 3
    assert client.get("/_sandbox/requests", query_string={"limit": 1}).json["requests"][0]["path"].startswith(
        "/authentication")
    advance(client, 10)
    _get(client, headers)
    assert client.get("/_sandbox/requests", query_string={"since": "2026-11-02T17:30:05Z"}).json["count"] == 1
    assert client.delete("/_sandbox/requests").status_code == 204
    assert client.get("/_sandbox/requests").json["count"] == 0


def test_journal_is_bounded():
    client = create_app({**TEST_SETTINGS, "history_days": 0, "journal_size": 3}).test_client()
    for _ in range(5):
        client.get("/orders/v2/nowhere")
    assert client.get("/_sandbox/requests").json["count"] == 3


def test_journal_shows_a_client_waited_for_retry_after(client, headers, sandbox):
    """How a test asserts a client's retry behaviour: the journal has both calls and their times."""
    _on(client, {"match": {"api": "restaurants"}, "times": 1, "fault": {"status": 429, "retryAfter": 5}})
    refused = _get(client, headers)
    advance(client, int(refused.headers["Retry-After"]))
    assert _get(client, headers).status_code == 200
    calls = client.get("/_sandbox/requests", query_string={"operationId": "restaurantsRestaurantGuidGet"}
                       ).json["requests"]
    assert [c["status"] for c in calls] == [429, 200] and calls[1]["time"] - calls[0]["time"] >= 5
    assert calls[0]["scenario"] and calls[1]["scenario"] is None
