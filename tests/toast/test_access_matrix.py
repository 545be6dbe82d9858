"""Every secured Toast operation answers 401 / 403 / 400 for bad credentials, scopes and restaurant headers."""

import re

import pytest

from helpers import (GROUP, HARBOR_DOWNTOWN, HARBOR_SEAPORT, MESA, PARTNER, READ_ONLY, advance, assert_toast_error,
                      login)
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS

# These checks happen before any handler runs, so a world without order history is enough (and much faster).
LIGHT = {**TEST_SETTINGS, "history_days": 0}
_TOAST = [op for provider in create_app(LIGHT).extensions["sandbox"].providers
          if provider.name == "toast" for op in provider.operations if op.security]
_ANY_GUID = "11111111-2222-4333-8444-555555555555"


def _url(op):
    return re.sub(r"{[^}]+}", _ANY_GUID, op.full_path)


def _call(client, op, headers):
    return client.open(_url(op), method=op.method, headers=headers, json={} if op.has_body else None)


def _op_ids(op):
    return op.operation_id


ops = pytest.mark.parametrize("op", _TOAST, ids=_op_ids)
# Operations the restaurant-group client has the scope for.
group_ops = pytest.mark.parametrize(
    "op", [op for op in _TOAST if any(p.name == "Toast-Restaurant-External-ID" for p in op.parameters)
           and any(s <= set(GROUP["scopes"]) for s in op.scopes_any_of)], ids=_op_ids)
# Operations scoped to a restaurant by the Toast-Restaurant-External-ID header.
restaurant_ops = pytest.mark.parametrize(
    "op", [op for op in _TOAST if any(p.name == "Toast-Restaurant-External-ID" for p in op.parameters)], ids=_op_ids)
# Operations whose scope the read-only client lacks.
beyond_read_only = pytest.mark.parametrize(
    "op", [op for op in _TOAST if not any(s <= set(READ_ONLY["scopes"]) for s in op.scopes_any_of)], ids=_op_ids)


@ops
@pytest.mark.parametrize("authorization, message", [
    (None, "Bearer access token is required"),
    ("Basic dXNlcjpwYXNz", "must be 'Bearer <access token>'"),
    ("Bearer", "must be 'Bearer <access token>'"),
    ("Bearer not-a-token-we-issued", "not valid"),
])
def test_bad_or_missing_token_is_401(client, op, authorization, message):
    headers = {"Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}
    if authorization:
        headers["Authorization"] = authorization
    assert_toast_error(_call(client, op, headers), 401, message)


@ops
def test_expired_token_is_401(client, op):
    token = login(client)
    advance(client, 86400)
    assert_toast_error(_call(client, op, {"Authorization": f"Bearer {token}",
                                          "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}), 401, "expired")


@beyond_read_only
def test_missing_scope_is_403(client, op):
    token = login(client, READ_ONLY)
    assert_toast_error(_call(client, op, {"Authorization": f"Bearer {token}",
                                          "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}), 403, "scope")


@restaurant_ops
@pytest.mark.parametrize("restaurant, status, message", [
    (None, 400, "header is required"),
    ("not-a-guid", 400, "must be a restaurant GUID"),
    (HARBOR_SEAPORT, 403, "not connected"),
    (_ANY_GUID, 403, "not connected"),
])
def test_restaurant_header_rules(client, op, restaurant, status, message):
    headers = {"Authorization": f"Bearer {login(client)}"}
    if restaurant:
        headers["toast-restaurant-external-id"] = restaurant   # the header name is case-insensitive
    error = assert_toast_error(_call(client, op, headers), status, message)
    if status == 400:
        assert error["fieldName"] == "Toast-Restaurant-External-ID"


@group_ops
def test_group_client_reaches_only_its_group(client, op):
    token = login(client, GROUP)
    assert_toast_error(_call(client, op, {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": MESA}),
                       403, "not connected")


@restaurant_ops
def test_deleted_restaurant_is_refused(client, op, sandbox):
    sandbox.store.get(None).state["toast"].restaurants[HARBOR_DOWNTOWN].deleted = True
    error = assert_toast_error(_call(client, op, {"Authorization": f"Bearer {login(client)}",
                                                  "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}), 400)
    assert error["message"] == f"Restaurant({HARBOR_DOWNTOWN}) has been deleted"


def test_connection_delay_refuses_new_connections_for_a_while():
    app = create_app({**LIGHT, "connection_delay": 900})
    client = app.test_client()
    token = login(client)
    client.post("/_sandbox/connections", json={"clientId": PARTNER["clientId"], "restaurantGuid": HARBOR_SEAPORT})
    url = f"/restaurants/v1/restaurants/{HARBOR_SEAPORT}"
    headers = {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": HARBOR_SEAPORT}
    assert_toast_error(client.get(url, headers=headers), 403, "not available yet")
    # The partners API shows it at once.
    listed = client.get("/partners/v1/restaurants", headers={"Authorization": f"Bearer {token}"}).json
    assert HARBOR_SEAPORT in {r["restaurantGuid"] for r in listed}
    advance(client, 900)
    assert client.get(url, headers=headers).status_code == 200
