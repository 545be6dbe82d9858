"""A restaurant's cash drawer over one business date, derived at read time from the orders and a seeded routine.

Nothing here is stored: the day's cash payments, card tips and deliveries come from the order book, and the drawer
routine (no-sale opens, pay-outs, change runs to the safe, the count's difference) from a random source seeded by
the drawer's GUID (seeded with the world, kept in its exports) and the date, so the same world always tells the same
story, after an export and import too, and an order added through the API shows up in the day's tip-outs and deposit.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sandbox.toast.dates import closeout, toast_date

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DRIVER_RATE = Decimal("2.00")          # cash paid to a driver per delivery (mileage)
CHANGE_RUN = Decimal("50.00")          # small bills fetched from the safe, large bills taken back
# The count at close: exact most days, sometimes short or over by a little.
CLOSE_OUT_REASONS = {"CLOSE_OUT_EXACT": "Close out balance matches expected balance",
                     "CLOSE_OUT_SHORTAGE": "Close out balance is short",
                     "CLOSE_OUT_OVERAGE": "Close out balance is over"}


@dataclass
class Entry:
    guid: str
    type: str
    amount: Decimal
    when: float
    reason: str
    drawer: str = None
    employee: str = None                 # employee1: who handled the cash
    other: str = None                    # employee2: who received it (tip-outs)
    approver: str = None
    payout_reason: str = None
    no_sale_reason: str = None
    undoes: str = None

    def to_dict(self):
        return {"guid": self.guid, "entityType": "CashEntry", "amount": float(self.amount), "reason": self.reason,
                "date": toast_date(self.when), "type": self.type, "cashDrawer": _ref(self.drawer, "CashDrawer"),
                "payoutReason": _ref(self.payout_reason, "PayoutReason"),
                "noSaleReason": _ref(self.no_sale_reason, "NoSaleReason"), "undoes": self.undoes,
                "employee1": _employee(self.employee), "employee2": _employee(self.other),
                "creatorOrShiftReviewSubject": _ref(self.employee, "RestaurantUser"),
                "approverOrShiftReviewSubject": _ref(self.approver, "RestaurantUser")}


@dataclass
class DrawerDay:
    """What one business date did to the drawer: entries so far and, once the day closed out, its deposits."""

    entries: list = field(default_factory=list)
    deposits: list = field(default_factory=list)


def _ref(guid, entity_type):
    return None if guid is None else {"guid": guid, "entityType": entity_type}


def _employee(guid):
    return None if guid is None else {"guid": guid, "entityType": "RestaurantUser", "externalId": None}


def staff_guids(state, restaurant_guid):
    """The restaurant's employee GUIDs in seeding order; `employees` holds records with a `guid`, or is keyed by GUID
    (iterating a mapping gives its keys)."""
    return [e if isinstance(e, str) else e["guid"] for e in state.employees.get(restaurant_guid, ())]


def _cents(value):
    return Decimal(value).quantize(CENT)


class _Day:
    """Builds one DrawerDay; `now` hides what has not happened yet."""

    def __init__(self, state, restaurant, day):
        self.restaurant = restaurant
        self.day = day
        self.catalog = state.catalogs[restaurant.guid]
        self.drawer = self.catalog.cash_drawer()           # the front drawer: the routine and tip-outs use it
        self.rng = random.Random(f"cash:{self.drawer}:{day}")
        self.namespace = uuid.UUID(restaurant.guid)
        self.book = state.orders
        staff = staff_guids(state, restaurant.guid)
        self.manager = staff[0] if staff else None
        self.orders = [self.book.orders[g] for g in self.book.on_business_date(restaurant.guid, day)]
        self.payments = [p for guid in self.book.payment_guids(restaurant.guid, "paid", day)
                         for p in self._payment(guid) if p.status != "VOIDED"]
        self.servers = list(dict.fromkeys(o.server_guid for o in self.orders if o.server_guid))
        self.entries = []

    def _payment(self, guid):
        order = self.book.orders[self.book.payments[guid]]
        return [p for p in order.payments if p.guid == guid]

    def _guid(self, *parts):
        return str(uuid.uuid5(self.namespace, ":".join(str(p) for p in ("cash", self.drawer, self.day, *parts))))

    def _local(self, hour, minute=0):
        date = datetime.strptime(str(self.day), "%Y%m%d").date()
        return datetime.combine(date, time(hour, minute), ZoneInfo(self.restaurant.time_zone)).timestamp()

    def _add(self, kind, amount, when, reason, drawer=None, **refs):
        entry = Entry(self._guid(kind, len(self.entries)), kind, _cents(amount), when, reason, drawer or self.drawer,
                      **refs)
        self.entries.append(entry)
        return entry

    def routine(self):
        """The seeded activity of the day's service: no-sale opens, pay-outs (a few undone), a change run."""
        opens, closes = self._local(11), self._local(22)
        staff = self.servers or [self.manager]
        no_sales = self.catalog.named["noSaleReasons"]
        for reason in self.rng.sample(list(no_sales), self.rng.randint(0, 2)):
            self._add("NO_SALE", ZERO, self.rng.uniform(opens, closes), no_sales[reason].name,
                      employee=self.rng.choice(staff), no_sale_reason=reason)
        reasons = list(self.catalog.named["payoutReasons"])
        for _ in range(self.rng.choice((0, 1, 1, 2)) if reasons else 0):
            reason = self.rng.choice(reasons)
            paid = self._add("PAY_OUT", -_cents(self.rng.uniform(5, 30)), self.rng.uniform(opens, closes),
                             self.catalog.named["payoutReasons"][reason].name, employee=self.manager,
                             payout_reason=reason)
            if self.rng.random() < 0.1:
                self._add("UNDO_PAY_OUT", -paid.amount, paid.when + 600, "Pay out entered twice",
                          employee=self.manager, payout_reason=reason, undoes=paid.guid)
        if self.rng.random() < 0.25:
            fetched = self.rng.uniform(opens, closes - 3600)
            self._add("CASH_IN", CHANGE_RUN, fetched, "Small bills from the safe", employee=self.manager)
            self._add("CASH_OUT", -CHANGE_RUN, fetched + 3600, "Large bills back to the safe", employee=self.manager)

    def end_of_day(self, when, tips_in_cash):
        """Tip-outs of card tips (unless payroll pays them), driver mileage, the count and the deposit, once every
        check is closed."""
        tips, deliveries = {}, {}
        order_of = {o.guid: o for o in self.orders}
        for payment in self.payments:
            order = order_of.get(payment.order_guid) or self.book.orders[payment.order_guid]
            if tips_in_cash and payment.tip_amount and order.server_guid:
                tips[order.server_guid] = tips.get(order.server_guid, ZERO) + payment.tip_amount
        for order in self.orders:
            info = order.delivery_info
            if info and info.delivery_state == "DELIVERED" and info.employee_guid and not order.voided:
                deliveries[info.employee_guid] = deliveries.get(info.employee_guid, 0) + 1
        balance = self.expected(self.drawer)
        owed = sum(tips.values(), ZERO) + DRIVER_RATE * sum(deliveries.values())
        if owed > balance:       # not enough cash in the drawer for the tip-outs: the manager brings the rest
            self._add("CASH_IN", owed - balance, when - 60, "Cash from the safe for tip-outs", employee=self.manager)
        for server, amount in tips.items():
            self._add("TIP_OUT", -amount, when, "Card tips", employee=server, other=server, approver=self.manager)
        for driver, count in deliveries.items():
            self._add("DRIVER_REIMBURSEMENT", -DRIVER_RATE * count, when, f"Mileage for {count} deliveries",
                      employee=driver, approver=self.manager)
        counted = ZERO
        for drawer in self.catalog.named.get("cashDrawers", {}):
            if drawer == self.drawer or self.cash_taken(drawer):
                counted += self._close_out(drawer, when + 30)
        if counted > 0:
            return [{"guid": self._guid("deposit"), "entityType": "Deposit", "amount": float(counted),
                     "date": toast_date(when + 45), "undoes": None, "employee": _employee(self.manager),
                     "creator": _ref(self.manager, "RestaurantUser")}]
        return []

    def _close_out(self, drawer, when):
        """Count one drawer: exact most days, a few dollars short or over on some; returns what was counted."""
        expected = self.expected(drawer)
        roll = self.rng.random()
        difference = ZERO if roll < 0.85 else _cents(self.rng.uniform(0.25, 5)) * (-1 if roll < 0.95 else 1)
        if expected + difference <= 0:          # an empty drawer counts exactly empty
            difference = ZERO
        kind = ("CLOSE_OUT_EXACT" if difference == 0 else
                "CLOSE_OUT_SHORTAGE" if difference < 0 else "CLOSE_OUT_OVERAGE")
        self._add(kind, difference, when, CLOSE_OUT_REASONS[kind], drawer=drawer, employee=self.manager)
        return expected + difference

    def expected(self, drawer):
        """What should be in a drawer now: its cash payments and its entries (the float stays and is not counted)."""
        return self.cash_taken(drawer) + sum((e.amount for e in self.entries if e.drawer == drawer), ZERO)

    def cash_taken(self, drawer):
        """The cash the day's cash payments put in a drawer (amount and any cash tip); payments that name no drawer
        went into the front one."""
        return sum((p.amount + p.tip_amount for p in self.payments
                    if p.type == "CASH" and (p.cash_drawer_guid or self.drawer) == drawer), ZERO)

    def closing_time(self, day_closes):
        """When the drawer is counted: a quarter of an hour after the last payment, not before 23:30 local, before the
        business date closes out."""
        last = max((p.paid_date for p in self.payments), default=0)
        return min(max(self._local(23, 30), last + 900), day_closes - 60)


def drawer_day(state, restaurant, day, now, tips_in_cash=True):
    """The DrawerDay of `restaurant` on business date `day` as seen at `now` (epoch seconds); `tips_in_cash` False
    when payroll pays the servers' card tips (no tip-outs)."""
    built = _Day(state, restaurant, day)
    if not built.orders and not built.payments:
        return DrawerDay()
    built.routine()
    deposits = []
    day_closes = closeout(day, restaurant)
    if now >= day_closes:
        deposits = built.end_of_day(built.closing_time(day_closes), tips_in_cash)
    entries = sorted((e for e in built.entries if e.when <= now), key=lambda e: (e.when, e.guid))
    return DrawerDay(entries, deposits)
