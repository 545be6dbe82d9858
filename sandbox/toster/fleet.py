"""Couriers, routes and tracking: a dispatched order's courier moves along a straight route at its vehicle's
speed, on the sandbox clock."""

import hashlib
import math

from sandbox.core.errors import Conflict
from sandbox.toster.state import iso

SPEED_KMH = {"foot": 5, "bike": 15, "scooter": 25, "car": 30}
PREP_SECONDS = 25 * 60            # expected time from order to dispatch
ROUTE_POINTS = 11
NO_COURIER = "No courier is available to dispatch the order"


def destination(state, order):
    """Where a delivery goes: its address's coordinates, or a stable point 1-4 km from the kitchen."""
    address = order.address or {}
    if address.get("lat") is not None and address.get("lng") is not None:
        return address["lat"], address["lng"]
    digest = hashlib.sha256(f"{address.get('street')}|{order.id}".encode()).digest()
    angle = digest[0] / 255 * 2 * math.pi
    km = 1 + digest[1] / 255 * 3
    lat = state.kitchen["lat"] + km / 111.0 * math.cos(angle)
    lng = state.kitchen["lng"] + km / (111.0 * math.cos(math.radians(state.kitchen["lat"]))) * math.sin(angle)
    return round(lat, 6), round(lng, 6)


def _distance_m(a, b):
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (b[0] - a[0]) * 111_000
    dx = (b[1] - a[1]) * 111_000 * math.cos(lat)
    return math.hypot(dx, dy)


def route(state, order):
    start = (state.kitchen["lat"], state.kitchen["lng"])
    end = destination(state, order)
    return [(start[0] + (end[0] - start[0]) * i / (ROUTE_POINTS - 1),
             start[1] + (end[1] - start[1]) * i / (ROUTE_POINTS - 1)) for i in range(ROUTE_POINTS)]


def ride_seconds(state, order, courier):
    start = (state.kitchen["lat"], state.kitchen["lng"])
    return _distance_m(start, destination(state, order)) / (SPEED_KMH[courier.vehicle] * 1000 / 3600)


def assign(state, order, now):
    """Give a dispatched delivery the first available courier; 409 when none is."""
    courier = next((c for c in state.couriers.values() if c.status == "available"), None)
    if courier is None:
        raise Conflict(NO_COURIER, details={"from": order.status, "to": "DISPATCHED"})
    courier.status, courier.current_order_id = "assigned", order.id
    order.courier_id = courier.id


def release(state, order):
    courier = state.couriers.get(order.courier_id)
    if courier is not None and courier.current_order_id == order.id:
        courier.status, courier.current_order_id = "available", None


def eta(state, order):
    """Expected delivery (or pickup) time: from the plan before dispatch, from the ride after; None when done."""
    if order.status in ("DELIVERED", "CANCELLED"):
        return None
    dispatched = order.reached("DISPATCHED")
    courier = state.couriers.get(order.courier_id)
    if dispatched is not None and courier is not None:
        return dispatched + ride_seconds(state, order, courier)
    ready = order.created + PREP_SECONDS
    if order.type == "pickup":
        return ready
    return ready + _distance_m((state.kitchen["lat"], state.kitchen["lng"]), destination(state, order)) / (
        SPEED_KMH["scooter"] * 1000 / 3600)


def position(state, order, now):
    """(lat, lng, heading) of the order's courier now, or None when no courier carries it."""
    dispatched = order.reached("DISPATCHED")
    courier = state.couriers.get(order.courier_id)
    if dispatched is None or courier is None:
        return None
    delivered = order.reached("DELIVERED")
    moment = min(now, delivered) if delivered else now
    share = min(1.0, max(0.0, (moment - dispatched) / ride_seconds(state, order, courier)))
    start, end = (state.kitchen["lat"], state.kitchen["lng"]), destination(state, order)
    heading = (math.degrees(math.atan2(end[1] - start[1], end[0] - start[0])) + 360) % 360
    return (start[0] + (end[0] - start[0]) * share, start[1] + (end[1] - start[1]) * share, round(heading, 1))


def track(state, order, now):
    """GET /orders/{id}/track."""
    courier = state.couriers.get(order.courier_id)
    where = position(state, order, now)
    remaining = None
    if where is not None:
        remaining = round(_distance_m(where[:2], destination(state, order)))
    return {
        "order_id": order.id, "status": order.status,
        "courier": {"id": courier.id, "name": courier.name, "phone": courier.phone, "vehicle": courier.vehicle}
        if courier else None,
        "location": {"lat": round(where[0], 6), "lng": round(where[1], 6), "heading": where[2],
                     "updated_at": iso(now)} if where else None,
        "eta": iso(eta(state, order)),
        "route": [{"lat": round(a, 6), "lng": round(b, 6)} for a, b in route(state, order)]
        if order.type == "delivery" else [],
        "distance_remaining_m": remaining,
    }


def courier_dict(courier):
    return {"id": courier.id, "name": courier.name, "phone": courier.phone, "vehicle": courier.vehicle,
            "status": courier.status, "current_order_id": courier.current_order_id, "rating": courier.rating}


def courier_detail(state, courier):
    order = state.orders.get(courier.current_order_id)
    assignment = None
    if order is not None:
        assignment = {"order_id": order.id, "number": order.number, "status": order.status,
                      "assigned_at": iso(order.reached("DISPATCHED")), "eta": iso(eta(state, order))}
    return {**courier_dict(courier), "active_assignment": assignment}


def location(state, courier, now):
    """GET /couriers/{id}/location: on the route of its order, or at the kitchen when free."""
    order = state.orders.get(courier.current_order_id)
    where = position(state, order, now) if order else None
    if where is None:
        where = (state.kitchen["lat"], state.kitchen["lng"], None)
    return {"courier_id": courier.id, "lat": round(where[0], 6), "lng": round(where[1], 6), "heading": where[2],
            "updated_at": iso(now),
            "route": [{"lat": round(a, 6), "lng": round(b, 6)} for a, b in route(state, order)] if order else [],
            "order_id": order.id if order else None}
