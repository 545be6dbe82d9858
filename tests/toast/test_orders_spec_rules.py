"""Rules the Toast orders spec states in its own text, and the platform's lenient JSON reading.

Sources are named per test: the orders spec (toast-orders-openapi.yaml: its POST /orders example sends
`"tipAmount": "0"`; `/void`, `/prices`, `/ordersBulk`, `/applicableDiscounts` and the API description's e-mail rule)
and TOAST-PLATFORM.md section 3 for the messages."""

import pytest

from helpers import VOID_ALL, assert_toast_error

ORDERS = "/orders/v2/orders"


def _post(client, headers, body, path=ORDERS):
    return client.post(path, json=body, headers=headers)


def _guest(**fields):
    return {"firstName": "Ada", "lastName": "Park", "phone": "617-555-0100", "email": "ada@example.com", **fields}


# Lenient scalars --------------------------------------------------------------------------------------------------

def test_spec_example_sends_tip_amount_as_a_string_and_it_is_accepted(client, headers, harbor):
    """The orders spec's POST /orders example pays with `"tipAmount": "0"`; the platform's JSON reader takes numbers
    and booleans written as strings (and numbers where text is expected)."""
    body = harbor.order(harbor.selection("Iced Tea", quantity="2"), taxExempt="true", tabName=12,
                        payments=[harbor.payment("7.00", "0")])
    response = _post(client, headers, body)
    assert response.status_code == 200, response.json
    check = response.json["checks"][0]
    assert check["selections"][0]["quantity"] == 2.0 and check["taxExempt"] is True and check["tabName"] == "12"
    assert check["payments"][0]["tipAmount"] == 0.0 and check["payments"][0]["amount"] == 7.0
    assert check["paymentStatus"] == "CLOSED"          # paid in full, no card tip to adjust


@pytest.mark.parametrize("field, value", [("quantity", "two"), ("quantity", ""), ("quantity", "1,5"),
                                          ("quantity", [1]), ("quantity", True)])
def test_values_the_reader_cannot_turn_into_numbers_are_still_400(client, headers, harbor, field, value):
    body = harbor.order(harbor.selection("Iced Tea", **{field: value}))
    error = assert_toast_error(_post(client, headers, body), 400, "checks[0].selections[0].quantity")
    assert error["fieldName"] == "checks[0].selections[0].quantity"


def test_booleans_only_from_true_and_false(client, headers, harbor):
    assert_toast_error(_post(client, headers, harbor.order(harbor.selection("Iced Tea"), taxExempt="yes")), 400,
                       "checks[0].taxExempt")


def test_tip_patch_takes_a_string_amount(client, headers, harbor):
    order = _post(client, headers, harbor.order(harbor.selection("Iced Tea"),
                                                payments=[harbor.payment(3.75)])).json
    check = order["checks"][0]
    url = f"{ORDERS}/{order['guid']}/checks/{check['guid']}/payments/{check['payments'][0]['guid']}"
    patched = client.patch(url, json={"tipAmount": "1.25"}, headers=headers)
    assert patched.status_code == 200 and patched.json["checks"][0]["payments"][0]["tipAmount"] == 1.25


# The spec's stated rules ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [None, {}, {"selections": {"voidAll": True}},
                                  {"selections": {"voidAll": True}, "payments": {"voidAll": False}},
                                  {"selections": {}, "payments": {"voidAll": True}}])
def test_spec_void_requires_both_void_all_true(client, headers, harbor, body):
    """POST /void: a body with `selections` and `payments`, each `voidAll: true`, is required."""
    order = _post(client, headers, harbor.order(harbor.selection("Iced Tea"),
                                                payments=[harbor.payment(3.75)])).json
    url = f"{ORDERS}/{order['guid']}/void"
    response = client.post(url, json=body, headers=headers) if body is not None else client.post(url,
                                                                                                    headers=headers)
    assert_toast_error(response, 400, "voidAll")
    assert client.get(f"{ORDERS}/{order['guid']}", headers=headers).json["voided"] is False
    assert client.post(url, json=VOID_ALL, headers=headers).json["voided"] is True


def test_void_all_written_as_strings_counts(client, headers, harbor):
    order = _post(client, headers, harbor.order(harbor.selection("Iced Tea"),
                                                payments=[harbor.payment(3.75)])).json
    body = {"selections": {"voidAll": "true"}, "payments": {"voidAll": "true"}}
    assert client.post(f"{ORDERS}/{order['guid']}/void", json=body, headers=headers).json["voided"] is True


@pytest.mark.parametrize("path", [ORDERS, "/orders/v2/prices"])
def test_spec_unknown_referenced_entity_is_404(client, headers, harbor, path):
    """POST /orders and /prices: 404 when an entity referenced in the order does not exist."""
    missing = "00000000-0000-4000-8000-000000000000"
    cases = [
        harbor.order({"item": {"guid": missing}, "quantity": 1}),
        harbor.order({"item": {"multiLocationId": "1"}, "quantity": 1}),
        harbor.order(harbor.selection("Iced Tea"), appliedDiscounts=[{"discount": {"guid": missing}}]),
        harbor.order(harbor.selection("Iced Tea"), payments=[{"type": "OTHER", "amount": 1, "tipAmount": 0,
                                                              "otherPayment": {"guid": missing}}]),
        dict(harbor.order(harbor.selection("Iced Tea")), table={"guid": missing}),
    ]
    for body in cases:
        assert_toast_error(_post(client, headers, body, path), 404, "was not found")


@pytest.mark.parametrize("path", [ORDERS, "/orders/v2/prices"])
def test_spec_negatively_priced_item_is_400(client, headers, harbor, path):
    body = harbor.order(harbor.selection("Iced Tea", externalPriceAmount=-1.5))
    error = assert_toast_error(_post(client, headers, body, path), 400, "negative price")
    assert error["fieldName"] == "checks[0].selections[0].externalPriceAmount"


@pytest.mark.parametrize("path", ["/orders/v2/ordersBulk", ORDERS])
def test_spec_start_date_must_be_after_2015_12_01(client, headers, path):
    early = {"startDate": "2015-11-30T23:30:00.000+0000", "endDate": "2015-12-01T00:10:00.000+0000"}
    assert_toast_error(client.get(path, query_string=early, headers=headers), 400, "2015-12-01")
    later = {"startDate": "2015-12-01T00:00:01.000+0000", "endDate": "2015-12-01T00:10:00.000+0000"}
    response = client.get(path, query_string=later, headers=headers)
    assert response.status_code == 200 and response.json == []


@pytest.mark.parametrize("email, ok", [
    (f"{'a' * 41}@example.com", True),                 # 53 characters
    (f"{'a' * 42}@example.com", False),                # 54
    ("first_last.name@mail-host.example.com", True),
    ("jos\u00e9@example.com", False),                  # international characters are not supported
    ("ada+orders@example.com", False),
    ("ada@localhost", False),
    ("@example.com", False),
])
def test_spec_email_up_to_53_characters_from_the_documented_set(client, headers, harbor, email, ok):
    """The orders API description: e-mail addresses of up to 53 characters, prefix@domain, a-z A-Z 0-9 _."""
    body = harbor.order(harbor.selection("Iced Tea"), dining="Take Out", customer=_guest(email=email))
    response = _post(client, headers, body)
    if ok:
        assert response.status_code == 200, response.json
        assert response.json["checks"][0]["customer"]["email"] == email
    else:
        error = assert_toast_error(response, 400, "Customer email")
        assert error["fieldName"] == "checks[0].customer.email"


def test_spec_applicable_discounts_honour_the_promo_code(client, headers, harbor):
    """POST /applicableDiscounts: with a `promoCode`, only the discounts associated with that code."""
    order = harbor.order(harbor.selection("Clam Chowder"))
    url = "/orders/v2/applicableDiscounts"
    plain = {d["discount"]["guid"] for d in client.post(url, json={"order": order}, headers=headers).json}
    assert harbor.discount("Welcome 10%").guid not in plain and harbor.discount("$5 Off Check").guid in plain
    coded = client.post(url, json={"order": order, "promoCode": "welcome10"}, headers=headers).json
    assert [d["discount"]["guid"] for d in coded] == [harbor.discount("Welcome 10%").guid]
    assert len(coded[0]["applicableChecks"]) == 1
    assert client.post(url, json={"order": order, "promoCode": "NOPE"}, headers=headers).json == []


def test_config_lists_the_promo_codes_that_unlock_a_discount(client, headers, harbor):
    discounts = client.get("/config/v2/discounts", headers=headers).json
    welcome = next(d for d in discounts if d["guid"] == harbor.discount("Welcome 10%").guid)
    assert [(p["code"], p["usageType"]) for p in welcome["promoCodes"]] == [("WELCOME10", "SINGLE_USE_PHONE")]


# The platform's messages (TOAST-PLATFORM.md section 3) -----------------------------------------------------------

def test_platform_messages_for_missing_guest_and_address_fields(client, headers, harbor):
    body = harbor.order(harbor.selection("Iced Tea"), dining="Delivery", customer={"firstName": "Ada",
                                                                                    "lastName": "Park",
                                                                                    "email": "a@b.co"})
    body["deliveryInfo"] = {"city": "Boston", "state": "MA", "zipCode": "02110"}
    error = assert_toast_error(_post(client, headers, body), 400)
    assert error["message"] == "Customer phone cannot be empty; Address 1 for delivery address cannot be empty"
    assert [(e["fieldName"], e["message"]) for e in error["errors"]] == [
        ("checks[0].customer.phone", "Customer phone cannot be empty"),
        ("deliveryInfo.address1", "Address 1 for delivery address cannot be empty")]


def test_platform_message_for_one_missing_field_is_the_message_and_the_error(client, headers, harbor):
    body = harbor.order(harbor.selection("Iced Tea"), dining="Delivery", customer=_guest())
    body["deliveryInfo"] = {"city": "Boston", "state": "MA", "zipCode": "02110"}
    error = assert_toast_error(_post(client, headers, body), 400)
    assert error["message"] == "Address 1 for delivery address cannot be empty"
    assert [e["message"] for e in error["errors"]] == ["Address 1 for delivery address cannot be empty"]
