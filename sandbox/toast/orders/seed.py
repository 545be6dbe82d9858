"""Seeded order history: days of dine-in, take-out and delivery orders that end at the world's start instant."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sandbox.toast.dates import business_date, closeout
from sandbox.toast.orders.build import Builder, restaurant_service, stored_phone
from sandbox.toast.orders.guests import CurbsidePickup, Customer, DeliveryInfo, Loyalty
from sandbox.toast.orders.models import ZERO, Check, Order, Payment
from sandbox.toast.orders.pricing import cents, price_order

# Orders per day swing with the day of the week (Monday first).
_WEEKDAY_FACTOR = (0.7, 0.8, 0.9, 1.0, 1.3, 1.5, 1.1)
_BEHAVIOR_WEIGHTS = {"DINE_IN": 5, "TAKE_OUT": 3, "DELIVERY": 2}
_SOURCES = {"DINE_IN": "In Store", "TAKE_OUT": "Online", "DELIVERY": "Online"}
_CARDS = ("VISA", "MASTERCARD", "AMEX", "DISCOVER")
# Cars that curbside guests describe (Order.curbsidePickupInfo), and what delivery guests ask (DeliveryInfo.notes).
_CARS = (("Silver", "Honda Civic"), ("Black", "Ford F-150"), ("White", "Tesla Model 3"), ("Blue", "Subaru Outback"))
_DELIVERY_NOTES = (None, None, "Leave at the door", "Ring the bell twice", "Call on arrival")
# Alternate payment types that are delivery marketplaces: their orders carry the marketplace's order id.
_MARKETPLACES = ("DoorDash", "Uber Eats", "Caviar")


class HistoryWriter:
    """Writes one restaurant's history into the order book with the world's seeded random source; `history` is the
    fixture's section (its `shares` say how often each path is taken)."""

    def __init__(self, world, state, restaurant, guests, history):
        self.ids = world.ids
        self.rng = world.ids.random
        self.book = state.orders
        self.restaurant = restaurant
        self.catalog = state.catalogs[restaurant.guid]
        self.staff = [e["guid"] for e in state.employees.get(restaurant.guid, [])]
        self.guests = guests
        self.shares = history.get("shares", {})
        self.kitchen = [status for status, weight in history.get("kitchen", {}).items() for _ in range(weight)]
        options = list(self.catalog.dining_options.values())
        # Curbside is one take-out option among others: weight 1.
        self.dining = [d for d in options for _ in range(1 if d.curbside else _BEHAVIOR_WEIGHTS.get(d.behavior, 1))]
        self.take_out = next((d for d in options if d.behavior == "TAKE_OUT" and not d.curbside), None)
        self.items = list(self.catalog.menu_items.values())
        self.tables = list(self.catalog.tables.values())
        # Parties at the bar run a tab in a guest's name (Check.tabName).
        self.bar = next((a.guid for a in self.catalog.service_areas.values() if a.name == "Bar"), None)
        self.void_reasons = list(self.catalog.named["voidReasons"])
        self.pre_modifiers = list(self.catalog.named["preModifiers"])
        self.marketplaces = {guid: p.name.upper().replace(" ", "")
                             for guid, p in self.catalog.named["alternatePaymentTypes"].items()
                             if p.name in _MARKETPLACES}
        self.item_discounts = [d for d in self.catalog.discounts.values() if d.selection_type == "ITEM"
                               and not d.promo_codes]
        self.check_discounts = [d for d in self.catalog.discounts.values() if d.selection_type == "CHECK"
                                and not d.promo_codes]
        self.devices = [f"{restaurant.location_code}-POS{n}" for n in range(1, 4)]
        self.zone = ZoneInfo(restaurant.time_zone)

    def _share(self, name):
        return self.rng.random() < self.shares.get(name, 0)

    def write(self, days, per_day, until, open_orders=0, scheduled=0):
        """Orders for each of the `days` business days before `until` (epoch seconds), none after it; then
        `open_orders` taken in the last hour and still in the kitchen, and `scheduled` take-outs ordered in the last
        hour for tomorrow (FUTURE)."""
        last_day = datetime.fromtimestamp(until, self.zone).date()
        for offset in range(days, -1, -1):
            day = last_day - timedelta(days=offset)
            count = round(per_day * _WEEKDAY_FACTOR[day.weekday()] * self.rng.uniform(0.8, 1.2))
            openings = sorted(self._opening(day) for _ in range(count))
            for opened in openings:
                if opened + 4800 <= until:
                    self._order(opened)
        for index, opened in enumerate(sorted(until - self.rng.randrange(300, 3600) for _ in range(open_orders))):
            # Every other open order is a take-out paid online, so today always has AUTHORIZED card payments.
            self._order(opened, still_open=True, dining=self.take_out if index % 2 == 0 else None)
        tomorrow = last_day + timedelta(days=1)
        for _ in range(scheduled if self.take_out else 0):
            promised = datetime(tomorrow.year, tomorrow.month, tomorrow.day, self.rng.randrange(12, 20),
                                self.rng.choice((0, 15, 30, 45)), tzinfo=self.zone).timestamp()
            self._order(until - self.rng.randrange(300, 3600), still_open=True, dining=self.take_out,
                        promised=promised)

    def _opening(self, day):
        minute = self.rng.randrange(11 * 60, 22 * 60)
        local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, self.rng.randrange(60),
                         tzinfo=self.zone)
        return local.timestamp()

    def _selection_body(self):
        item = self.rng.choice(self.items)
        modifiers = []
        for group_guid in item.modifier_group_guids:
            group = self.catalog.modifier_groups[group_guid]
            upper = min(group.max_selections, group.min_selections + 1)
            for option in self.rng.sample(group.option_guids, self.rng.randint(group.min_selections, upper)):
                modifier = {"item": {"guid": option}, "optionGroup": {"guid": group.guid}, "quantity": 1}
                if group.pre_modifiers and self._share("preModifiers"):
                    modifier["preModifier"] = {"guid": self.rng.choice(self.pre_modifiers)}
                modifiers.append(modifier)
        body = {"item": {"guid": item.guid}, "quantity": self.rng.choice((1, 1, 1, 2)), "modifiers": modifiers}
        if self.item_discounts and self.rng.random() < 0.08:
            body["appliedDiscounts"] = [{"discount": {"guid": self.rng.choice(self.item_discounts).guid}}]
        return body

    def _new_order(self, opened, dining, promised=None):
        day = business_date(promised or opened, self.restaurant)
        order = Order(self.ids.guid(), self.restaurant.guid, dining.guid, dining.behavior, opened, opened, opened, day,
                      closeout(day, self.restaurant), self.book.next_display_number(self.restaurant.guid, day),
                      source=_SOURCES[dining.behavior], server_guid=self.rng.choice(self.staff) if self.staff else None,
                      revenue_center_guid=next(iter(self.catalog.revenue_centers), None),
                      estimated_fulfillment=None if dining.behavior == "DINE_IN" else (promised or opened + 1200),
                      number_of_guests=self.rng.randint(1, 4), promised=promised,
                      approval_status="FUTURE" if promised else "APPROVED")
        order.restaurant_service_guid = restaurant_service(self.catalog, opened, self.restaurant)
        order.required_prep_time = None if dining.behavior == "DINE_IN" else "PT20M"      # ready 20 minutes after
        if dining.curbside:
            color, car = self.rng.choice(_CARS)
            order.curbside = CurbsidePickup(self.ids.guid(), car, color)
        if dining.behavior == "DINE_IN" and self.tables:
            table = self.rng.choice(self.tables)
            order.table_guid, order.service_area_guid = table.guid, table.service_area_guid
            order.revenue_center_guid = table.revenue_center_guid
            order.device_id = self.rng.choice(self.devices)
        return order

    def _order(self, opened, still_open=False, dining=None, promised=None):
        dining = dining or self.rng.choice(self.dining)
        builder = Builder(self.restaurant, self.catalog, opened, self.ids.guid)
        builder.priced_at = promised or opened          # time-specific prices follow the order's time
        order = self._new_order(opened, dining, promised)
        selections = [builder.selection(self._selection_body(), "selection") for _ in range(self.rng.randint(1, 4))]
        seated = dining.behavior == "DINE_IN"
        for selection in selections:
            selection.fulfillment_status = "NEW" if promised else \
                self.rng.choice(self.kitchen) if still_open and self.kitchen else "READY"
            selection.seat_number = self.rng.randint(1, order.number_of_guests) if seated else -1
        if len(selections) > 1 and self.void_reasons and self._share("voidedSelections"):
            voided = selections[-1]
            voided.voided, voided.void_date = True, opened + 300
            voided.void_business_date, voided.void_reason_guid = order.business_date, self.rng.choice(self.void_reasons)
        live = sum(not s.voided for s in selections)
        parts = min(order.number_of_guests, 3, live) if seated and self._share("splitChecks") else 1
        for index in range(parts):
            check = Check(self.ids.guid(), order.display_number, opened, opened, opened_by=order.server_guid)
            check.selections = selections[index::parts]
            if parts > 1:
                for selection in check.selections:
                    selection.seat_number = index + 1
            order.checks.append(check)
        first = order.checks[0]
        if self.bar and order.service_area_guid == self.bar and self.guests:
            first.tab_name = self.rng.choice(self.guests)["firstName"]
        if self.check_discounts and self.rng.random() < 0.05:
            first.discounts.append(builder.discount({"discount": {"guid": self.rng.choice(self.check_discounts).guid}},
                                                    "CHECK", "discount"))
        guest = self.rng.choice(self.guests) if self.guests else None
        if not seated and guest:
            first.customer = Customer(self.ids.guid(), guest["firstName"], guest["lastName"],
                                      stored_phone(guest["phone"]), guest["email"])
            if self._share("loyalty"):
                account = f"{self.rng.randrange(10 ** 15, 10 ** 16)}"
                first.loyalty = Loyalty(self.ids.guid(), account, "TOAST", "*" * 12 + account[-4:],
                                        accrual_family_guid=self.ids.guid())
        if dining.behavior == "DELIVERY":
            self._deliver(order, first, builder, guest, opened, still_open)
        price_order(order, self.catalog)
        if first.loyalty is not None:          # a point a dollar, as the loyalty provider reports it later
            first.loyalty.accrual_text = f"Earned {int(first.total_amount)} points."
        if not still_open:
            self._settle(order, opened + self.rng.randrange(1200, 4200))
        elif dining.behavior != "DINE_IN":
            # Take-out and delivery guests pay by card when they order: still cooking, the payment is AUTHORIZED
            # and its tip can change until the business day closes out (the guide's "Updating the tip amount").
            self._settle(order, opened, "CREDIT")
        self.book.add(order)
        for payment in order.payments:
            if payment.refund_date is not None:
                self.book.index_payment(order, payment, "refund", payment.refund_business_date)
            if order.voided:
                self.book.index_payment(order, payment, "void", order.void_business_date)

    def _settle(self, order, paid, kind=None):
        """Pay every check (some with two tenders, or all by `kind`), refund a few card payments, void a few
        OTHER-paid orders."""
        for check in order.checks:
            if kind is not None:
                check.payments = [self._payment(order, check, paid, check.total_amount, kind, refundable=False)]
            elif self._share("splitPayments") and check.total_amount >= 2:
                part = cents(check.total_amount / 2)
                check.payments = [self._payment(order, check, paid, part, "CREDIT"),
                                  self._payment(order, check, paid, check.total_amount - part, "CASH")]
            else:
                check.payments = [self._payment(order, check, paid, check.total_amount)]
            check.paid_date = check.modified = paid
        order.paid_date = order.modified = paid
        kinds = {p.type for p in order.payments}
        if kinds == {"OTHER"} and self.rng.random() < 0.1:
            voided = paid + 300
            order.void(voided, business_date(voided, self.restaurant))
            order.modified = voided
            price_order(order, self.catalog)

    def _deliver(self, order, check, builder, guest, opened, still_open):
        fee = next((c for c in self.catalog.service_charges.values() if c.name == "Delivery Fee"), None)
        if fee is not None:
            check.service_charges.append(builder.service_charge({"serviceCharge": {"guid": fee.guid}}, "charge"))
        order.delivery_info = DeliveryInfo(guest["address1"] if guest else "1 Main Street", self.restaurant.city,
                                           self.restaurant.state_code, self.restaurant.zip_code, country="US",
                                           delivery_state="PENDING" if still_open else "DELIVERED",
                                           dispatched_date=None if still_open else opened + 1500,
                                           delivered_date=None if still_open else opened + 2700,
                                           employee_guid=self.rng.choice(self.staff) if self.staff else None,
                                           notes=self.rng.choice(_DELIVERY_NOTES),
                                           # a few kilometres around the restaurant
                                           latitude=round(self.restaurant.latitude + self.rng.uniform(-.03, .03), 6),
                                           longitude=round(self.restaurant.longitude + self.rng.uniform(-.03, .03), 6))

    def _payment(self, order, check, paid, amount, kind=None, refundable=True):
        if kind is None:
            roll = self.rng.random()
            kind = "CREDIT" if roll < 0.65 else ("CASH" if roll < 0.9 else "OTHER")
        tip = cents(amount * Decimal(self.rng.choice((15, 18, 20, 22))) / 100) if kind == "CREDIT" else cents(ZERO)
        # Card payments stay AUTHORIZED (tips adjustable) until their business day closes out (Payment.status_at).
        payment = Payment(self.ids.guid(), kind, amount, tip, paid, business_date(paid, self.restaurant), order.guid,
                          check.guid, device_id=order.device_id, server_guid=order.server_guid,
                          status="AUTHORIZED" if kind == "CREDIT" else "CAPTURED")
        if kind == "CREDIT":
            payment.card_type = self.rng.choice(_CARDS)
            payment.last4 = f"{self.rng.randrange(10000):04d}"
            payment.card_entry_mode = self.rng.choice(("EMV_CHIP_SIGN", "CONTACTLESS", "SWIPED"))
            if refundable and self._share("refunds"):
                payment.refund_amount = amount if self.rng.random() < 0.5 else cents(amount / 2)
                payment.refund_date = paid + self.rng.randrange(60, 600)
                payment.refund_business_date = business_date(payment.refund_date, self.restaurant)
        elif kind == "OTHER":
            payment.other_payment_guid = self.rng.choice(list(self.catalog.named["alternatePaymentTypes"]))
            market = self.marketplaces.get(payment.other_payment_guid)
            if market and order.external_id is None and self._share("marketplaceIds"):
                order.external_id = f"{market}:{self.rng.randrange(10 ** 9, 10 ** 10)}"
        else:
            payment.amount_tendered = cents(amount + self.rng.choice((0, 1, 5)))
        return payment


def seed_orders(world, fixtures, state, seeded_at):
    """The history of every restaurant, sized by the fixtures' `history` section."""
    history = fixtures.get("history", {})
    for restaurant in state.restaurants.values():
        guests = state.guests.get(restaurant.management_group_guid, [])
        HistoryWriter(world, state, restaurant, guests, history).write(
            history.get("days", 0), history.get("ordersPerDay", 0), seeded_at,
            history.get("openOrders", 0) if history.get("days", 0) else 0,
            history.get("scheduledOrders", 0) if history.get("days", 0) else 0)
