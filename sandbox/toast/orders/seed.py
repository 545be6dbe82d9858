"""Seeded order history: days of dine-in, take-out and delivery orders that end at the world's start instant."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sandbox.toast.dates import business_date, closeout
from sandbox.toast.orders.build import Builder
from sandbox.toast.orders.models import Check, Customer, DeliveryInfo, Order, Payment
from sandbox.toast.orders.pricing import cents, price_order

# Orders per day swing with the day of the week (Monday first).
_WEEKDAY_FACTOR = (0.7, 0.8, 0.9, 1.0, 1.3, 1.5, 1.1)
_BEHAVIOR_WEIGHTS = {"DINE_IN": 5, "TAKE_OUT": 3, "DELIVERY": 2}
_SOURCES = {"DINE_IN": "In Store", "TAKE_OUT": "Online", "DELIVERY": "Online"}
_CARDS = ("VISA", "MASTERCARD", "AMEX", "DISCOVER")


class HistoryWriter:
    """Writes one restaurant's history into the order book with the world's seeded random source."""

    def __init__(self, world, state, restaurant, guests):
        self.ids = world.ids
        self.rng = world.ids.random
        self.book = state.orders
        self.restaurant = restaurant
        self.catalog = state.catalogs[restaurant.guid]
        self.staff = [e["guid"] for e in state.employees.get(restaurant.guid, [])]
        self.guests = guests
        options = [d for d in self.catalog.dining_options.values() if not d.curbside]
        self.dining = [d for d in options for _ in range(_BEHAVIOR_WEIGHTS.get(d.behavior, 1))]
        self.items = list(self.catalog.menu_items.values())
        self.zone = ZoneInfo(restaurant.time_zone)

    def write(self, days, per_day, until):
        """Orders for each of the `days` business days before `until` (epoch seconds), none after it."""
        last_day = datetime.fromtimestamp(until, self.zone).date()
        for offset in range(days, -1, -1):
            day = last_day - timedelta(days=offset)
            count = round(per_day * _WEEKDAY_FACTOR[day.weekday()] * self.rng.uniform(0.8, 1.2))
            openings = sorted(self._opening(day) for _ in range(count))
            for opened in openings:
                if opened + 4800 <= until:
                    self._order(opened)

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
                modifiers.append({"item": {"guid": option}, "optionGroup": {"guid": group.guid}, "quantity": 1})
        body = {"item": {"guid": item.guid}, "quantity": self.rng.choice((1, 1, 1, 2)), "modifiers": modifiers}
        discounts = [d for d in self.catalog.discounts.values() if d.selection_type == "ITEM"]
        if discounts and self.rng.random() < 0.08:
            body["appliedDiscounts"] = [{"discount": {"guid": self.rng.choice(discounts).guid}}]
        return body

    def _order(self, opened):
        dining = self.rng.choice(self.dining)
        builder = Builder(self.restaurant, self.catalog, opened, self.ids.guid)
        day = business_date(opened, self.restaurant)
        order = Order(self.ids.guid(), self.restaurant.guid, dining.guid, dining.behavior, opened, opened, opened, day,
                      closeout(day, self.restaurant), self.book.next_display_number(self.restaurant.guid, day),
                      source=_SOURCES[dining.behavior], server_guid=self.rng.choice(self.staff) if self.staff else None,
                      revenue_center_guid=next(iter(self.catalog.revenue_centers), None),
                      estimated_fulfillment=opened + 1200, number_of_guests=self.rng.randint(1, 4))
        check = Check(self.ids.guid(), order.display_number, opened, opened, opened_by=order.server_guid)
        check.selections = [builder.selection(self._selection_body(), "selection")
                            for _ in range(self.rng.randint(1, 4))]
        check_discounts = [d for d in self.catalog.discounts.values() if d.selection_type == "CHECK"]
        if check_discounts and self.rng.random() < 0.05:
            check.discounts.append(builder.discount({"discount": {"guid": self.rng.choice(check_discounts).guid}},
                                                    "CHECK", "discount"))
        guest = self.rng.choice(self.guests) if self.guests else None
        if dining.behavior != "DINE_IN" and guest:
            check.customer = Customer(self.ids.guid(), guest["firstName"], guest["lastName"], guest["phone"],
                                      guest["email"])
        if dining.behavior == "DELIVERY":
            self._deliver(order, check, builder, guest, opened)
        order.checks.append(check)
        price_order(order, self.catalog)
        paid = opened + self.rng.randrange(1200, 4200)
        check.payments.append(self._payment(order, check, paid))
        check.paid_date = check.modified = order.paid_date = paid
        order.modified = paid
        if check.payments[0].type == "OTHER" and self.rng.random() < 0.1:
            voided = paid + 300
            order.void(voided, business_date(voided, self.restaurant))
            order.modified = voided
            price_order(order, self.catalog)
        self.book.add(order)
        if order.voided:
            for payment in check.payments:
                self.book.index_payment(order, payment, "void", order.void_business_date)

    def _deliver(self, order, check, builder, guest, opened):
        fee = next((c for c in self.catalog.service_charges.values() if c.name == "Delivery Fee"), None)
        if fee is not None:
            check.service_charges.append(builder.service_charge({"serviceCharge": {"guid": fee.guid}}, "charge"))
        order.delivery_info = DeliveryInfo(guest["address1"] if guest else "1 Main Street", self.restaurant.city,
                                           self.restaurant.state_code, self.restaurant.zip_code, country="US",
                                           delivery_state="DELIVERED", dispatched_date=opened + 1500,
                                           delivered_date=opened + 2700,
                                           employee_guid=self.rng.choice(self.staff) if self.staff else None)

    def _payment(self, order, check, paid):
        roll = self.rng.random()
        kind = "CREDIT" if roll < 0.65 else ("CASH" if roll < 0.9 else "OTHER")
        total = check.total_amount
        tip = cents(total * Decimal(self.rng.choice((15, 18, 20, 22))) / 100) if kind == "CREDIT" else Decimal("0.00")
        payment = Payment(self.ids.guid(), kind, total, tip, paid, business_date(paid, self.restaurant), order.guid,
                          check.guid)
        if kind == "CREDIT":
            payment.card_type = self.rng.choice(_CARDS)
            payment.last4 = f"{self.rng.randrange(10000):04d}"
            payment.card_entry_mode = self.rng.choice(("EMV_CHIP_SIGN", "CONTACTLESS", "SWIPED"))
        elif kind == "OTHER":
            payment.other_payment_guid = self.rng.choice(list(self.catalog.named["alternatePaymentTypes"]))
        else:
            payment.amount_tendered = cents(total + self.rng.choice((0, 1, 5)))
        return payment

def seed_orders(world, fixtures, state, seeded_at):
    """The history of every restaurant, sized by the fixtures' `history` section."""
    history = fixtures.get("history", {})
    for restaurant in state.restaurants.values():
        guests = state.guests.get(restaurant.management_group_guid, [])
        HistoryWriter(world, state, restaurant, guests).write(history.get("days", 0), history.get("ordersPerDay", 0),
                                                              seeded_at)
