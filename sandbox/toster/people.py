"""Toster customers, their loyalty points and tiers, and reviews."""

from sandbox.core.errors import Conflict
from sandbox.core.events import record
from sandbox.toster.index import order_index
from sandbox.toster.state import Customer, LoyaltyEntry, Review, iso, toster_state

# Tiers by lifetime points.
TIERS = (("bronze", 0), ("silver", 500), ("gold", 2000), ("platinum", 5000))
POINTS_PER_MINOR_UNITS = 2000     # one point per 20.00 of a delivered order
PHONE_TAKEN = "Another customer already has this phone number"


def customer_by_phone(world, clock, raw):
    """The customer with this phone, or a new one (recording customer.created)."""
    state = toster_state(world)
    existing = next((c for c in state.customers.values() if c.phone == raw["phone"]), None)
    if existing is not None:
        return existing
    customer = Customer(world.ids.prefixed("cus"), raw["name"], raw["phone"], raw.get("email"), clock.timestamp())
    state.customers[customer.id] = customer
    record(world, clock, "toster", "customer", "customer.created", to_dict(state, customer))
    return customer


def signed(entry):
    """Entries carry positive points; spending takes them away."""
    return -entry.points if entry.type == "spend" else entry.points


def balance(state, customer_id):
    entries = [e for e in state.loyalty if e.customer_id == customer_id]
    points = sum(signed(e) for e in entries)
    lifetime = sum(e.points for e in entries if e.type != "spend")
    tier = [name for name, floor in TIERS if lifetime >= floor][-1]
    following = next(((name, floor) for name, floor in TIERS if floor > lifetime), None)
    return {"customer_id": customer_id, "points": points, "tier": tier, "lifetime_points": lifetime,
            "next_tier": following[0] if following else None,
            "points_to_next_tier": following[1] - lifetime if following else None}


def to_dict(state, customer):
    placed = order_index(state).newest_first(state.orders, customer_id=customer.id)
    orders = [o for o in placed if o.status != "CANCELLED"]
    loyalty = balance(state, customer.id)
    return {"id": customer.id, "name": customer.name, "phone": customer.phone, "email": customer.email,
            "tags": list(customer.tags), "notes": customer.notes, "created_at": iso(customer.created),
            "orders_count": len(orders), "total_spent": sum(o.total for o in orders), "currency": state.currency,
            "last_order_at": iso(max((o.created for o in orders), default=None)),
            "loyalty": {"points": loyalty["points"], "tier": loyalty["tier"]}}


def update(state, customer, changes):
    """PATCH /customers/{id}: name, phone (unique), email, tags, notes."""
    phone = changes.get("phone")
    if phone and any(c.phone == phone and c.id != customer.id for c in state.customers.values()):
        raise Conflict(PHONE_TAKEN, details={"phone": phone})
    for name in ("name", "phone", "email", "tags", "notes"):
        if name in changes:
            setattr(customer, name, changes[name])


def search(state, query=None, tag=None):
    text = (query or "").lower()
    return [c for c in state.customers.values()
            if (not text or text in c.name.lower() or text in c.phone or text in (c.email or "").lower())
            and (tag is None or tag in c.tags)]


def entry_dict(entry):
    return {"id": entry.id, "customer_id": entry.customer_id, "type": entry.type, "points": entry.points,
            "reason": entry.reason, "order_id": entry.order_id, "created_at": iso(entry.created)}


def earn(world, state, order, now):
    """Points for a delivered order."""
    points = order.total // POINTS_PER_MINOR_UNITS
    if points:
        state.loyalty.append(LoyaltyEntry(world.ids.prefixed("lty"), order.customer_id, "earn", points,
                                          f"Order #{order.number}", order.id, now))


def award(world, clock, customer, points, reason):
    """POST /loyalty/award: bonus points, recorded as loyalty.awarded."""
    state = toster_state(world)
    entry = LoyaltyEntry(world.ids.prefixed("lty"), customer.id, "award", points, reason, None, clock.timestamp())
    state.loyalty.append(entry)
    result = {"entry": entry_dict(entry), "balance": balance(state, customer.id)}
    record(world, clock, "toster", "loyalty", "loyalty.awarded", result)
    return result


def review_dict(review):
    return {"id": review.id, "order_id": review.order_id, "customer_id": review.customer_id,
            "rating": review.rating, "comment": review.comment, "created_at": iso(review.created)}


def submit_review(world, clock, order, rating, comment):
    """A guest reviews a delivered order (recorded as review.submitted)."""
    state = toster_state(world)
    review = Review(world.ids.prefixed("rev"), order.id, order.customer_id, rating, comment, clock.timestamp())
    state.reviews[review.id] = review
    record(world, clock, "toster", "review", "review.submitted", review_dict(review))
    return review
