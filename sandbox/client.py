"""A Python client for a running sandbox: ready Toast and Toster sessions, the clock, scenarios, the journal with
assertions, webhooks, snapshots, worlds and an order builder. Works from pytest, unittest or a plain script.

    sb = SandboxClient("http://127.0.0.1:8080")
    toast = sb.toast()                                   # logged in, restaurant header set
    toast.post("/orders/v2/orders", json=sb.orders.toast())
    with sb.scenario("toast-outage", times=3):
        ...
    sb.journal.assert_called("ordersPost", times=1, status=200)
"""

import contextlib
import itertools
from urllib.parse import urljoin

import requests

from sandbox.journal_assertions import JournalView

WORLD_HEADER = "X-Sandbox-World"
_WORLD_KEYS = {"seed": "seed", "fixtures": "fixtures", "start_time": "startTime", "history_days": "historyDays",
               "frozen": "frozen", "rate_limits": "rateLimits", "scenarios": "scenarios"}


class SandboxError(AssertionError):
    """The control API refused a call (raised as an assertion: in a test it is a failure, with the reason)."""


class ApiSession(requests.Session):
    """A requests session whose relative URLs go to the sandbox, in one world, with fixed headers."""

    def __init__(self, base_url, headers):
        super().__init__()
        self.base_url = base_url.rstrip("/") + "/"
        self.headers.update(headers)

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        return super().request(method, urljoin(self.base_url, url.lstrip("/")), *args, **kwargs)


class SandboxClient:
    """One world of a running sandbox (`world=None` is the default world)."""

    _names = itertools.count(1)

    def __init__(self, url, world=None, admin_token=None, base_url=None):
        self.url = url.rstrip("/")
        self.world = world
        # Where an SDK that takes only a base URL reaches this world (every path works below it; no header needed).
        self.base_url = (base_url or (f"{self.url}/worlds/{world}" if world else self.url)).rstrip("/")
        headers = {WORLD_HEADER: world} if world else {}
        if admin_token:
            headers["Authorization"] = f"Bearer {admin_token}"
        self.admin_token = admin_token
        self.http = ApiSession(self.url, headers)
        self.clock = Clock(self)
        self.journal = JournalView(self)
        self.webhooks = Webhooks(self)
        self.orders = OrderBuilder(self)

    # The control API ----------------------------------------------------------------------------------------

    def call(self, method, path, **kwargs):
        """Call `/_sandbox{path}` in this world; the JSON answer, or SandboxError with the sandbox's reason."""
        response = self.http.request(method, f"/_sandbox{path}", **kwargs)
        if not response.ok:
            try:
                reason = response.json().get("error", response.text)
            except ValueError:
                reason = response.text
            raise SandboxError(f"{method} /_sandbox{path} answered {response.status_code}: {reason}")
        return response.json() if response.content else None

    def health(self):
        return self.call("GET", "/health")

    def credentials(self):
        return self.call("GET", "/credentials")

    def reset(self):
        return self.call("POST", "/reset")

    def snapshot(self):
        """Save the world's data; returns the snapshot id."""
        return self.call("POST", "/snapshots")["id"]

    def restore(self, snapshot_id):
        return self.call("POST", f"/snapshots/{snapshot_id}/restore")

    def new_world(self, name=None, **settings):
        """Create a world (settings: seed, fixtures, start_time, history_days, frozen, rate_limits, scenarios)
        and return a client for it."""
        name = name or f"world-{next(self._names)}"
        unknown = sorted(set(settings) - set(_WORLD_KEYS))
        if unknown:
            raise TypeError(f"unknown world settings {unknown}; known: {sorted(_WORLD_KEYS)}")
        body = {"name": name, **{_WORLD_KEYS[k]: v for k, v in settings.items() if v is not None}}
        created = self.call("POST", "/worlds", json=body)
        return SandboxClient(self.url, name, self.admin_token, created.get("baseUrl"))

    def delete_world(self):
        """Drop this client's world (not the default one)."""
        self.call("DELETE", f"/worlds/{self.world}")

    # Sessions for the platform APIs ------------------------------------------------------------------------

    def toast(self, restaurant=None, client=0):
        """A session logged in as a Toast API client (an index into the world's clients, or a clientId), with the
        restaurant header set (default: the first restaurant the client reaches)."""
        clients = self.credentials()["toast"]["clients"]
        chosen = clients[client] if isinstance(client, int) else next(c for c in clients if c["clientId"] == client)
        login = requests.post(f"{self.url}/authentication/v1/authentication/login", timeout=30,
                              headers=self._world_headers(),
                              json={"clientId": chosen["clientId"], "clientSecret": chosen["clientSecret"],
                                    "userAccessType": "TOAST_MACHINE_CLIENT"})
        if login.status_code != 200:
            raise SandboxError(f"Toast login answered {login.status_code}: {login.text}")
        restaurant = restaurant or chosen["restaurants"][0]
        session = ApiSession(self.url, {**self._world_headers(),
                                        "Authorization": f"Bearer {login.json()['token']['accessToken']}",
                                        "Toast-Restaurant-External-ID": restaurant})
        session.restaurant = restaurant
        return session

    def toster(self, key=0):
        """A session with a Toster API key (an index into the world's keys, or the key itself)."""
        keys = self.credentials()["toster"]["keys"]
        chosen = keys[key]["key"] if isinstance(key, int) else key
        return ApiSession(self.url, {**self._world_headers(), "Authorization": f"Bearer {chosen}"})

    def _world_headers(self):
        return {WORLD_HEADER: self.world} if self.world else {}

    # Scenarios ----------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def scenario(self, preset_or_rule, times=None):
        """Switch a preset (by name) or a rule (a dict as the control API takes it) on for the block; off after.
        Yields the active rules."""
        if isinstance(preset_or_rule, str):
            body = {"preset": preset_or_rule, **({"times": times} if times is not None else {})}
        else:
            body = {**preset_or_rule, **({"times": times} if times is not None else {})}
        added = self.call("POST", "/scenarios", json=body)
        try:
            yield added["rules"]
        finally:
            for rule_id in added["ids"]:
                with contextlib.suppress(SandboxError):      # a rule with a times budget may be spent already
                    self.call("DELETE", f"/scenarios/{rule_id}")


class Clock:
    """The world's clock: read it, advance it, set it, freeze it."""

    def __init__(self, sandbox):
        self._sandbox = sandbox

    def now(self):
        return self._sandbox.call("GET", "/clock")["now"]

    def advance(self, seconds):
        """Move time forward (also a drop-in `sleep` for code under test, so that it waits on the sandbox clock)."""
        return self._sandbox.call("POST", "/clock", json={"advance": seconds})["now"]

    def set(self, instant):
        return self._sandbox.call("POST", "/clock", json={"set": instant})["now"]

    def freeze(self, frozen=True):
        return self._sandbox.call("POST", "/clock", json={"freeze": frozen})["now"]


class Webhooks:
    """Subscriptions, the delivery log, replay and flush of the world's webhooks."""

    def __init__(self, sandbox):
        self._sandbox = sandbox

    def subscribe(self, url_or_receiver, event_category="order_updated", secret=None, signing="body+timestamp"):
        """A Toast subscription; given a WebhookReceiver, it also learns the secret to verify signatures."""
        url = getattr(url_or_receiver, "url", url_or_receiver)
        body = {"provider": "toast", "eventCategory": event_category, "url": url, "signing": signing}
        if secret:
            body["secret"] = secret
        subscription = self._sandbox.call("POST", "/webhooks/subscriptions", json=body)
        if hasattr(url_or_receiver, "trust"):
            url_or_receiver.trust(subscription["secret"])
        return subscription

    def subscribe_toster(self, url_or_receiver, events=("order.created",)):
        """A Toster subscription through Toster's own API (the secret is shown once, and kept by a receiver)."""
        url = getattr(url_or_receiver, "url", url_or_receiver)
        answer = self._sandbox.toster().post("/api/webhooks", json={"url": url, "events": list(events)})
        if answer.status_code != 201:
            raise SandboxError(f"POST /api/webhooks answered {answer.status_code}: {answer.text}")
        if hasattr(url_or_receiver, "trust"):
            url_or_receiver.trust(answer.json()["secret"])
        return answer.json()

    def flush(self):
        """Deliver everything due now and wait; returns the number of attempts."""
        return self._sandbox.call("POST", "/webhooks/flush")["attempts"]

    def events(self, **filters):
        """The delivery log, oldest first (filters: status, type, subscription, since)."""
        return self._sandbox.call("GET", "/webhooks/events", params=filters)

    def replay(self, guid, copies=1):
        return self._sandbox.call("POST", f"/webhooks/events/{guid}/replay", json={"copies": copies})

    def trigger(self, event, **details):
        """Make the state change behind an event (Toast: order_updated, menus_updated, ...; Toster: order.created,
        ...)."""
        return self._sandbox.call("POST", "/trigger", json={"event": event, **details})


class OrderBuilder:
    """Valid order bodies made from the world's own menu (read through the platforms' APIs, as a client would)."""

    def __init__(self, sandbox):
        self._sandbox = sandbox

    def toast(self, session=None, dining="TAKE_OUT", quantity=1):
        """A one-item Toast order for `session`'s restaurant (`dining`: DINE_IN, TAKE_OUT or DELIVERY), with the
        options its required modifier groups ask for."""
        session = session or self._sandbox.toast()
        groups = _json(session.get("/config/v2/menuGroups"))
        options = _json(session.get("/config/v2/diningOptions"))
        group = next(g for g in groups if g["items"])
        item = _json(session.get(f"/config/v2/menuItems/{group['items'][0]['guid']}"))
        modifiers = []
        for reference in item.get("optionGroups") or []:
            option_group = _json(session.get(f"/config/v2/menuOptionGroups/{reference['guid']}"))
            required = int(option_group.get("minSelections") or 0)
            modifiers += [{"item": {"guid": option["guid"]}, "optionGroup": {"guid": option_group["guid"]},
                           "quantity": 1} for option in option_group["options"][:required]]
        dining_option = next(d for d in options if d["behavior"] == dining)
        check = {"selections": [{"item": {"guid": item["guid"]}, "itemGroup": {"guid": group["guid"]},
                                 "quantity": quantity, "modifiers": modifiers}]}
        body = {"diningOption": {"guid": dining_option["guid"]}, "checks": [check]}
        if dining != "DINE_IN":
            check["customer"] = {"firstName": "Test", "lastName": "Guest", "phone": "6175550100",
                                 "email": "guest@example.com"}
        if dining == "DELIVERY":
            body["deliveryInfo"] = {"address1": "1 Test Way", "city": "Boston", "state": "MA", "zipCode": "02110"}
        return body

    def toster(self, session=None, kind="pickup", quantity=1):
        """A Toster order of the catalogue's first product for its first customer."""
        session = session or self._sandbox.toster()
        customer = _json(session.get("/api/customers", params={"limit": 1}))["items"][0]
        product = _json(session.get("/api/products", params={"limit": 1}))["items"][0]
        body = {"customer_id": customer["id"], "type": kind, "items": [{"product_id": product["id"],
                                                                        "qty": quantity}]}
        if kind == "delivery":
            body["address"] = {"street": "1 Khreshchatyk St", "city": "Kyiv"}
        return body


def _json(response):
    if not response.ok:
        raise SandboxError(f"{response.request.method} {response.url} answered {response.status_code}: "
                           f"{response.text}")
    return response.json()
