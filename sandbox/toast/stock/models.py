"""Stock of menu items and modifier options: read, set, taken by orders and given back by voids, with events."""

from decimal import Decimal

from sandbox.core.errors import BadRequest
from sandbox.core.events import record

ZERO = Decimal(0)
# The platform's low-quantity threshold, the same for every item (developer guide, "Stock webhook").
LOW_QUANTITY = Decimal(5)
OUT_OF_STOCK = "Item {name} ({guid}) is out of stock and cannot be ordered"
TOO_FEW_LEFT = "Item {name} ({guid}) has {left} left; the order asks for {wanted}"
QUANTITY_NEEDED = "A quantity above 0 is required with status QUANTITY"
QUANTITY_NOT_ALLOWED = "A quantity is only given with status QUANTITY"
IDENTIFIER_NEEDED = "Each item needs a guid or a multiLocationId"
NOT_FOUND = "Menu items not found: {missing}"


def find(catalog, guid=None, multi_location_id=None):
    """The menu item or modifier option with this GUID or multiLocationId, or None."""
    if guid is not None:
        guid = guid.lower()
        return catalog.menu_items.get(guid) or catalog.modifier_options.get(guid)
    wanted = str(multi_location_id)
    return next((entity for collection in (catalog.menu_items, catalog.modifier_options)
                 for entity in collection.values() if entity.multi_location_id == wanted), None)


def state_of(catalog, guid):
    """(status, quantity) of an item: IN_STOCK unless its entry says otherwise."""
    entry = catalog.stock.get(guid)
    return (entry["status"], entry["quantity"]) if entry else ("IN_STOCK", None)


def view(catalog, entity):
    """The MenuItemInventory of a known item."""
    status, quantity = state_of(catalog, entity.guid)
    return {"guid": entity.guid, "itemGuidValidity": "VALID", "status": status,
            "quantity": float(quantity) if status == "QUANTITY" else None,
            "multiLocationId": entity.multi_location_id, "versionId": entity.guid}


def invalid(guid=None, multi_location_id=None):
    """The entry of an identifier that names no item here."""
    return {"guid": guid, "itemGuidValidity": "INVALID", "status": None, "quantity": None,
            "multiLocationId": multi_location_id, "versionId": None}


def at_risk(catalog, status=None):
    """Items counted or out (GET /inventory), in menu order, optionally of one status."""
    return [view(catalog, entity) for collection in (catalog.menu_items, catalog.modifier_options)
            for entity in collection.values()
            if entity.guid in catalog.stock and status in (None, catalog.stock[entity.guid]["status"])]


def search(catalog, body):
    """One entry per GUID, then per multiLocationId, in the order asked; unknown ones INVALID."""
    found = []
    for guid in body.get("guids") or []:
        entity = find(catalog, guid=guid)
        found.append(view(catalog, entity) if entity else invalid(guid=guid))
    for mlid in body.get("multiLocationIds") or []:
        entity = find(catalog, multi_location_id=mlid)
        found.append(view(catalog, entity) if entity else invalid(multi_location_id=mlid))
    return found


def _kind(status, quantity):
    """The stock webhook event a state corresponds to."""
    if status == "OUT_OF_STOCK":
        return "out_of_stock"
    if status == "QUANTITY" and quantity <= LOW_QUANTITY:
        return "low_quantity"
    return "in_stock"


def _store(world, clock, catalog, entity, status, quantity, always):
    """Keep the new state; record its event when `always` (a hand-made change) or when its kind changed."""
    before = _kind(*state_of(catalog, entity.guid))
    if status == "IN_STOCK":
        catalog.stock.pop(entity.guid, None)
    else:
        catalog.stock[entity.guid] = {"status": status, "quantity": quantity}
    kind = _kind(status, quantity)
    if not always and kind == before:
        return None
    details = {"itemGuid": entity.guid, "restaurantGuid": catalog.restaurant_guid, "status": status,
               "multiLocationId": entity.multi_location_id, "versionId": entity.guid}
    if status == "QUANTITY":
        details["quantity"] = float(quantity)
    return record(world, clock, "toast", "stock", kind, details, catalog.restaurant_guid)


def update(world, clock, catalog, changes):
    """PUT /inventory/update: every change is checked first, then all are made (one event per item); returns the
    items as they are now."""
    planned, missing = [], []
    for index, change in enumerate(changes):
        status, quantity = change["status"], change.get("quantity")
        if change.get("guid") is None and change.get("multiLocationId") is None:
            raise BadRequest(IDENTIFIER_NEEDED, field=f"[{index}].guid")
        if status == "QUANTITY" and (quantity is None or quantity <= 0):
            raise BadRequest(QUANTITY_NEEDED, field=f"[{index}].quantity")
        if status != "QUANTITY" and quantity is not None:
            raise BadRequest(QUANTITY_NOT_ALLOWED, field=f"[{index}].quantity")
        entity = find(catalog, change.get("guid"), change.get("multiLocationId"))
        if entity is None:
            missing.append(change.get("guid") or change.get("multiLocationId"))
        else:
            planned.append((entity, status, None if quantity is None else Decimal(str(quantity))))
    if missing:     # the whole update fails, naming what was not found (developer guide, "Updating stock")
        raise BadRequest(NOT_FOUND.format(missing=", ".join(missing)), field="guid")
    for entity, status, quantity in planned:
        _store(world, clock, catalog, entity, status, quantity, always=True)
    return [view(catalog, entity) for entity, _, _ in planned]


def set_status(world, clock, catalog, entity, status, quantity=None):
    """One item's stock set by hand (triggers, presets); returns the recorded event."""
    return _store(world, clock, catalog, entity, status, quantity, always=True)


def demand(selections):
    """{item guid: (quantity wanted, field path of its first selection)} of live selections and their modifiers."""
    wanted = {}

    def add(guid, amount, where):
        total, first = wanted.get(guid, (ZERO, where))
        wanted[guid] = (total + amount, first)

    for where, selection in selections:
        if selection.voided:
            continue
        add(selection.item_guid, selection.quantity, where)
        for index, modifier in enumerate(selection.modifiers):
            add(modifier.item_guid, modifier.quantity * selection.quantity, f"{where}.modifiers[{index}]")
    return wanted


def order_selections(order):
    """(field path, selection) of every selection of an order, as the request named them."""
    return [(f"checks[{c}].selections[{s}]", selection) for c, check in enumerate(order.checks)
            for s, selection in enumerate(check.selections)]


def check(catalog, wanted, refuse=True):
    """400 naming the first item that is out, or that has less left than wanted (when `refuse`)."""
    if not refuse:
        return
    for guid, (amount, where) in wanted.items():
        status, left = state_of(catalog, guid)
        entity = find(catalog, guid=guid)
        if status == "OUT_OF_STOCK":
            raise BadRequest(OUT_OF_STOCK.format(name=entity.name, guid=guid), field=f"{where}.item")
        if status == "QUANTITY" and left < amount:
            raise BadRequest(TOO_FEW_LEFT.format(name=entity.name, guid=guid, left=_number(left),
                                                 wanted=_number(amount)), field=f"{where}.item")


def take(world, clock, catalog, wanted, refuse=True):
    """Check, then take what orders use from counted items (0 left makes an item OUT_OF_STOCK)."""
    check(catalog, wanted, refuse)
    for guid, (amount, _) in wanted.items():
        status, left = state_of(catalog, guid)
        if status == "QUANTITY":
            rest = max(left - amount, ZERO)
            _store(world, clock, catalog, find(catalog, guid=guid), "QUANTITY" if rest else "OUT_OF_STOCK",
                   rest, always=False)


def give_back(world, clock, catalog, wanted):
    """A void returns its items to counted stock (items in stock, or taken out by hand, stay as they are)."""
    for guid, (amount, _) in wanted.items():
        status, left = state_of(catalog, guid)
        if status == "QUANTITY" or (status == "OUT_OF_STOCK" and left is not None):
            _store(world, clock, catalog, find(catalog, guid=guid), "QUANTITY", left + amount, always=False)


def _number(value):
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
