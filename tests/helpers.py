"""Constants and helpers shared by the tests: fixture credentials, Toast login, error checks, menu lookups, a
webhook receiver and a served sandbox process."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time

from sandbox.core.fixtures import load_fixtures

FIXTURES = load_fixtures("default.yaml")
CLIENTS = {c["name"]: c for c in FIXTURES["toast"]["clients"]}
PARTNER = CLIENTS["Sandbox Partner (all scopes)"]
READ_ONLY = CLIENTS["Sandbox Partner (orders read-only)"]
NO_GUEST_DATA = CLIENTS["Sandbox Partner (no guest data)"]
GROUP = CLIENTS["Harbor Hospitality (restaurant group)"]
RESTAURANTS = [r["guid"] for r in FIXTURES["toast"]["restaurants"]]
HARBOR_DOWNTOWN, HARBOR_SEAPORT, MESA = RESTAURANTS
HARBOR_GROUP, MESA_GROUP = (g["guid"] for g in FIXTURES["toast"]["managementGroups"])
LOGIN = "/authentication/v1/authentication/login"
# The body POST /orders/{guid}/void needs (the orders spec: both voidAll true).
VOID_ALL = {"selections": {"voidAll": True}, "payments": {"voidAll": True}}


def login(client, credentials=PARTNER):
    """Log a fixture client in; returns the access token."""
    response = client.post(LOGIN, json={"clientId": credentials["clientId"],
                                        "clientSecret": credentials["clientSecret"],
                                        "userAccessType": "TOAST_MACHINE_CLIENT"})
    assert response.status_code == 200, response.json
    return response.json["token"]["accessToken"]


def toast_headers(token, restaurant=HARBOR_DOWNTOWN):
    headers = {"Authorization": f"Bearer {token}"}
    if restaurant:
        headers["Toast-Restaurant-External-ID"] = restaurant
    return headers


def advance(client, seconds):
    """Move the sandbox clock forward through the control API."""
    response = client.post("/_sandbox/clock", json={"advance": seconds})
    assert response.status_code == 200
    return response.json


TOAST_ERROR_KEYS = {"status", "code", "message", "messageKey", "fieldName", "link", "requestId",
                    "developerMessage", "errors", "canRetry"}


def assert_toast_error(response, status, message_part=None):
    """A Toast error: the status, every key of the body present, JSON content type, and the message."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == TOAST_ERROR_KEYS
    assert body["status"] == status
    assert body["requestId"]
    assert isinstance(body["errors"], list)
    if message_part:
        assert message_part in body["message"], body["message"]
    return body


class Menu:
    """Finds a restaurant's menu entities by name and builds order bodies from them."""

    def __init__(self, catalog):
        self.catalog = catalog

    def _named(self, collection, name):
        return next(e for e in collection.values() if e.name == name)

    def item(self, name):
        return self._named(self.catalog.menu_items, name)

    def option(self, name):
        return self._named(self.catalog.modifier_options, name)

    def discount(self, name):
        return self._named(self.catalog.discounts, name)

    def charge(self, name):
        return self._named(self.catalog.service_charges, name)

    def dining(self, name):
        return self._named(self.catalog.dining_options, name)

    def selection(self, name, quantity=1, modifiers=(), **extra):
        item = self.item(name)
        return {"item": {"guid": item.guid, "entityType": "MenuItem"},
                "itemGroup": {"guid": item.group_guid, "entityType": "MenuGroup"}, "quantity": quantity,
                "modifiers": [self.modifier(option) for option in modifiers], **extra}

    def modifier(self, name, quantity=1):
        option = self.option(name)
        return {"item": {"guid": option.guid}, "optionGroup": {"guid": option.group_guid}, "quantity": quantity}

    def payment(self, amount, tip=0, kind="OTHER", option=None):
        """A payment body; OTHER ones name an alternate payment type (the first, or `option` by name), as the spec's
        Payment.otherPayment requires."""
        body = {"type": kind, "amount": amount, "tipAmount": tip}
        if kind == "OTHER":
            types = self.catalog.named["alternatePaymentTypes"]
            guid = next(g for g, t in types.items() if option is None or t.name == option)
            body["otherPayment"] = {"guid": guid}
        return body

    def order(self, *selections, dining="Dine In", **check_extra):
        return {"entityType": "Order", "diningOption": {"guid": self.dining(dining).guid},
                "checks": [{"entityType": "Check", "selections": list(selections), **check_extra}]}

    def order_for_guest(self, *selections, dining="Take Out", **extra):
        body = self.order(*selections, dining=dining,
                          customer={"firstName": "Ada", "lastName": "Park", "phone": "6175550199",
                                    "email": "ada@example.com"})
        if dining == "Delivery":
            body["deliveryInfo"] = {"address1": "1 Harbor Way", "city": "Boston", "state": "MA", "zipCode": "02110"}
        body.update(extra)
        return body


class Receiver:
    """A webhook receiver on a loopback port: records every request and answers with scripted statuses."""

    def __init__(self, port=0):
        import http.server
        import threading

        receiver = self
        self.requests = []
        self.statuses = []          # answered in order; 200 once empty
        self.delay = 0.0
        self.arrived = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                import time
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
                receiver.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body})
                receiver.arrived.set()
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


TOSTER_KEYS = {k["name"]: k for k in FIXTURES["toster"]["keys"]}
TOSTER_ALL = TOSTER_KEYS["every scope"]["key"]
TOSTER_READ = TOSTER_KEYS["read only"]["key"]
TOSTER_ORDERS_READ = TOSTER_KEYS["orders read"]["key"]


def toster(key=TOSTER_ALL):
    """Headers for a Toster API key."""
    return {"Authorization": f"Bearer {key}"}


def assert_toster_error(response, status, message_part=None):
    """A Toster error: the status and `{"error": str, "details": object}`."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert set(response.json) == {"error", "details"} and isinstance(response.json["details"], dict)
    if message_part:
        assert message_part in response.json["error"], response.json["error"]
    return response.json


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def served_sandbox(*arguments, **environment):
    """`python -m sandbox serve` (gunicorn) on a free loopback port, as a developer starts it; yields (base URL,
    the banner). `environment` adds SANDBOX_* settings."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "serve", "--port", str(port), *arguments],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1", **environment})
    banner = []
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            banner.append(line)
            if "ready at" in line:
                break
        else:
            raise AssertionError("the sandbox did not start: " + "".join(banner))
        for _ in range(0 if "--quiet" in arguments else 4):
            banner.append(process.stdout.readline())
        # Keep reading what it prints, so that a full pipe never stalls the server.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield f"http://127.0.0.1:{port}", "".join(banner)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
