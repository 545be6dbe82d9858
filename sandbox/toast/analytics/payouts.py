"""Payout and guest-card figures of the analytics reports, from the card payments of the world's stored orders.

Card (CREDIT) payments that were not voided settle `settlement_days` after their paid business date; the processing
fee is the configured percentage plus fixed amount per payment; withholding is the restaurant's tip withholding
percentage of the tips; the payout is payments less refunds, fees and withholding."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from sandbox.toast.analytics.requests import as_int
from sandbox.toast.analytics import sales
from sandbox.toast.dates import closeout, toast_date
from sandbox.toast.orders.models import ZERO, money

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_CARDS = uuid.UUID("6f1d7c1e-3b1a-4d59-9a43-8c0d2a51c0de")     # namespace of the sandbox's card fingerprints


def _as_date(day):
    return date(day // 10000, day // 100 % 100, day % 100)


class CardPayment:
    """A settled-or-settling card payment with what the payout reports need of it."""

    __slots__ = ("restaurant", "order", "check", "payment", "settled", "fee", "withheld", "gratuity")

    def __init__(self, restaurant, order, check, payment, terms, catalog):
        self.restaurant, self.order, self.check, self.payment = restaurant, order, check, payment
        self.settled = as_int(_as_date(payment.paid_business_date) + timedelta(days=terms.settlement_days))
        self.fee = (payment.amount * terms.fee_percent / HUNDRED + terms.fee_fixed).quantize(CENT)
        self.withheld = ((payment.tip_amount or ZERO) * catalog.tip_withholding_percentage / HUNDRED).quantize(CENT)
        _, _, gratuity, _, _ = sales.check_figures(check)
        paid = check.paid_total
        self.gratuity = (gratuity * payment.amount / paid).quantize(CENT) if paid else ZERO

    @property
    def total(self):
        return self.payment.amount + (self.payment.tip_amount or ZERO)

    @property
    def refund(self):
        return self.payment.refund_amount or ZERO


class Terms:
    """The processing terms of payouts (from the sandbox's settings)."""

    def __init__(self, config):
        self.settlement_days = config.analytics_settlement_days
        self.fee_percent = Decimal(str(config.analytics_card_fee_percent))
        self.fee_fixed = Decimal(str(config.analytics_card_fee_fixed))


def paid_days(days, offset):
    """The paid business dates whose payments fall on `days` once shifted `offset` days (settlement)."""
    return [as_int(_as_date(day) - timedelta(days=offset)) for day in days]


def card_payments(state, restaurants, terms, paid_days, pause):
    """Every non-voided card payment of the restaurants paid on one of `paid_days` (yyyyMMdd integers)."""
    book = state.orders
    count = 0
    for restaurant in restaurants:
        catalog = state.catalogs[restaurant.guid]
        for day in sorted(set(paid_days)):
            for guid in book.payment_guids(restaurant.guid, "paid", day):
                count += 1
                if count % sales.CHUNK == 0:
                    pause()
                order = book.orders[book.payments[guid]]
                for check in order.checks:
                    for payment in check.payments:
                        if payment.guid == guid and payment.type == "CREDIT" and payment.void_date is None:
                            yield CardPayment(restaurant, order, check, payment, terms, catalog)


def _location(restaurant):
    return {"restaurantGuid": restaurant.guid, "restaurantName": restaurant.name,
            "restaurantLocationName": restaurant.location_name, "restaurantLocationCode": restaurant.location_code}


def _amounts(cards):
    payments = sum((c.total for c in cards), ZERO)
    refunds = sum((c.refund for c in cards), ZERO)
    fees = sum((c.fee for c in cards), ZERO)
    withheld = sum((c.withheld for c in cards), ZERO)
    return {"transactionCount": len(cards), "paymentAmount": money(payments), "refundAmount": money(refunds),
            "totalFeeAmount": money(fees), "withholdingAmount": money(withheld),
            "payoutAmount": money(payments - refunds - fees - withheld)}


def _grouped(cards, key):
    groups = {}
    for card in cards:
        groups.setdefault((card.restaurant.guid, key(card)), []).append(card)
    return sorted(groups.items(), key=lambda kv: kv[0])


def settled_rows(cards, today):
    """One row per restaurant and settled date; PAID once the settled date has come."""
    rows = []
    for (_, settled), group in _grouped(cards, lambda c: c.settled):
        restaurant = group[0].restaurant
        sales_day = min(c.payment.paid_business_date for c in group)
        last_day = max(c.payment.paid_business_date for c in group)
        start = closeout(as_int(_as_date(sales_day) - timedelta(days=1)), restaurant)
        rows.append({**_location(restaurant), "settledDate": str(settled),
                     "salesPeriodStartDateTime": toast_date(start),
                     "salesPeriodEndDateTime": toast_date(closeout(last_day, restaurant)),
                     **_amounts(group), "payoutStatus": "PAID" if settled <= today else "PENDING"})
    return rows


def sales_date_rows(cards):
    """One row per restaurant and business date of the sale, with the dates its payments settle on."""
    rows = []
    for (_, day), group in _grouped(cards, lambda c: c.payment.paid_business_date):
        rows.append({**_location(group[0].restaurant), "salesDate": str(day),
                     "settledDates": sorted({str(c.settled) for c in group}), **_amounts(group)})
    return rows


def payment_rows(cards):
    """One row per card payment."""
    return [{**_location(c.restaurant), "orderGuid": c.order.guid, "checkGuid": c.check.guid,
             "paymentGuid": c.payment.guid, "settledDate": str(c.settled),
             "orderOpenDateTime": toast_date(c.order.opened), "paidDateTime": toast_date(c.payment.paid_date),
             "paymentCardBrand": c.payment.card_type, "paymentCardType": "CREDIT",
             "tipAmount": money(c.payment.tip_amount or ZERO), "gratuityAmount": money(c.gratuity),
             "paymentSubtotal": money(c.payment.amount), "paymentTotal": money(c.total)} for c in cards]


def guest_rows(cards):
    """One row per card payment with the card's stable fingerprint (brand and last four digits)."""
    return [{**_location(c.restaurant), "paymentDate": str(c.payment.paid_business_date),
             "orderGuid": c.order.guid, "paymentGuid": c.payment.guid,
             "cardFingerprint": str(uuid.uuid5(_CARDS, f"{c.payment.card_type}:{c.payment.last4}")),
             "cardLast4Digits": c.payment.last4, "cardType": c.payment.card_type,
             "paymentAccountReference": None} for c in cards]
