"""Control API for QA: failure scenarios and the request journal."""

from sandbox.core.clock import parse_instant
from sandbox.core.pipeline import Reply
from sandbox.core.scenarios import preset_names
from sandbox.toast.triggers import trigger


def list_scenarios(ctx):
    return {"active": [r.to_dict() for r in ctx.world.scenarios.rules.values()], "presets": preset_names()}


def add_scenario(ctx):
    body = dict(ctx.body)
    scenarios = ctx.world.scenarios
    if "preset" in body:
        rules, effects = scenarios.add_preset(body["preset"], body.get("times"))
        for effect in effects:
            # A preset may make a real state change first (e.g. a restaurant disconnects).
            trigger(ctx.sandbox, ctx.world, effect["trigger"], effect.get("restaurant"), effect.get("clientId"))
    else:
        rules, effects = [scenarios.add(body)], []
    return Reply({"ids": [r.id for r in rules], "rules": [r.to_dict() for r in rules], "effects": effects}, 201)


def clear_scenarios(ctx):
    ctx.world.scenarios.clear()
    ctx.world.faults.release()
    return Reply(status=204)


def remove_scenario(ctx):
    ctx.world.scenarios.remove(ctx.params["id"])
    ctx.world.faults.release()
    return Reply(status=204)


def list_requests(ctx):
    p = ctx.params
    since = parse_instant(p["since"]).timestamp() if p.get("since") else None
    named = p.get("world")
    worlds = (list(ctx.sandbox.store.worlds.values()) if named == "*"
              else [ctx.sandbox.store.get(named) if named else ctx.world])
    found = sorted((entry for world in worlds
                    for entry in world.journal.query(p.get("method"), p.get("path"), p.get("operationId"),
                                                     p.get("status"), p.get("restaurant"), since)),
                   key=lambda entry: entry["id"])
    shown = found[-p["limit"]:] if p.get("limit") else found
    return {"count": len(found), "requests": [entry.to_dict() for entry in shown]}


def clear_requests(ctx):
    ctx.world.journal.clear()
    return Reply(status=204)


OPERATIONS = {
    "listScenarios": list_scenarios,
    "addScenario": add_scenario,
    "clearScenarios": clear_scenarios,
    "removeScenario": remove_scenario,
    "listRequests": list_requests,
    "clearRequests": clear_requests,
}
