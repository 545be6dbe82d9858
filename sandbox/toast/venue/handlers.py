"""Handlers of the small Toast configuration APIs: packaging, the online ordering schedule and device details."""

from sandbox.toast.state import toast_state
from sandbox.toast.venue import models


def _catalog(ctx):
    return toast_state(ctx.world).catalogs[ctx.restaurant.guid]


def packaging_config(ctx):
    return models.packaging(ctx.restaurant, _catalog(ctx))


def ordering_schedule(ctx):
    return models.ordering_schedule(ctx.restaurant, _catalog(ctx), ctx.world.clock.timestamp())


def device_info(ctx):
    return models.devices(ctx.restaurant, _catalog(ctx), ctx.world.clock.timestamp())


PACKAGING = {"getPackagingConfig": packaging_config}
SCHEDULE = {"orderingScheduleGet": ordering_schedule}
DEVICES = {"getDeviceInfo": device_info}
