"""Handlers of the Toast Kitchen API: prep stations (paged by token) and the item fulfillment export."""

from sandbox.core.errors import BadRequest, NotFound
from sandbox.core.pipeline import Reply
from sandbox.toast.access import is_guid
from sandbox.toast.dates import parse_business_date
from sandbox.toast.kitchen import models
from sandbox.toast.paging import token_page
from sandbox.toast.state import toast_state

NO_STATION = "No prep station with GUID {guid} at this restaurant"


def _catalog(ctx):
    return toast_state(ctx.world).catalogs[ctx.restaurant.guid]


def prep_stations(ctx):
    catalog = _catalog(ctx)
    stations = [models.station_view(s) for s in catalog.prep_stations.values()]
    return token_page(ctx.params, stations, catalog.last_updated, ctx.sandbox.config.config_page_size)


def prep_station(ctx):
    guid = ctx.params["guid"]
    if not is_guid(guid):
        raise BadRequest("The GUID was malformed", field="guid")
    station = _catalog(ctx).prep_stations.get(guid.lower())
    if station is None:
        raise NotFound(NO_STATION.format(guid=guid))
    return models.station_view(station)


def item_fulfillments(ctx):
    day = parse_business_date(ctx.params["businessDate"])
    if not ctx.sandbox.config.toast_kitchen_export:
        return Reply(status=204)
    state = toast_state(ctx.world)
    return models.fulfillments(_catalog(ctx), state.orders, ctx.restaurant.guid, day, ctx.world.clock.timestamp())


OPERATIONS = {
    "itemFulfillmentsGet": item_fulfillments,
    "prepStationsGet": prep_stations,
    "prepStationsGuidGet": prep_station,
}
