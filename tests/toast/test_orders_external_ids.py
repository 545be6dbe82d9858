"""Idempotent order injection: externalId unique per restaurant, orders found by externalId, and commit-then-fail.

Sources: the orders spec's Order, Check and MenuItemSelection descriptions ("The externalId value ... must be unique";
a request reusing one fails), its ExternalReference ("set an externalId for an order and then GET the order with
that externalId"), the developer guide's "Handling request timeouts for the orders API" (a POST /orders that times out
or fails may still have created the order: look it up before retrying) and "Order injection during downtimes"
(give every order a unique external identifier for idempotence)."""

import http.client
import json

import pytest

from helpers import HARBOR_DOWNTOWN, Menu, assert_toast_error, login, toast_headers
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS, LiveSandbox

ORDERS = "/orders/v2/orders"


def _order(menu, external_id, item="Iced Tea"):
    return dict(menu.order(menu.selection(item)), externalId=external_id)


def _sandbox(**settings):
    """A history-free app with extra settings: (app, its client, Harbor Downtown headers, Harbor's menu)."""
    app = create_app(dict(TEST_SETTINGS, history_days=0, **settings))
    client = app.test_client()
    harbor = Menu(app.extensions["sandbox"].store.get(None).state["toast"].catalogs[HARBOR_DOWNTOWN])
    return app, client, toast_headers(login(client), HARBOR_DOWNTOWN), harbor


def _with_external_id(client, headers, external_id):
    """Every order of today's business date that carries this externalId (what a duplicate would show as)."""
    page = client.get("/orders/v2/ordersBulk?businessDate=20261102&pageSize=100", headers=headers).json
    return [order for order in page if order["externalId"] == external_id]


def test_spec_order_external_id_must_be_unique_second_post_is_409(client, headers, harbor):
    first = client.post(ORDERS, json=_order(harbor, "SHOP:1001"), headers=headers)
    assert first.status_code == 200
    again = client.post(ORDERS, json=_order(harbor, "SHOP:1001"), headers=headers)
    error = assert_toast_error(again, 409, first.json["guid"])
    assert error["fieldName"] == "externalId"
    assert len(_with_external_id(client, headers, "SHOP:1001")) == 1


def test_spec_check_and_selection_external_ids_are_unique_too(client, headers, harbor):
    order = client.post(ORDERS, json=harbor.order(harbor.selection("Iced Tea", externalId="SHOP:line-1"),
                                                  externalId="SHOP:check-1"), headers=headers).json
    reused_check = harbor.order(harbor.selection("Lemonade"), externalId="SHOP:check-1")
    assert_toast_error(client.post(ORDERS, json=reused_check, headers=headers), 409, "Check externalId")
    check = order["checks"][0]["guid"]
    path = f"{ORDERS}/{order['guid']}/checks/{check}/selections"
    reused_line = [harbor.selection("Lemonade", externalId="SHOP:line-1")]
    assert_toast_error(client.post(path, json=reused_line, headers=headers), 409, "MenuItemSelection externalId")
    twice = harbor.order(harbor.selection("Lemonade", externalId="SHOP:x"), harbor.selection("Iced Tea",
                                                                                            externalId="SHOP:x"))
    assert_toast_error(client.post(ORDERS, json=twice, headers=headers), 400, "more than once")


def test_uniqueness_is_per_restaurant(client, headers, mesa_headers, harbor, mesa):
    assert client.post(ORDERS, json=_order(harbor, "SHOP:7"), headers=headers).status_code == 200
    assert client.post(ORDERS, json=_order(mesa, "SHOP:7", "Horchata"), headers=mesa_headers).status_code == 200


def test_guide_get_the_order_with_its_external_id(client, headers, mesa_headers, harbor):
    created = client.post(ORDERS, json=_order(harbor, "SHOP:abc-42"), headers=headers).json
    found = client.get(f"{ORDERS}/SHOP:abc-42", headers=headers)
    assert found.status_code == 200 and found.json == created
    assert_toast_error(client.get(f"{ORDERS}/SHOP:abc-42", headers=mesa_headers), 404,
                       "The specified order was not found")
    assert_toast_error(client.get(f"{ORDERS}/SHOP:never-sent", headers=headers), 404)
    assert_toast_error(client.get(f"{ORDERS}/not-a-guid", headers=headers), 400, "The GUID was malformed")


@pytest.mark.parametrize("mode, status, orders", [("existing", 200, 1), ("allow", 200, 2)])
def test_duplicate_external_id_switch(mode, status, orders):
    """Judgement (how the platform fails is not published): `toast_duplicate_external_id` picks reject (409, the
    default), existing (the held order comes back) or allow (the platform before enforcement began)."""
    _, client, headers, harbor = _sandbox(toast_duplicate_external_id=mode)
    first = client.post(ORDERS, json=_order(harbor, "SHOP:9"), headers=headers)
    second = client.post(ORDERS, json=_order(harbor, "SHOP:9"), headers=headers)
    assert second.status_code == status
    assert (second.json["guid"] == first.json["guid"]) is (mode == "existing")
    assert len(_with_external_id(client, headers, "SHOP:9")) == orders


# Commit-then-fail: the two client styles the guide contrasts.

def careful_client(client, headers, body):
    """Posts once; after a 5xx it looks the order up by its externalId and posts again only if it is not there."""
    response = client.post(ORDERS, json=body, headers=headers)
    if response.status_code < 500:
        return response
    found = client.get(f"{ORDERS}/{body['externalId']}", headers=headers)
    return found if found.status_code == 200 else client.post(ORDERS, json=body, headers=headers)


def blind_client(client, headers, body):
    """Posts again after a 5xx without looking first."""
    response = client.post(ORDERS, json=body, headers=headers)
    return client.post(ORDERS, json=body, headers=headers) if response.status_code >= 500 else response


def _commit_then_fail(client):
    response = client.post("/_sandbox/scenarios", json={"preset": "commit-then-fail"})
    assert response.status_code in (200, 201), response.json


def test_guide_look_up_before_retry_passes_commit_then_fail(client, headers, harbor):
    _commit_then_fail(client)
    body = _order(harbor, "SHOP:careful-1")
    answer = careful_client(client, headers, body)
    assert answer.status_code == 200 and answer.json["externalId"] == "SHOP:careful-1"
    assert len(_with_external_id(client, headers, "SHOP:careful-1")) == 1
    # The journal shows what the client saw: one POST, answered 503, and the lookup that found the order.
    posts = client.get("/_sandbox/requests?operationId=ordersPost").json["requests"]
    assert [(e["status"], e["scenario"] is not None) for e in posts] == [(503, True)]
    lookups = client.get("/_sandbox/requests?operationId=ordersGuidGet").json["requests"]
    assert [e["status"] for e in lookups] == [200]


def test_blind_retry_after_commit_then_fail_is_caught(client, headers, harbor):
    _commit_then_fail(client)
    answer = blind_client(client, headers, _order(harbor, "SHOP:blind-1"))
    # The first POST stored the order; the retry hits the uniqueness rule instead of silently duplicating.
    assert_toast_error(answer, 409, "SHOP:blind-1")


def test_blind_retry_duplicates_when_uniqueness_is_off():
    _, client, headers, harbor = _sandbox(toast_duplicate_external_id="allow")
    _commit_then_fail(client)
    assert blind_client(client, headers, _order(harbor, "SHOP:blind-2")).status_code == 200
    assert len(_with_external_id(client, headers, "SHOP:blind-2")) == 2


def test_commit_then_fail_only_replaces_a_successful_write(client, headers, harbor):
    client.post("/_sandbox/scenarios", json={"match": {"operationId": "ordersPost"},
                                             "fault": {"commitThen": {"status": 502}}, "times": 2})
    bad = harbor.order(harbor.selection("Iced Tea"), dining="Take Out")       # no guest: a 400, nothing stored
    assert_toast_error(client.post(ORDERS, json=bad, headers=headers), 400, "Customer first name")
    assert_toast_error(client.post(ORDERS, json=_order(harbor, "SHOP:c"), headers=headers), 502)
    assert client.get(f"{ORDERS}/SHOP:c", headers=headers).status_code == 200


@pytest.mark.parametrize("then", [{"hang": 1}, {"status": 200}, {"retryAfter": 3}, "drop"])
def test_commit_then_needs_a_failure_to_answer_with(client, then):
    response = client.post("/_sandbox/scenarios", json={"match": {"operationId": "ordersPost"},
                                                        "fault": {"commitThen": then}})
    assert response.status_code == (201 if then == {"hang": 1} else 400), response.json


def test_commit_then_drop_on_a_real_socket_still_stores_the_order():
    app, client, headers, harbor = _sandbox()
    client.post("/_sandbox/scenarios", json={"match": {"operationId": "ordersPost"},
                                             "fault": {"commitThen": {"drop": True}}, "times": 1})
    with LiveSandbox(app) as live:
        connection = http.client.HTTPConnection(live.url.removeprefix("http://"), timeout=5)
        connection.request("POST", ORDERS, body=json.dumps(_order(harbor, "SHOP:dropped")),
                           headers={**headers, "Content-Type": "application/json"})
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            connection.getresponse()
        connection.close()
    found = client.get(f"{ORDERS}/SHOP:dropped", headers=headers)
    assert found.status_code == 200


def test_commit_then_hang_keeps_the_order_and_lists_the_rule(client, headers, harbor):
    rule = {"match": {"operationId": "ordersPost"}, "fault": {"commitThen": {"hang": 0.05}}, "times": 1}
    assert client.post("/_sandbox/scenarios", json=rule).status_code == 201
    listed = client.get("/_sandbox/scenarios").json
    assert listed["active"][0]["fault"] == {"commitThen": {"hang": 0.05}} and "commit-then-fail" in listed["presets"]
    # Under the in-process client there is no socket to drop: the hang ends in a 502 with Connection: close.
    answer = client.post(ORDERS, json=_order(harbor, "SHOP:hung"), headers=headers)
    assert answer.status_code == 502 and answer.headers["Connection"] == "close"
    assert client.get(f"{ORDERS}/SHOP:hung", headers=headers).status_code == 200
