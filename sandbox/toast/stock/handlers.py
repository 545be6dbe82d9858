"""Handlers of the Toast Stock API."""

from sandbox.toast.state import toast_state
from sandbox.toast.stock import models


def _catalog(ctx):
    return toast_state(ctx.world).catalogs[ctx.restaurant.guid]


def get_inventory(ctx):
    return models.at_risk(_catalog(ctx), ctx.params.get("status"))


def search_inventory(ctx):
    return models.search(_catalog(ctx), ctx.body)


def update_inventory(ctx):
    return models.update(ctx.world, ctx.world.clock, _catalog(ctx), ctx.body)


OPERATIONS = {
    "getInventory": get_inventory,
    "postInventorySearch": search_inventory,
    "updateInventory": update_inventory,
}
