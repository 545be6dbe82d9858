"""What a time entry's employee brought in, read from the stored orders: sales, tips and gratuity in its window."""

from decimal import Decimal

from sandbox.toast.dates import business_date
from sandbox.toast.labor.models import Takings

_QUARTER_DAY = 21600


def served_orders(book, restaurant, employee_guid, start, end):
    """Orders the employee served (is the server of) opened in [start, end), voided ones left out."""
    days = {business_date(moment, restaurant) for moment in range(int(start), int(end), _QUARTER_DAY)}
    days.add(business_date(end, restaurant))
    by_day = book.by_business_date.get(restaurant.guid, {})
    found = []
    for day in sorted(days):
        for guid in by_day.get(day, ()):
            order = book.orders[guid]
            if order.server_guid == employee_guid and start <= order.opened < end and not order.voided:
                found.append(order)
    return found


def tally(book, restaurant, employee_guid, start, end):
    """Takings of the employee's orders opened in [start, end): cash and non-cash payment amounts and tips, and
    gratuity service charges on checks paid in cash or otherwise."""
    takings = Takings()
    for order in served_orders(book, restaurant, employee_guid, start, end):
        for check in order.checks:
            cash_only = bool(check.payments) and all(p.type == "CASH" for p in check.payments)
            gratuity = sum((c.charge_amount for c in check.service_charges if c.gratuity), Decimal("0.00"))
            if cash_only:
                takings.cash_gratuity += gratuity
            else:
                takings.non_cash_gratuity += gratuity
            for payment in check.payments:
                if payment.type == "CASH":
                    takings.cash_sales += payment.amount
                    takings.declared_cash_tips += payment.tip_amount
                else:
                    takings.non_cash_sales += payment.amount
                    takings.non_cash_tips += payment.tip_amount
    return takings


def entry_takings(book, restaurant, entry, now):
    """Fixed takings of a closed entry; an open one's are read live from the orders up to now (or up to its
    automatic clock-out once that has passed)."""
    if entry.takings is not None:
        return entry.takings
    return tally(book, restaurant, entry.employee_guid, entry.in_date, entry.out_at(now) or now + 1)
