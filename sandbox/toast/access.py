"""Who may call what: bearer tokens, scopes, and which restaurants a client reaches."""

import re

from sandbox.core.errors import BadRequest, Forbidden
from sandbox.toast import errors
from sandbox.toast.auth.models import authenticate
from sandbox.toast.state import toast_state

RESTAURANT_HEADER = "Toast-Restaurant-External-ID"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_guid(text):
    return bool(text and _GUID.match(text))


def reachable_restaurants(state, client):
    """GUIDs of the restaurants a client reaches: its connections (partners) or its group's (group clients)."""
    if client.is_partner:
        return {guid for (client_id, guid) in state.connections if client_id == client.client_id}
    group = state.groups.get(client.management_group_guid)
    return set(group.restaurants) if group else set()


def reaches(state, client, guid):
    """Whether a client reaches one restaurant (what reachable_restaurants holds, without building the set)."""
    if client.is_partner:
        return (client.client_id, guid) in state.connections
    group = state.groups.get(client.management_group_guid)
    return group is not None and guid in group.restaurants


def presented_token(ctx):
    """The issued Token behind the request's bearer header, if any (expired or not); never raises."""
    scheme, _, value = (ctx.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return toast_state(ctx.world).tokens.get(value.strip())


def authenticate_request(ctx, authorization):
    """Set ctx.principal from the bearer token, unless the operation needs no credentials."""
    if ctx.operation.security:
        ctx.principal = authenticate(toast_state(ctx.world), ctx.world.clock.timestamp(), authorization)


def authorize_request(ctx, restaurant_header):
    """Scopes first (403), then the restaurant header: missing or malformed 400, out of reach 403."""
    client = ctx.principal
    if client is None:
        return
    alternatives = ctx.operation.scopes_any_of
    if alternatives and not any(required.issubset(client.scopes) for required in alternatives):
        wanted = " | ".join(" + ".join(sorted(s)) for s in alternatives)
        raise Forbidden(errors.MISSING_SCOPE.format(scopes=wanted))
    if RESTAURANT_HEADER not in ctx.operation.parameter_names:
        return
    if not restaurant_header:
        raise BadRequest(errors.RESTAURANT_HEADER_MISSING, field=RESTAURANT_HEADER)
    if not is_guid(restaurant_header):
        raise BadRequest(errors.RESTAURANT_HEADER_MALFORMED, field=RESTAURANT_HEADER)
    guid = restaurant_header.lower()
    state = toast_state(ctx.world)
    restaurant = state.restaurants.get(guid)
    if restaurant is None or not reaches(state, client, guid):
        raise Forbidden(errors.RESTAURANT_NOT_CONNECTED.format(guid=guid))
    if restaurant.deleted:
        raise BadRequest(errors.RESTAURANT_DELETED.format(guid=guid))
    delay = ctx.sandbox.config.connection_delay
    connection = state.connections.get((client.client_id, guid))
    if delay and connection is not None and ctx.world.clock.timestamp() - connection.created_at < delay:
        raise Forbidden(errors.RESTAURANT_NOT_YET_AVAILABLE.format(guid=guid, seconds=delay))
    ctx.restaurant = restaurant
