"""The example integration tested against pos-sandbox: a world per test, markers, the control client, a
scenario block, journal assertions and a webhook receiver."""

import pytest

from order_sync import OrderSync, SyncHalted, verify_toast_webhook

HARBOR = "6301bbfc-a0c5-454e-8ff9-bb510944fe0c"


@pytest.fixture
def sync(pos_sandbox):
    client = pos_sandbox.credentials()["toast"]["clients"][0]
    integration = OrderSync(pos_sandbox.url, client["clientId"], client["clientSecret"], HARBOR,
                            sleep=pos_sandbox.clock.advance)         # waits on the sandbox clock, not real time
    integration.http.headers["X-Sandbox-World"] = pos_sandbox.world
    return integration


def test_pulls_every_order_of_a_day(sync, pos_sandbox):
    orders = sync.orders_of(20261101)
    assert orders and all(o["businessDate"] == 20261101 for o in orders)
    pos_sandbox.journal.assert_sequence("authenticationLoginPost", ("ordersBulkGet", 200))


@pytest.mark.pos_sandbox(history_days=0)
def test_an_empty_day(sync):
    assert sync.orders_of(20261101) == []


def test_honours_retry_after_during_an_outage(sync, pos_sandbox):
    with pos_sandbox.scenario({"match": {"operationId": "ordersBulkGet"},
                               "fault": {"status": 503, "retryAfter": 30}}, times=2):
        assert sync.orders_of(20261101)
    pos_sandbox.journal.assert_called("ordersBulkGet", times=2, status=503)
    pos_sandbox.journal.assert_retried_after("ordersBulkGet")


def test_halts_after_three_identical_failures(sync, pos_sandbox):
    with pos_sandbox.scenario({"match": {"operationId": "ordersBulkGet"}, "fault": {"status": 500}}):
        with pytest.raises(SyncHalted):
            sync.orders_of(20261101)
    pos_sandbox.journal.assert_stopped_after("ordersBulkGet", 3)


@pytest.mark.pos_sandbox(rate_limits=True)
def test_the_bulk_endpoint_limit_is_respected(sync, pos_sandbox):
    """ordersBulk allows 5 requests a second per location: the sixth in the same second waits."""
    for _ in range(6):
        sync.orders_of(20261101)
    pos_sandbox.journal.assert_called("ordersBulkGet", status=429)
    pos_sandbox.journal.assert_retried_after("ordersBulkGet")


def test_webhooks_verify_with_our_own_code(pos_sandbox, pos_sandbox_receiver):
    subscription = pos_sandbox.webhooks.subscribe(pos_sandbox_receiver, "order_updated")
    pos_sandbox.webhooks.trigger("order_updated")
    delivery = pos_sandbox_receiver.wait_for("order_updated", pos_sandbox)
    assert delivery.verified
    assert verify_toast_webhook(delivery.body, delivery.headers["Toast-Signature"], subscription["secret"])
    assert not verify_toast_webhook(delivery.body, delivery.headers["Toast-Signature"], "wrong secret")
