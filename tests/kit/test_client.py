"""The test kit as a user's suite meets it: the `pos_sandbox` world fixture, the control client, its journal
assertions (shown to fail on journals that do not match), scenario blocks, the order builder, snapshots and the
webhook receiver."""

import pytest
import requests

from sandbox.client import SandboxClient, SandboxError
from sandbox.testing import TEST_START, run_sandbox


def test_each_test_gets_a_fresh_world_with_the_default_settings(pos_sandbox):
    health = pos_sandbox.health()
    assert health["world"] == pos_sandbox.world and health["now"] == TEST_START
    assert pos_sandbox.clock.now() == TEST_START          # frozen: time moves only when the test moves it
    assert pos_sandbox.clock.advance(90) == "2026-11-02T17:31:30.000Z"
    assert pos_sandbox.clock.now() == "2026-11-02T17:31:30.000Z"


@pytest.mark.pos_sandbox(seed=4, start_time="2026-06-01T09:00:00Z", rate_limits=True)
def test_the_marker_sets_the_world(pos_sandbox, pos_sandbox_server):
    world = next(w for w in pos_sandbox_server.call("GET", "/worlds") if w["name"] == pos_sandbox.world)
    assert (world["seed"], world["startTime"], world["rateLimits"]) == (4, "2026-06-01T09:00:00Z", True)
    answer = pos_sandbox.toast().get("/restaurants/v1/restaurants/6301bbfc-a0c5-454e-8ff9-bb510944fe0c")
    assert answer.status_code == 200 and "X-Toast-RateLimit-Remaining" in answer.headers


def test_a_toast_order_from_the_builder_is_created(pos_sandbox):
    toast = pos_sandbox.toast()
    for dining in ("DINE_IN", "TAKE_OUT", "DELIVERY"):
        created = toast.post("/orders/v2/orders", json=pos_sandbox.orders.toast(toast, dining=dining))
        assert created.status_code == 200, created.text
    pos_sandbox.journal.assert_called("ordersPost", times=3, status=200)


def test_a_toster_order_from_the_builder_is_created(pos_sandbox):
    toster = pos_sandbox.toster()
    for kind in ("pickup", "delivery"):
        created = toster.post("/api/orders", json=pos_sandbox.orders.toster(toster, kind=kind))
        assert created.status_code == 201 and created.json()["type"] == kind, created.text


def test_assert_called_passes_and_fails_as_the_journal_says(pos_sandbox):
    toster = pos_sandbox.toster()
    toster.get("/api/orders")
    toster.get("/api/orders/ord_missing")
    assert len(pos_sandbox.journal.assert_called("listOrders", times=1, status=200)) == 1
    pos_sandbox.journal.assert_called("getOrder", status=404)
    pos_sandbox.journal.assert_not_called("createOrder")
    with pytest.raises(AssertionError, match=r"expected listOrders to be called 2 time\(s\), found 1"):
        pos_sandbox.journal.assert_called("listOrders", times=2)
    with pytest.raises(AssertionError, match="GET /api/orders/ord_missing -> 404"):
        pos_sandbox.journal.assert_called("getOrder", status=200)


def test_assert_sequence(pos_sandbox):
    toster = pos_sandbox.toster()
    toster.get("/api/customers")
    toster.get("/api/products")
    toster.get("/api/orders")
    pos_sandbox.journal.assert_sequence("listCustomers", ("listOrders", 200))
    with pytest.raises(AssertionError, match="step 2"):
        pos_sandbox.journal.assert_sequence("listOrders", "listCustomers")


def _poll_with_retries(session, path, sleep, attempts=5):
    """A client that honours Retry-After, waiting through `sleep`."""
    for _ in range(attempts):
        answer = session.get(path)
        if answer.status_code not in (429, 503):
            return answer
        sleep(float(answer.headers["Retry-After"]))
    return answer


def test_assert_retried_after_on_the_sandbox_clock(pos_sandbox):
    toast = pos_sandbox.toast()
    with pos_sandbox.scenario({"match": {"operationId": "restaurantsRestaurantGuidGet"},
                               "fault": {"status": 503, "retryAfter": 30}}, times=2):
        answer = _poll_with_retries(toast, f"/restaurants/v1/restaurants/{toast.restaurant}", pos_sandbox.clock.advance)
    assert answer.status_code == 200
    pos_sandbox.journal.assert_retried_after("restaurantsRestaurantGuidGet")


def test_assert_retried_after_fails_for_an_impatient_client(pos_sandbox):
    toast = pos_sandbox.toast()
    with pos_sandbox.scenario({"match": {"operationId": "restaurantsRestaurantGuidGet"},
                               "fault": {"status": 503, "retryAfter": 30}}, times=2):
        _poll_with_retries(toast, f"/restaurants/v1/restaurants/{toast.restaurant}", lambda seconds: None)
    with pytest.raises(AssertionError, match="retried 0.000 s after a 503 that said Retry-After: 30"):
        pos_sandbox.journal.assert_retried_after("restaurantsRestaurantGuidGet")


def test_assert_stopped_after_identical_failures(pos_sandbox):
    toast = pos_sandbox.toast()
    order = pos_sandbox.orders.toast(toast)
    with pos_sandbox.scenario("same-error-repeatedly"):
        statuses = [toast.post("/orders/v2/orders", json=order).status_code for _ in range(3)]
    assert statuses == [500] * 3
    pos_sandbox.journal.assert_stopped_after("ordersPost", 3)
    with pytest.raises(AssertionError, match="stop after 5 identical failures"):
        pos_sandbox.journal.assert_stopped_after("ordersPost", 5)
    toast.post("/orders/v2/orders", json=order)
    with pytest.raises(AssertionError, match="did not fail"):
        pos_sandbox.journal.assert_stopped_after("ordersPost", 3)


def test_a_scenario_block_switches_off_on_exit(pos_sandbox):
    toster = pos_sandbox.toster()
    with pos_sandbox.scenario({"match": {"provider": "toster"}, "fault": {"status": 503}}) as rules:
        assert toster.get("/api/orders").status_code == 503
        assert len(rules) == 1
    assert toster.get("/api/orders").status_code == 200
    assert pos_sandbox.call("GET", "/scenarios")["active"] == []
    with pytest.raises(SandboxError, match="No scenario preset"):
        with pos_sandbox.scenario("no-such-preset"):
            pass


def test_snapshot_restore_and_new_worlds_from_the_client(pos_sandbox):
    toster = pos_sandbox.toster()
    before = toster.get("/api/orders").json()["total"]
    snapshot = pos_sandbox.snapshot()
    assert toster.post("/api/orders", json=pos_sandbox.orders.toster(toster)).status_code == 201
    assert toster.get("/api/orders").json()["total"] == before + 1
    pos_sandbox.restore(snapshot)
    assert toster.get("/api/orders").json()["total"] == before
    other = pos_sandbox.new_world(seed=8)
    try:
        assert other.health()["world"] == other.world
        with pytest.raises(TypeError, match="unknown world settings"):
            pos_sandbox.new_world(sed=8)
    finally:
        other.delete_world()
    with pytest.raises(SandboxError, match="404"):
        other.health()


def test_receiver_records_verified_toast_and_toster_deliveries(pos_sandbox, pos_sandbox_receiver):
    pos_sandbox.webhooks.subscribe(pos_sandbox_receiver, "menus")
    pos_sandbox.webhooks.subscribe_toster(pos_sandbox_receiver, ["order.created"])
    pos_sandbox.webhooks.trigger("menus_updated")
    pos_sandbox.webhooks.trigger("order.created")
    toast_delivery = pos_sandbox_receiver.wait_for("menus_updated", pos_sandbox)
    toster_delivery = pos_sandbox_receiver.wait_for("order.created", pos_sandbox)
    assert toast_delivery.verified and toast_delivery.provider == "toast"
    assert toster_delivery.verified and toster_delivery.json["event"] == "order.created"


def test_receiver_does_not_verify_a_wrong_secret(pos_sandbox, pos_sandbox_receiver):
    pos_sandbox.webhooks.subscribe(pos_sandbox_receiver.url, "menus", secret="not-told-to-the-receiver")
    pos_sandbox_receiver.trust("some-other-secret")
    pos_sandbox.webhooks.trigger("menus_updated")
    assert not pos_sandbox_receiver.wait_for("menus_updated", pos_sandbox).verified


def test_wait_for_follows_retries_on_the_sandbox_clock(pos_sandbox, pos_sandbox_receiver):
    """Toast retries after 5 and then 10 more minutes (TOAST-PLATFORM.md §6): waiting advances the clock."""
    pos_sandbox.webhooks.subscribe(pos_sandbox_receiver, "menus")
    pos_sandbox_receiver.fail(status=503, times=2)
    pos_sandbox.webhooks.trigger("menus_updated")
    delivery = pos_sandbox_receiver.wait_for("menus_updated", pos_sandbox)
    assert [d.answered for d in pos_sandbox_receiver.deliveries] == [503, 503, 200]
    assert delivery.headers["Toast-Attempt-Number"] == "3"
    assert pos_sandbox.clock.now() == "2026-11-02T17:45:00.000Z"
    with pytest.raises(AssertionError, match="no order_updated delivery within 60 s"):
        pos_sandbox_receiver.wait_for("order_updated", pos_sandbox, within=60)


def test_a_hanging_receiver_is_a_timeout_for_the_sandbox(pos_sandbox, pos_sandbox_receiver):
    pos_sandbox.webhooks.subscribe(pos_sandbox_receiver, "menus")
    pos_sandbox_receiver.hang()
    pos_sandbox.webhooks.trigger("menus_updated")
    delivery = pos_sandbox_receiver.wait_for("menus_updated", pos_sandbox)
    assert [d.answered for d in pos_sandbox_receiver.deliveries] == [None, 200] and delivery.answered == 200
    attempts = pos_sandbox.webhooks.events(type="menus_updated")[0]["attempts"]
    assert "Timeout" in attempts[0]["error"] and attempts[-1]["statusCode"] == 200


def test_two_sandboxes_from_the_factory_are_independent(pos_sandbox_factory):
    first = pos_sandbox_factory(seed=1)
    second = pos_sandbox_factory(seed=2, rate_limits=True, toster_per_minute=2)
    assert first.url != second.url
    first.clock.advance(60)
    assert second.clock.now() == TEST_START
    customers = [s.toster().get("/api/customers").json()["items"][0]["id"] for s in (first, second)]
    assert customers[0] != customers[1]         # another seed, another world
    # The second sandbox's own setting: 2 Toster calls a minute (one was spent above).
    assert [second.toster().get("/api/orders").status_code for _ in range(2)] == [200, 429]
    assert first.toster().get("/api/orders").status_code == 200


def test_run_sandbox_serves_for_any_test_runner():
    with run_sandbox(history_days=0) as sandbox:
        assert requests.get(f"{sandbox.url}/_sandbox/health", timeout=5).json()["status"] == "ok"
        assert isinstance(sandbox, SandboxClient)
        url = sandbox.url
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/_sandbox/health", timeout=2)


def test_replay_and_the_clock_controls(pos_sandbox, pos_sandbox_receiver):
    pos_sandbox.webhooks.subscribe(pos_sandbox_receiver, "menus")
    pos_sandbox.webhooks.trigger("menus_updated")
    pos_sandbox_receiver.wait_for("menus_updated", pos_sandbox)
    original = pos_sandbox.webhooks.events(type="menus_updated")[0]
    copies = pos_sandbox.webhooks.replay(original["guid"], copies=2)
    assert [c["replayOf"] for c in copies] == [original["guid"]] * 2
    pos_sandbox.webhooks.flush()        # what the background worker has not sent yet; it waits for the rest
    assert len(pos_sandbox_receiver.received("menus_updated", accepted=True)) == 3
    assert pos_sandbox.clock.set("2026-12-01T10:00:00Z") == "2026-12-01T10:00:00.000Z"
    # Running again from where it stood (a few milliseconds may pass before the answer is written).
    assert "2026-12-01T10:00:00.000Z" <= pos_sandbox.clock.freeze(False) < "2026-12-01T10:00:01.000Z"
    assert pos_sandbox.call("GET", "/clock")["frozen"] is False
    assert pos_sandbox.reset()["now"] == TEST_START and pos_sandbox.call("GET", "/clock")["frozen"] is True
    assert pos_sandbox.webhooks.events() == []


def test_sessions_by_client_and_restaurant(pos_sandbox):
    clients = pos_sandbox.credentials()["toast"]["clients"]
    group = next(c for c in clients if c["type"] != "PARTNER" and c["restaurants"])
    session = pos_sandbox.toast(restaurant=group["restaurants"][-1], client=group["clientId"])
    assert session.restaurant == group["restaurants"][-1]
    answer = session.get(f"/restaurants/v1/restaurants/{session.restaurant}")
    assert answer.status_code == 200 and answer.json()["guid"] == session.restaurant
    read_only = pos_sandbox.toster(key=2)
    assert read_only.post("/api/orders", json=pos_sandbox.orders.toster()).status_code == 403
