"""Kitchen queue and stats from live orders and status times; analytics computed from stored orders."""

from collections import Counter

from sandbox.core.clock import EARLIEST, LATEST, parse_instant
from sandbox.core.errors import BadRequest
from sandbox.toster.state import iso

IN_KITCHEN = {"COOKING": 3, "CONFIRMED": 2, "NEW": 1}
STATUSES = ("NEW", "CONFIRMED", "COOKING", "PACKED", "DISPATCHED", "DELIVERED", "CANCELLED")
RANGE_BACKWARDS = "to must not be before from"
RANGE_OUTSIDE = "from and to must lie between 1971 and 9000"


def time_range(params, now, default_seconds):
    """(from, to) epoch seconds from the query, defaulting to the last `default_seconds`."""
    end = parse_instant(params["to"]).timestamp() if params.get("to") else now
    start = parse_instant(params["from"]).timestamp() if params.get("from") else end - default_seconds
    if end < start:
        raise BadRequest(RANGE_BACKWARDS, details={"from": params.get("from"), "to": params.get("to")})
    if start < EARLIEST or end > LATEST:
        raise BadRequest(RANGE_OUTSIDE, details={"from": params.get("from"), "to": params.get("to")})
    return start, end


def queue(state, now):
    """Live kitchen tickets, most urgent first (cooking, then confirmed, then new; oldest first within each)."""
    live = sorted((o for o in state.orders.values() if o.status in IN_KITCHEN),
                  key=lambda o: (-IN_KITCHEN[o.status], o.created))
    return [{"order_id": o.id, "number": o.number, "status": o.status, "priority": position + 1,
             "items": [{"name": i["name"], "qty": i["qty"]} for i in o.items], "placed_at": iso(o.created),
             "waiting_seconds": int(now - o.created)} for position, o in enumerate(live)]


def kitchen_stats(state, start, end, now):
    """Prep time (confirmed -> packed) and throughput of the orders packed in [start, end)."""
    packed = [o for o in state.orders.values()
              if o.reached("PACKED") is not None and start <= o.reached("PACKED") < end]
    preps = [o.reached("PACKED") - o.reached("CONFIRMED") for o in packed if o.reached("CONFIRMED") is not None]
    hours = max((end - start) / 3600, 1 / 60)
    return {"from": iso(start), "to": iso(end), "avg_prep_seconds": round(sum(preps) / len(preps), 1)
            if preps else None, "throughput_per_hour": round(len(packed) / hours, 3),
            "in_queue": len(queue(state, now)), "completed": len(packed)}


def _placed(state, start, end):
    return [o for o in state.orders.values() if start <= o.created < end]


def revenue(state, start, end, group_by):
    """Revenue (totals of orders not cancelled) by UTC day or hour."""
    width = 86400 if group_by == "day" else 3600
    buckets = {}
    for order in _placed(state, start, end):
        if order.status == "CANCELLED":
            continue
        bucket = int(order.created // width * width)
        revenue_so_far, count = buckets.get(bucket, (0, 0))
        buckets[bucket] = (revenue_so_far + order.total, count + 1)
    return {"from": iso(start), "to": iso(end), "group_by": group_by, "currency": state.currency,
            "total": sum(r for r, _ in buckets.values()),
            "points": [{"period_start": iso(b), "revenue": r, "orders": n} for b, (r, n) in sorted(buckets.items())]}


def order_stats(state, start, end):
    """Count and average value of the orders not cancelled; conversion = delivered / placed."""
    placed = _placed(state, start, end)
    kept = [o for o in placed if o.status != "CANCELLED"]
    by_status = Counter(o.status for o in placed)
    return {"from": iso(start), "to": iso(end), "count": len(kept),
            "average_order_value": round(sum(o.total for o in kept) / len(kept)) if kept else 0,
            "currency": state.currency,
            "conversion_rate": round(by_status["DELIVERED"] / len(placed), 4) if placed else 0.0,
            "by_status": {status: by_status[status] for status in STATUSES}}


def top_products(state, start, end, limit, sort):
    quantity, revenue_by = Counter(), Counter()
    names = {}
    for order in _placed(state, start, end):
        if order.status == "CANCELLED":
            continue
        for item in order.items:
            quantity[item["product_id"]] += item["qty"]
            revenue_by[item["product_id"]] += item["total"]
            names[item["product_id"]] = item["name"]
    ranking = quantity if sort == "quantity" else revenue_by
    ordered = sorted(names, key=lambda p: (-ranking[p], p))[:limit]
    return {"from": iso(start), "to": iso(end), "sort": sort, "currency": state.currency,
            "items": [{"product_id": p, "name": names[p], "quantity": quantity[p], "revenue": revenue_by[p]}
                      for p in ordered]}
