"""Handlers of the control API; thin wrappers over the store, the clock and the Toast models."""

from importlib import resources
from importlib.metadata import PackageNotFoundError, version

from flask import Response

from sandbox.core import fixtures
from sandbox.core.clock import parse_instant
from sandbox.core.errors import BadRequest, NotFound
from sandbox.control import shards
from sandbox.core.pipeline import Reply, elsewhere, unlocked
from sandbox.core.shards import holds
from sandbox.core.world_paths import base_url
from sandbox.toast import published, triggers
from sandbox.toast.access import reachable_restaurants
from sandbox.toast.partners import models as partners
from sandbox.toast.state import toast_state


def _version():
    try:
        return version("pos-sandbox")
    except PackageNotFoundError:
        return "0+source"


# The console runs only its own files, talks only to its own origin, and no other page may frame it (a framed
# console would let another site's clicks reset a world).
CONSOLE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def console(ctx):
    page = resources.files("sandbox").joinpath("control", "static", "console.html").read_bytes()
    # Under a world's base URL, the page's own files come from there too (through a proxy, the world's shard).
    page = page.replace(b'"/_sandbox/', f'"{ctx.request.script_root}/_sandbox/'.encode())
    return Response(page, content_type="text/html; charset=utf-8", headers=CONSOLE_HEADERS)


@unlocked
def health(ctx):
    """Liveness: reads nothing that a busy world could hold up."""
    return {"status": "ok", "version": _version(), "world": ctx.world.name,
            "worlds": len(ctx.sandbox.store.worlds), "now": ctx.world.clock.to_dict()["now"]}


@unlocked
def reset(ctx):
    ctx.world.reset()
    return health(ctx)


def credentials(ctx):
    return {p.name: p.credentials(ctx.world) for p in ctx.sandbox.providers if p.credentials(ctx.world)}


def coverage(ctx):
    """Our specs' operations and whether each has a handler; every operation Toast publishes and whether we serve it."""
    rows = [{"provider": p.name, "spec": op.spec.name, "operationId": op.operation_id, "method": op.method,
             "path": op.full_path, "implemented": p.handler_for(op) is not None}
            for p in ctx.sandbox.providers for op in p.operations]
    served = {(r["method"], r["path"]) for r in rows if r["provider"] == "toast" and r["implemented"]}
    toast = published.coverage(served)
    return {"operations": rows, "implemented": sum(r["implemented"] for r in rows), "total": len(rows),
            "published": toast, "publishedServed": sum(r["served"] for r in toast), "publishedTotal": len(toast)}


@unlocked
def get_clock(ctx):
    return ctx.world.clock.to_dict()


@unlocked
def set_clock(ctx):
    clock, change = ctx.world.clock, ctx.body
    try:
        if "advance" in change:
            clock.advance(change["advance"])
        elif "set" in change:
            clock.set(parse_instant(change["set"]))
        else:
            clock.freeze(change["freeze"])
    except (ValueError, OverflowError) as exc:
        raise BadRequest(str(exc), field=next(iter(change))) from exc
    return clock.to_dict()


def rotate_secret(ctx):
    state = toast_state(ctx.world)
    client = state.clients.get(ctx.params["clientId"])
    if client is None:
        raise NotFound(f"No API client {ctx.params['clientId']}")
    client.secret = ctx.world.ids.token(64)
    return client.to_credentials(sorted(reachable_restaurants(state, client)))


def _connection_view(state, connection):
    return {"clientId": connection.client_id, **connection.to_dict(state.restaurants[connection.restaurant_guid])}


def connect(ctx):
    state, body = toast_state(ctx.world), ctx.body
    connection, created = partners.connect(
        state, body["clientId"], body["restaurantGuid"].lower(), ctx.world.clock.timestamp(),
        body.get("createdByEmailAddress", "qa@pos-sandbox.local"), body.get("externalGroupRef"),
        body.get("externalRestaurantRef"))
    triggers.record_partner(ctx.world, ctx.world.clock, "partner_added" if created else "partner_updated",
                            connection)
    return Reply(_connection_view(state, connection), 201 if created else 200)


def disconnect(ctx):
    state = toast_state(ctx.world)
    connection = state.connections.get((ctx.params["clientId"], ctx.params["restaurantGuid"].lower()))
    partners.disconnect(state, ctx.params["clientId"], ctx.params["restaurantGuid"].lower())
    triggers.record_partner(ctx.world, ctx.world.clock, "partner_removed", connection)
    return Reply(status=204)


def publish_menu(ctx):
    catalog = toast_state(ctx.world).catalogs.get(ctx.params["restaurantGuid"].lower())
    if catalog is None:
        raise NotFound(f"No restaurant {ctx.params['restaurantGuid']}")
    return triggers.publish_menu(ctx.world, ctx.world.clock, catalog)[0]


def _world_view(ctx, world):
    return {"name": world.name, **world.settings.to_dict(), "now": world.clock.to_dict()["now"],
            "snapshots": len(world.snapshots), "baseUrl": base_url(ctx.request, world.name),
            "shard": shards.index(ctx.sandbox)}


@unlocked
def list_worlds(ctx):
    """Every world; on a sharded sandbox, every shard's (a header names the shards that did not answer)."""
    local = [_world_view(ctx, world) for world in list(ctx.sandbox.store.worlds.values())
             if holds(ctx.sandbox.config, world.name)]
    views, headers = shards.all_worlds(ctx, local)
    return Reply(views, headers=headers)


# Settings a new world may take, as the control API names them.
_WORLD_SETTINGS = {"seed": "seed", "fixtures": "fixtures", "startTime": "start_time", "historyDays": "history_days",
                   "frozen": "frozen", "rateLimits": "rate_limits", "scenarios": "scenarios"}


@unlocked
@elsewhere
def create_world(ctx):
    body = ctx.body
    overrides = {name: body[key] for key, name in _WORLD_SETTINGS.items() if key in body}
    for name in ("seed", "history_days"):
        if overrides.get(name) is not None:
            overrides[name] = int(overrides[name])      # JSON Schema counts 2.0 as an integer
    if "scenarios" in overrides:
        overrides["scenarios"] = tuple(overrides["scenarios"])
    shards.check_owner(ctx.sandbox, body["name"])
    try:
        if "fixtures" in overrides:
            overrides["fixtures"] = fixtures.requested(overrides["fixtures"], ctx.sandbox.config)
        settings = ctx.sandbox.world_settings(**overrides)
        world = ctx.sandbox.store.create(body["name"], settings)
    except ValueError as exc:      # a fixture file that may not be read, is missing or is not a mapping
        raise BadRequest(str(exc), field="fixtures") from exc
    return Reply(_world_view(ctx, world), 201)


@unlocked
@elsewhere
def delete_world(ctx):
    ctx.sandbox.store.delete(ctx.params["name"])
    return Reply(status=204)


@unlocked
def list_snapshots(ctx):
    return [s.to_dict(ctx.world.name) for s in list(ctx.world.snapshots.values())]


@unlocked
def take_snapshot(ctx):
    return Reply(ctx.world.snapshot().to_dict(ctx.world.name), 201)


@unlocked
def restore_snapshot(ctx):
    return ctx.world.restore(ctx.params["snapshotId"]).to_dict(ctx.world.name)


@unlocked
def delete_snapshot(ctx):
    ctx.world.delete_snapshot(ctx.params["snapshotId"])
    return Reply(status=204)


@unlocked
def export_world(ctx):
    return ctx.sandbox.exports.export_world(ctx.world)


@unlocked
def import_world(ctx):
    ctx.sandbox.exports.import_world(ctx.world, ctx.body)
    return health(ctx)


OPERATIONS = {
    "getConsole": console,
    "getHealth": health,
    "resetWorld": reset,
    "getCredentials": credentials,
    "getCoverage": coverage,
    "getClock": get_clock,
    "setClock": set_clock,
    "rotateClientSecret": rotate_secret,
    "connectRestaurant": connect,
    "disconnectRestaurant": disconnect,
    "publishMenu": publish_menu,
    "listWorlds": list_worlds,
    "createWorld": create_world,
    "deleteWorld": delete_world,
    "listSnapshots": list_snapshots,
    "takeSnapshot": take_snapshot,
    "restoreSnapshot": restore_snapshot,
    "deleteSnapshot": delete_snapshot,
    "exportWorld": export_world,
    "importWorld": import_world,
}
