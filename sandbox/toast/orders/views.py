"""Rendered orders kept by their order book, so an unchanged order is turned into its wire form once, not per read."""

from collections import OrderedDict

from sandbox.core.encoding import Encoded

# Orders whose rendering a book keeps (about 30 KB each with their JSON); past it the least recently read go.
KEPT = 1000


class Renderings:
    """The wire forms (dict and JSON bytes) of a book's recently read orders, least recently used dropped.

    An order's form depends on its state and, through time, only on whether its business day has closed out (paid
    checks turn CLOSED then), so an entry holds that flag and is used only while it still holds. The book drops an
    order's entry when it hands the order out for a change (`OrderBook.writable`, so a change that fails half way
    leaves none) and when the change is done (`OrderBook.touch`). Each world's book has its own (a seeded order
    shared by several worlds is rendered once in each); snapshots and templates do not keep them. Entries are built
    and read under the world's lock, like the book itself."""

    def __init__(self, size=KEPT):
        self.size = size
        self._entries = OrderedDict()        # order guid -> (closed out, Encoded)

    def __len__(self):
        return len(self._entries)

    def get(self, order, now, non_card_closed=True):
        """The order's wire form at `now` (read-only: a caller that needs another shape copies it);
        `non_card_closed` is the process's reading of a check paid without a card (Check.payment_status)."""
        closed = (now >= order.closeout_at, non_card_closed)
        entry = self._entries.get(order.guid)
        if entry is not None and entry[0] == closed:
            self._entries.move_to_end(order.guid)
            return entry[1]
        view = Encoded(order.to_dict(now, non_card_closed))
        self._entries[order.guid] = (closed, view)
        self._entries.move_to_end(order.guid)
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return view

    def drop(self, guid):
        self._entries.pop(guid, None)
