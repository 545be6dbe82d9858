"""Orders at scale: seed worlds of about 1,000 and 100,000 orders, then time GET /orders/{guid} and a filtered
ordersBulk page in-process. Lookups must not slow down as the store grows (ratio 100k/1k under 1.5).

Usage: python bench/orders_scale.py            (both sizes, with seeding time)
       python bench/orders_scale.py 100000     (one size; run under /usr/bin/time -v for peak memory)"""

import random
import statistics
import sys
import tempfile
import time

import yaml

from sandbox.app import create_app
from sandbox.core.fixtures import load_fixtures

START = "2026-11-02T17:30:00.000Z"
PARTNER = "oXOJrLo8F2nXMzqQdgCWwDllJtWR6zql"
RESTAURANT = "6301bbfc-a0c5-454e-8ff9-bb510944fe0c"
DAYS = 30


def build(orders):
    """A strict-free app whose world holds about `orders` orders over 30 days in three restaurants."""
    fixtures = load_fixtures("default.yaml")
    fixtures["history"] = {**fixtures["history"], "days": DAYS, "ordersPerDay": orders / (3 * (DAYS + 1) * 1.04)}
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


def measure(app, runs=400):
    sandbox = app.extensions["sandbox"]
    client = app.test_client()
    clients = {c["clientId"]: c for c in sandbox.fixtures["toast"]["clients"]}
    token = client.post("/authentication/v1/authentication/login", json={
        "clientId": PARTNER, "clientSecret": clients[PARTNER]["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"}).json["token"]["accessToken"]
    headers = {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": RESTAURANT}
    book = sandbox.store.get(None).state["toast"].orders
    guids = [g for g, o in book.orders.items() if o.restaurant_guid == RESTAURANT]
    picks = random.Random(7).choices(guids, k=runs)
    lookups = iter(picks)
    by_guid = _median_us(lambda: client.get(f"/orders/v2/orders/{next(lookups)}", headers=headers), runs)
    # The same page (5 orders) out of one day's changes: what must not grow with the store is the cost of finding
    # and rendering a page, so both worlds answer pages of the same size.
    window = {"startDate": "2026-10-20T04:00:00.000+0000", "endDate": "2026-10-21T04:00:00.000+0000",
              "pageSize": 5, "page": 1}
    bulk = _median_us(lambda: client.get("/orders/v2/ordersBulk", query_string=window, headers=headers), runs // 4)
    page = client.get("/orders/v2/ordersBulk", query_string=window, headers=headers).json
    return len(book.orders), by_guid, bulk, len(page)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 100000]
    results = {}
    for size in sizes:
        app, seeding = build(size)
        count, by_guid, bulk, page = measure(app)
        results[size] = (by_guid, bulk)
        print(f"{count:>7} orders: seeded in {seeding:5.1f} s; GET /orders/{{guid}} {by_guid:6.0f} us; "
              f"ordersBulk one-day window, page of {page}: {bulk:7.0f} us (medians)")
    if len(results) == 2:
        (small_guid, small_bulk), (large_guid, large_bulk) = results.values()
        print(f"ratio large/small: GET by guid {large_guid / small_guid:.2f}, ordersBulk page "
              f"{large_bulk / small_bulk:.2f}")


if __name__ == "__main__":
    main()
