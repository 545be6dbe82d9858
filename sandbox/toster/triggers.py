"""Real state changes that emit each Toster webhook event, for `pos-sandbox trigger` and `POST /_sandbox/trigger`."""

from sandbox.core.errors import BadRequest, Conflict
from sandbox.toster import orders, people
from sandbox.toster.state import toster_state

STATUS_EVENTS = {f"order.{status.lower()}": status for status in orders.FLOW[1:] + ("CANCELLED",)}
EVENTS = ("order.created", *STATUS_EVENTS, "customer.created", "review.submitted", "loyalty.awarded")


def _next_order(state, status):
    """The oldest order that can move to `status` now (the step before it in the flow)."""
    for order in state.orders.values():
        following = orders.FLOW[orders.FLOW.index(order.status) + 1] if order.status in orders.FLOW[:-1] else None
        if order.type == "pickup" and order.status == "PACKED":
            following = "DELIVERED"
        if following == status or (status == "CANCELLED" and order.status in orders.CANCELLABLE):
            if status != "DISPATCHED" or order.type == "delivery":
                return order
    raise Conflict(f"No order can move to {status} now", details={"to": status})


def trigger(sandbox, world, event_name):
    """Make the change behind a Toster event; returns (what changed, the recorded event)."""
    state = toster_state(world)
    clock = world.clock
    if event_name == "order.created":
        customer = next(iter(state.customers.values()))
        product = next(iter(state.products.values()))
        order = orders.create(world, clock, {"customer_id": customer.id, "type": "pickup",
                                             "items": [{"product_id": product.id, "qty": 1}]})
        changed = {"orderId": order.id}
    elif event_name in STATUS_EVENTS:
        order = _next_order(state, STATUS_EVENTS[event_name])
        orders.move(world, clock, order, STATUS_EVENTS[event_name], "Triggered from the sandbox")
        changed = {"orderId": order.id, "status": order.status}
    elif event_name == "customer.created":
        phone = f"+38050{world.ids.random.randrange(10 ** 6, 10 ** 7)}"
        customer = people.customer_by_phone(world, clock, {"name": "Sandbox Guest", "phone": phone})
        changed = {"customerId": customer.id}
    elif event_name == "review.submitted":
        delivered = [o for o in state.orders.values() if o.status == "DELIVERED"
                     and not any(r.order_id == o.id for r in state.reviews.values())]
        if not delivered:
            raise Conflict("No delivered order is waiting for a review")
        review = people.submit_review(world, clock, delivered[-1], 5, "Reviewed from the sandbox")
        changed = {"reviewId": review.id}
    elif event_name == "loyalty.awarded":
        customer = next(iter(state.customers.values()))
        result = people.award(world, clock, customer, 50, "Sandbox bonus")
        changed = {"entryId": result["entry"]["id"]}
    else:
        raise BadRequest(f"No trigger for {event_name}", field="event")
    event = next(d.event for d in reversed(world.state["webhooks"].deliveries.values()) if d.type == event_name)
    return changed, event
