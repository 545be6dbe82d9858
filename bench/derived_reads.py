"""In-process cost of the answers derived from the orders at read time (cash entries and deposits, the kitchen
export) for a closed business day of the default world (30 days of history), beside a plain configuration read.

Each answer is rebuilt from the order book on every request (nothing is cached), so this is the price of "one world,
one truth" for these APIs.

Usage: python bench/derived_reads.py [requests per path, default 200]"""

import statistics
import sys
import time
from datetime import date, timedelta

import machine
from sandbox.app import create_app

RESTAURANT = "6301bbfc-a0c5-454e-8ff9-bb510944fe0c"
PARTNER = {"clientId": "oXOJrLo8F2nXMzqQdgCWwDllJtWR6zql",
           "clientSecret": "IKiUBKnCfK2vuAiSDMK2xTY2xA6bznBRkirAgsXOhyl9F6sn23DSp8kVzjliKE1Q",
           "userAccessType": "TOAST_MACHINE_CLIENT"}


def main(count):
    print(machine.describe())
    start = "2026-11-02T17:30:00Z"
    client = create_app({"start_time": start, "frozen": True, "rate_limits": False}).test_client()
    token = client.post("/authentication/v1/authentication/login", json=PARTNER).json["token"]["accessToken"]
    headers = {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": RESTAURANT}
    day = f"{date.fromisoformat(start[:10]) - timedelta(days=1):%Y%m%d}"
    paths = ("/config/v2/cashDrawers", f"/cashmgmt/v1/entries?businessDate={day}",
             f"/cashmgmt/v1/deposits?businessDate={day}", f"/kitchen/v1/export/itemFulfillments?businessDate={day}")
    for path in paths:
        timings = []
        for _ in range(count):
            started = time.perf_counter()
            answer = client.get(path, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200
        print(f"{path.split('?')[0]:45} median {statistics.median(timings):.2f} ms, "
              f"p90 {statistics.quantiles(timings, n=10)[-1]:.2f} ms ({len(answer.json)} objects)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
