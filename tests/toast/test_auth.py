"""Toast Authentication v1: login, token lifetime on the sandbox clock, credentials and bad input."""

import jwt
import pytest

from helpers import (GROUP, LOGIN, PARTNER, READ_ONLY, advance, assert_toast_error, login, toast_headers)

PARTNERS = "/partners/v1/restaurants"


def _login(client, credentials, **extra):
    body = {"clientId": credentials["clientId"], "clientSecret": credentials["clientSecret"],
            "userAccessType": "TOAST_MACHINE_CLIENT", **extra}
    return client.post(LOGIN, json=body)


def test_login_returns_the_platform_envelope(client):
    response = _login(client, PARTNER)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.json
    assert body["@class"] == ".SuccessfulResponse"
    assert body["status"] == "SUCCESS"
    token = body["token"]
    assert token["tokenType"] == "Bearer"
    assert token["expiresIn"] == 86400
    assert token["scope"] is None and token["idToken"] is None and token["refreshToken"] is None
    # Login answers carry no rate-limit headers.
    assert not [h for h in response.headers.keys() if h.lower().startswith("x-toast-ratelimit")]


def test_partner_token_claims(client, world):
    token = _login(client, PARTNER).json["token"]["accessToken"]
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "RS256"
    now = int(world.clock.timestamp())
    assert claims["sub"] == f"{PARTNER['clientId']}@clients"
    assert claims["azp"] == PARTNER["clientId"]
    assert claims["aud"] == "https://toast-services-api/"
    assert claims["gty"] == "client-credentials"
    assert claims["iat"] == now and claims["exp"] == now + 86400
    assert claims["scope"].split(" ") == PARTNER["scopes"]
    assert claims["https://toasttab.com/access_type"] == "TOAST_MACHINE_CLIENT"
    assert claims["https://toasttab.com/type"] == "PARTNER"
    assert claims["https://toasttab.com/partner_guid"] == PARTNER["partnerGuid"]
    assert claims["https://toasttab.com/client_name"] == PARTNER["name"]
    assert "https://toasttab.com/management_set_guid" not in claims


def test_group_token_claims(client):
    token = _login(client, GROUP).json["token"]["accessToken"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["https://toasttab.com/type"] == "CUSTOMER"
    assert claims["https://toasttab.com/management_set_guid"] == GROUP["managementGroupGuid"]
    assert "https://toasttab.com/partner_guid" not in claims


def test_same_token_until_its_last_minute(client):
    first = _login(client, PARTNER).json["token"]
    advance(client, 3600)
    second = _login(client, PARTNER).json["token"]
    assert second["accessToken"] == first["accessToken"]
    assert second["expiresIn"] == 86400 - 3600
    advance(client, 86400 - 3600 - 61)
    assert _login(client, PARTNER).json["token"]["accessToken"] == first["accessToken"]
    advance(client, 2)   # now 59 s left: inside the renewal window
    renewed = _login(client, PARTNER).json["token"]
    assert renewed["accessToken"] != first["accessToken"]
    assert renewed["expiresIn"] == 86400
    # The old token is still valid until it expires.
    assert client.get(PARTNERS, headers=toast_headers(first["accessToken"], None)).status_code == 200


def test_expired_token_is_refused_everywhere_and_login_issues_a_new_one(client):
    token = login(client, PARTNER)
    advance(client, 86400)
    assert_toast_error(client.get(PARTNERS, headers=toast_headers(token, None)), 401, "expired")
    fresh = login(client, PARTNER)
    assert fresh != token
    assert client.get(PARTNERS, headers=toast_headers(fresh, None)).status_code == 200


def test_tokens_are_per_client(client):
    assert login(client, PARTNER) != login(client, READ_ONLY)


@pytest.mark.parametrize("change", [
    {"clientSecret": "wrong"},
    {"clientId": "no-such-client"},
    {"clientSecret": ""},
])
def test_bad_credentials_are_401(client, change):
    body = {"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
            "userAccessType": "TOAST_MACHINE_CLIENT", **change}
    assert_toast_error(client.post(LOGIN, json=body), 401, "Invalid client credentials")


@pytest.mark.parametrize("body, field", [
    ({"clientSecret": "x", "userAccessType": "TOAST_MACHINE_CLIENT"}, "clientId"),
    ({"clientId": "x", "userAccessType": "TOAST_MACHINE_CLIENT"}, "clientSecret"),
    ({"clientId": "x", "clientSecret": "y", "userAccessType": "TOAST_USER"}, "userAccessType"),
    ({"clientId": 12, "clientSecret": "y", "userAccessType": "TOAST_MACHINE_CLIENT"}, "clientId"),
    ([], ""),
])
def test_invalid_login_bodies_are_400_naming_the_field(client, body, field):
    error = assert_toast_error(client.post(LOGIN, json=body), 400)
    assert error["fieldName"] == (field or None)
    assert field in error["message"]


def test_every_invalid_field_is_reported(client):
    error = assert_toast_error(client.post(LOGIN, json={"clientId": 1}), 400)
    assert {e["fieldName"] for e in error["errors"]} == {"clientId", "clientSecret", "userAccessType"}


def test_malformed_json_is_400(client):
    error = assert_toast_error(client.post(LOGIN, data="{not json", content_type="application/json"), 400)
    assert "not valid JSON" in error["message"]


def test_missing_body_is_400(client):
    assert_toast_error(client.post(LOGIN, content_type="application/json"), 400, "body is required")


def test_non_json_content_type_is_415(client):
    assert_toast_error(client.post(LOGIN, data="clientId=x", content_type="application/x-www-form-urlencoded"),
                       415, "application/json")


def test_oversized_body_is_413(client, sandbox):
    padding = "x" * (sandbox.config.max_body_bytes + 10)
    response = client.post(LOGIN, data=f'{{"clientId": "{padding}"}}', content_type="application/json")
    assert_toast_error(response, 413)


def test_rotated_secret_keeps_issued_tokens_and_refuses_the_old_secret(client):
    token = login(client, PARTNER)
    rotated = client.post(f"/_sandbox/clients/{PARTNER['clientId']}/rotate-secret")
    assert rotated.status_code == 200
    new_secret = rotated.json["clientSecret"]
    assert new_secret != PARTNER["clientSecret"] and len(new_secret) == 64
    assert client.get(PARTNERS, headers=toast_headers(token, None)).status_code == 200
    assert_toast_error(_login(client, PARTNER), 401)
    assert login(client, {**PARTNER, "clientSecret": new_secret}) == token
    credentials = client.get("/_sandbox/credentials").json["toast"]["clients"]
    assert {c["clientId"]: c["clientSecret"] for c in credentials}[PARTNER["clientId"]] == new_secret


def test_rotating_an_unknown_client_is_404(client):
    response = client.post("/_sandbox/clients/nobody/rotate-secret")
    assert response.status_code == 404
    assert response.json["error"] == "No API client nobody"


def test_logins_across_expiries_keep_a_bounded_token_store(client, world, monkeypatch):
    monkeypatch.setattr("sandbox.toast.auth.models.KEPT_TOKENS", 5)
    tokens = []
    for _ in range(12):
        tokens.append(login(client))
        advance(client, 86400 + 1)
    held = world.state["toast"].tokens
    assert len(held) <= 5 + 1 and tokens[-1] in held
    assert client.get(PARTNERS, headers=toast_headers(login(client), None)).status_code == 200
