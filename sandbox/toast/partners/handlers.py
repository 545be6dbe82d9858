"""Handlers of the Toast Partners API (partner clients only)."""

from urllib.parse import urlencode

from flask import request

from sandbox.core.clock import parse_instant
from sandbox.core.pipeline import Reply
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


def _links(page):
    """`Link` header lines for the first and (when there is one) next page, by page token, with absolute URLs."""
    kept = [(k, v) for k, v in request.args.items(multi=True) if k == "lastModified"]
    base = request.base_url
    tokens = [("first", models.token_for(1, page["pageSize"])), ("next", page["nextPageToken"])]
    return [("Link", f'<{base}?{urlencode(kept + [("pageToken", token)])}>; rel="{name}"')
            for name, token in tokens if token]


def connected_restaurants(ctx):
    page = models.paginate(_connections(ctx), ctx.params.get("page"), ctx.params.get("pageSize"),
                           ctx.params.get("pageToken"))
    return Reply(page, headers=_links(page))


OPERATIONS = {
    "restaurantsGet": list_restaurants,
    "connectedRestaurantsGet": connected_restaurants,
}
