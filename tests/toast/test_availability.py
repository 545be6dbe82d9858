"""Toast Restaurant availability v1: ONLINE/OFFLINE per restaurant, switched from the control API, the CLI and a
preset, with the restaurant_availability event; what orders do meanwhile (developer guide, "Restaurant availability
webhook": while OFFLINE the orders API still answers 200; `toast_offline_orders: reject` refuses instead)."""

import json

import pytest
import requests

from helpers import HARBOR_DOWNTOWN, MESA, READ_ONLY, assert_toast_error, login, toast_headers
from published import assert_published
from serving import Served, run

AVAILABILITY = "/restaurant-availability/v1/availability"
ORDERS = "/orders/v2/orders"


def _switch(client, status, restaurant=HARBOR_DOWNTOWN):
    return client.put(f"/_sandbox/restaurants/{restaurant}/availability", json={"status": status})


def test_restaurants_start_online(client, headers):
    response = client.get(AVAILABILITY, headers=headers)
    assert response.status_code == 200
    assert response.json == {"restaurantGuid": HARBOR_DOWNTOWN, "status": "ONLINE",
                             "reasonKey": "AVAILABILITY_ONLINE", "reason": "Restaurant is accepting online orders"}
    assert_published("toast-restaurant-availability-openapi.yaml", "GET", AVAILABILITY, 200, response.json)


def test_going_offline_records_the_event_and_shows_in_the_api(client, headers, mesa_headers):
    switched = _switch(client, "OFFLINE")
    assert switched.status_code == 200 and switched.json["status"] == "OFFLINE" and switched.json["eventGuid"]
    answer = client.get(AVAILABILITY, headers=headers).json
    assert (answer["status"], answer["reasonKey"]) == ("OFFLINE", "AVAILABILITY_OFFLINE")
    assert_published("toast-restaurant-availability-openapi.yaml", "GET", AVAILABILITY, 200, answer)
    assert client.get(AVAILABILITY, headers=mesa_headers).json["status"] == "ONLINE"
    [event] = client.get("/_sandbox/webhooks/events").json
    assert (event["eventCategory"], event["eventType"]) == ("restaurant_availability", "availability_offline")
    assert json.loads(event["body"])["details"] == answer
    assert _switch(client, "OFFLINE").json["eventGuid"] is None           # no change, no event
    assert _switch(client, "ONLINE").json["status"] == "ONLINE"
    assert [e["eventType"] for e in client.get("/_sandbox/webhooks/events").json] == [
        "availability_offline", "availability_online"]


@pytest.mark.parametrize("body", [{"status": "CLOSED"}, {}, {"status": "OFFLINE", "why": "x"}])
def test_control_refuses_other_statuses(client, body):
    response = client.put(f"/_sandbox/restaurants/{HARBOR_DOWNTOWN}/availability", json=body)
    assert response.status_code == 400 and "error" in response.json


def test_control_names_an_unknown_restaurant(client):
    response = _switch(client, "OFFLINE", "00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404


def test_availability_needs_restaurants_read(client):
    headers = toast_headers(login(client, READ_ONLY), HARBOR_DOWNTOWN)
    assert_toast_error(client.get(AVAILABILITY, headers=headers), 403)


def test_orders_are_still_taken_while_offline_by_default(client, headers, harbor):
    _switch(client, "OFFLINE")
    assert client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers).status_code == 200


@pytest.mark.pos_sandbox(toast_offline_orders="reject")
def test_reject_mode_refuses_orders_while_offline(client, headers, harbor, mesa, mesa_headers):
    _switch(client, "OFFLINE")
    body = assert_toast_error(client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers),
                              409, "is OFFLINE")
    assert HARBOR_DOWNTOWN in body["message"]
    assert client.post("/orders/v2/prices", json=harbor.order(harbor.selection("Iced Tea")),
                       headers=headers).status_code == 200
    assert client.post(ORDERS, json=mesa.order(mesa.selection("Horchata")), headers=mesa_headers).status_code == 200
    _switch(client, "ONLINE")
    assert client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea")), headers=headers).status_code == 200


def test_the_restaurant_went_offline_preset(client, headers):
    response = client.post("/_sandbox/scenarios", json={"preset": "restaurant-offline"})
    assert response.status_code == 201
    assert client.get(AVAILABILITY, headers=headers).json["status"] == "OFFLINE"
    listed = {r["guid"]: r["availability"] for r in client.get("/_sandbox/connections/list").json["restaurants"]}
    assert listed == {HARBOR_DOWNTOWN: "OFFLINE", **{g: "ONLINE" for g in listed if g != HARBOR_DOWNTOWN}}
    assert MESA in listed


def test_availability_is_kept_by_snapshots_and_reset_clears_it(client):
    _switch(client, "OFFLINE")
    snapshot = client.post("/_sandbox/snapshots", json={}).json
    client.post("/_sandbox/reset")
    headers = toast_headers(login(client), HARBOR_DOWNTOWN)       # a reset forgets issued tokens
    assert client.get(AVAILABILITY, headers=headers).json["status"] == "ONLINE"
    client.post(f"/_sandbox/snapshots/{snapshot['id']}/restore")
    headers = toast_headers(login(client), HARBOR_DOWNTOWN)
    assert client.get(AVAILABILITY, headers=headers).json["status"] == "OFFLINE"


def test_the_cli_switches_a_served_sandbox():
    served = Served("--frozen")
    try:
        result = run("availability", HARBOR_DOWNTOWN, "offline", "--url", served.url)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"{HARBOR_DOWNTOWN} is OFFLINE (recorded availability_offline)"
        token = requests.post(f"{served.url}/authentication/v1/authentication/login", timeout=5, json={
            "clientId": "oXOJrLo8F2nXMzqQdgCWwDllJtWR6zql",
            "clientSecret": "IKiUBKnCfK2vuAiSDMK2xTY2xA6bznBRkirAgsXOhyl9F6sn23DSp8kVzjliKE1Q",
            "userAccessType": "TOAST_MACHINE_CLIENT"}).json()["token"]["accessToken"]
        answer = requests.get(served.url + AVAILABILITY, headers=toast_headers(token, HARBOR_DOWNTOWN), timeout=5)
        assert answer.json()["status"] == "OFFLINE"
        again = run("availability", HARBOR_DOWNTOWN, "OFFLINE", "--url", served.url)
        assert again.stdout.strip() == f"{HARBOR_DOWNTOWN} is OFFLINE (already so)"
        wrong = run("availability", HARBOR_DOWNTOWN, "closed", "--url", served.url)
        assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    finally:
        served.stop()


def test_the_trigger_switches_and_refuses_a_no_change(client, headers):
    response = client.post("/_sandbox/trigger", json={"event": "availability_offline", "restaurant": HARBOR_DOWNTOWN})
    assert response.status_code == 200 and response.json["changed"] == {"status": "OFFLINE"}
    assert client.get(AVAILABILITY, headers=headers).json["status"] == "OFFLINE"
    again = client.post("/_sandbox/trigger", json={"event": "availability_offline", "restaurant": HARBOR_DOWNTOWN})
    assert again.status_code == 409 and "already OFFLINE" in again.json["error"]
