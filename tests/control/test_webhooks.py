"""Webhooks end to end against a real receiver on loopback: envelope, headers and signatures (checked with an
independent HMAC), the retry schedule and back-off on the sandbox clock, nothing lost, replay, verify, triggers."""

import base64
import hashlib
import hmac
import json

import pytest

from helpers import HARBOR_DOWNTOWN, HARBOR_SEAPORT, MESA, PARTNER, Receiver, advance
from sandbox.core.events import record
from sandbox.toast.stock.models import state_of

SECRET = "whsec-test-0123456789"


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def _subscribe(client, receiver, category="order_updated", **extra):
    response = client.post("/_sandbox/webhooks/subscriptions",
                           json={"provider": "toast", "eventCategory": category, "url": receiver.url,
                                 "secret": SECRET, **extra})
    assert response.status_code == 201, response.json
    return response.json


def _trigger(client, event="order_updated", **extra):
    response = client.post("/_sandbox/trigger", json={"event": event, **extra})
    assert response.status_code == 200, response.json
    return response.json


def _flush(client):
    return client.post("/_sandbox/webhooks/flush").json["attempts"]


def _log(client, **query):
    return client.get("/_sandbox/webhooks/events", query_string=query).json


def _toast_signature(body, timestamp=""):
    digest = hmac.new(SECRET.encode(), (body + timestamp).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_toast_envelope_headers_and_signature(client, receiver):
    _subscribe(client, receiver)
    triggered = _trigger(client)
    assert _flush(client) == 1
    [sent] = receiver.requests
    envelope = json.loads(sent["body"])
    assert set(envelope) == {"timestamp", "eventCategory", "eventType", "guid", "details"}
    assert envelope["timestamp"] == "2026-11-02T17:30:00.000Z"
    assert envelope["eventCategory"] == envelope["eventType"] == "order_updated"
    assert envelope["guid"] == triggered["eventGuid"]
    assert envelope["details"]["restaurantGuid"] == HARBOR_DOWNTOWN
    assert envelope["details"]["order"]["guid"] == triggered["changed"]["orderGuid"]
    headers = sent["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["Toast-Signature"] == _toast_signature(sent["body"], envelope["timestamp"])
    assert headers["Toast-Event-Type"] == headers["Toast-Event-Category"] == "order_updated"
    assert headers["Toast-Restaurant-External-ID"] == HARBOR_DOWNTOWN
    assert headers["Toast-Attempt-Number"] == "1"
    [logged] = _log(client, status="Success")
    assert logged["attempts"][0]["statusCode"] == 200 and logged["body"] == sent["body"]


def test_body_only_signing(client, receiver):
    _subscribe(client, receiver, signing="body")
    _trigger(client)
    _flush(client)
    [sent] = receiver.requests
    assert sent["headers"]["Toast-Signature"] == _toast_signature(sent["body"])


def test_partner_events_carry_no_restaurant_header(client, receiver):
    _subscribe(client, receiver, category="partner")
    client.post("/_sandbox/connections", json={"clientId": PARTNER["clientId"], "restaurantGuid": HARBOR_SEAPORT})
    client.delete(f"/_sandbox/connections/{PARTNER['clientId']}/{HARBOR_SEAPORT}")
    _flush(client)
    kinds = [json.loads(r["body"])["eventType"] for r in receiver.requests]
    assert kinds == ["partner_added", "partner_removed"]
    details = json.loads(receiver.requests[0]["body"])["details"]
    assert details["restaurantGuid"] == HARBOR_SEAPORT and details["restaurantTimezone"] == "America/New_York"
    assert all("Toast-Restaurant-External-ID" not in r["headers"] for r in receiver.requests)


@pytest.mark.parametrize("event, category", [("menus_updated", "menus"), ("out_of_stock", "stock"),
                                             ("low_quantity", "stock"), ("in_stock", "stock")])
def test_triggers_make_the_state_change_behind_the_event(client, receiver, event, category, world):
    _subscribe(client, receiver, category=category)
    result = _trigger(client, event, restaurant=MESA)
    assert result["restaurant"] == MESA
    _flush(client)
    envelope = json.loads(receiver.requests[0]["body"])
    assert (envelope["eventCategory"], envelope["eventType"]) == (category, event)
    assert envelope["details"]["restaurantGuid"] == MESA
    catalog = world.state["toast"].catalogs[MESA]
    if category == "menus":
        assert envelope["details"]["publishedDate"] == "2026-11-02T17:30:00.000+0000"
    else:
        assert state_of(catalog, result["changed"]["itemGuid"])[0] == result["changed"]["status"]
        assert envelope["details"]["itemGuid"] == result["changed"]["itemGuid"]


def test_partner_triggers_check_the_connection(client):
    assert client.post("/_sandbox/trigger", json={"event": "partner_added", "restaurant": HARBOR_DOWNTOWN}
                       ).status_code == 409
    assert _trigger(client, "partner_added", restaurant=HARBOR_SEAPORT)["changed"]["clientId"] == PARTNER["clientId"]
    assert _trigger(client, "partner_updated", restaurant=HARBOR_SEAPORT)
    assert _trigger(client, "partner_removed", restaurant=HARBOR_SEAPORT)
    assert client.post("/_sandbox/trigger", json={"event": "partner_removed", "restaurant": HARBOR_SEAPORT}
                       ).status_code == 409
    assert client.post("/_sandbox/trigger", json={"event": "order_updated",
                                                  "restaurant": "00000000-0000-4000-8000-000000000000"}
                       ).status_code == 404
    assert client.post("/_sandbox/trigger", json={"event": "nope"}).status_code == 400


def test_retry_schedule_on_the_sandbox_clock(client, receiver):
    receiver.statuses = [503, 503, 503]
    _subscribe(client, receiver)
    _trigger(client)
    assert _flush(client) == 1
    [pending] = _log(client, status="Pending")
    assert pending["nextAttemptAt"] == pending["created"] + 300
    advance(client, 299)
    assert _flush(client) == 0
    advance(client, 1)
    assert _flush(client) == 1
    advance(client, 599)
    assert _flush(client) == 0
    advance(client, 1)
    assert _flush(client) == 1
    advance(client, 3600)
    assert _flush(client) == 0
    [failed] = _log(client, status="Failure")
    assert [a["statusCode"] for a in failed["attempts"]] == [503, 503, 503]
    assert [r["headers"]["Toast-Attempt-Number"] for r in receiver.requests] == ["1", "2", "3"]
    # The same bytes and signature on every attempt.
    assert len({(r["body"], r["headers"]["Toast-Signature"]) for r in receiver.requests}) == 1


@pytest.mark.parametrize("status, retried", [(404, True), (429, True), (500, True), (400, False), (401, False),
                                             (410, False), (302, False)])
def test_which_answers_are_retried(client, receiver, status, retried):
    receiver.statuses = [status]
    _subscribe(client, receiver)
    _trigger(client)
    _flush(client)
    advance(client, 300)
    _flush(client)
    assert len(receiver.requests) == (2 if retried else 1)     # redirects are not followed either
    assert _log(client)[-1]["status"] == ("Success" if retried else "Failure")


def test_timeouts_are_retried(client, receiver, sandbox):
    assert sandbox.webhooks.policies["toast"].read_timeout == 2.0
    sandbox.webhooks.policies["toast"].read_timeout = 0.2     # keep the test quick; the rule is the same
    receiver.delay = 0.5
    _subscribe(client, receiver)
    _trigger(client)
    _flush(client)
    [pending] = _log(client, status="Pending")
    assert pending["attempts"][0]["statusCode"] is None and "Timeout" in pending["attempts"][0]["error"]


def test_receiver_down_then_up_loses_nothing(client, receiver):
    port = receiver.port
    _subscribe(client, receiver)
    receiver.stop()
    for _ in range(3):
        _trigger(client)
    assert _flush(client) == 3
    assert len(_log(client, status="Pending")) == 3
    back = Receiver(port)
    try:
        advance(client, 300)
        assert _flush(client) == 3
        events = [json.loads(r["body"])["guid"] for r in back.requests]
        assert len(events) == len(set(events)) == 3
        assert all(r["headers"]["Toast-Attempt-Number"] == "2" for r in back.requests)
        assert len(_log(client, status="Success")) == 3
    finally:
        back.stop()


def test_back_off_pauses_then_stops_a_failing_subscription(client, receiver, world, sandbox):
    receiver.statuses = [500] * 1000
    subscription = _subscribe(client, receiver)

    def burst(count):
        with world.lock:
            for _ in range(count):
                record(world, world.clock, "toast", "order_updated", "order_updated", {"n": 1}, HARBOR_DOWNTOWN)
        return _flush(client)

    assert burst(60) == 50          # the 50th error within 5 minutes pauses it: the rest wait
    paused = client.get(f"/_sandbox/webhooks/subscriptions/{subscription['guid']}").json
    assert paused["status"] == "paused"
    assert _flush(client) == 0
    advance(client, 60)
    assert _flush(client) == 10     # a minute later it runs again
    for _ in range(8):              # 9 pauses within 10 minutes stop it
        burst(50)
        advance(client, 60)
    stopped = client.get(f"/_sandbox/webhooks/subscriptions/{subscription['guid']}").json
    assert stopped["status"] == "stopped"
    advance(client, 3600)
    assert _flush(client) == 0
    pending = len(_log(client, status="Pending"))
    assert pending > 0              # nothing is dropped while stopped
    receiver.statuses = []
    restarted = client.patch(f"/_sandbox/webhooks/subscriptions/{subscription['guid']}", json={"status": "active"})
    assert restarted.json["status"] == "active"
    _flush(client)
    assert len(_log(client, status="Pending")) < pending


def test_replay_and_duplicates(client, receiver):
    receiver.statuses = [400]
    _subscribe(client, receiver)
    _trigger(client)
    _flush(client)
    [failed] = _log(client, status="Failure")
    replayed = client.post(f"/_sandbox/webhooks/events/{failed['guid']}/replay", json={"copies": 2})
    assert replayed.status_code == 201 and len(replayed.json) == 2
    assert all(d["replayOf"] == failed["guid"] and d["status"] == "Pending" for d in replayed.json)
    assert _flush(client) == 2
    bodies = [r["body"] for r in receiver.requests]
    assert len(bodies) == 3 and len(set(bodies)) == 1      # the same event, three times
    assert client.get(f"/_sandbox/webhooks/events/{failed['guid']}").json["status"] == "Failure"
    assert client.post("/_sandbox/webhooks/events/nope/replay").status_code == 404


def test_events_without_subscribers_are_not_sent_and_can_not_be_replayed(client):
    _trigger(client)
    [unsent] = _log(client)
    assert unsent["status"] == "Not sent" and unsent["subscription"] is None
    assert client.post(f"/_sandbox/webhooks/events/{unsent['guid']}/replay").status_code == 409


def test_log_filters(client, receiver):
    subscription = _subscribe(client, receiver)
    _trigger(client)
    advance(client, 10)
    _trigger(client, "menus_updated")
    _flush(client)
    assert [d["eventType"] for d in _log(client, type="menus_updated")] == ["menus_updated"]
    assert [d["status"] for d in _log(client, subscription=subscription["guid"])] == ["Success"]
    assert [d["eventType"] for d in _log(client, since="2026-11-02T17:30:05Z")] == ["menus_updated"]
    assert [d["eventType"] for d in _log(client, status="Not sent")] == ["menus_updated"]
    assert client.get("/_sandbox/webhooks/events", query_string={"status": "Lost"}).status_code == 400


def test_subscription_lifecycle(client, receiver):
    created = client.post("/_sandbox/webhooks/subscriptions",
                          json={"provider": "toast", "eventCategory": "menus", "url": receiver.url}).json
    assert len(created["secret"]) == 40 and created["status"] == "active"
    listed = client.get("/_sandbox/webhooks/subscriptions").json
    assert [s["guid"] for s in listed] == [created["guid"]]
    changed = client.patch(f"/_sandbox/webhooks/subscriptions/{created['guid']}", json={"secret": "new-secret"})
    assert changed.json["secret"] == "new-secret"
    _trigger(client, "menus_updated")
    assert client.delete(f"/_sandbox/webhooks/subscriptions/{created['guid']}").status_code == 204
    _flush(client)
    assert _log(client)[-1]["status"] == "Failure" and receiver.requests == []
    assert client.get(f"/_sandbox/webhooks/subscriptions/{created['guid']}").status_code == 404
    assert client.post("/_sandbox/webhooks/subscriptions", json={"provider": "toast", "eventCategory": "x",
                                                                 "url": receiver.url}).status_code == 400


def test_delivered_events_are_evicted_past_the_log_size_but_nothing_pending(receiver):
    from sandbox.app import create_app
    from sandbox.testing import TEST_SETTINGS
    client = create_app({**TEST_SETTINGS, "webhook_log_size": 3, "history_days": 0}).test_client()
    _subscribe(client, receiver)
    receiver.statuses = [500, 500]
    for _ in range(6):
        _trigger(client)
    _flush(client)
    statuses = [d["status"] for d in _log(client)]
    assert statuses.count("Pending") == 2 and len(statuses) == 3


@pytest.mark.parametrize("signature_of, reason", [
    (lambda body, ts: _toast_signature(body, ts), "matches"),
    (lambda body, ts: _toast_signature(body), "body alone"),
    (lambda body, ts: base64.b64encode(hmac.new(SECRET.encode(), (ts + body).encode(), hashlib.sha256)
                                       .digest()).decode(), "wrong order"),
    (lambda body, ts: _toast_signature(json.dumps(json.loads(body)), ts), "serialized again"),
    (lambda body, ts: hmac.new(SECRET.encode(), (body + ts).encode(), hashlib.sha256).hexdigest(), "hex-encoded"),
    (lambda body, ts: _toast_signature(body + "x", ts), "check the secret"),
])
def test_verify_explains_toast_signature_mistakes(client, signature_of, reason):
    body = '{"timestamp":"2026-11-02T17:30:00.000Z","eventCategory":"menus","eventType":"menus_updated",' \
           '"guid":"g","details":{"restaurantGuid":"r"}}'
    verdict = client.post("/_sandbox/webhooks/verify", json={
        "provider": "toast", "body": body, "secret": SECRET,
        "signature": signature_of(body, "2026-11-02T17:30:00.000Z")}).json
    assert verdict["valid"] is (reason == "matches")
    assert reason in verdict["reason"]
    assert verdict["expected"] == _toast_signature(body, "2026-11-02T17:30:00.000Z")


@pytest.mark.parametrize("signature_of, reason", [
    (lambda body: "sha256=" + hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest(), "matches"),
    (lambda body: hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest(), "prefix is missing"),
    (lambda body: "sha256=" + base64.b64encode(hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).digest())
     .decode(), "Base64"),
    (lambda body: "sha256=" + hmac.new(SECRET.encode(), json.dumps(json.loads(body)).encode(),
                                       hashlib.sha256).hexdigest(), "serialized again"),
])
def test_verify_explains_toster_signature_mistakes(client, signature_of, reason):
    body = '{"event":"order.created","created_at":"2026-11-02T17:30:00Z","data":{"id":"ord_1"}}'
    verdict = client.post("/_sandbox/webhooks/verify", json={"provider": "toster", "body": body, "secret": SECRET,
                                                             "signature": signature_of(body)}).json
    assert verdict["valid"] is (reason == "matches") and reason in verdict["reason"]


def test_verify_refuses_a_body_that_is_not_json(client):
    response = client.post("/_sandbox/webhooks/verify", json={"provider": "toast", "body": "not json",
                                                              "secret": "s", "signature": "x"})
    assert response.status_code == 400


def test_signing_helpers_agree_with_an_independent_hmac():
    from sandbox.toast import signing as toast
    from sandbox.toster import signing as toster
    body = '{"a":1}'
    assert toast.sign(body, SECRET, "2026-01-01T00:00:00.000Z") == _toast_signature(body, "2026-01-01T00:00:00.000Z")
    assert toast.verify(body.encode(), SECRET, _toast_signature(body, "t"), "t")
    assert not toast.verify(body, SECRET, _toast_signature(body, "t"))
    expected = "sha256=" + hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
    assert toster.sign(body, SECRET) == expected and toster.verify(body.encode(), SECRET, expected)
    assert not toster.verify(body, "other", expected)


def test_fixture_subscriptions(tmp_path, receiver):
    from sandbox.app import create_app
    from sandbox.core.fixtures import load_fixtures
    from sandbox.testing import TEST_SETTINGS
    import yaml
    fixtures = load_fixtures("default.yaml")
    fixtures["toast"]["webhooks"] = [{"eventCategory": "menus", "url": receiver.url, "secret": SECRET}]
    path = tmp_path / "world.yaml"
    path.write_text(yaml.safe_dump(fixtures))
    client = create_app({**TEST_SETTINGS, "fixtures": str(path), "history_days": 0}).test_client()
    [subscription] = client.get("/_sandbox/webhooks/subscriptions").json
    assert subscription["url"] == receiver.url and subscription["events"] == ["menus"]
    _trigger(client, "menus_updated")
    _flush(client)
    assert receiver.requests[0]["headers"]["Toast-Event-Category"] == "menus"


def test_background_worker_delivers_without_a_flush(pos_sandbox_app, receiver):
    from sandbox.testing import LiveSandbox
    import requests
    sandbox = pos_sandbox_app.extensions["sandbox"]
    with LiveSandbox(pos_sandbox_app) as live:
        requests.post(f"{live.url}/_sandbox/webhooks/subscriptions", timeout=5,
                      json={"provider": "toast", "eventCategory": "order_updated", "url": receiver.url,
                            "secret": SECRET})
        requests.post(f"{live.url}/_sandbox/trigger", json={"event": "order_updated"}, timeout=5)
        assert receiver.arrived.wait(5)
    assert sandbox.webhooks.run_due(sandbox.store.get(None)) == 0
    assert json.loads(receiver.requests[0]["body"])["eventType"] == "order_updated"
