"""Handlers of the Toast Partners API (partner clients only)."""

from sandbox.core.clock import parse_instant
from sandbox.core.errors import Forbidden
from sandbox.toast import errors
from sandbox.toast.partners import models
from sandbox.toast.state import toast_state


def _connections(ctx):
    if not ctx.principal.is_partner:
        raise Forbidden(errors.PARTNERS_ONLY)
    state = toast_state(ctx.world)
    since = ctx.params.get("lastModified")
    since = parse_instant(since).timestamp() if since else None
    return [c.to_dict(state.restaurants[c.restaurant_guid])
            for c in models.connections_of(state, ctx.principal.client_id, since)]


def list_restaurants(ctx):
    return _connections(ctx)


def connected_restaurants(ctx):
    return models.paginate(_connections(ctx), ctx.params.get("page"), ctx.params.get("pageSize"),
                           ctx.params.get("pageToken"))


OPERATIONS = {
    "restaurantsGet": list_restaurants,
    "connectedRestaurantsGet": connected_restaurants,
}
