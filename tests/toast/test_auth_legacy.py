"""The deprecated login, `POST /usermgmt/v1/oauth/token`: a form body `grant_type=client_credentials&client_id&
client_secret` and an OAuth 2 answer (access_token, token_type, expires_in, scope, jti, namingAuthority, rsGuid), as the
developer guide's "Legacy API authentication (deprecated)" and its return-data pages describe; refusals in Toast's
error shape (TOAST-PLATFORM.md section 1 lists the path)."""

from urllib.parse import urlencode

import pytest

from helpers import GROUP, HARBOR_DOWNTOWN, LOGIN, PARTNER, assert_toast_error, toast_headers

LEGACY = "/usermgmt/v1/oauth/token"
FORM = "application/x-www-form-urlencoded"


def _form(credentials, **change):
    fields = {"grant_type": "client_credentials", "client_id": credentials["clientId"],
              "client_secret": credentials["clientSecret"], **change}
    return urlencode({name: value for name, value in fields.items() if value is not None})


def test_legacy_login_answers_in_the_oauth_shape_with_the_current_token(client):
    response = client.post(LEGACY, data=_form(PARTNER), content_type=FORM)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.json
    assert body["token_type"] == "bearer" and body["expires_in"] == 86400 and body["jti"]
    assert body["scope"].split() == PARTNER["scopes"] and body["namingAuthority"] == PARTNER["name"]
    assert body["rsGuid"] is None
    # The same token the current login hands out, and it opens the other APIs.
    current = client.post(LOGIN, json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                                       "userAccessType": "TOAST_MACHINE_CLIENT"}).json["token"]["accessToken"]
    assert current == body["access_token"]
    orders = client.get("/orders/v2/ordersBulk?businessDate=20261102",
                        headers=toast_headers(body["access_token"], HARBOR_DOWNTOWN))
    assert orders.status_code == 200
    assert "X-Toast-RateLimit-Remaining" not in response.headers


def test_a_restaurant_group_client_gets_its_group(client):
    body = client.post(LEGACY, data=_form(GROUP), content_type=FORM).json
    assert body["rsGuid"] == GROUP["managementGroupGuid"]


@pytest.mark.parametrize("change, status, field", [
    ({"client_secret": "wrong"}, 401, None),
    ({"client_id": "nobody"}, 401, None),
    ({"grant_type": "password"}, 400, "grant_type"),
    ({"grant_type": None}, 400, "grant_type"),
    ({"client_secret": None}, 400, "client_secret"),
])
def test_refusals_are_in_toast_s_error_shape(client, change, status, field):
    error = assert_toast_error(client.post(LEGACY, data=_form(PARTNER, **change), content_type=FORM), status)
    assert error["fieldName"] == field


def test_a_json_body_is_415_and_an_empty_one_400(client):
    assert_toast_error(client.post(LEGACY, json={"client_id": PARTNER["clientId"]}), 415, FORM)
    assert_toast_error(client.post(LEGACY, data=b"", content_type=FORM), 400, "form request body is required")
    assert_toast_error(client.post(LEGACY, data=b"client_id=\xff", content_type=FORM), 400, "not a valid form")


def test_the_journal_masks_the_form_secret_and_the_token(client):
    client.post(LEGACY, data=_form(PARTNER), content_type=FORM)
    entry = client.get("/_sandbox/requests", query_string={"operationId": "legacyOauthTokenPost"}).json["requests"][0]
    assert entry["requestBody"].endswith("&client_secret=****" + PARTNER["clientSecret"][-4:])
    assert entry["responseBody"].startswith('{"access_token":"****')


def test_wrong_method_and_unknown_paths_under_usermgmt_answer_in_toast_s_shape(client):
    assert_toast_error(client.get(LEGACY), 405, "GET is not allowed")
    assert_toast_error(client.post("/usermgmt/v1/users", data=_form(PARTNER), content_type=FORM), 404)
