"""Menu figures of the analytics reports: quantities and sales of menus, groups, items and modifiers, folded from the
selections of the world's stored orders."""

from sandbox.toast.analytics.sales import orders_in
from sandbox.toast.orders.models import ZERO, money

# groupBy value -> (guid key, name key, how to find (guid, name) for a line)
DIMENSIONS = {
    "MENU": ("menuGuid", "menuName", lambda line, catalog: _menu(line.item, catalog)),
    "MENU_GROUP": ("menuGroupGuid", "menuGroupName", lambda line, catalog: _entity(catalog.menu_groups,
                                                                                    line.item.group_guid)),
    "MENU_ITEM": ("menuItemGuid", "menuItemName", lambda line, catalog: (line.item.item_guid, line.item.name)),
    "MODIFIER": ("modifierGuid", "modifierName", lambda line, catalog: (line.sold.item_guid, line.sold.name)),
}


class _Line:
    """One thing sold: an item selection, or a modifier of one (`item` is the selection it belongs to)."""

    __slots__ = ("item", "sold", "quantity")

    def __init__(self, item, sold, quantity):
        self.item, self.sold, self.quantity = item, sold, quantity


def _entity(entities, guid):
    entity = entities.get(guid)
    return (guid, entity.name if entity is not None else None)


def _menu(selection, catalog):
    item = catalog.menu_items.get(selection.item_guid)
    return _entity(catalog.menus, item.menu_guid) if item is not None else (None, None)


def _lines(order, modifiers):
    for check in order.checks:
        for selection in check.selections:
            if not modifiers:
                yield _Line(selection, selection, selection.quantity)
            else:
                for modifier in selection.modifiers:
                    yield _Line(selection, modifier, modifier.quantity * selection.quantity)


class _Sums:
    __slots__ = ("quantity", "gross", "net", "void")

    def __init__(self):
        self.quantity = self.gross = self.net = self.void = ZERO

    def add(self, line):
        if line.item.voided:
            self.void += line.sold.pre_discount_price
            return
        self.quantity += line.quantity
        self.gross += line.sold.pre_discount_price
        self.net += line.sold.price

    def to_dict(self):
        return {"quantitySold": float(self.quantity), "grossSalesAmount": money(self.gross),
                "netSalesAmount": money(self.net), "discountAmount": money(self.gross - self.net),
                "refundAmount": 0.0, "voidAmount": money(self.void),
                "averagePrice": money((self.net / self.quantity).quantize(ZERO)) if self.quantity else 0.0,
                "wasteCount": 0.0, "wasteAmount": 0.0}


def menu_rows(state, restaurants, days, group_by, pause):
    """Rows per restaurant, business date and the menu entities of `group_by` (totals when it is empty)."""
    group_by = [g for g in DIMENSIONS if g in group_by]           # a stable order whatever the request's
    rows = []
    for restaurant in restaurants:
        catalog = state.catalogs[restaurant.guid]
        buckets = {}
        for order in orders_in(state.orders, restaurant, days, pause):
            for line in _lines(order, "MODIFIER" in group_by):
                key = (order.business_date,) + tuple(DIMENSIONS[g][2](line, catalog) for g in group_by)
                buckets.setdefault(key, _Sums()).add(line)
        for key, sums in sorted(buckets.items(), key=lambda kv: repr(kv[0])):
            row = {"restaurantGuid": restaurant.guid, "restaurantName": restaurant.name,
                   "restaurantLocationName": restaurant.location_name,
                   "restaurantLocationCode": restaurant.location_code, "businessDate": str(key[0]), **sums.to_dict()}
            for grouping, (guid, name) in zip(group_by, key[1:]):
                guid_key, name_key, _ = DIMENSIONS[grouping]
                row[guid_key], row[name_key] = guid, name
            rows.append(row)
    return rows
