"""Guests' personal data follows the client's scopes.

Source: the developer guide's "Required scopes to retrieve order data" (doc.toasttab.com/doc/devguide/
apiOrdersGetScopes.html): without `delivery_info.address:read` the `deliveryInfo` value is null; without
`guest.pi:read` the response does not include `Check.customer` or `curbsidePickupInfo`. The orders spec's scope
description reads narrower (guest.pi:read "returns the email and phone fields" of the customer): that reading is the
`toast_guest_data_without_scope: contact` switch."""

import pytest

from helpers import GROUP, HARBOR_DOWNTOWN, NO_GUEST_DATA, READ_ONLY, Menu, login, toast_headers
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS
from tests.published import assert_published

ORDERS = "/orders/v2/orders"
CURBSIDE = {"transportDescription": "Blue hatchback", "transportColor": "Blue", "notes": "Spot 3"}


def _delivery(harbor):
    return harbor.order_for_guest(harbor.selection("Lemonade"), dining="Delivery")


def _curbside(harbor):
    return harbor.order_for_guest(harbor.selection("Lemonade"), dining="Curbside", curbsidePickupInfo=CURBSIDE)


def _read_as(client, credentials, guid):
    response = client.get(f"{ORDERS}/{guid}", headers=toast_headers(login(client, credentials), HARBOR_DOWNTOWN))
    assert response.status_code == 200, response.json
    assert_published("toast-orders-openapi.yaml", "GET", f"{ORDERS}/{guid}", 200, response.json)
    return response.json


def test_a_client_with_both_scopes_sees_the_guest_address_and_car(client, headers, harbor):
    delivery = client.post(ORDERS, json=_delivery(harbor), headers=headers).json
    assert delivery["checks"][0]["customer"]["email"] == "ada@example.com"
    assert delivery["deliveryInfo"]["address1"] == "1 Harbor Way"
    curbside = client.post(ORDERS, json=_curbside(harbor), headers=headers).json
    assert curbside["curbsidePickupInfo"]["transportDescription"] == "Blue hatchback"


def test_without_either_scope_customer_and_curbside_are_left_out_and_delivery_info_is_null(client, headers, harbor):
    delivery = client.post(ORDERS, json=_delivery(harbor), headers=headers).json
    curbside = client.post(ORDERS, json=_curbside(harbor), headers=headers).json
    for credentials in (NO_GUEST_DATA, READ_ONLY):
        seen = _read_as(client, credentials, delivery["guid"])
        assert "customer" not in seen["checks"][0] and seen["deliveryInfo"] is None
        # Everything else is the same order.
        assert seen["checks"][0]["totalAmount"] == delivery["checks"][0]["totalAmount"]
        assert "curbsidePickupInfo" not in _read_as(client, credentials, curbside["guid"])


def test_guest_scope_without_address_scope_keeps_the_customer_and_nulls_the_address(client, headers, harbor):
    """The Harbor group client has guest.pi:read but not delivery_info.address:read."""
    order = client.post(ORDERS, json=_delivery(harbor), headers=headers).json
    seen = _read_as(client, GROUP, order["guid"])
    assert seen["checks"][0]["customer"]["phone"] == "6175550199" and seen["deliveryInfo"] is None


def test_the_creating_client_and_every_listing_follow_the_same_rule(client, harbor):
    headers = toast_headers(login(client, NO_GUEST_DATA), HARBOR_DOWNTOWN)
    created = client.post(ORDERS, json=_delivery(harbor), headers=headers).json
    assert "customer" not in created["checks"][0] and created["deliveryInfo"] is None
    quoted = client.post("/orders/v2/prices", json=_delivery(harbor), headers=headers).json
    assert "customer" not in quoted["checks"][0] and quoted["deliveryInfo"] is None
    listed = client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261102"}, headers=headers).json
    assert [o["guid"] for o in listed] == [created["guid"]]
    assert "customer" not in listed[0]["checks"][0] and listed[0]["deliveryInfo"] is None
    changed = client.patch(f"{ORDERS}/{created['guid']}/deliveryInfo", json={"deliveryState": "PICKED_UP"},
                           headers=headers).json
    assert changed["deliveryInfo"] is None and "customer" not in changed["checks"][0]


@pytest.mark.pos_sandbox(history_days=3)
def test_seeded_orders_hide_guests_from_a_client_without_the_scopes(client, headers):
    limited_headers = toast_headers(login(client, NO_GUEST_DATA), HARBOR_DOWNTOWN)
    full, limited = [], []
    for day in ("20261030", "20261031", "20261101"):
        query = {"businessDate": day, "pageSize": 100}
        full += client.get("/orders/v2/ordersBulk", query_string=query, headers=headers).json
        limited += client.get("/orders/v2/ordersBulk", query_string=query, headers=limited_headers).json
    assert any(o["deliveryInfo"] for o in full) and any(c.get("customer") for o in full for c in o["checks"])
    assert any(o["curbsidePickupInfo"] for o in full)
    assert [o["guid"] for o in limited] == [o["guid"] for o in full]
    assert all(o["deliveryInfo"] is None and "curbsidePickupInfo" not in o
               and all("customer" not in c for c in o["checks"]) for o in limited)


def test_contact_switch_keeps_the_name_and_nulls_email_phone_and_curbside():
    """Judgement (`toast_guest_data_without_scope: contact`): the spec's scope description, where guest.pi:read
    unlocks the customer's e-mail and phone."""
    app = create_app(dict(TEST_SETTINGS, history_days=0, toast_guest_data_without_scope="contact"))
    client = app.test_client()
    harbor = Menu(app.extensions["sandbox"].store.get(None).state["toast"].catalogs[HARBOR_DOWNTOWN])
    headers = toast_headers(login(client, NO_GUEST_DATA), HARBOR_DOWNTOWN)
    order = client.post(ORDERS, json=_curbside(harbor), headers=headers).json
    customer = order["checks"][0]["customer"]
    assert (customer["firstName"], customer["lastName"]) == ("Ada", "Park")
    assert customer["email"] is None and customer["phone"] is None and customer["phoneCountryCode"] is None
    assert order["curbsidePickupInfo"] is None
    stored = app.extensions["sandbox"].store.get(None).state["toast"].orders.orders[order["guid"]]
    assert stored.checks[0].customer.email == "ada@example.com"      # kept, only not shown
