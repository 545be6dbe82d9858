"""Sales figures of the analytics reports, folded from the world's stored orders (never numbers of their own).

The definitions follow the analytics reference and the guide's "calculating net sales" page: gross sales are the
pre-discount prices of the selections that were not voided plus non-gratuity service charges; discounts are what
came off them (item and check discounts); refunds are the refunded amounts of the orders' payments; net sales are
gross less discounts and refunds. Voided orders count only in the void figures. Taxes, tips and gratuity are never
sales."""

from decimal import Decimal

from sandbox.toast.dates import local_time, toast_date
from sandbox.toast.orders.models import ZERO, money

HUNDREDTH = Decimal("0.01")


def check_figures(check):
    """(gross, discount, gratuity, tips, refunds) of one check, as Decimals."""
    live = [s for s in check.selections if not s.voided]
    charges = sum((c.charge_amount for c in check.service_charges if not c.gratuity), ZERO)
    gratuity = sum((c.charge_amount for c in check.service_charges if c.gratuity), ZERO)
    gross = sum((s.pre_discount_price for s in live), ZERO) + charges
    net_before_refunds = check.amount - gratuity          # amount: after every discount, with every charge
    payments = [p for p in check.payments if p.void_date is None]
    tips = sum((p.tip_amount or ZERO for p in payments), ZERO)
    refunds = sum((p.refund_amount or ZERO for p in payments), ZERO)
    return gross, gross - net_before_refunds, gratuity, tips, refunds


def voided_amount(order):
    """What a voided order's selections were worth before it was voided."""
    return sum((s.pre_discount_price for c in order.checks for s in c.selections), ZERO)


CHUNK = 200     # orders folded between two pauses (see Gathering)


def orders_in(book, restaurant, days, pause):
    """The restaurant's orders of the given business dates, in date and creation order; `pause()` runs every CHUNK
    orders, between two orders (never in the middle of one)."""
    count = 0
    for day in days:
        for guid in book.on_business_date(restaurant.guid, day):
            order = book.orders.get(guid)
            if order is not None:
                yield order
            count += 1
            if count % CHUNK == 0:
                pause()


class Totals:
    """Running sums of the aggregated sales metrics for one row."""

    __slots__ = ("orders", "voided", "discounted", "open", "closed", "guests", "gross", "discount", "refund",
                 "void_amount")

    def __init__(self):
        self.orders = self.voided = self.discounted = self.open = self.closed = self.guests = 0
        self.gross = self.discount = self.refund = self.void_amount = ZERO

    def add(self, order, now):
        if order.voided:
            self.voided += 1
            self.void_amount += voided_amount(order)
            return
        self.orders += 1
        self.guests += order.number_of_guests or 0
        discount_before = self.discount
        for check in order.checks:
            gross, discount, _, _, refunds = check_figures(check)
            self.gross += gross
            self.discount += discount
            self.refund += refunds
        self.discounted += self.discount > discount_before
        paid = all(c.payment_status(now, order.closeout_at) != "OPEN" for c in order.checks)
        self.closed += paid
        self.open += not paid

    def to_dict(self):
        net = self.gross - self.discount - self.refund
        average = (net / self.orders).quantize(HUNDREDTH) if self.orders else ZERO
        return {"guestCount": self.guests, "ordersCount": self.orders, "voidOrdersCount": self.voided,
                "discountOrderCount": self.discounted, "openOrderCount": self.open,
                "closedOrderCount": self.closed, "netSalesAmount": money(net), "grossSalesAmount": money(self.gross),
                "discountAmount": money(self.discount), "voidOrdersAmount": money(self.void_amount),
                "refundAmount": money(self.refund), "avgOrderValue": money(average)}


GROUPINGS = {
    "REVENUE_CENTER": ("revenueCenter", lambda order, catalog: _name(catalog.revenue_centers,
                                                                      order.revenue_center_guid)),
    "DINING_OPTION": ("diningOption", lambda order, catalog: _name(catalog.dining_options, order.dining_option_guid)),
    "ORDER_SOURCE": ("orderSource", lambda order, catalog: order.source),
}


def _name(entities, guid):
    entity = entities.get(guid) if guid else None
    return entity.name if entity is not None else None


def metrics_rows(state, restaurants, days, now, pause, by_hour=False, group_by=(), whole_range=False):
    """Aggregated sales rows: per restaurant and business date (or the whole range), and per hour or grouping."""
    rows = []
    for restaurant in restaurants:
        catalog = state.catalogs[restaurant.guid]
        buckets = {}
        for order in orders_in(state.orders, restaurant, days, pause):
            key = (days[0] if whole_range else order.business_date,
                   local_time(order.opened, restaurant).hour if by_hour else None,
                   tuple(GROUPINGS[g][1](order, catalog) for g in group_by))
            buckets.setdefault(key, Totals()).add(order, now)
        for (day, hour, groups), totals in sorted(buckets.items(), key=lambda kv: repr(kv[0])):
            row = {"restaurantGuid": restaurant.guid, "businessDate": str(day), **totals.to_dict()}
            if by_hour:
                row["businessHour"] = str(hour)
            for grouping, value in zip(group_by, groups):
                row[GROUPINGS[grouping][0]] = value
            rows.append(row)
    return rows


def check_rows(state, restaurants, days, now, pause, server_name):
    """One row per check of the given business dates; `server_name(restaurant_guid, guid)` names the server."""
    rows = []
    for restaurant in restaurants:
        catalog = state.catalogs[restaurant.guid]
        for order in orders_in(state.orders, restaurant, days, pause):
            for check in order.checks:
                _, discount, gratuity, tips, refunds = check_figures(check)
                rows.append({
                    "restaurantGuid": restaurant.guid, "orderGuid": order.guid, "checkGuid": check.guid,
                    "orderNumber": _number(order.display_number), "checkNumber": _number(check.display_number),
                    "orderOpenDate": str(order.business_date), "checkPaidDateTime": toast_date(check.paid_date),
                    "checkModifiedDateTime": toast_date(check.modified or check.created),
                    "checkStatus": check.payment_status(now, order.closeout_at), "checkVoidedStatus": check.voided,
                    "diningOption": _name(catalog.dining_options, order.dining_option_guid),
                    "revenueCenter": _name(catalog.revenue_centers, order.revenue_center_guid),
                    "serverName": server_name(restaurant.guid, order.server_guid),
                    "checkTotalAmount": money(check.total_amount), "checkDiscountAmount": money(discount),
                    "checkTaxAmount": money(check.tax_amount), "checkTipAmount": money(tips),
                    "checkGratuityAmount": money(gratuity), "checkRefundAmount": money(refunds)})
    return rows


def _number(text):
    return int(text) if text and text.isdigit() else None
