"""The sandbox's front door (`GET /`), its specs, its metrics, the presets' descriptions and the console's feed."""

from importlib import resources
from importlib.metadata import PackageNotFoundError, version

from flask import Response

from sandbox.control import shards
from sandbox.control.handlers import CONSOLE_HEADERS
from sandbox.core import webhooks
from sandbox.core.errors import NotFound
from sandbox.core.observe import CONTENT_TYPE
from sandbox.core.pipeline import unlocked
from sandbox.core.scenarios import load_preset, preset_names
from sandbox.toast.availability import models as availability
from sandbox.toast.dates import toast_date
from sandbox.toast.state import toast_state

CONTROL = "/_sandbox"
FEED_LIMIT = 200
# The console's own files (the page itself is getConsole); nothing else in the folder is served.
CONSOLE_ASSETS = {"console.js": "text/javascript; charset=utf-8",
                  "console-panels.js": "text/javascript; charset=utf-8", "console.css": "text/css; charset=utf-8"}


def package_version():
    """The installed version of pos-sandbox (`0+source` when run from a checkout that is not installed)."""
    try:
        return version("pos-sandbox")
    except PackageNotFoundError:
        return "0+source"


def home(ctx):
    control = ctx.request.script_root + CONTROL         # under a world's base URL, that world's control API
    return {"name": "pos-sandbox", "version": package_version(), "console": f"{control}/console",
            "control": control, "controlSpec": f"{control}/specs/sandbox-control-v1.yaml",
            "docs": f"{control}/docs", "specs": f"{control}/specs", "metrics": f"{control}/metrics",
            "health": f"{control}/health"}


def _specs(ctx):
    return {spec.name: spec for provider in ctx.sandbox.providers for spec in provider.specs}


def list_specs(ctx):
    return [{"name": name, "title": spec.doc.get("info", {}).get("title", name), "basePath": spec.base_path or "/",
             "url": f"{CONTROL}/specs/{name}"} for name, spec in sorted(_specs(ctx).items())]


def get_spec(ctx):
    name = ctx.params["name"]
    if name not in _specs(ctx):
        raise NotFound(f"No spec {name}; specs: {', '.join(sorted(_specs(ctx)))}")
    text = resources.files("sandbox").joinpath("specs", name).read_bytes()
    return Response(text, content_type="application/yaml; charset=utf-8")


@unlocked
def metrics(ctx):
    """This process's metrics; on a sharded sandbox, every shard's, each sample labelled `shard`."""
    text, headers = shards.all_metrics(ctx, ctx.sandbox.observer.exposition())
    return Response(text, content_type=CONTENT_TYPE, headers=headers)


def list_presets(ctx):
    documents = {name: load_preset(name) for name in preset_names()}
    return [{"name": name, "description": doc.get("description", ""), "rules": doc.get("rules", []),
             "effects": doc.get("effects", [])} for name, doc in documents.items()]


def _touched_since(delivery, since):
    return delivery.created >= since or any(attempt.at >= since for attempt in delivery.attempts) or (
        delivery.status == webhooks.PENDING)


def console_feed(ctx):
    """Journal entries after `after`, deliveries created or attempted since `since`, and the clock and rules now."""
    limit = ctx.params.get("limit", FEED_LIMIT)
    after = ctx.params.get("after", 0)
    entries = [entry for entry in ctx.world.journal.query() if entry["id"] > after][-limit:]
    ctx.sandbox.webhooks.render(ctx.world)
    since = ctx.params.get("since")
    deliveries = [d for d in webhooks.log(ctx.world) if since is None or _touched_since(d, since)][-limit:]
    return {"world": ctx.world.name, "clock": ctx.world.clock.to_dict(),
            "scenarios": [rule.to_dict() for rule in ctx.world.scenarios.rules.values()],
            "requests": [entry.to_dict() for entry in entries], "deliveries": [d.to_dict() for d in deliveries]}


def console_asset(ctx):
    name = ctx.params["name"]
    if name not in CONSOLE_ASSETS:
        raise NotFound(f"No console file {name}")
    data = resources.files("sandbox").joinpath("control", "static", name).read_bytes()
    return Response(data, content_type=CONSOLE_ASSETS[name], headers=CONSOLE_HEADERS)


def list_connections(ctx):
    state = toast_state(ctx.world)
    connections = [{"clientId": c.client_id, **c.to_dict(state.restaurants[c.restaurant_guid])}
                   for c in state.connections.values()]
    restaurants = [{"guid": r.guid, "name": r.name, "locationName": r.location_name, "city": r.city,
                    "managementGroupGuid": r.management_group_guid, "availability": r.availability}
                   for r in state.restaurants.values()]
    return {"connections": connections, "restaurants": restaurants}


def list_staff(ctx):
    """Each restaurant's staff for the console: names, jobs, archived, and who is clocked in now (since when)."""
    state = toast_state(ctx.world)
    restaurants = []
    for restaurant in state.restaurants.values():
        jobs = state.jobs.get(restaurant.guid, {})
        now = ctx.world.clock.timestamp()
        clocked_in = {e.employee_guid: e for e in state.time_entries.get(restaurant.guid, {}).values()
                      if e.out_at(now) is None and not e.deleted}
        staff = [{"guid": e.guid, "firstName": e.first_name, "lastName": e.last_name, "chosenName": e.chosen_name,
                  "jobs": [jobs[g].title for g in e.job_guids if g in jobs], "archived": e.deleted,
                  "clockedInSince": toast_date(clocked_in[e.guid].in_date) if e.guid in clocked_in else None,
                  "clockedInAs": jobs[clocked_in[e.guid].job_guid].title if e.guid in clocked_in else None}
                 for e in state.employees.get(restaurant.guid, {}).values()]
        restaurants.append({"guid": restaurant.guid, "name": restaurant.name,
                            "locationName": restaurant.location_name, "staff": staff})
    return {"restaurants": restaurants}


def set_availability(ctx):
    """Take a restaurant's online ordering OFFLINE or bring it back ONLINE (records the event when it changes)."""
    restaurant = toast_state(ctx.world).restaurants.get(ctx.params["restaurantGuid"].lower())
    if restaurant is None:
        raise NotFound(f"No restaurant {ctx.params['restaurantGuid']}")
    event = availability.switch(ctx.world, ctx.world.clock, restaurant, ctx.body["status"])
    return {**availability.view(restaurant), "eventGuid": event.guid if event else None}


OPERATIONS = {
    "listStaff": list_staff,
    "getConsoleAsset": console_asset,
    "listConnections": list_connections,
    "setRestaurantAvailability": set_availability,
    "getHome": home,
    "listSpecs": list_specs,
    "getSpec": get_spec,
    "getMetrics": metrics,
    "listScenarioPresets": list_presets,
    "getConsoleFeed": console_feed,
}
