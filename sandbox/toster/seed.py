"""Build the Toster side of a world: keys, catalogue and couriers from the fixtures; customers, orders, reviews and
loyalty from the world's seed, ending at the start instant (the last orders are still in the kitchen or on the
road)."""

from sandbox.core.fakes import People
from sandbox.toster.fleet import assign, ride_seconds
from sandbox.toster.orders import price_items
from sandbox.toster.people import POINTS_PER_MINOR_UNITS
from sandbox.toster.state import (ApiKey, Category, Courier, Customer, LoyaltyEntry, Order, Product, Review,
                                  TosterState)

# Minutes after the order that each status is reached.
_STEPS = (("CONFIRMED", 2), ("COOKING", 5), ("PACKED", 22), ("DISPATCHED", 26))
_STREETS = ("Khreshchatyk", "Saksahanskoho", "Velyka Vasylkivska", "Yaroslaviv Val")
_COMMENTS = ("Fast and hot", "Rolls were great", None, "A bit late but tasty", "Perfect as always", None)


def _catalogue(world, state, data):
    for position, raw in enumerate(data.get("categories", [])):
        category = Category(world.ids.prefixed("cat", 12), raw["name"], position + 1)
        state.categories[category.id] = category
        for product_raw in raw.get("products", []):
            modifiers = [{"id": world.ids.prefixed("mod", 12), "name": m["name"], "price": m["price"]}
                         for m in product_raw.get("modifiers", [])]
            product = Product(world.ids.prefixed("prd", 12), product_raw["name"], category.id, product_raw["price"],
                              modifiers, product_raw.get("description"))
            state.products[product.id] = product


def _customers(world, state, count, seeded_at):
    people = People(world.seed, world.ids.random)
    rng = world.ids.random
    for _ in range(count):
        person = people.person()
        customer = Customer(world.ids.prefixed("cus"), f"{person['firstName']} {person['lastName'][0]}.",
                            f"+38067{rng.randrange(1000000, 9999999)}", person["email"],
                            seeded_at - rng.randrange(40, 400) * 86400,
                            tags=rng.sample(["vip", "office", "student", "family", "late-night"], rng.randint(0, 2)))
        state.customers[customer.id] = customer


def _order(world, state, placed, seeded_at):
    rng = world.ids.random
    products = list(state.products.values())
    raw_items = []
    for product in rng.sample(products, rng.randint(1, 3)):
        modifiers = [m["id"] for m in product.modifiers if rng.random() < 0.3]
        raw_items.append({"product_id": product.id, "qty": rng.choice((1, 1, 2)), "modifiers": modifiers})
    lines = price_items(state, raw_items)
    kind = "delivery" if rng.random() < 0.7 else "pickup"
    subtotal = sum(line["total"] for line in lines)
    fee = state.delivery_fee if kind == "delivery" else 0
    state.last_number += 1
    customer = rng.choice(list(state.customers.values()))
    address = None
    if kind == "delivery":
        street = rng.choice(_STREETS)
        address = {"street": f"{rng.randint(1, 180)} {street} St", "city": state.city,
                   "apartment": str(rng.randint(1, 120)), "notes": None,
                   "lat": round(state.kitchen["lat"] + rng.uniform(-0.03, 0.03), 6),
                   "lng": round(state.kitchen["lng"] + rng.uniform(-0.04, 0.04), 6)}
    order = Order(world.ids.prefixed("ord"), state.last_number, kind, customer.id, lines, subtotal, fee,
                  subtotal + fee, placed, address=address, history=[("NEW", placed, None)])
    state.orders[order.id] = order
    if rng.random() < 0.06:
        cancelled = placed + 60 * rng.randint(1, 4)
        if cancelled <= seeded_at:
            order.status, order.updated = "CANCELLED", cancelled
            order.history.append(("CANCELLED", cancelled, "Guest cancelled"))
        return
    for status, minutes in _STEPS:
        at = placed + minutes * 60
        if at > seeded_at or (status == "DISPATCHED" and kind == "pickup"):
            break
        if status == "DISPATCHED":
            if not any(c.status == "available" for c in state.couriers.values()):
                break
            assign(state, order, at)
        order.status, order.updated = status, at
        order.history.append((status, at, None))
    done = placed + 30 * 60
    if order.status == "DISPATCHED":
        done = order.reached("DISPATCHED") + ride_seconds(state, order, state.couriers[order.courier_id])
    if (order.status == "DISPATCHED" or (kind == "pickup" and order.status == "PACKED")) and done <= seeded_at:
        if order.courier_id:
            courier = state.couriers[order.courier_id]
            courier.status, courier.current_order_id = "available", None
        order.status, order.updated = "DELIVERED", done
        order.history.append(("DELIVERED", done, None))
        points = order.total // POINTS_PER_MINOR_UNITS
        state.loyalty.append(LoyaltyEntry(world.ids.prefixed("lty"), customer.id, "earn", points,
                                          f"Order #{order.number}", order.id, done))
        if rng.random() < 0.3:
            review = Review(world.ids.prefixed("rev"), order.id, customer.id, rng.choice((3, 4, 4, 5, 5, 5)),
                            rng.choice(_COMMENTS), done + 1800)
            if review.created <= seeded_at:
                state.reviews[review.id] = review


def seed_toster(world, fixtures, seeded_at):
    """Fill world.state["toster"]."""
    data = fixtures.get("toster")
    state = TosterState()
    world.state["toster"] = state
    if not data:
        return
    state.currency, state.delivery_fee = data.get("currency", "UAH"), data.get("deliveryFee", 0)
    state.kitchen, state.city = dict(data["kitchen"]), data.get("city", "")
    for raw in data.get("keys", []):
        state.keys[raw["key"]] = ApiKey(raw["key"], raw["name"], list(raw["scopes"]))
    _catalogue(world, state, data)
    rng = world.ids.random
    for raw in data.get("couriers", []):
        courier = Courier(world.ids.prefixed("cou", 12), raw["name"], raw["phone"], raw["vehicle"],
                          round(rng.uniform(4.2, 5.0), 2))
        state.couriers[courier.id] = courier
    _customers(world, state, data.get("customers", 0), seeded_at)
    days = fixtures.get("history", {}).get("days", 0)
    per_day = data.get("ordersPerDay", 0)
    if not state.customers:
        return
    # History in time order; the last hour's orders are still moving through the kitchen and the fleet.
    placements = sorted(seeded_at - rng.uniform(0, days * 86400) for _ in range(days * per_day))
    placements += sorted(seeded_at - rng.uniform(0, 3600) for _ in range(min(6, per_day)))
    for placed in sorted(placements):
        _order(world, state, placed, seeded_at)
    for customer in list(state.customers.values())[:5]:
        earned = sum(e.points for e in state.loyalty if e.customer_id == customer.id)
        if earned >= 20:
            state.loyalty.append(LoyaltyEntry(world.ids.prefixed("lty"), customer.id, "spend", 20,
                                              "Free drink", None, seeded_at - 3600))
