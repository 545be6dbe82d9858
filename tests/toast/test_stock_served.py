"""Stock, Menus v3 and Restaurant availability end to end against a served `pos-sandbox serve` process (strict):
every operation over real sockets, each answer checked against the published schemas, and a stock event delivered
signed to a webhook receiver."""

import base64
import hashlib
import hmac
import json

import pytest
import requests

from helpers import HARBOR_DOWNTOWN, PARTNER, Receiver, toast_headers
from published import assert_published
from serving import Served

SECRET = "whsec-served-stock-0123"


@pytest.fixture(scope="module")
def served():
    sandbox = Served("--frozen", "--strict")
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def headers(served):
    answer = requests.post(f"{served.url}/authentication/v1/authentication/login", timeout=5, json={
        "clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"})
    return toast_headers(answer.json()["token"]["accessToken"], HARBOR_DOWNTOWN)


def _call(served, headers, method, path, document, body=None):
    response = requests.request(method, served.url + path, json=body, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    assert_published(document, method, path, 200, response.json())
    return response.json()


def test_every_operation_over_a_served_process(served, headers):
    menus = _call(served, headers, "GET", "/menus/v3/menus", "toast-menus-v3-openapi.yaml")
    _call(served, headers, "GET", "/menus/v3/metadata", "toast-menus-v3-openapi.yaml")
    items = {i["name"]: i for m in menus["menus"] for g in m["menuGroups"] for i in g["menuItems"]}
    pie = items["Boston Cream Pie"]
    stock = "toast-stock-openapi.yaml"
    listed = _call(served, headers, "GET", "/stock/v1/inventory", stock)
    assert pie["guid"] in {e["guid"] for e in listed}
    found = _call(served, headers, "POST", "/stock/v1/inventory/search", stock,
                  {"multiLocationIds": [pie["multiLocationId"]]})
    assert (found[0]["guid"], found[0]["status"]) == (pie["guid"], "QUANTITY")
    updated = _call(served, headers, "PUT", "/stock/v1/inventory/update", stock,
                    [{"multiLocationId": pie["multiLocationId"], "status": "OUT_OF_STOCK"}])
    assert updated[0]["status"] == "OUT_OF_STOCK"
    availability = _call(served, headers, "GET", "/restaurant-availability/v1/availability",
                         "toast-restaurant-availability-openapi.yaml")
    assert availability["status"] == "ONLINE"
    dining = next(d for d in requests.get(f"{served.url}/config/v2/diningOptions", headers=headers, timeout=5).json()
                  if d["behavior"] == "DINE_IN")
    refused = requests.post(f"{served.url}/orders/v2/orders", headers=headers, timeout=5, json={
        "diningOption": {"guid": dining["guid"]},
        "checks": [{"selections": [{"item": {"guid": pie["guid"]}, "quantity": 1}]}]})
    assert refused.status_code == 400 and "Boston Cream Pie" in refused.json()["message"]


def test_a_stock_change_reaches_a_webhook_receiver_signed(served, headers):
    receiver = Receiver()
    try:
        subscription = requests.post(f"{served.url}/_sandbox/webhooks/subscriptions", timeout=5, json={
            "provider": "toast", "eventCategory": "stock", "url": receiver.url, "secret": SECRET}).json()
        assert subscription["eventCategory"] == "stock"
        requests.post(f"{served.url}/_sandbox/clock", json={"advance": 2}, timeout=5)   # past /menus' 1/s limit
        chowder = next(i for m in requests.get(f"{served.url}/menus/v3/menus", headers=headers, timeout=5
                                               ).json()["menus"]
                       for g in m["menuGroups"] for i in g["menuItems"] if i["name"] == "Clam Chowder")
        requests.put(f"{served.url}/stock/v1/inventory/update", headers=headers, timeout=5,
                     json=[{"guid": chowder["guid"], "status": "QUANTITY", "quantity": 2}])
        requests.post(f"{served.url}/_sandbox/webhooks/flush", timeout=10)
        [delivery] = receiver.requests
    finally:
        receiver.stop()
    envelope = json.loads(delivery["body"])
    assert (envelope["eventCategory"], envelope["eventType"]) == ("stock", "low_quantity")
    assert envelope["details"]["itemGuid"] == chowder["guid"] and envelope["details"]["quantity"] == 2.0
    expected = base64.b64encode(hmac.new(SECRET.encode(), (delivery["body"] + envelope["timestamp"]).encode(),
                                         hashlib.sha256).digest()).decode()
    assert delivery["headers"]["Toast-Signature"] == expected
    assert delivery["headers"]["Toast-Restaurant-External-ID"] == HARBOR_DOWNTOWN
