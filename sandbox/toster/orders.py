"""Toster orders: creation priced from the catalogue, the status machine, and their wire form."""

from sandbox.core.errors import BadRequest, Conflict
from sandbox.core.events import record
from sandbox.toster import fleet, people
from sandbox.toster.index import order_index
from sandbox.toster.state import Order, find, iso, toster_state

FLOW = ("NEW", "CONFIRMED", "COOKING", "PACKED", "DISPATCHED", "DELIVERED")
CANCELLABLE = ("NEW", "CONFIRMED", "COOKING", "PACKED")
ONE_CUSTOMER = "Name the customer with exactly one of customer_id or customer"
ILLEGAL_MOVE = "Illegal status transition from {old} to {new}"
UNKNOWN_MODIFIER = "Modifier {modifier} is not offered on product {product}"
UNAVAILABLE = "Product {product} is not available"


def to_dict(state, order):
    customer = state.customers[order.customer_id]
    return {
        "id": order.id, "number": order.number, "status": order.status, "type": order.type,
        "customer": {"id": customer.id, "name": customer.name, "phone": customer.phone},
        "items": [dict(item, modifiers=[dict(m) for m in item["modifiers"]]) for item in order.items],
        "subtotal": order.subtotal, "delivery_fee": order.delivery_fee, "discount": order.discount,
        "total": order.total, "currency": state.currency,
        "address": {"street": order.address["street"], "city": order.address["city"],
                    "apartment": order.address.get("apartment"), "lat": order.address.get("lat"),
                    "lng": order.address.get("lng"), "notes": order.address.get("notes")}
        if order.address else None,
        "courier_id": order.courier_id, "notes": order.notes, "created_at": iso(order.created),
        "updated_at": iso(order.updated or order.created),
        "status_history": [{"status": s, "at": iso(at), "reason": reason} for s, at, reason in order.history],
        "eta": iso(fleet.eta(state, order)),
    }


def summary(state, order):
    return {"id": order.id, "number": order.number, "status": order.status, "total": order.total,
            "currency": state.currency, "created_at": iso(order.created)}


def price_items(state, raw_items):
    """Order lines from `[{product_id, qty, modifiers}]`, with unit prices (product + modifiers) and totals."""
    lines = []
    for index, raw in enumerate(raw_items):
        product = find(state.products, raw["product_id"], "Product")
        if not product.available:
            raise BadRequest(UNAVAILABLE.format(product=product.id), details={"field": f"items[{index}]"})
        offered = {m["id"]: m for m in product.modifiers}
        chosen = []
        for modifier_id in raw.get("modifiers", []):
            if modifier_id not in offered:
                raise BadRequest(UNKNOWN_MODIFIER.format(modifier=modifier_id, product=product.id),
                                 details={"field": f"items[{index}].modifiers"})
            chosen.append(dict(offered[modifier_id]))
        unit = product.price + sum(m["price"] for m in chosen)
        lines.append({"product_id": product.id, "name": product.name, "qty": raw["qty"], "price": unit,
                      "modifiers": chosen, "total": unit * raw["qty"]})
    return lines


def create(world, clock, body):
    """POST /orders: a NEW order for an existing customer or one matched (or created) by phone."""
    state = toster_state(world)
    if ("customer_id" in body) == ("customer" in body):
        raise BadRequest(ONE_CUSTOMER, details={"fields": ["customer_id", "customer"]})
    if "customer_id" in body:
        customer = find(state.customers, body["customer_id"], "Customer")
    else:
        customer = people.customer_by_phone(world, clock, body["customer"])
    lines = price_items(state, body["items"])
    now = clock.timestamp()
    subtotal = sum(line["total"] for line in lines)
    fee = state.delivery_fee if body["type"] == "delivery" else 0
    state.last_number += 1
    address = None
    if body["type"] == "delivery":
        address = {**body["address"]}
        address.setdefault("lat", None)
        address.setdefault("lng", None)
    order = Order(world.ids.prefixed("ord"), state.last_number, body["type"], customer.id, lines, subtotal, fee,
                  subtotal + fee, now, address=address, notes=body.get("notes"), history=[("NEW", now, None)])
    index = order_index(state)
    state.orders[order.id] = order
    index.added(order)
    record(world, clock, "toster", "order", "order.created", to_dict(state, order))
    return order


def move(world, clock, order, new_status, reason=None):
    """Advance an order one step along the flow, or cancel it before dispatch; 409 names both states."""
    state = toster_state(world)
    index = order_index(state)
    old = order.status
    following = FLOW[FLOW.index(old) + 1] if old in FLOW[:-1] else None
    if order.type == "pickup" and old == "PACKED":
        following = "DELIVERED"          # pickup orders are collected, never dispatched
    if new_status != following and not (new_status == "CANCELLED" and old in CANCELLABLE):
        raise Conflict(ILLEGAL_MOVE.format(old=old, new=new_status), details={"from": old, "to": new_status})
    now = clock.timestamp()
    if new_status == "DISPATCHED":
        fleet.assign(state, order, now)
    if new_status in ("DELIVERED", "CANCELLED"):
        fleet.release(state, order)
    order.status, order.updated = new_status, now
    index.moved(order, old)
    order.history.append((new_status, now, reason))
    if new_status == "DELIVERED":
        people.earn(world, state, order, now)
    record(world, clock, "toster", "order", f"order.{new_status.lower()}", to_dict(state, order))
    return order
