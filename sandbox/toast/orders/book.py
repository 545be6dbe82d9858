"""The order book of a world: orders by GUID plus the indexes that keep lookups and pages fast at any size."""

import pickle
from dataclasses import dataclass, field

from sortedcontainers import SortedList

from sandbox.toast.orders.views import Renderings


@dataclass
class OrderBook:
    orders: dict = field(default_factory=dict)              # order guid -> Order
    payments: dict = field(default_factory=dict)            # payment guid -> order guid
    # restaurant guid -> SortedList of (modified epoch, order guid)
    by_modified: dict = field(default_factory=dict)
    # restaurant guid -> business date -> [order guid] in creation order
    by_business_date: dict = field(default_factory=dict)
    # (restaurant guid, "paid" | "refund" | "void", business date) -> [payment guid]
    payments_by_date: dict = field(default_factory=dict)
    # (restaurant guid, business date) -> last display number handed out
    display_numbers: dict = field(default_factory=dict)
    # (restaurant guid, "Order" | "Check" | "MenuItemSelection", externalId) -> guid of the first order using it
    external_ids: dict = field(default_factory=dict)

    def __post_init__(self):
        # GUIDs of orders this book shares with the seeded template (and other worlds) until it changes them; not a
        # field, so exports of a world do not show it.
        self.shared = set()
        self.renderings = Renderings()

    def __getstate__(self):
        # Snapshots and templates keep the orders, not their renderings: a loaded book starts with none.
        return {name: value for name, value in self.__dict__.items() if name != "renderings"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.renderings = Renderings()

    def view(self, order, now, non_card_closed=True):
        """The order's wire form at `now`, rendered once while it stays unchanged (see Renderings)."""
        return self.renderings.get(order, now, non_card_closed)

    def share(self):
        """Offer every order to the worlds copied from this (template) book; returns them."""
        self.shared = set(self.orders)
        return list(self.orders.values())

    def writable(self, order):
        """The order to change: a shared one is copied into this book first, so no other world sees the change."""
        self.renderings.drop(order.guid)
        if order.guid not in self.shared:
            return order
        own = pickle.loads(pickle.dumps(order, protocol=pickle.HIGHEST_PROTOCOL))
        self.orders[order.guid] = own
        self.shared.discard(order.guid)
        return own

    def next_display_number(self, restaurant_guid, business_day):
        key = (restaurant_guid, business_day)
        self.display_numbers[key] = self.display_numbers.get(key, 0) + 1
        return str(self.display_numbers[key])

    def add(self, order):
        """Store a new order and index it and its payments."""
        self.orders[order.guid] = order
        self.by_modified.setdefault(order.restaurant_guid, SortedList()).add((order.modified, order.guid))
        days = self.by_business_date.setdefault(order.restaurant_guid, {})
        days.setdefault(order.business_date, []).append(order.guid)
        for payment in order.payments:
            self.index_payment(order, payment, "paid", payment.paid_business_date)
        self.index_external_ids(order, [(order.external_id, "Order")]
                                + [(check.external_id, "Check") for check in order.checks]
                                + [(s.external_id, "MenuItemSelection") for c in order.checks for s in c.selections])

    def index_external_ids(self, order, pairs):
        """Remember which order first used each `(externalId, entity type)` of `pairs` (None ids are skipped)."""
        for external_id, kind in pairs:
            if external_id is not None:
                self.external_ids.setdefault((order.restaurant_guid, kind, external_id), order.guid)

    def by_external_id(self, restaurant_guid, kind, external_id):
        """The GUID of the order that first used this externalId for an entity of this type here, or None."""
        return self.external_ids.get((restaurant_guid, kind, external_id))

    def touch(self, order, modified):
        """Move an order's modified date (and its place in the modified index) once it has changed."""
        index = self.by_modified[order.restaurant_guid]
        index.discard((order.modified, order.guid))
        order.modified = modified
        index.add((modified, order.guid))
        self.renderings.drop(order.guid)

    def index_payment(self, order, payment, kind, business_day):
        self.payments[payment.guid] = order.guid
        self.payments_by_date.setdefault((order.restaurant_guid, kind, business_day), []).append(payment.guid)

    def get(self, restaurant_guid, guid):
        """The order if it exists at this restaurant, else None."""
        order = self.orders.get(guid)
        return order if order is not None and order.restaurant_guid == restaurant_guid else None

    def modified_page(self, restaurant_guid, start, end, page=1, page_size=None):
        """One page (all when page_size is None) of the order GUIDs modified in [start, end), oldest change first,
        and whether more follow."""
        index = self.by_modified.get(restaurant_guid)
        if not index:
            return [], False
        low = index.bisect_left((start, ""))
        high = index.bisect_left((end, ""))
        if page_size is None:
            first, last = low, high
        else:
            first = low + (page - 1) * page_size
            last = min(high, first + page_size)
        return [guid for _, guid in index.islice(first, last)] if first < last else [], last < high

    def on_business_date(self, restaurant_guid, business_day):
        return list(self.by_business_date.get(restaurant_guid, {}).get(business_day, ()))

    def payment_guids(self, restaurant_guid, kind, business_day):
        return list(self.payments_by_date.get((restaurant_guid, kind, business_day), ()))
