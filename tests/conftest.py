"""Shared fixtures: a fresh strict sandbox per test (from the sandbox.testing plugin) and Toast helpers."""

import pytest

from sandbox.core.fixtures import load_fixtures

FIXTURES = load_fixtures("default.yaml")
CLIENTS = {c["name"]: c for c in FIXTURES["toast"]["clients"]}
PARTNER = CLIENTS["Sandbox Partner (all scopes)"]
READ_ONLY = CLIENTS["Sandbox Partner (orders read-only)"]
GROUP = CLIENTS["Harbor Hospitality (restaurant group)"]
RESTAURANTS = [r["guid"] for r in FIXTURES["toast"]["restaurants"]]
HARBOR_DOWNTOWN, HARBOR_SEAPORT, MESA = RESTAURANTS
HARBOR_GROUP, MESA_GROUP = (g["guid"] for g in FIXTURES["toast"]["managementGroups"])
LOGIN = "/authentication/v1/authentication/login"


@pytest.fixture
def app(pos_sandbox_app):
    return pos_sandbox_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sandbox(app):
    return app.extensions["sandbox"]


def login(client, credentials=PARTNER):
    """Log a fixture client in; returns the access token."""
    response = client.post(LOGIN, json={"clientId": credentials["clientId"],
                                        "clientSecret": credentials["clientSecret"],
                                        "userAccessType": "TOAST_MACHINE_CLIENT"})
    assert response.status_code == 200, response.json
    return response.json["token"]["accessToken"]


def toast_headers(token, restaurant=HARBOR_DOWNTOWN):
    headers = {"Authorization": f"Bearer {token}"}
    if restaurant:
        headers["Toast-Restaurant-External-ID"] = restaurant
    return headers


@pytest.fixture
def partner_token(client):
    return login(client, PARTNER)


def advance(client, seconds):
    """Move the sandbox clock forward through the control API."""
    response = client.post("/_sandbox/clock", json={"advance": seconds})
    assert response.status_code == 200
    return response.json


TOAST_ERROR_KEYS = {"status", "code", "message", "messageKey", "fieldName", "link", "requestId",
                    "developerMessage", "errors", "canRetry"}


def assert_toast_error(response, status, message_part=None):
    """A Toast error: the status, every key of the body present, JSON content type, and the message."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == TOAST_ERROR_KEYS
    assert body["status"] == status
    assert body["requestId"]
    assert isinstance(body["errors"], list)
    if message_part:
        assert message_part in body["message"], body["message"]
    return body
