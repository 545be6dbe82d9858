"""An exposed sandbox is not an open door: the admin token, the Host check against DNS rebinding, cross-site
writes, header limits, the webhook egress allow-list and masked secrets."""

import re
import socket

import pytest

from helpers import HARBOR_DOWNTOWN, PARTNER, Receiver, assert_toast_error, assert_toster_error, toster, TOSTER_ALL
from sandbox.app import create_app
from sandbox.core.provider import load_spec
from sandbox.server import banner
from sandbox.testing import TEST_SETTINGS, LiveSandbox

TOKEN = "qa-admin-token-1"
# Every control call but the front door (`GET /`, links only), the console's script and style (a browser loads
# them without headers; they hold no data) and the health check (probes send no token; it reveals nothing).
OPEN = ("/", "/_sandbox/console/assets/x", "/_sandbox/health")
CONTROL_OPERATIONS = [(op.method.upper(), path) for op in load_spec("sandbox-control-v1.yaml").operations
                      if (path := re.sub(r"\{[^}]+\}", "x", op.full_path)) not in OPEN]


@pytest.mark.parametrize("path", ["/", "/_sandbox/console/assets/console.js", "/_sandbox/health",
                                  "/worlds/default/_sandbox/health"])
def test_the_front_door_the_console_assets_and_health_need_no_token(guarded, path):
    assert guarded.get(path).status_code == 200


@pytest.fixture
def guarded():
    return create_app({**TEST_SETTINGS, "history_days": 0, "admin_token": TOKEN}).test_client()


@pytest.mark.parametrize("method, path", CONTROL_OPERATIONS)
def test_every_control_call_needs_the_admin_token(guarded, method, path):
    refused = guarded.open(path, method=method, json={})
    assert_toster_error(refused, 401, "admin token")
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert guarded.open(path, method=method, json={}, headers={"X-Sandbox-Token": "wrong-token"}).status_code == 401
    assert guarded.open(path, method=method, json={}, headers={"X-Sandbox-Token": TOKEN}).status_code != 401
    assert guarded.open(path, method=method, json={},
                        headers={"Authorization": f"Bearer {TOKEN}"}).status_code != 401


def test_the_console_takes_the_token_in_its_address_only(guarded):
    assert guarded.get("/_sandbox/console").status_code == 401
    page = guarded.get(f"/_sandbox/console?token={TOKEN}")
    assert page.status_code == 200 and b'name="referrer" content="no-referrer"' in page.data
    assert b"X-Sandbox-Token" in guarded.get("/_sandbox/console/assets/console.js").data
    assert guarded.get(f"/_sandbox/credentials?token={TOKEN}").status_code == 401


def test_platform_apis_do_not_need_the_admin_token(guarded):
    answer = guarded.get("/api/orders", headers=toster())
    assert answer.status_code == 200


def test_the_test_kit_sends_the_token_set_in_the_environment(monkeypatch, request):
    monkeypatch.setenv("SANDBOX_ADMIN_TOKEN", TOKEN)
    client = request.getfixturevalue("pos_sandbox_client")
    app = request.getfixturevalue("pos_sandbox_app")
    assert app.test_client().get("/_sandbox/clock").status_code == 401
    assert client.get("/_sandbox/clock").status_code == 200
    assert LiveSandbox(app).control_headers == {"X-Sandbox-Token": TOKEN}


@pytest.mark.parametrize("host", ["rebind.attacker.example", "rebind.attacker.example:8080", "localhost.evil.com"])
def test_names_other_than_localhost_are_refused_on_a_loopback_bind(client, headers, host):
    """DNS rebinding: a page at a name the attacker controls, later resolved to 127.0.0.1."""
    assert_toster_error(client.get("/_sandbox/credentials", headers={"Host": host}), 403, "not served here")
    error = assert_toast_error(client.get(f"/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}",
                                          headers={**headers, "Host": host}), 403, "not served here")
    assert error["fieldName"] == "Host"


@pytest.mark.parametrize("host", ["localhost", "localhost:8080", "127.0.0.1:8080", "127.0.0.2", "[::1]:8080",
                                  "192.168.1.20:8080", "sandbox.internal"])
def test_loopback_addresses_and_listed_names_are_served(host):
    client = create_app({**TEST_SETTINGS, "history_days": 0, "allowed_hosts": ["sandbox.internal"]}).test_client()
    assert client.get("/_sandbox/health", headers={"Host": host}).status_code == 200


def test_a_server_bound_to_every_interface_checks_names_only_when_listed():
    open_bind = create_app({**TEST_SETTINGS, "history_days": 0, "host": "0.0.0.0"}).test_client()
    assert open_bind.get("/_sandbox/health", headers={"Host": "pos-sandbox"}).status_code == 200
    listed = create_app({**TEST_SETTINGS, "history_days": 0, "host": "0.0.0.0", "allowed_hosts": ["pos-sandbox"]})
    assert listed.test_client().get("/_sandbox/health", headers={"Host": "other"}).status_code == 403


@pytest.mark.parametrize("cross", [{"Origin": "http://evil.example", "Content-Type": "text/plain"},
                                   {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                                   {"Origin": "http://93.184.216.34"}])
def test_cross_site_writes_to_the_control_api_are_refused(client, cross):
    before = client.get("/_sandbox/credentials").json["toast"]["clients"][0]["clientSecret"]
    answer = client.post(f"/_sandbox/clients/{PARTNER['clientId']}/rotate-secret", headers=cross)
    assert_toster_error(answer, 403, "Cross-site")
    assert client.get("/_sandbox/credentials", headers=cross).status_code == 200     # reads stay open
    assert client.get("/_sandbox/credentials").json["toast"]["clients"][0]["clientSecret"] == before


@pytest.mark.parametrize("same", [{"Origin": "http://localhost"}, {"Origin": "http://localhost:3000"},
                                  {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}, {}])
def test_same_origin_and_tools_may_write(client, same):
    answer = client.post(f"/_sandbox/clients/{PARTNER['clientId']}/rotate-secret", headers=same)
    assert answer.status_code == 200


def test_oversized_headers_and_urls_answer_in_the_provider_shape(client, headers):
    big = {**headers, "X-Padding": "a" * 20000}
    assert_toast_error(client.get(f"/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", headers=big), 431)
    assert_toster_error(client.get("/api/orders", headers={**toster(), "X-Padding": "a" * 20000}), 431)
    many = {**toster(), **{f"X-Field-{n}": "v" for n in range(250)}}
    assert_toster_error(client.get("/api/orders", headers=many), 431)
    assert_toster_error(client.get("/api/orders?q=" + "a" * 20000, headers=toster()), 414)


def test_webhook_subscriptions_reach_loopback_only_by_default(client):
    for url in ("https://2vgsf9.example/hooks", "http://169.254.169.254/latest", "http://10.0.0.5:8080/",
                "file:///etc/passwd", "gopher://127.0.0.1/"):
        control = client.post("/_sandbox/webhooks/subscriptions",
                              json={"provider": "toast", "url": url, "eventCategory": "order_updated"})
        assert_toster_error(control, 400, "url")
        tost = client.post("/api/webhooks", json={"url": url, "events": ["order.created"]}, headers=toster())
        assert assert_toster_error(tost, 400, "url")["details"]["field"] == "url"
    assert client.get("/_sandbox/webhooks/subscriptions").json == []
    made = client.post("/_sandbox/webhooks/subscriptions",
                       json={"provider": "toast", "url": "http://localhost:9/hooks", "eventCategory": "order_updated"})
    assert made.status_code == 201
    moved = client.patch(f"/_sandbox/webhooks/subscriptions/{made.json['guid']}", json={"url": "http://evil.example/"})
    assert_toster_error(moved, 400, "url")


def test_listed_hosts_and_the_any_host_switch():
    listed = create_app({**TEST_SETTINGS, "history_days": 0, "webhook_hosts": ["receiver", "10.0.0.0/8"]})
    client = listed.test_client()
    for url, status in (("http://receiver:9000/", 201), ("http://10.1.2.3/", 201), ("http://other/", 400)):
        answer = client.post("/api/webhooks", json={"url": url, "events": ["order.created"]}, headers=toster())
        assert answer.status_code == status
    anywhere = create_app({**TEST_SETTINGS, "history_days": 0, "webhook_any_host": True}).test_client()
    answer = anywhere.post("/api/webhooks", json={"url": "https://hooks.example/", "events": ["order.created"]},
                           headers=toster())
    assert answer.status_code == 201


def test_delivery_checks_the_address_a_name_resolves_to_now(client, sandbox, monkeypatch):
    """A name allowed when subscribing that later resolves elsewhere (DNS rebinding) gets nothing sent."""
    receiver = Receiver()
    try:
        url = f"http://localhost:{receiver.port}/hooks"
        assert client.post("/api/webhooks", json={"url": url, "events": ["customer.created"]},
                           headers=toster()).status_code == 201
        real = socket.getaddrinfo

        def rebound(host, *args, **kwargs):
            if host == "localhost":
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 80))]
            return real(host, *args, **kwargs)
        monkeypatch.setattr(socket, "getaddrinfo", rebound)
        client.post("/_sandbox/trigger", json={"event": "customer.created"})
        client.post("/_sandbox/webhooks/flush")
        attempt = client.get("/_sandbox/webhooks/events").json[-1]["attempts"][0]
        assert "93.184.216.34" in attempt["error"] and attempt["statusCode"] is None
        assert receiver.requests == []
        monkeypatch.setattr(socket, "getaddrinfo", real)
        client.post("/_sandbox/clock", json={"advance": 3600})
        client.post("/_sandbox/webhooks/flush")
        assert len(receiver.requests) == 1
    finally:
        receiver.stop()


def test_secrets_are_masked_in_the_journal_and_the_delivery_log(client):
    receiver = Receiver()
    try:
        client.post("/api/webhooks", json={"url": receiver.url, "events": ["customer.created"]}, headers=toster())
        client.post("/_sandbox/trigger", json={"event": "customer.created"})
        client.post("/_sandbox/webhooks/flush")
    finally:
        receiver.stop()
    journal = client.get("/_sandbox/requests").json["requests"]
    assert journal and all(TOSTER_ALL not in str(entry) for entry in journal)
    assert journal[0]["client"] == "****" + TOSTER_ALL[-4:]
    sent = client.get("/_sandbox/webhooks/events").json[-1]["attempts"][0]["requestHeaders"]
    assert sent["X-Toster-Signature"].startswith("****")


def test_the_banner_prints_credentials_unless_quiet():
    loud = create_app({**TEST_SETTINGS, "history_days": 0})
    quiet = create_app({**TEST_SETTINGS, "history_days": 0, "quiet": True})
    assert PARTNER["clientSecret"] in banner(loud, "http://127.0.0.1:8080")
    text = banner(quiet, "http://127.0.0.1:8080")
    assert "ready at http://127.0.0.1:8080" in text and PARTNER["clientSecret"] not in text and TOSTER_ALL not in text


def test_delivery_connects_to_the_address_it_checked(client, monkeypatch):
    """The name is resolved once per connection and that checked address is the one connected to, so an answer
    that changes between the check and the connection (DNS rebinding) cannot redirect the delivery."""
    receiver = Receiver()
    asked = []
    real = socket.getaddrinfo

    def changing(host, *args, **kwargs):
        if host == "localhost":
            asked.append(host)
            address = "127.0.0.1" if len(asked) == 1 else "0.0.0.0"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, args[0] if args else 80))]
        return real(host, *args, **kwargs)
    try:
        client.post("/api/webhooks", json={"url": f"http://localhost:{receiver.port}/hooks",
                                           "events": ["customer.created"]}, headers=toster())
        monkeypatch.setattr(socket, "getaddrinfo", changing)
        client.post("/_sandbox/trigger", json={"event": "customer.created"})
        client.post("/_sandbox/webhooks/flush")
        assert len(receiver.requests) == 1 and asked == ["localhost"]
        assert receiver.requests[0]["headers"]["Host"] == f"localhost:{receiver.port}"
    finally:
        receiver.stop()
