"""What a fresh world costs (default fixture, 30 days of history), and whether memory stays flat as worlds and
snapshots come and go. Everything goes through the control API, in process, as a test suite would call it.

Usage: python bench/worlds.py [repeats]"""

import resource
import statistics
import sys
import time

import machine
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS


def rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2 ** 20


def timed(call, repeats, warm_up=3):
    """Median and 95th percentile of `call()` in milliseconds, after a warm-up."""
    for _ in range(warm_up):
        call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    settings = dict(TEST_SETTINGS)          # the plugin's defaults: 30 days of history, frozen clock
    started = time.perf_counter()
    app = create_app(settings)
    first = (time.perf_counter() - started) * 1000
    client = app.test_client()
    names = iter(range(10 ** 9))

    def new_world():
        name = f"w{next(names)}"
        assert client.post("/_sandbox/worlds", json={"name": name}).status_code == 201
        client.delete(f"/_sandbox/worlds/{name}")

    def reset():
        assert client.post("/_sandbox/reset").status_code == 200

    snapshot = client.post("/_sandbox/snapshots").json["id"]

    def restore():
        assert client.post(f"/_sandbox/snapshots/{snapshot}/restore").status_code == 200

    def another_app():
        create_app(settings)

    print("machine:", machine.describe())
    print(f"first app (builds the seeded template): {first:.0f} ms")
    for label, call in (("new world (create + delete)", new_world), ("reset", reset),
                        ("restore a snapshot", restore), ("another app, same settings", another_app)):
        median, p95 = timed(call, repeats)
        print(f"{label:30} median {median:6.1f} ms   p95 {p95:6.1f} ms   ({repeats} runs)")

    # Memory: 1,000 cycles of snapshot -> change -> restore -> delete, and of world create -> delete.
    headers = {"Authorization": f"Bearer {client.get('/_sandbox/credentials').json['toster']['keys'][0]['key']}"}
    customer = client.get("/api/customers?limit=1", headers=headers).json["items"][0]["id"]
    product = client.get("/api/products?limit=1", headers=headers).json["items"][0]["id"]

    def cycle():
        taken = client.post("/_sandbox/snapshots").json["id"]
        client.post("/api/orders", headers=headers, json={"customer_id": customer, "type": "pickup",
                                                          "items": [{"product_id": product, "qty": 1}]})
        client.post(f"/_sandbox/snapshots/{taken}/restore")
        client.delete(f"/_sandbox/snapshots/{taken}")
        new_world()

    marks = {}
    for n in range(1, 1001):
        cycle()
        if n in (100, 500, 1000):
            marks[n] = rss_mb()
    print("memory over 1,000 snapshot/restore/delete + world create/delete cycles: "
          + ", ".join(f"{rss:.0f} MB after {n}" for n, rss in marks.items())
          + f"  (growth from 100 to 1,000: {marks[1000] - marks[100]:+.1f} MB)")


if __name__ == "__main__":
    main()
