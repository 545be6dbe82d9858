"""Handlers of the Toast Orders API: thin calls into OrderDesk (changes) and listing (reads)."""

from flask import request

from sandbox.core.pipeline import Reply
from sandbox.toast.orders import listing
from sandbox.toast.orders.actions import OrderDesk
from sandbox.toast.state import toast_state


def _desk(ctx):
    return OrderDesk(ctx, toast_state(ctx.world))


def create_order(ctx):
    return _desk(ctx).create(ctx.body)


def price_order(ctx):
    return _desk(ctx).quote(ctx.body)


def get_order(ctx):
    return _desk(ctx).get(ctx.params["guid"])


def orders_bulk(ctx):
    desk = _desk(ctx)
    guids, has_next = listing.bulk_page(desk.book, desk.restaurant.guid, ctx.params)
    headers = listing.link_headers(request.host_url, request.path, request.args, ctx.params.get("page", 1), has_next)
    return Reply([desk.view(desk.book.orders[guid]) for guid in guids], headers=headers)


def order_guids(ctx):
    desk = _desk(ctx)
    return listing.guids_modified(desk.book, desk.restaurant.guid, ctx.params)


def payment_guids(ctx):
    desk = _desk(ctx)
    return listing.payment_guids(desk.book, desk.restaurant.guid, ctx.params)


def get_payment(ctx):
    desk = _desk(ctx)
    order, payment = listing.payment(desk.book, desk.restaurant.guid, ctx.params["guid"])
    return payment.to_dict(desk.now >= order.closeout_at)


def applicable_discounts(ctx):
    return _desk(ctx).applicable_discounts(ctx.body)


def add_selections(ctx):
    p = ctx.params
    return _desk(ctx).add_selections(p["orderGuid"], p["checkGuid"], ctx.body)


def add_check_discounts(ctx):
    p = ctx.params
    return _desk(ctx).add_check_discounts(p["orderGuid"], p["checkGuid"], ctx.body)


def add_selection_discounts(ctx):
    p = ctx.params
    return _desk(ctx).add_selection_discounts(p["orderGuid"], p["checkGuid"], p["selectionGuid"], ctx.body)


def add_payments(ctx):
    p = ctx.params
    return _desk(ctx).add_payments(p["orderGuid"], p["checkGuid"], ctx.body)


def set_tip(ctx):
    p = ctx.params
    return _desk(ctx).set_tip(p["orderGuid"], p["checkGuid"], p["paymentGuid"], ctx.body)


def update_delivery(ctx):
    return _desk(ctx).update_delivery(ctx.params["orderGuid"], ctx.body)


def void_order(ctx):
    return _desk(ctx).void(ctx.params["orderGuid"], ctx.body)


OPERATIONS = {
    "ordersPost": create_order,
    "pricesPost": price_order,
    "ordersGuidGet": get_order,
    "ordersBulkGet": orders_bulk,
    "ordersGet": order_guids,
    "paymentsGet": payment_guids,
    "paymentsGuidGet": get_payment,
    "applicableDiscountsPost": applicable_discounts,
    "ordersOrderGuidChecksCheckGuidSelectionsPost": add_selections,
    "ordersChecksAppliedDiscountsPost": add_check_discounts,
    "ordersChecksSelectionsAppliedDiscountsPost": add_selection_discounts,
    "ordersChecksPaymentsPost": add_payments,
    "ordersOrderGuidChecksCheckGuidPaymentsPaymentGuidPatch": set_tip,
    "ordersOrderGuidDeliveryInfoPatch": update_delivery,
    "voidOrder": void_order,
}
