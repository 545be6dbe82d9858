"""Every price field of Check, Selection, modifier Selection, AppliedDiscount, AppliedServiceCharge, AppliedTaxRate and
Payment, each pinned against its description in the orders spec (reference/toast-specs/toast-orders-openapi.yaml).
The Order itself carries no amount: its checks do.

One worked check at Harbor Downtown (Boston: 6.25 % state + 0.75 % meals tax, rounded half up per line):
- 2 x Harbor Burger 17.00 with Sweet Potato Fries +1.50 and Bacon +2.00 = 41.00, Happy Hour 20 % off -> 32.80;
- 1 x Clam Chowder 8.50;
- $5 Off Check shared over 41.30 in proportion: 3.97 and 1.03 -> prices 28.83 and 7.47 (36.30);
- Large Party Gratuity 18 % of the pre-discount 49.50 = 8.91 (not taxable);
- tax 1.80 + 0.22 + 0.47 + 0.06 = 2.55; amount 45.21; total 47.76.
"""

import pytest

from tests.published import assert_published

ORDERS = "/orders/v2/orders"


@pytest.fixture
def worked(client, headers, harbor):
    twenty = {"discount": {"guid": harbor.discount("Happy Hour 20%").guid}}
    burger = harbor.selection("Harbor Burger", 2, ["Medium", "Sweet Potato Fries", "Bacon"],
                              appliedDiscounts=[twenty])
    body = harbor.order(burger, harbor.selection("Clam Chowder"),
                        appliedDiscounts=[{"discount": {"guid": harbor.discount("$5 Off Check").guid}}],
                        appliedServiceCharges=[{"serviceCharge": {"guid": harbor.charge("Large Party Gratuity").guid}}],
                        payments=[harbor.payment(40.00, 5.00, "CREDIT"),
                                  dict(harbor.payment(7.76), amountTendered=10.00)])
    response = client.post(ORDERS, json=body, headers=headers)
    assert response.status_code == 200, response.json
    assert_published("toast-orders-openapi.yaml", "POST", ORDERS, 200, response.json)
    quoted = client.post("/orders/v2/prices", json=body, headers=headers).json
    assert quoted["checks"][0]["totalAmount"] == response.json["checks"][0]["totalAmount"]
    return response.json["checks"][0]


def test_check_amounts(worked):
    # Check.amount: "including discounts and service charges ... does not include gratuity or taxes" (the gratuity
    # meant is the tip; a gratuity service charge is a service charge). taxAmount: "service charge and item level
    # taxes". totalAmount: "including discounts and taxes".
    assert (worked["amount"], worked["taxAmount"], worked["totalAmount"]) == (45.21, 2.55, 47.76)


def test_selection_prices(worked):
    burger, chowder = worked["selections"]
    # preDiscountPrice: "Gross sale price for this selection. Excludes tax." (quantity and modifiers in).
    assert (burger["preDiscountPrice"], chowder["preDiscountPrice"]) == (41.00, 8.50)
    # price: "after considering discounts (including discounts at the check level), quantity adjustments, and
    # modifier prices"; so the selections add up to the check before service charges.
    assert (burger["price"], chowder["price"]) == (28.83, 7.47)
    assert round(burger["price"] + chowder["price"], 2) == round(worked["amount"] - 8.91, 2)
    # tax: "The total tax amount for this selection", the sum of its appliedTaxes.
    assert (burger["tax"], chowder["tax"]) == (2.02, 0.53)
    assert sorted(t["taxAmount"] for t in burger["appliedTaxes"]) == [0.22, 1.80]
    assert {t["rate"] for t in burger["appliedTaxes"]} == {0.0625, 0.0075}
    # receiptLinePrice: "without any quantity, taxes, discounts, and modifier adjustments": one burger.
    assert (burger["receiptLinePrice"], chowder["receiptLinePrice"]) == (17.00, 8.50)


def test_modifier_prices(worked):
    fries, bacon = (m for m in worked["selections"][0]["modifiers"] if m["displayName"] != "Medium")
    # A modifier is a Selection: its price counts the parent's quantity; its receiptLinePrice is one of it.
    assert (fries["preDiscountPrice"], fries["price"], fries["receiptLinePrice"]) == (3.00, 3.00, 1.50)
    assert (bacon["preDiscountPrice"], bacon["price"], bacon["receiptLinePrice"]) == (4.00, 4.00, 2.00)
    assert fries["tax"] == 0.0 and fries["optionGroupPricingMode"] == "ADJUSTS_PRICE"


def test_discount_and_service_charge_amounts(worked):
    # AppliedDiscount.discountAmount: what the discount took off; processingState is for loyalty rewards only.
    item_discount = worked["selections"][0]["appliedDiscounts"][0]
    check_discount = worked["appliedDiscounts"][0]
    assert (item_discount["discountAmount"], check_discount["discountAmount"]) == (8.20, 5.00)
    assert item_discount["processingState"] is None and check_discount["processingState"] is None
    assert item_discount["discountType"] == "PERCENT" and item_discount["discountPercent"] == 20.0
    # AppliedServiceCharge.chargeAmount: the charge before tax.
    charge = worked["appliedServiceCharges"][0]
    assert charge["chargeAmount"] == 8.91 and charge["gratuity"] is True and charge["appliedTaxes"] == []


def test_payment_amounts(worked):
    card, other = worked["payments"]
    # Payment.amount: "excluding tips"; tipAmount apart; amountTendered: "does not include the tip".
    assert (card["amount"], card["tipAmount"], card["amountTendered"]) == (40.00, 5.00, None)
    assert (other["amount"], other["tipAmount"], other["amountTendered"]) == (7.76, 0.0, 10.00)
    # originalProcessingFee: "Populated after the payment is captured" (no processor here: null).
    assert card["originalProcessingFee"] is None and card["refund"] is None and card["refundStatus"] == "NONE"
    assert worked["paymentStatus"] == "PAID"             # the card tip can still be adjusted


@pytest.mark.pos_sandbox(history_days=3)
def test_refunds_leave_the_check_total_alone(client, headers):
    """Check.totalAmount: "Not affected by refunds"; Refund.refundAmount is the amount given back."""
    refunded = []
    for day in ("20261030", "20261031", "20261101"):
        for order in client.get("/orders/v2/ordersBulk", query_string={"businessDate": day, "pageSize": 100},
                                headers=headers).json:
            refunded += [(c, p) for c in order["checks"] for p in c["payments"] if p["refund"]]
    assert refunded
    for check, payment in refunded:
        paid = round(sum(p["amount"] for p in check["payments"]), 2)
        assert paid == check["totalAmount"]
        assert 0 < payment["refund"]["refundAmount"] <= payment["amount"]
        assert payment["refundStatus"] == ("FULL" if payment["refund"]["refundAmount"] == payment["amount"]
                                           else "PARTIAL")
