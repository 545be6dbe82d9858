"""A fuzzer that reaches the logic: spec-driven requests with the world's real identifiers, plus stateful flows.

Every answer is checked: no 500, no status or body outside our specs, no stack trace in the answer or the log."""

import json
import logging
import random
import re
from collections import Counter

from fuzz_values import Values
from helpers import PARTNER, TOSTER_ALL
from sandbox import reference
from sandbox.core.provider import load_spec

SCRATCH = "fuzz-scratch"        # the world control calls change, so that they cannot undo the fuzzed world
HOSTILE_SHARE = 0.1


class _Traces(logging.Handler):
    """Counts log records that carry a stack trace."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record):
        self.count += bool(record.exc_info) or "Traceback" in record.getMessage()


class Fuzzer:
    """Runs against an app's test client; `run(n)` sends about n requests and returns the tally."""

    def __init__(self, app, seed=0, hostile_share=HOSTILE_SHARE):
        self.hostile_share = hostile_share
        self.app, self.client, self.random = app, app.test_client(), random.Random(seed)
        self.sandbox = app.extensions["sandbox"]
        self.world = self.sandbox.store.get(None)
        self.tally, self.problems = Counter(), []
        self.operations = [op for spec in reference.specs() for op in load_spec(spec.name).operations]
        self.restaurants = sorted(self._reachable())
        self.catalogs = {guid: self.world.state["toast"].catalogs[guid] for guid in self.restaurants}
        self.orders = {guid: [] for guid in self.restaurants}    # restaurant -> orders as last answered
        self.toster_orders, self.pools = [], {}
        self.token = None
        self.client.post("/_sandbox/worlds", json={"name": SCRATCH})
        self.refs = self._refs()
        self._fill_pools()

    def _reachable(self):
        credentials = self.client.get("/_sandbox/credentials").json["toast"]["clients"]
        return next(c["restaurants"] for c in credentials if c["clientId"] == PARTNER["clientId"])

    def _refs(self):
        """Real identifiers by the field name that carries them."""
        products = self.client.get("/api/products?limit=100", headers=self._toster()).json["items"]
        self.toster_products = products
        customers = self.client.get("/api/customers?limit=100", headers=self._toster()).json["items"]
        couriers = self.client.get("/api/couriers?limit=100", headers=self._toster()).json["items"]
        return {"product_id": [p["id"] for p in products], "customer_id": [c["id"] for c in customers],
                "courier_id": [c["id"] for c in couriers], "clientId": [PARTNER["clientId"]],
                "restaurantGuid": list(self.restaurants), "clientSecret": [PARTNER["clientSecret"]],
                "modifiers": [m["id"] for p in products for m in p["modifiers"]],
                "userAccessType": ["TOAST_MACHINE_CLIENT"], "name": [SCRATCH + "-2", "fuzz"],
                "businessDate": ["20261102", "20261101"]}      # the clock's day (TEST_START) and the day before

    def _fill_pools(self):
        """Identifiers for every item operation (`/things/{guid}`), read once from its list operation."""
        items = {op.full_path.split("/{")[0] for op in self.operations if "{" in op.full_path}
        for operation in self.operations:
            if operation.method == "GET" and "{" not in operation.full_path and operation.full_path in items:
                base = operation.spec.base_path
                headers = self._toster() if base == "/api" else {} if base == "/_sandbox" else \
                    self._toast(self.restaurants[0])
                answer = self.client.get(operation.full_path, headers=headers)
                if answer.status_code == 200:
                    self._harvest(operation, answer.json)
        self.pools["/api/loyalty"] = list(self.refs["customer_id"])

    # -- sending and checking -----------------------------------------------------------------------------------

    def _toster(self):
        return {"Authorization": f"Bearer {TOSTER_ALL}"}

    def _toast(self, restaurant):
        if self.token is None:
            secret = next(c["clientSecret"] for c in self.client.get("/_sandbox/credentials").json["toast"]["clients"]
                          if c["clientId"] == PARTNER["clientId"])
            self.token = self.client.post("/authentication/v1/authentication/login", json={
                "clientId": PARTNER["clientId"], "clientSecret": secret,
                "userAccessType": "TOAST_MACHINE_CLIENT"}).json["token"]["accessToken"]
        return {"Authorization": f"Bearer {self.token}", "Toast-Restaurant-External-ID": restaurant}

    def send(self, operation, path, query=None, body=None, hostile=False, restaurant=None):
        """Send one request as the operation's provider expects it; check the answer; returns (status, JSON)."""
        restaurant = restaurant or self.random.choice(self.restaurants)
        base = operation.spec.base_path
        headers = self._toster() if base == "/api" else ({"X-Sandbox-World": SCRATCH} if base == "/_sandbox"
                                                         else self._toast(restaurant))
        if hostile:
            body = self.values(operation).hostile(body if body is not None else {})
            if query and self.random.random() < 0.5:
                query = {**query, self.random.choice(list(query)): self.values(operation).hostile_text()}
        kwargs = {"json": body} if body is not None or operation.has_body else {}
        answer = self.client.open(path, method=operation.method, query_string=query or {}, headers=headers, **kwargs)
        self._check(operation, answer, hostile)
        if answer.status_code == 401 and base not in ("/api", "/_sandbox"):
            self.token = None               # the clock moved past the token's life: log in again
        if base == "/_sandbox" and operation.method != "GET":
            self._tidy_control()
        return answer.status_code, answer.get_json(silent=True)

    def _check(self, operation, answer, hostile):
        self.tally["requests"] += 1
        self.tally[f"{'write' if operation.method != 'GET' else 'read'}-{answer.status_code // 100}xx"] += 1
        self.tally["hostile"] += hostile
        self.tally[operation.operation_id] += 1
        text = answer.get_data(as_text=True)
        body = answer.json if answer.is_json and answer.status_code != 204 else None
        problems = [] if not answer.is_json or answer.status_code == 204 else \
            operation.response_problems(answer.status_code, body)
        if answer.status_code >= 500 or problems or "Traceback" in text:
            self.tally["failures"] += 1
            if len(self.problems) < 20:
                self.problems.append(f"{operation.method} {operation.full_path} -> {answer.status_code}: "
                                     f"{problems[:2] or text[:300]}")

    def _tidy_control(self):
        """Undo what a fuzzed control call changed that all worlds share: fault rules and the clock."""
        self.client.delete("/_sandbox/scenarios")
        self.client.post("/_sandbox/clock", json={"set": self.sandbox.config.start_time})
        self.client.post("/_sandbox/clock", json={"freeze": True})

    def values(self, operation):
        return Values(operation.spec, self.random, self.refs, "2026-11-02T12:00:00.000+0000")

    # -- generic requests from the specs ------------------------------------------------------------------------

    def generic(self, writes):
        """One request to a random operation, parameters and body generated from its spec."""
        candidates = [op for op in self.operations if (op.method != "GET") == writes]
        operation = self.random.choice(candidates)
        values = self.values(operation)
        path = re.sub(r"{([^}]+)}", lambda m: self._path_value(operation, m.group(1)), operation.full_path)
        query = {p.name: values.value(p.schema, p.name) for p in operation.parameters
                 if p.location == "query" and (p.required or self.random.random() < 0.3)}
        body = None
        if operation.has_body:
            schema = operation.raw["requestBody"].get("content", {}).get("application/json", {}).get("schema")
            body = values.value(schema) if schema else None
            if operation.operation_id == "addScenario" and isinstance(body, dict):
                body["match"] = {"path": "/fuzz/never"}     # fuzz the rule, never the traffic
        status, answer = self.send(operation, path, query, body, hostile=self.random.random() < self.hostile_share)
        if status < 300:
            self._harvest(operation, answer)

    def _path_value(self, operation, name):
        parameter = next((p for p in operation.parameters if p.location == "path" and p.name == name), None)
        if parameter is not None and parameter.schema.get("enum"):           # e.g. a report's `timeRange`
            return str(self.random.choice(parameter.schema["enum"]))
        pool = self.pools.get(operation.full_path.split("/{")[0], [])
        if name in ("orderGuid", "checkGuid", "paymentGuid", "selectionGuid") or \
                operation.full_path.startswith("/orders/v2/orders/{"):
            order = self._some_order()
            if order:
                check = order["checks"][0]
                return {"orderGuid": order["guid"], "guid": order["guid"], "checkGuid": check["guid"],
                        "paymentGuid": (check["payments"] or [{"guid": "x"}])[0]["guid"],
                        "selectionGuid": (check["selections"] or [{"guid": "x"}])[0]["guid"]}[name]
        if pool and self.random.random() < 0.9:
            return str(self.random.choice(pool))
        return str(self.random.choice(self.refs.get(name) or self.restaurants))

    def _harvest(self, operation, answer):
        """Remember identifiers a list or a creation answered, for the item operations under the same path."""
        items = answer.get("items", answer) if isinstance(answer, dict) else answer
        items = items if isinstance(items, list) else [answer]
        found = [i if isinstance(i, str) else (i.get("guid") or i.get("id")) if isinstance(i, dict) else None
                 for i in items]
        found = [f for f in found if isinstance(f, str)]
        if found:
            pool = self.pools.setdefault(operation.full_path.split("/{")[0], [])
            pool.extend(found[:20])
            del pool[:-200]

    def _some_order(self):
        restaurant = self.random.choice(self.restaurants)
        return self.random.choice(self.orders[restaurant]) if self.orders[restaurant] else None

    def run(self, requests):
        """Send about `requests` requests: reads and writes from the specs, and flows; returns the tally."""
        from fuzz_flows import Flows
        flows, traces = Flows(self), _Traces()
        logging.getLogger("sandbox").addHandler(traces)
        try:
            while self.tally["requests"] < requests:
                roll = self.random.random()
                if roll < 0.4:
                    self.generic(writes=False)
                elif roll < 0.5:
                    self.generic(writes=True)
                else:
                    flows.step()
        finally:
            logging.getLogger("sandbox").removeHandler(traces)
        self.tally["traces"] = traces.count
        return self.tally

    def summary(self):
        t = self.tally
        writes = sum(v for k, v in t.items() if k.startswith("write-"))
        return {"requests": t["requests"], "operations": sum(1 for op in self.operations if t[op.operation_id]),
                "of": len(self.operations), "writes": writes, "writes_2xx": t["write-2xx"],
                "hostile": t["hostile"], "failures": t["failures"], "traces": t["traces"],
                "5xx": t["read-5xx"] + t["write-5xx"], "problems": self.problems}


def dumps(summary):
    return json.dumps(summary, indent=1)
