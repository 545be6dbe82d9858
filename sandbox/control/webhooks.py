"""Control API for webhooks: subscriptions, the delivery log, replay, flush, signature diagnosis and triggers."""

import base64
import json

from sandbox.core import egress, webhooks
from sandbox.core.clock import parse_instant
from sandbox.core.errors import BadRequest, NotFound
from sandbox.core.pipeline import Reply, unlocked
from sandbox.toast import signing as toast_signing
from sandbox.toast.triggers import trigger
from sandbox.toster import signing as toster_signing
from sandbox.toster import triggers as toster_triggers


def list_subscriptions(ctx):
    return [s.to_dict() for s in webhooks.webhook_state(ctx.world).subscriptions.values()]


def create_subscription(ctx):
    body = ctx.body
    egress.check_subscription(body["url"], ctx.sandbox.config)
    subscription = webhooks.subscribe(ctx.world, body["provider"], body["url"], [body["eventCategory"]],
                                      body.get("secret"), ctx.world.clock.timestamp(),
                                      body.get("signing", "body+timestamp"))
    return Reply(subscription.to_dict(), 201)


def get_subscription(ctx):
    return webhooks.find_subscription(ctx.world, ctx.params["guid"]).to_dict()


def update_subscription(ctx):
    subscription = webhooks.find_subscription(ctx.world, ctx.params["guid"])
    if "url" in ctx.body:
        egress.check_subscription(ctx.body["url"], ctx.sandbox.config)
    for name in ("url", "secret", "signing"):
        if name in ctx.body:
            setattr(subscription, name, ctx.body[name])
    if "status" in ctx.body:
        subscription.status, subscription.paused_until = ctx.body["status"], None
        subscription.errors, subscription.pauses = [], []
    ctx.sandbox.webhooks.notify()
    return subscription.to_dict()


def delete_subscription(ctx):
    webhooks.find_subscription(ctx.world, ctx.params["guid"])
    del webhooks.webhook_state(ctx.world).subscriptions[ctx.params["guid"]]
    return Reply(status=204)


def list_events(ctx):
    ctx.sandbox.webhooks.render(ctx.world)
    since = ctx.params.get("since")
    found = webhooks.log(ctx.world, ctx.params.get("status"), ctx.params.get("type"), ctx.params.get("subscription"),
                         parse_instant(since).timestamp() if since else None)
    return [d.to_dict() for d in found]


def get_event(ctx):
    ctx.sandbox.webhooks.render(ctx.world)
    delivery = webhooks.webhook_state(ctx.world).deliveries.get(ctx.params["guid"])
    if delivery is None:
        raise NotFound(f"No webhook delivery {ctx.params['guid']}")
    return delivery.to_dict()


def replay_event(ctx):
    ctx.sandbox.webhooks.render(ctx.world)
    fresh = webhooks.replay(ctx.world, ctx.params["guid"], ctx.world.clock.timestamp(),
                            (ctx.body or {}).get("copies", 1))
    ctx.sandbox.webhooks.notify()
    return Reply([d.to_dict() for d in fresh], 201)


@unlocked
def flush(ctx):
    return {"attempts": ctx.sandbox.webhooks.run_due(ctx.world)}


def _explain(expected, signature, candidates):
    """The reason of the first common mistake that reproduces `signature`."""
    for candidate, reason in candidates:
        if signature == candidate:
            return False, expected, reason
    return False, expected, "No common mistake explains it: check the secret (each subscription has its own)."


def _toast_diagnosis(body, secret, signature, timestamp):
    """Why a Toast signature differs, tried against the mistakes receivers make most."""
    if timestamp is None:
        envelope = json.loads(body)
        timestamp = str((envelope.get("timestamp") if isinstance(envelope, dict) else None) or "")
    expected = toast_signing.sign(body, secret, timestamp)
    if signature == expected:
        return True, expected, "The signature matches (body followed by timestamp)."
    hexed = base64.b64decode(expected).hex()
    return _explain(expected, signature, [
        (toast_signing.sign(body, secret), "It is the signature of the body alone: append the envelope's timestamp "
                                           "(or set the subscription's signing to 'body')."),
        (toast_signing.sign(timestamp + body, secret),
         "Timestamp and body are in the wrong order: sign the body first, then the timestamp."),
        (toast_signing.sign(json.dumps(json.loads(body)), secret, timestamp),
         "The body was parsed and serialized again: sign the raw text exactly as received."),
        (hexed, "The digest is right but hex-encoded: Toast sends standard Base64."),
        ("sha256=" + hexed, "The digest is right but hex-encoded: Toast sends standard Base64."),
    ])


def _toster_diagnosis(body, secret, signature):
    """Why a Toster signature differs."""
    expected = toster_signing.sign(body, secret)
    if signature == expected:
        return True, expected, "The signature matches."
    digest = expected.removeprefix("sha256=")
    as_base64 = base64.b64encode(bytes.fromhex(digest)).decode()
    return _explain(expected, signature, [
        (digest, "The 'sha256=' prefix is missing."),
        (toster_signing.sign(json.dumps(json.loads(body)), secret),
         "The body was parsed and serialized again: sign the raw text exactly as received."),
        (as_base64, "The digest is Base64: Toster sends lowercase hex after 'sha256='."),
        ("sha256=" + as_base64, "The digest is Base64: Toster sends lowercase hex after 'sha256='."),
    ])


def verify(ctx):
    body = ctx.body
    try:
        if body["provider"] == "toast":
            valid, expected, reason = _toast_diagnosis(body["body"], body["secret"], body["signature"],
                                                       body.get("timestamp"))
        else:
            valid, expected, reason = _toster_diagnosis(body["body"], body["secret"], body["signature"])
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"body is not JSON: {exc}", field="body") from exc
    return {"valid": valid, "expected": expected, "reason": reason}


def trigger_event(ctx):
    body = ctx.body
    if body["event"] in toster_triggers.EVENTS:
        restaurant = None
        changed, event = toster_triggers.trigger(ctx.sandbox, ctx.world, body["event"])
    else:
        restaurant, changed, event = trigger(ctx.sandbox, ctx.world, body["event"], body.get("restaurant"),
                                             body.get("clientId"))
    ctx.sandbox.webhooks.notify()
    return {"event": event.type, "eventGuid": event.guid, "restaurant": restaurant, "changed": changed}


OPERATIONS = {
    "listWebhookSubscriptions": list_subscriptions,
    "createWebhookSubscription": create_subscription,
    "getWebhookSubscription": get_subscription,
    "updateWebhookSubscription": update_subscription,
    "deleteWebhookSubscription": delete_subscription,
    "listWebhookEvents": list_events,
    "getWebhookEvent": get_event,
    "replayWebhookEvent": replay_event,
    "flushWebhooks": flush,
    "verifyWebhookSignature": verify,
    "triggerEvent": trigger_event,
}
