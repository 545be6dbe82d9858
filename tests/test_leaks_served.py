"""Hostile values against a served sandbox: amounts no pricing can hold are a 400 naming the field (Toast and
Toster shapes), however they are written (strings, query parameters of any length); secrets stay masked whatever escapes spell them; access lines cannot be forged; a malformed Host
is refused in the provider's shape and links stay URLs."""

import json
import time

import pytest
import requests

from helpers import HARBOR_DOWNTOWN, LOGIN, PARTNER, TOSTER_ALL, Menu
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS
from serving import Served

ADMIN = "admin-token-0123456789"
ORDERS = "/orders/v2/orders"


@pytest.fixture(scope="module", params=["text", "json"])
def served(request):
    sandbox = Served("--admin-token", ADMIN, "--log-format", request.param, env={"SANDBOX_RATE_LIMITS": "false"})
    sandbox.log_format = request.param
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def menu():
    world = create_app({**TEST_SETTINGS, "history_days": 0}).extensions["sandbox"].store.get(None)
    return Menu(world.state["toast"].catalogs[HARBOR_DOWNTOWN])


def _toast(base):
    token = requests.post(base + LOGIN, timeout=10, json={
        "clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"}).json()["token"]["accessToken"]
    return {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}


def _raw(base, path, text, headers):
    return requests.post(base + path, data=text, headers={**headers, "Content-Type": "application/json"}, timeout=10)


@pytest.mark.parametrize("payment, field", [
    ('{"type": "OTHER", "amount": -1e29, "tipAmount": 0}', "amount"),
    ('{"type": "OTHER", "amount": 1, "tipAmount": -1e300}', "tipAmount"),
    ('{"type": "OTHER", "amount": 1, "tipAmount": 0, "amountTendered": -1e300}', "amountTendered"),
    ('{"type": "OTHER", "amount": 1e999, "tipAmount": 0}', "amount"),
    ('{"type": "OTHER", "amount": 1, "tipAmount": 123456789012345678901234567890}', "tipAmount"),
    ('{"type": "OTHER", "amount": NaN, "tipAmount": 0}', "amount"),
    ('{"type": "OTHER", "amount": 1, "tipAmount": -Infinity}', "tipAmount"),
])
def test_amounts_no_pricing_can_hold_are_a_toast_400_naming_the_field(served, menu, payment, field):
    base, headers = served.url, _toast(served.url)
    order = requests.post(base + ORDERS, json=menu.order(menu.selection("Clam Chowder")), headers=headers,
                          timeout=10).json()
    url = f"{ORDERS}/{order['guid']}/checks/{order['checks'][0]['guid']}/payments"
    response = _raw(base, url, f"[{payment}]", headers)
    assert response.status_code == 400 and response.json()["fieldName"] == f"[0].{field}", response.text
    created = json.dumps(menu.order(menu.selection("Clam Chowder"))).replace('"selections"',
                                                                               f'"payments": [{payment}], "selections"')
    response = _raw(base, ORDERS, created, headers)
    assert response.status_code == 400 and response.json()["fieldName"] == f"checks[0].payments[0].{field}"
    assert requests.get(base + f"{ORDERS}/{order['guid']}", headers=headers, timeout=10).json()["checks"][0][
        "payments"] == []


@pytest.mark.parametrize("quantity", ["1e30", "-1e30", "10000000000000000000000", "1e-400"])
def test_huge_quantities_are_a_400_for_toast_and_toster(served, menu, quantity):
    base, headers = served.url, _toast(served.url)
    body = json.dumps(menu.order(menu.selection("Clam Chowder"))).replace('"quantity": 1', f'"quantity": {quantity}')
    response = _raw(base, ORDERS, body, headers)
    assert response.status_code == 400 and response.json()["fieldName"] == "checks[0].selections[0].quantity"
    products = requests.get(f"{base}/api/products", headers={"Authorization": f"Bearer {TOSTER_ALL}"},
                            timeout=10).json()["items"]
    customers = requests.get(f"{base}/api/customers", headers={"Authorization": f"Bearer {TOSTER_ALL}"},
                             timeout=10).json()["items"]
    text = ('{"type": "pickup", "customer_id": "%s", "items": [{"product_id": "%s", "qty": %s}]}'
            % (customers[0]["id"], products[0]["id"], quantity))
    answer = _raw(base, "/api/orders", text, {"Authorization": f"Bearer {TOSTER_ALL}"})
    assert answer.status_code == 400 and "items[0].qty" in json.dumps(answer.json()), answer.text


@pytest.mark.parametrize("written", ['"-1e29"', '"1e999"', '"-Infinity"', '"123456789012345678901234567890"'])
def test_numbers_written_as_strings_are_held_to_the_same_bounds(served, menu, written):
    # Toast reads numbers written as strings (the orders spec's lenient reading); out of range, they stay strings
    # and are refused by type, never converted into something pricing cannot hold.
    base, headers = served.url, _toast(served.url)
    payment = '{"type": "OTHER", "amount": %s, "tipAmount": 0}' % written
    created = json.dumps(menu.order(menu.selection("Clam Chowder"))).replace('"selections"',
                                                                               f'"payments": [{payment}], "selections"')
    response = _raw(base, ORDERS, created, headers)
    assert response.status_code == 400, response.text
    assert response.json()["fieldName"] == "checks[0].payments[0].amount" and written in response.json()["message"]


@pytest.mark.parametrize("digits", [30, 5000])
def test_query_numbers_of_any_length_are_a_400_naming_the_parameter(served, digits):
    # A 5,000-digit integer is past Python's own limit for int(): it was a 500 before.
    number = "9" * digits
    answer = requests.get(f"{served.url}/orders/v2/ordersBulk?businessDate=20261102&pageSize={number}",
                          headers=_toast(served.url), timeout=10)
    assert answer.status_code == 400 and answer.json()["fieldName"] == "pageSize", answer.text
    assert len(answer.json()["message"]) < 500          # the value is echoed, shortened
    answer = requests.get(f"{served.url}/api/orders?limit={number}", headers={"Authorization": f"Bearer {TOSTER_ALL}"},
                          timeout=10)
    assert answer.status_code == 400 and "limit" in json.dumps(answer.json()) and len(answer.text) < 1000, answer.text


def _journal(base):
    return requests.get(f"{base}/_sandbox/journal", headers={"X-Sandbox-Token": ADMIN}, timeout=10).text


@pytest.mark.parametrize("spelled", ['"clientSecr\\u0065t"', '"client\\u0053ecret"', '"\\u0063lientSecret"'])
def test_secrets_under_escaped_keys_are_masked_in_the_journal(served, spelled):
    body = ('{"clientId": "%s", %s: "%s", "userAccessType": "TOAST_MACHINE_CLIENT"}'
            % (PARTNER["clientId"], spelled, PARTNER["clientSecret"]))
    assert _raw(served.url, LOGIN, body, {}).status_code == 200
    journal = _journal(served.url)
    assert PARTNER["clientSecret"][:-4] not in journal
    assert PARTNER["clientSecret"][:-4] not in json.dumps(requests.get(
        f"{served.url}/_sandbox/journal", headers={"X-Sandbox-Token": ADMIN}, timeout=10).json())


@pytest.mark.parametrize("secret", ['abc\\"defghijklmnopqrstu', 'abc\\\\\\"zzzzyyyyxxxxwwww', 'abc\\u0022qqqqrrrrssss'])
def test_secret_values_with_escaped_quotes_are_masked(served, secret):
    text = '{"url": "http://127.0.0.1:9/hook", "events": ["order.created"], "secret": "%s"}' % secret
    response = _raw(served.url, "/api/webhooks", text, {"Authorization": f"Bearer {TOSTER_ALL}"})
    assert response.status_code == 201, response.text
    decoded = json.loads(f'"{secret}"')
    journal = _journal(served.url)
    assert decoded[:-4] not in json.dumps(json.loads(journal)) and secret[:-6] not in journal


def _logged(served, marker, seconds=3):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = [line for line in served.lines if marker in line]
        if lines:
            return lines
        time.sleep(0.1)
    return []


@pytest.mark.parametrize("query", ["%74oken", "t%6Fken", "%74%6F%6B%65%6E", "token"])
def test_the_admin_token_never_reaches_the_access_log(served, query):
    mark = f"mark{len(served.lines)}"
    response = requests.get(f"{served.url}/_sandbox/console?{query}={ADMIN}&mark={mark}", timeout=10)
    assert response.status_code == 200
    assert _logged(served, mark) and not any(ADMIN in line for line in served.lines)


@pytest.mark.parametrize("path", [
    "/orders/v2/orders%0A2026-01-01T00:00:00.000Z%20GET%20/forged%20200",
    "/orders/v2/orders%0D%0Aforged-line", "/api/orders/%1B%5B31mred%0Aforged-line", "/x%E2%80%A8forged-line",
])
def test_access_lines_cannot_be_forged(served, path):
    requests.get(served.url + path, timeout=10)
    logged = _logged(served, "forged")
    assert len(logged) == 1 and "\x1b" not in logged[0], logged
    if served.log_format == "json":
        assert json.loads(logged[0])["path"].endswith("forged-line") or "forged" in json.loads(logged[0])["path"]
    else:
        assert logged[0].split(" ")[2].startswith(("/orders", "/api", "/x"))
    served.lines[:] = [line for line in served.lines if "forged" not in line]


@pytest.mark.parametrize("host", ["127.0.0.1:1@evil.example", "evil.example@127.0.0.1", "127.0.0.1:8080:80",
                                  "[::1", "localhost:99999", "localhost:-1", "a b", "localhost/x", "localhost:80?x",
                                  "localhost#x", "[nope]:80", "localhost:"])
@pytest.mark.parametrize("path, shape", [(ORDERS, "fieldName"), ("/api/orders", "details"),
                                         ("/_sandbox/health", "details")])
def test_a_malformed_host_is_refused_in_the_provider_shape(served, host, path, shape):
    response = requests.get(served.url + path, headers={"Host": host}, timeout=10)
    assert response.status_code == 400 and "Host" in response.text and shape in response.json(), response.text
    assert "html" not in response.headers["Content-Type"]


def test_links_built_from_the_host_stay_urls(served):
    headers = {**_toast(served.url), "Host": f"localhost:{served.port}"}
    response = requests.get(served.url + ORDERS, params={"pageSize": 1}, headers=headers, timeout=10)
    for link in response.headers.get("Link", "").split(","):
        if link:
            assert link.strip().startswith(f"<http://localhost:{served.port}/orders/v2/orders?"), link
