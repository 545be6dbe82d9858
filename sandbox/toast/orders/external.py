"""External identifiers on orders, checks and selections: unique per restaurant, and orders found by them.

The platform enforces uniqueness since 2026-02-02 (a request reusing one fails); how it fails is not published, so
the `toast_duplicate_external_id` setting picks: `reject` (409), `existing` (answer with the order that holds the
identifier) or `allow` (the platform before enforcement: a second order is created)."""

from sandbox.core.errors import BadRequest, Conflict, NotFound
from sandbox.toast.access import is_guid
from sandbox.toast.orders import errors


def order_ids(body):
    """Every `(externalId, entity type, field)` a POST /orders body sets."""
    found = [(body.get("externalId"), "Order", "externalId")]
    for i, check in enumerate(body.get("checks") or []):
        found.append((check.get("externalId"), "Check", f"checks[{i}].externalId"))
        found.extend((selection.get("externalId"), "MenuItemSelection", f"checks[{i}].selections[{j}].externalId")
                     for j, selection in enumerate(check.get("selections") or []))
    return found


def selection_ids(bodies):
    """Every `(externalId, entity type, field)` of selections added to a check."""
    return [(body.get("externalId"), "MenuItemSelection", f"[{i}].externalId") for i, body in enumerate(bodies)]


def holder(book, restaurant_guid, ids):
    """The GUID of the order already holding one of `ids` (None when all are free); 400 when the request itself
    uses one identifier twice for the same kind of entity."""
    seen = set()
    for external_id, kind, field in ids:
        if external_id is None:
            continue
        if (kind, external_id) in seen:
            raise BadRequest(errors.EXTERNAL_ID_REPEATED.format(kind=kind, external_id=external_id), field=field)
        seen.add((kind, external_id))
        guid = book.by_external_id(restaurant_guid, kind, external_id)
        if guid is not None:
            return guid, kind, external_id, field
    return None


def refuse_taken(book, restaurant_guid, ids, mode):
    """In `reject` mode, 409 when an identifier is taken; otherwise the GUID of the order holding one (or None)."""
    if mode == "allow":
        return None
    taken = holder(book, restaurant_guid, ids)
    if taken is None:
        return None
    guid, kind, external_id, field = taken
    if mode == "reject":
        raise Conflict(errors.EXTERNAL_ID_TAKEN.format(kind=kind, external_id=external_id, guid=guid), field=field)
    return guid


def find_order(book, restaurant_guid, key):
    """GET /orders/{guid}: by GUID, else by the order's externalId; a value that is neither is a malformed GUID
    unless it has the `authority:identifier` form of an external identifier (then 404)."""
    order = book.get(restaurant_guid, key.lower()) if is_guid(key) else None
    if order is None:
        order = book.get(restaurant_guid, book.by_external_id(restaurant_guid, "Order", key))
    if order is None and not is_guid(key) and ":" not in key:
        raise BadRequest(errors.GUID_MALFORMED, field="guid")
    if order is None:
        raise NotFound(errors.ORDER_NOT_FOUND)
    return order
