"""A long run of writes in-process: POST /orders latency (median, p99) in a fresh world and again after many orders
and webhook events, with the process's memory. Throughput must stay flat as the webhook log fills and evicts.

Usage: python bench/long_run.py [events, default 50000] [sample size, default 2000]"""

import gc
import resource
import statistics
import sys
import time

import machine
from sandbox.app import create_app

PARTNER = ("oXOJrLo8F2nXMzqQdgCWwDllJtWR6zql", "IKiUBKnCfK2vuAiSDMK2xTY2xA6bznBRkirAgsXOhyl9F6sn23DSp8kVzjliKE1Q")
RESTAURANT = "6301bbfc-a0c5-454e-8ff9-bb510944fe0c"


def _rss_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def _setup():
    app = create_app({"rate_limits": False})
    client = app.test_client()
    token = client.post("/authentication/v1/authentication/login", json={
        "clientId": PARTNER[0], "clientSecret": PARTNER[1], "userAccessType": "TOAST_MACHINE_CLIENT"}
    ).json["token"]["accessToken"]
    headers = {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": RESTAURANT}
    items = client.get("/config/v2/menuItems", headers=headers).json
    dining = client.get("/config/v2/diningOptions", headers=headers).json
    body = {"diningOption": {"guid": dining[0]["guid"]},
            "checks": [{"selections": [{"item": {"guid": next(i for i in items if not i["optionGroups"])["guid"]},
                                        "quantity": 1}]}]}
    return app, client, headers, body


class _Collector:
    """Time spent in the garbage collector, and its longest pass, while a sample runs."""

    def __init__(self):
        self.total = self.longest = 0.0
        self._began = None
        gc.callbacks.append(self)

    def __call__(self, phase, _info):
        if phase == "start":
            self._began = time.perf_counter()
        elif self._began is not None:
            spent = time.perf_counter() - self._began
            self.total, self.longest = self.total + spent, max(self.longest, spent)


def _sample(client, headers, body, count):
    """(requests/s, median ms, p99 ms, max ms, collector ms in all, longest collector pass ms) of `count` POSTs."""
    latencies = []
    collector = _Collector()
    began = time.perf_counter()
    for _ in range(count):
        start = time.perf_counter()
        response = client.post("/orders/v2/orders", json=body, headers=headers)
        latencies.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.json
    rate = count / (time.perf_counter() - began)
    gc.callbacks.remove(collector)
    latencies.sort()
    return (rate, statistics.median(latencies), latencies[int(len(latencies) * 0.99)], latencies[-1],
            collector.total * 1000, collector.longest * 1000)


def _report(name, figures):
    rate, median, p99, longest, collected, pause = figures
    return (f"{name:6} {rate:6.0f} POST/s, median {median:.2f} ms, p99 {p99:.2f} ms, max {longest:.0f} ms; "
            f"collector {collected:.0f} ms in all, longest pass {pause:.0f} ms")


def main():
    print("machine:", machine.describe())
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    app, client, headers, body = _setup()
    _sample(client, headers, body, 200)                                   # warm up
    world = app.extensions["sandbox"].store.get(None)
    print(f"fresh world: {_rss_mb():.0f} MB")
    fresh = _sample(client, headers, body, count)
    print(_report("fresh:", fresh))
    logged = len(world.state["webhooks"].deliveries)
    began = time.perf_counter()
    collections = sum(s["collections"] for s in gc.get_stats())
    collector = _Collector()
    while logged < events:
        for _ in range(1000):
            client.post("/orders/v2/orders", json=body, headers=headers)
        logged += 1000
    gc.callbacks.remove(collector)
    print(f"wrote {events} more orders (one webhook event each) in {time.perf_counter() - began:.0f} s; "
          f"{len(world.state['webhooks'].deliveries)} log entries kept; {_rss_mb():.0f} MB, peak "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"{sum(s['collections'] for s in gc.get_stats()) - collections} collections, "
          f"{collector.total * 1000:.0f} ms in all, longest pass {collector.longest * 1000:.0f} ms")
    later = _sample(client, headers, body, count)
    print(_report("after:", later), f"({later[0] / fresh[0]:.0%} of fresh)")


if __name__ == "__main__":
    main()
