"""Unknown paths answer 404 in the shape of the platform whose prefix they are under (Toast under every published
Toast base, Toster under /api, the control API under /_sandbox), and the coverage page lists every operation Toast
publishes with whether it is served."""

import re

import pytest
import requests

from helpers import TOAST_ERROR_KEYS, assert_toast_error, assert_toster_error
from published import published_index
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS, LiveSandbox
from sandbox.toast import published
from sandbox.toast.provider import ToastProvider


def _unserved():
    served = {(op.method, op.full_path) for op in ToastProvider.spec_operations()}
    return [(r["method"], r["path"]) for r in published.coverage(served) if not r["served"]]


def test_the_index_is_the_published_documents():
    """specs/toast-published-index.yaml lists exactly the operations of the reference specs."""
    assert published.index() == published_index()


@pytest.mark.parametrize("method, path", _unserved())
def test_every_unserved_published_operation_is_a_toast_404(client, method, path):
    concrete = re.sub(r"\{[^}]+\}", "0f6a1d3e-7c55-4d39-9a43-3f3c2a1f2b10", path)
    response = client.open(concrete, method=method, json={} if method in ("POST", "PUT", "PATCH") else None)
    assert_toast_error(response, 404, f"No operation at {method} {concrete}")


@pytest.mark.parametrize("path", [f"{prefix}/v9/anything" for prefix in published.prefixes()]
                         + ["/orders/v2/nothing-here", "/stock/v1/inventory/nope", "/menus/v3/menus/extra"])
def test_any_path_under_a_toast_prefix_is_a_toast_404(client, path):
    assert_toast_error(client.get(path), 404)


def test_other_prefixes_keep_their_own_shapes(client):
    assert_toster_error(client.get("/api/no-such-thing"), 404)
    control = client.get("/_sandbox/no-such-thing")
    assert control.status_code == 404 and set(control.json) == {"error", "details"}
    assert_toast_error(client.delete("/stock/v1/inventory"), 405)


def test_coverage_lists_every_published_operation(client):
    coverage = client.get("/_sandbox/coverage").json
    listed = {(r["document"], r["method"], r["path"]) for r in coverage["published"]}
    expected = {(api["document"], m, p) for api in published_index() for m, p, _ in api["operations"]}
    assert listed == expected and coverage["publishedTotal"] == len(expected)
    served = {r["path"] for r in coverage["published"] if r["served"]}
    assert {"/stock/v1/inventory", "/stock/v1/inventory/search", "/stock/v1/inventory/update", "/menus/v3/menus",
            "/menus/v3/metadata", "/restaurant-availability/v1/availability", "/orders/v2/orders/{guid}"} <= served
    assert coverage["publishedServed"] == len([r for r in coverage["published"] if r["served"]])
    ours = {(r["method"], re.sub(r"\{[^}]+\}", "{}", r["path"])) for r in coverage["operations"]
            if r["provider"] == "toast"}
    for row in coverage["published"]:
        assert row["served"] == ((row["method"], re.sub(r"\{[^}]+\}", "{}", row["path"])) in ours)


def test_a_served_sandbox_answers_unknown_toast_paths_in_toast_s_shape():
    with LiveSandbox(create_app(dict(TEST_SETTINGS, history_days=0))) as live:
        response = requests.get(f"{live.url}/kitchen/v1/no-such-report", timeout=5)
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("application/json")
    assert set(response.json()) == TOAST_ERROR_KEYS
