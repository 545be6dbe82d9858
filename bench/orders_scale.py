"""Orders at scale: seed worlds of about 1,000 and 100,000 Toast orders (and as many Toster orders), then time
GET /orders/{guid}, a filtered ordersBulk page and Toster's order lists in-process. Lookups must not slow down as the
store grows (ratio 100k/1k under 1.5). Every world is warmed up first, then the sizes are measured in turns (large
first in each round) and the medians of the rounds compared.

Usage: python bench/orders_scale.py            (both sizes, with seeding time)
       python bench/orders_scale.py 100000     (one size; run under /usr/bin/time -v for peak memory)"""

import random
import statistics
import sys
import tempfile
import time

import yaml

import machine
from sandbox.app import create_app
from sandbox.core.fixtures import load_fixtures

START = "2026-11-02T17:30:00.000Z"
PARTNER = "oXOJrLo8F2nXMzqQdgCWwDllJtWR6zql"
RESTAURANT = "6301bbfc-a0c5-454e-8ff9-bb510944fe0c"
TOSTER_KEY = "966_cvQKFuDyvONtdGes2kzaiuK2VikKrSiufBU5VoWpXcwFwPjYvdXs"
DAYS = 30


def build(orders):
    """A strict-free app whose world holds about `orders` orders over 30 days in three restaurants."""
    fixtures = load_fixtures("default.yaml")
    fixtures["history"] = {**fixtures["history"], "days": DAYS, "ordersPerDay": orders / (3 * (DAYS + 1) * 1.04)}
    fixtures["toster"] = {**fixtures["toster"], "ordersPerDay": round(orders / DAYS)}
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        yaml.safe_dump(fixtures, handle)
    started = time.perf_counter()
    app = create_app({"fixtures": handle.name, "start_time": START, "frozen": True, "rate_limits": False})
    return app, time.perf_counter() - started


def _median_us(call, runs):
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1e6


class Probe:
    """The requests timed on one world."""

    def __init__(self, app):
        sandbox = app.extensions["sandbox"]
        self.client = client = app.test_client()
        secret = next(c for c in load_fixtures("default.yaml")["toast"]["clients"] if c["clientId"] == PARTNER)
        token = client.post("/authentication/v1/authentication/login", json={
            "clientId": PARTNER, "clientSecret": secret["clientSecret"],
            "userAccessType": "TOAST_MACHINE_CLIENT"}).json["token"]["accessToken"]
        self.headers = {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": RESTAURANT}
        self.toster = {"Authorization": f"Bearer {TOSTER_KEY}"}
        world = sandbox.store.get(None)
        book = world.state["toast"].orders
        self.sizes = len(book.orders), len(world.state["toster"].orders)
        guids = [g for g, o in book.orders.items() if o.restaurant_guid == RESTAURANT]
        # The same number of distinct orders in every world, so that rendered orders kept between reads (at most a
        # thousand per world) serve both sizes alike.
        self.lookups = iter(random.Random(7).choices(random.Random(8).sample(guids, 200), k=100_000))

    def by_guid(self):
        return self.client.get(f"/orders/v2/orders/{next(self.lookups)}", headers=self.headers)

    def bulk(self):
        # The same page (5 orders) out of one day's changes: what must not grow with the store is the cost of finding
        # and rendering a page, so both worlds answer pages of the same size.
        return self.client.get("/orders/v2/ordersBulk", headers=self.headers, query_string={
            "startDate": "2026-10-20T04:00:00.000+0000", "endDate": "2026-10-21T04:00:00.000+0000",
            "pageSize": 5, "page": 1})

    def toster_latest(self):
        return self.client.get("/api/orders", query_string={"limit": 20}, headers=self.toster)

    def toster_delivered(self):
        return self.client.get("/api/orders", query_string={"limit": 20, "status": "DELIVERED"}, headers=self.toster)


CALLS = {"GET /orders/{guid}": ("by_guid", 400), "ordersBulk page of 5": ("bulk", 100),
         "Toster /api/orders?limit=20": ("toster_latest", 100),
         "Toster /api/orders?status=DELIVERED": ("toster_delivered", 100)}
ROUNDS = 3


def main():
    print("machine:", machine.describe())
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 100000]
    probes = {}
    for size in sorted(sizes, reverse=True):
        app, seeding = build(size)
        probes[size] = Probe(app)
        toast, toster = probes[size].sizes
        print(f"{toast:>7} Toast and {toster:>7} Toster orders: seeded in {seeding:5.1f} s")
    for probe in probes.values():                       # warm up every world before any timing
        for name, (method, runs) in CALLS.items():
            assert getattr(probe, method)().status_code == 200, name
            _median_us(getattr(probe, method), runs // 4)
    results = {}
    for _ in range(ROUNDS):
        for size in sorted(probes, reverse=True):       # large first: a cold start cannot flatter the ratio
            for name, (method, runs) in CALLS.items():
                results.setdefault((size, name), []).append(_median_us(getattr(probes[size], method), runs))
    medians = {key: statistics.median(values) for key, values in results.items()}
    for name in CALLS:
        line = ", ".join(f"{size}: {medians[(size, name)]:6.0f} us" for size in sorted(probes))
        print(f"{name:38} {line}", end="")
        if len(probes) == 2:
            small, large = sorted(probes)
            print(f"  (ratio {medians[(large, name)] / medians[(small, name)]:.2f})", end="")
        print()
    print(f"medians of {ROUNDS} rounds")


if __name__ == "__main__":
    main()
