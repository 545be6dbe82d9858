"""Toster orders indexed by position, status and customer, so that lists, their totals and customers' figures do
not walk every order of the world."""

from sortedcontainers import SortedList


class OrderIndex:
    """Order ids in creation order, with the positions of each status's and each customer's orders.

    Built from `state.orders` the first time it is needed (after seeding, an import or a restore) and kept current
    by `added` and `moved`, the only ways an order enters a world or changes status once it is seeded. Snapshots and
    templates do not keep it."""

    def __init__(self, orders):
        self.ids = list(orders)
        self.position = {guid: number for number, guid in enumerate(self.ids)}
        self.by_status = {}
        self.by_customer = {}
        for number, order in enumerate(orders.values()):
            self._file(order, number)

    def _file(self, order, number):
        self.by_status.setdefault(order.status, SortedList()).add(number)
        self.by_customer.setdefault(order.customer_id, []).append(number)

    def added(self, order):
        self.ids.append(order.id)
        self.position[order.id] = len(self.ids) - 1
        self._file(order, len(self.ids) - 1)

    def moved(self, order, old_status):
        number = self.position[order.id]
        self.by_status[old_status].remove(number)
        self.by_status.setdefault(order.status, SortedList()).add(number)

    def newest_first(self, orders, status=None, customer_id=None):
        """The orders with this status and/or customer, newest first, as a sequence that renders only what a page
        slices out of it."""
        if customer_id is not None:
            found = NewestFirst(self.by_customer.get(customer_id, ()), self.ids, orders)
            return found if status is None else [o for o in found if o.status == status]
        if status is not None:
            return NewestFirst(self.by_status.get(status, ()), self.ids, orders)
        return NewestFirst(range(len(self.ids)), self.ids, orders)


class NewestFirst:
    """Orders at ascending positions, read back to front; slicing fetches only the orders of the slice."""

    def __init__(self, positions, ids, orders):
        self.positions, self.ids, self.orders = positions, ids, orders

    def __len__(self):
        return len(self.positions)

    def __iter__(self):
        return iter(self[:len(self)])

    def __getitem__(self, window):
        count = len(self.positions)
        return [self.orders[self.ids[self.positions[count - 1 - i]]] for i in range(*window.indices(count))]


def order_index(state):
    """The state's order index, built on first use."""
    index = getattr(state, "order_index", None)
    if index is None:
        index = state.order_index = OrderIndex(state.orders)
    return index
