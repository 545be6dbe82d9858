"""Handlers of the Toster API: thin calls into the orders, fleet, people and insights modules."""

from sandbox.core.clock import parse_instant
from sandbox.core.egress import check_subscription
from sandbox.core.errors import BadRequest
from sandbox.core.pipeline import Reply
from sandbox.core.webhooks import subscribe, webhook_state
from sandbox.toster import fleet, insights, orders, people
from sandbox.toster.index import order_index
from sandbox.toster.state import find, iso, page, toster_state

THIRTY_DAYS = 30 * 86400


def _state(ctx):
    return toster_state(ctx.world)


def _now(ctx):
    return ctx.world.clock.timestamp()


def _page(ctx, items, render=None):
    return page(items, ctx.params.get("page", 1), ctx.params.get("limit", 20), render)


# Orders ---------------------------------------------------------------------------------------------------------

def list_orders(ctx):
    """Status and customer come from the index; a time window or a number search filters what they give."""
    state, p = _state(ctx), ctx.params
    since = parse_instant(p["from"]).timestamp() if p.get("from") else None
    until = parse_instant(p["to"]).timestamp() if p.get("to") else None
    found = order_index(state).newest_first(state.orders, p.get("status"), p.get("customer_id"))
    if since is not None or until is not None or p.get("q") is not None:
        found = [o for o in found
                 if (since is None or o.created >= since) and (until is None or o.created < until)
                 and (p.get("q") is None or p["q"].lstrip("#") in str(o.number))]
    return _page(ctx, found, lambda o: orders.to_dict(state, o))


def create_order(ctx):
    order = orders.create(ctx.world, ctx.world.clock, ctx.body)
    return Reply(orders.to_dict(_state(ctx), order), 201)


def get_order(ctx):
    return orders.to_dict(_state(ctx), find(_state(ctx).orders, ctx.params["id"], "Order"))


def update_order_status(ctx):
    order = find(_state(ctx).orders, ctx.params["id"], "Order")
    orders.move(ctx.world, ctx.world.clock, order, ctx.body["status"], ctx.body.get("reason"))
    return orders.to_dict(_state(ctx), order)


def track_order(ctx):
    return fleet.track(_state(ctx), find(_state(ctx).orders, ctx.params["id"], "Order"), _now(ctx))


# Customers ------------------------------------------------------------------------------------------------------

def list_customers(ctx):
    state = _state(ctx)
    found = people.search(state, ctx.params.get("q"), ctx.params.get("tag"))
    return _page(ctx, found, lambda c: people.to_dict(state, c))


def _customer_detail(state, customer):
    recent = order_index(state).newest_first(state.orders, customer_id=customer.id)[:10]
    return {**people.to_dict(state, customer), "orders": [orders.summary(state, o) for o in recent]}


def get_customer(ctx):
    return _customer_detail(_state(ctx), find(_state(ctx).customers, ctx.params["id"], "Customer"))


def update_customer(ctx):
    state = _state(ctx)
    customer = find(state.customers, ctx.params["id"], "Customer")
    people.update(state, customer, ctx.body)
    return _customer_detail(state, customer)


def list_customer_orders(ctx):
    state = _state(ctx)
    customer = find(state.customers, ctx.params["id"], "Customer")
    found = order_index(state).newest_first(state.orders, customer_id=customer.id)
    return _page(ctx, found, lambda o: orders.to_dict(state, o))


# Catalogue ------------------------------------------------------------------------------------------------------

def product_dict(state, product):
    return {"id": product.id, "name": product.name, "description": product.description,
            "category_id": product.category_id, "price": product.price, "currency": state.currency,
            "available": product.available, "modifiers": [dict(m) for m in product.modifiers], "image_url": None}


def list_products(ctx):
    state, p = _state(ctx), ctx.params
    text = (p.get("q") or "").lower()
    found = [pr for pr in state.products.values()
             if (p.get("category_id") is None or pr.category_id == p["category_id"]) and text in pr.name.lower()]
    return _page(ctx, found, lambda pr: product_dict(state, pr))


def get_product(ctx):
    return product_dict(_state(ctx), find(_state(ctx).products, ctx.params["id"], "Product"))


def list_categories(ctx):
    state = _state(ctx)
    return _page(ctx, [{"id": c.id, "name": c.name, "position": c.position,
                        "product_count": sum(1 for p in state.products.values() if p.category_id == c.id)}
                       for c in state.categories.values()])


# Kitchen and couriers -------------------------------------------------------------------------------------------

def kitchen_queue(ctx):
    return _page(ctx, insights.queue(_state(ctx), _now(ctx)))


def kitchen_stats(ctx):
    start, end = insights.time_range(ctx.params, _now(ctx), 86400)
    return insights.kitchen_stats(_state(ctx), start, end, _now(ctx))


def list_couriers(ctx):
    return _page(ctx, [fleet.courier_dict(c) for c in _state(ctx).couriers.values()])


def get_courier(ctx):
    return fleet.courier_detail(_state(ctx), find(_state(ctx).couriers, ctx.params["id"], "Courier"))


def courier_location(ctx):
    return fleet.location(_state(ctx), find(_state(ctx).couriers, ctx.params["id"], "Courier"), _now(ctx))


# Analytics ------------------------------------------------------------------------------------------------------

def revenue(ctx):
    start, end = insights.time_range(ctx.params, _now(ctx), THIRTY_DAYS)
    return insights.revenue(_state(ctx), start, end, ctx.params.get("group_by", "day"))


def order_analytics(ctx):
    start, end = insights.time_range(ctx.params, _now(ctx), THIRTY_DAYS)
    return insights.order_stats(_state(ctx), start, end)


def top_products(ctx):
    start, end = insights.time_range(ctx.params, _now(ctx), THIRTY_DAYS)
    return insights.top_products(_state(ctx), start, end, ctx.params.get("limit", 10),
                                 ctx.params.get("sort", "quantity"))


# Loyalty and reviews --------------------------------------------------------------------------------------------

def get_loyalty(ctx):
    customer = find(_state(ctx).customers, ctx.params["customer_id"], "Customer")
    return people.balance(_state(ctx), customer.id)


def loyalty_history(ctx):
    state = _state(ctx)
    customer = find(state.customers, ctx.params["customer_id"], "Customer")
    entries = [e for e in reversed(state.loyalty) if e.customer_id == customer.id]
    return _page(ctx, entries, people.entry_dict)


def award_loyalty(ctx):
    customer = find(_state(ctx).customers, ctx.body["customer_id"], "Customer")
    return Reply(people.award(ctx.world, ctx.world.clock, customer, ctx.body["points"], ctx.body["reason"]), 201)


def list_reviews(ctx):
    p = ctx.params
    since = parse_instant(p["from"]).timestamp() if p.get("from") else None
    until = parse_instant(p["to"]).timestamp() if p.get("to") else None
    found = [r for r in reversed(_state(ctx).reviews.values())
             if (p.get("rating") is None or r.rating == p["rating"])
             and (since is None or r.created >= since) and (until is None or r.created < until)]
    return _page(ctx, found, people.review_dict)


# Webhooks -------------------------------------------------------------------------------------------------------

def _subscription_dict(ident, subscription, with_secret=False):
    view = {"id": ident, "url": subscription.url, "events": list(subscription.events),
            "active": subscription.status == "active", "created_at": iso(subscription.created)}
    if with_secret:
        view["secret"] = subscription.secret
    return view


def list_webhooks(ctx):
    state, subscriptions = _state(ctx), webhook_state(ctx.world).subscriptions
    return _page(ctx, [_subscription_dict(ident, subscriptions[guid]) for ident, guid in state.webhooks.items()
                       if guid in subscriptions])


def create_webhook(ctx):
    body = ctx.body
    if not body["events"]:
        raise BadRequest("events must name at least one event", field="events")
    check_subscription(body["url"], ctx.sandbox.config)
    subscription = subscribe(ctx.world, "toster", body["url"], body["events"], body.get("secret"), _now(ctx),
                             signing="body")
    ident = ctx.world.ids.prefixed("whk")
    _state(ctx).webhooks[ident] = subscription.guid
    return Reply(_subscription_dict(ident, subscription, with_secret=True), 201)


def delete_webhook(ctx):
    state = _state(ctx)
    guid = state.webhooks.get(ctx.params["id"])
    find(state.webhooks, ctx.params["id"], "Webhook")
    del state.webhooks[ctx.params["id"]]
    webhook_state(ctx.world).subscriptions.pop(guid, None)
    return Reply(status=204)


OPERATIONS = {
    "listOrders": list_orders,
    "createOrder": create_order,
    "getOrder": get_order,
    "updateOrderStatus": update_order_status,
    "trackOrder": track_order,
    "listCustomers": list_customers,
    "getCustomer": get_customer,
    "updateCustomer": update_customer,
    "listCustomerOrders": list_customer_orders,
    "listProducts": list_products,
    "getProduct": get_product,
    "listCategories": list_categories,
    "getKitchenQueue": kitchen_queue,
    "getKitchenStats": kitchen_stats,
    "listCouriers": list_couriers,
    "getCourier": get_courier,
    "getCourierLocation": courier_location,
    "getRevenue": revenue,
    "getOrderAnalytics": order_analytics,
    "getTopProducts": top_products,
    "getLoyalty": get_loyalty,
    "getLoyaltyHistory": loyalty_history,
    "awardLoyalty": award_loyalty,
    "listReviews": list_reviews,
    "listWebhooks": list_webhooks,
    "createWebhook": create_webhook,
    "deleteWebhook": delete_webhook,
}
