"""Property-based run (schemathesis) over every operation of every spec, against a live strict sandbox on a real
socket: no input may produce a 5xx, and every answer must match our spec (status, content type, body, headers).
Bounded: a fixed number of derandomized examples per operation."""

from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from helpers import HARBOR_DOWNTOWN, PARTNER, TOSTER_ALL
from sandbox.app import create_app
from sandbox.core.guard import is_loopback
from sandbox.core.provider import load_spec
from sandbox.core.webhooks import webhook_state
from sandbox.testing import TEST_SETTINGS, LiveSandbox

EXAMPLES = 12
# Toast writes timestamps as 2024-03-01T00:00:00.000+0000, which strict RFC 3339 checkers refuse. Formats are
# checked instead by the sandbox itself: the live app is strict, so a response breaking our spec (formats included,
# with the lenient date-time our specs define) comes back as a 500, which `not_a_server_error` reports.
CONFIG = SchemathesisConfig.from_dict({
    "checks": {"response_schema_conformance": {"validate-formats": False}},
    "phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}, "stateful": {"enabled": False}},
})
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance]
SPECS = [spec for provider in create_app({**TEST_SETTINGS, "history_days": 0}).extensions["sandbox"].providers
         for spec in provider.specs]


@pytest.fixture(scope="module")
def live():
    app = create_app({**TEST_SETTINGS, "history_days": 2})
    with LiveSandbox(app) as server:
        yield server


def _token(base):
    """The partner's token; the same one is returned until it nears expiry, and the clock is frozen here."""
    answer = requests.post(f"{base}/authentication/v1/authentication/login", timeout=5,
                           json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                                 "userAccessType": "TOAST_MACHINE_CLIENT"})
    return answer.json()["token"]["accessToken"]


def _schema(name):
    return schemathesis.openapi.from_dict(load_spec(name).doc, config=CONFIG)


def _run(case, live):
    headers = {}
    base = case.operation.schema.raw_schema["servers"][0]["url"]
    if base == "/api":
        headers["Authorization"] = f"Bearer {TOSTER_ALL}"
    elif base != "/_sandbox":
        headers["Authorization"] = f"Bearer {_token(live.url)}"
        headers["Toast-Restaurant-External-ID"] = HARBOR_DOWNTOWN
    if case.headers:
        case.headers.pop("Toast-Restaurant-External-ID", None)
        case.headers.pop("X-Sandbox-World", None)
    case.call_and_validate(base_url=live.url + base,
                           headers=headers, checks=CHECKS, timeout=10)


def _property_test(name):
    schema = _schema(name)

    @schema.parametrize()
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def test(case, live):
        _run(case, live)
    return test


test_authentication = _property_test("toast-authentication-v1.yaml")
test_partners = _property_test("toast-partners-v1.yaml")
test_restaurants = _property_test("toast-restaurants-v1.yaml")
test_orders = _property_test("toast-orders-v2.yaml")
test_menus = _property_test("toast-menus-v2.yaml")
test_config = _property_test("toast-config-v2.yaml")
test_labor = _property_test("toast-labor-v1.yaml")
test_cash_management = _property_test("toast-cash-management-v1.yaml")
test_kitchen = _property_test("toast-kitchen-v1.yaml")
test_packaging = _property_test("toast-packaging-v1.yaml")
test_ordering_schedule = _property_test("toast-ordermgmt-configuration-v1.yaml")
test_device_details = _property_test("toast-device-details-v1.yaml")
test_stock = _property_test("toast-stock-v1.yaml")
test_menus_v3 = _property_test("toast-menus-v3.yaml")
test_availability = _property_test("toast-restaurant-availability-v1.yaml")
test_analytics = _property_test("toast-analytics-v1.yaml")
test_toster = _property_test("toster-v1.yaml")
test_control = _property_test("sandbox-control-v1.yaml")


def test_every_spec_is_covered():
    covered = {"toast-authentication-v1.yaml", "toast-partners-v1.yaml", "toast-restaurants-v1.yaml",
               "toast-orders-v2.yaml", "toast-menus-v2.yaml", "toast-config-v2.yaml", "toast-labor-v1.yaml",
               "toster-v1.yaml", "sandbox-control-v1.yaml", "toast-cash-management-v1.yaml", "toast-kitchen-v1.yaml",
               "toast-packaging-v1.yaml", "toast-ordermgmt-configuration-v1.yaml", "toast-device-details-v1.yaml",
               "toast-stock-v1.yaml", "toast-menus-v3.yaml", "toast-restaurant-availability-v1.yaml",
               "toast-analytics-v1.yaml"}
    assert {spec.name for spec in SPECS} == covered


def test_no_subscription_reaches_an_invented_host(live):
    """The generated subscription URLs name hosts the fuzzer invents (`https://2vgsf9.example`): the egress
    allow-list refuses them, so no webhook of the run could leave the machine."""
    world = live.app.extensions["sandbox"].store.get(None)
    hosts = {urlsplit(s.url).hostname or "" for s in webhook_state(world).subscriptions.values()}
    assert all(is_loopback(host) for host in hosts), hosts
