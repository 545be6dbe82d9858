"""POST /orders and POST /prices: server-set fields, menu references, guest rules and worked pricing examples."""

import pytest

from helpers import HARBOR_DOWNTOWN, assert_toast_error

ORDERS = "/orders/v2/orders"
PRICES = "/orders/v2/prices"


def _post(client, headers, body, path=ORDERS):
    return client.post(path, json=body, headers=headers)


def _check(response):
    assert response.status_code == 200, response.json
    return response.json["checks"][0]


def test_created_order_is_a_bare_order_with_server_fields(client, headers, harbor):
    body = harbor.order(harbor.selection("Clam Chowder"))
    response = _post(client, headers, body)
    assert response.status_code == 200
    order = response.json
    assert order["entityType"] == "Order" and "orders" not in order
    assert order["source"] == "API" and order["approvalStatus"] == "APPROVED"
    assert order["openedDate"] == order["createdDate"] == order["modifiedDate"] == "2026-11-02T17:30:00.000+0000"
    # 12:30 in Boston, after the 4 a.m. closeout: the business date is the same calendar day.
    assert order["businessDate"] == 20261102
    assert order["displayNumber"] and order["checks"][0]["displayNumber"] == order["displayNumber"]
    selection = order["checks"][0]["selections"][0]
    assert selection["guid"] and selection["displayName"] == "Clam Chowder"
    assert selection["itemGroup"]["guid"] == harbor.item("Clam Chowder").group_guid
    assert order["checks"][0]["paymentStatus"] == "OPEN"
    fetched = client.get(f"{ORDERS}/{order['guid']}", headers=headers)
    assert fetched.status_code == 200 and fetched.json == order


def test_display_numbers_count_up_within_the_business_day(client, headers, harbor):
    first = _post(client, headers, harbor.order(harbor.selection("Iced Tea"))).json["displayNumber"]
    second = _post(client, headers, harbor.order(harbor.selection("Iced Tea"))).json["displayNumber"]
    assert int(second) == int(first) + 1


# Worked examples: Boston taxes are 6.25 % + 0.75 %, each rounded half up per selection and tax line.
def test_price_with_modifiers_and_quantity(client, headers, harbor):
    # 2 x (Harbor Burger 17.00 + Bacon 2.00) = 38.00; tax 2.375 -> 2.38 and 0.285 -> 0.29.
    burger = harbor.selection("Harbor Burger", 2, ["Medium", "Fries", "Bacon"])
    check = _check(_post(client, headers, harbor.order(burger)))
    selection = check["selections"][0]
    assert selection["preDiscountPrice"] == 38.00 and selection["price"] == 38.00
    # The spec's Selection.receiptLinePrice: one unit of the item, without quantity or modifiers.
    assert selection["receiptLinePrice"] == 17.00
    assert sorted(t["taxAmount"] for t in selection["appliedTaxes"]) == [0.29, 2.38]
    assert (check["amount"], check["taxAmount"], check["totalAmount"]) == (38.00, 2.67, 40.67)


def test_check_level_fixed_discount_is_shared_for_tax(client, headers, harbor):
    # 8.50 + 21.00 = 29.50, $5 off -> 24.50. Shares 1.44 / 3.56, taxable 7.06 / 17.44:
    # 0.44 + 0.05 + 1.09 + 0.13 = 1.71 tax.
    body = harbor.order(harbor.selection("Clam Chowder"), harbor.selection("Fish and Chips"),
                        appliedDiscounts=[{"discount": {"guid": harbor.discount("$5 Off Check").guid}}])
    check = _check(_post(client, headers, body))
    assert check["appliedDiscounts"][0]["discountAmount"] == 5.00
    assert (check["amount"], check["taxAmount"], check["totalAmount"]) == (24.50, 1.71, 26.21)
    assert sum(s["tax"] for s in check["selections"]) == pytest.approx(1.71)


def test_item_level_percent_discount(client, headers, harbor):
    # Lobster Roll 29.00 + Sweet Potato Fries 1.50 = 30.50; 20 % off = 6.10 -> 24.40;
    # tax 1.525 -> 1.53 and 0.183 -> 0.18.
    roll = harbor.selection("Lobster Roll", 1, ["Sweet Potato Fries"],
                            appliedDiscounts=[{"discount": {"guid": harbor.discount("Happy Hour 20%").guid}}])
    check = _check(_post(client, headers, harbor.order(roll)))
    selection = check["selections"][0]
    assert selection["appliedDiscounts"][0]["discountAmount"] == 6.10
    assert (selection["preDiscountPrice"], selection["price"], selection["tax"]) == (30.50, 24.40, 1.71)
    assert (check["amount"], check["taxAmount"], check["totalAmount"]) == (24.40, 1.71, 26.11)


def test_taxable_fixed_service_charge_on_delivery(client, headers, harbor):
    # Iced Tea 3.50 + Delivery Fee 4.99 = 8.49; tax 0.22 + 0.03 on the tea, 0.31 + 0.04 on the fee.
    body = harbor.order_for_guest(harbor.selection("Iced Tea"), dining="Delivery")
    body["checks"][0]["appliedServiceCharges"] = [{"serviceCharge": {"guid": harbor.charge("Delivery Fee").guid}}]
    order = _post(client, headers, body).json
    check = order["checks"][0]
    assert check["appliedServiceCharges"][0]["chargeAmount"] == 4.99
    assert check["appliedServiceCharges"][0]["delivery"] is True
    assert (check["amount"], check["taxAmount"], check["totalAmount"]) == (8.49, 0.60, 9.09)
    assert order["deliveryInfo"]["deliveryState"] == "PENDING"


def test_percent_service_charge_and_single_tax(client, mesa_headers, mesa):
    # Taco Plate 14.00 + Carne Asada 2.00 + Guacamole 2.50 = 18.50; 8.625 % -> 1.595625 -> 1.60;
    # SF Health Mandate 4 % of 18.50 = 0.74, not taxed.
    body = mesa.order(mesa.selection("Taco Plate", 1, ["Carne Asada", "Guacamole"]))
    body["checks"][0]["appliedServiceCharges"] = [{"serviceCharge": {"guid": mesa.charge("SF Health Mandate").guid}}]
    check = _check(_post(client, mesa_headers, body))
    assert check["appliedServiceCharges"][0]["chargeAmount"] == 0.74
    assert (check["amount"], check["taxAmount"], check["totalAmount"]) == (19.24, 1.60, 20.84)


def test_item_by_multi_location_id(client, headers, harbor):
    item = harbor.item("Grilled Salmon")
    body = harbor.order({"item": {"multiLocationId": item.multi_location_id}, "quantity": 1,
                         "modifiers": [harbor.modifier("Side Salad")]})
    assert _check(_post(client, headers, body))["selections"][0]["item"]["guid"] == item.guid


def test_prices_returns_the_same_numbers_and_stores_nothing(client, headers, harbor, world):
    body = harbor.order(harbor.selection("Harbor Burger", 2, ["Medium", "Fries", "Bacon"]))
    before = len(world.state["toast"].orders.orders)
    quoted = _post(client, headers, body, PRICES)
    assert quoted.status_code == 200
    assert quoted.json["guid"] is None and quoted.json["checks"][0]["guid"] is None
    assert quoted.json["checks"][0]["totalAmount"] == 40.67
    assert len(world.state["toast"].orders.orders) == before
    created = _post(client, headers, body).json
    assert created["checks"][0]["totalAmount"] == 40.67
    assert len(world.state["toast"].orders.orders) == before + 1


def test_future_orders_wait(client, headers, harbor):
    body = harbor.order_for_guest(harbor.selection("Clam Chowder"), promisedDate="2026-11-03T23:00:00.000+0000")
    order = _post(client, headers, body).json
    assert order["approvalStatus"] == "FUTURE"
    assert order["businessDate"] == 20261103
    assert order["promisedDate"] == order["estimatedFulfillmentDate"] == "2026-11-03T23:00:00.000+0000"


@pytest.mark.parametrize("customer, message, field", [
    (None, "Customer first name cannot be empty", "checks[0].customer.firstName"),
    ({"firstName": " ", "phone": "6175550100"}, "Customer first name cannot be empty",
     "checks[0].customer.firstName"),
    ({"firstName": "Ada", "phone": None}, "Customer phone cannot be empty", "checks[0].customer.phone"),
    ({"firstName": "Ada"}, "Customer phone cannot be empty", "checks[0].customer.phone"),
])
def test_take_out_needs_a_guest(client, headers, harbor, customer, message, field):
    """The platform's own sentences (TOAST-PLATFORM.md section 3), also when the field is left out altogether."""
    body = harbor.order(harbor.selection("Iced Tea"), dining="Take Out")
    if customer is not None:
        body["checks"][0]["customer"] = {"lastName": "Park", "email": "a@b.co", **customer}
    error = assert_toast_error(_post(client, headers, body), 400, message)
    assert error["fieldName"] == field


def test_delivery_needs_an_address(client, headers, harbor):
    body = harbor.order_for_guest(harbor.selection("Iced Tea"), dining="Delivery")
    body["deliveryInfo"]["address1"] = ""
    assert_toast_error(_post(client, headers, body), 400, "Address 1 for delivery address cannot be empty")
    del body["deliveryInfo"]
    assert_toast_error(_post(client, headers, body), 400, "Address 1 for delivery address cannot be empty")


def test_reference_rules(client, headers, harbor):
    salmon = harbor.item("Grilled Salmon")
    chowder = harbor.item("Clam Chowder")
    cases = [
        ({"item": {"entityType": "MenuItem"}, "quantity": 1},
         "Referenced entity (type=MenuItem) must contain either a GUID or MultiLocationId"),
        ({"item": {"guid": "nope"}, "quantity": 1}, "The GUID was malformed"),
        ({"item": {"guid": chowder.guid}, "itemGroup": {"guid": salmon.group_guid}, "quantity": 1},
         f"Item ({chowder.guid}) does not belong to the group ({salmon.group_guid})"),
        ({"item": {"guid": chowder.guid}, "quantity": 0}, "Selection quantity must be greater than 0"),
        ({"item": {"guid": salmon.guid}, "quantity": 1, "modifiers": [harbor.modifier("Bacon")]},
         "is not an option of group"),
        ({"item": {"guid": salmon.guid}, "quantity": 1}, "needs between 1 and 1 selections"),
        ({"item": {"guid": chowder.guid}, "quantity": 1, "appliedDiscounts": [{"discount": {"name": "x"}}]},
         "Referenced entity (type=Discount) must contain a GUID"),
        ({"item": {"guid": chowder.guid}, "quantity": 1,
          "appliedDiscounts": [{"discount": {"guid": harbor.discount("$5 Off Check").guid}}]},
         "applies to checks, not to a item"),
    ]
    for selection, message in cases:
        assert_toast_error(_post(client, headers, harbor.order(selection)), 400, message)


def test_unknown_dining_option_and_empty_checks(client, headers, harbor):
    body = harbor.order(harbor.selection("Iced Tea"))
    body["diningOption"] = {"guid": "00000000-0000-4000-8000-000000000000"}
    assert_toast_error(_post(client, headers, body), 404, "type=DiningOption")
    body = harbor.order(harbor.selection("Iced Tea"))
    body["checks"] = []
    assert_toast_error(_post(client, headers, body), 400, "checks: [] has less than 1 item")


def test_too_many_checks_is_413(client, headers, harbor):
    body = harbor.order(harbor.selection("Iced Tea"))
    body["checks"] = body["checks"] * 31
    assert_toast_error(_post(client, headers, body), 413, "at most 30 checks")


def test_schema_errors_name_the_nested_field(client, headers, harbor):
    body = harbor.order(harbor.selection("Iced Tea"), harbor.selection("Lemonade"))
    body["checks"][0]["selections"][1]["quantity"] = "two"
    error = assert_toast_error(_post(client, headers, body), 400)
    assert error["fieldName"] == "checks[0].selections[1].quantity"


def test_payments_in_the_order_body(client, headers, harbor):
    body = harbor.order(harbor.selection("Clam Chowder"))
    body["checks"][0]["payments"] = [{"type": "OTHER", "amount": 9.10, "tipAmount": 1.00,
                                      "otherPayment": {"guid": next(iter(harbor.catalog.named[
                                          "alternatePaymentTypes"]))}}]
    check = _check(_post(client, headers, body))
    # 8.50 + 0.53 + 0.06 = 9.09: the 9.10 payment covers it; nothing is left due and no card tip waits, so the
    # check is CLOSED (the spec's Check.paymentStatus).
    assert check["totalAmount"] == 9.09
    assert check["paymentStatus"] == "CLOSED" and check["payments"][0]["otherPayment"] is not None
    # The spec's Payment.type: only OTHER and CREDIT may be posted; cash is an OTHER payment option.
    body["checks"][0]["payments"][0]["type"] = "CASH"
    assert_toast_error(_post(client, headers, body), 400, "Payments of type CASH cannot be added")


def test_get_order_rules(client, headers, harbor, mesa_headers):
    assert_toast_error(client.get(f"{ORDERS}/not-a-guid", headers=headers), 400, "The GUID was malformed")
    assert_toast_error(client.get(f"{ORDERS}/00000000-0000-4000-8000-000000000000", headers=headers), 404,
                       "The specified order was not found")
    order = _post(client, headers, harbor.order(harbor.selection("Iced Tea"))).json
    # Another restaurant's order is not found from here.
    assert_toast_error(client.get(f"{ORDERS}/{order['guid']}", headers=mesa_headers), 404)
    assert client.get(f"{ORDERS}/{order['guid'].upper()}", headers=headers).status_code == 200
    assert HARBOR_DOWNTOWN in headers.values()
