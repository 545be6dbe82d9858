"""The pipeline's own guarantees: strict response checking, 501 for unimplemented operations, startup checks of the
handler maps, and no stack trace ever reaching a client."""

import pytest

from helpers import assert_toast_error, login, toast_headers
from sandbox.core.openapi import SpecError
from sandbox.core.provider import Provider


METADATA = ("toast-menus-v2.yaml", "metadataGet")


def _toast(sandbox):
    return next(p for p in sandbox.providers if p.name == "toast")


def test_strict_mode_turns_a_response_that_breaks_the_spec_into_a_500(client, sandbox):
    _toast(sandbox).handlers[METADATA] = lambda ctx: {"restaurantGuid": 42}
    response = client.get("/menus/v2/metadata", headers=toast_headers(login(client)))
    error = assert_toast_error(response, 500, "does not match the spec")
    assert "restaurantGuid" in error["message"]


def test_an_operation_without_a_handler_answers_501(client, sandbox):
    del _toast(sandbox).handlers[METADATA]
    assert_toast_error(client.get("/menus/v2/metadata", headers=toast_headers(login(client))), 501)
    coverage = client.get("/_sandbox/coverage").json
    assert {(r["spec"], r["operationId"]): r["implemented"] for r in coverage["operations"]
            }[("toast-menus-v2.yaml", "metadataGet")] is False
    assert {r["path"]: r["served"] for r in coverage["published"]}["/menus/v2/metadata"] is False


def test_a_failing_handler_answers_500_without_a_trace(client, sandbox):
    def broken(ctx):
        raise KeyError("internal detail")
    _toast(sandbox).handlers[METADATA] = broken
    response = client.get("/menus/v2/metadata", headers=toast_headers(login(client)))
    error = assert_toast_error(response, 500, "Internal server error")
    assert "internal detail" not in response.get_data(as_text=True) and "Traceback" not in error["message"]


def test_a_handler_map_naming_an_unknown_operation_stops_the_start(sandbox):
    class Broken(Provider):
        name = "broken"
        apis = (("toast-menus-v2.yaml", {"menusGet": None, "noSuchOperation": None}),)

        def error_body(self, error, request_id):
            return {}

    with pytest.raises(SpecError, match=r"toast-menus-v2.yaml: handlers for operations the spec does not have: "
                                        r"\['noSuchOperation'\]"):
        Broken(sandbox)


def test_a_body_answered_before_it_was_read_is_journaled_by_its_size(client):
    """A scenario answers before the body is read: the journal says how large it was instead of reading it."""
    rule = {"match": {"operationId": "ordersPost"}, "fault": {"status": 503}}
    assert client.post("/_sandbox/scenarios", json=rule).status_code == 201
    body = b'{"checks": []}'
    assert client.post("/orders/v2/orders", data=body, content_type="application/json").status_code == 503
    assert client.get("/orders/v2/orders").status_code == 401
    entries = client.get("/_sandbox/requests?path=/orders/v2/orders").json["requests"]
    assert [entry["requestBody"] for entry in entries] == [f"<{len(body)} bytes, not read: not kept>", ""]
