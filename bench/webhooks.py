"""Webhook delivery to a local receiver: throughput of the delivery worker, and the delay from a state change
(creating an order through the API) to the receiver holding the signed request.

Usage: python bench/webhooks.py [events]"""

import http.server
import statistics
import sys
import threading
import time

import machine
from sandbox.app import create_app
from sandbox.core.events import record

RESTAURANT = "6301bbfc-a0c5-454e-8ff9-bb510944fe0c"


class _Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.arrivals = []
        self.arrived = threading.Condition()
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        with self.server.arrived:
            self.server.arrivals.append(time.perf_counter())
            self.server.arrived.notify_all()

    def log_message(self, *args):
        pass


def main():
    print("machine:", machine.describe())
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    receiver = _Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hooks"
    app = create_app({"history_days": 0, "webhook_log_size": events * 2, "rate_limits": False})
    sandbox = app.extensions["sandbox"]
    client = app.test_client()
    client.post("/_sandbox/webhooks/subscriptions",
                json={"provider": "toast", "eventCategory": "order_updated", "url": url})
    world = sandbox.store.get(None)

    with world.lock:
        for n in range(events):
            record(world, world.clock, "toast", "order_updated", "order_updated", {"n": n}, RESTAURANT)
    began = time.perf_counter()
    sent = sandbox.webhooks.run_due(world)
    elapsed = time.perf_counter() - began
    print(f"throughput: {sent} signed deliveries in {elapsed:.2f} s = {sent / elapsed:.0f} per second")

    sandbox.webhooks.start()
    delays = []
    for _ in range(200):
        before = len(receiver.arrivals)
        began = time.perf_counter()
        client.post("/_sandbox/trigger", json={"event": "order_updated", "restaurant": RESTAURANT})
        with receiver.arrived:
            receiver.arrived.wait_for(lambda: len(receiver.arrivals) > before, timeout=5)
        delays.append((receiver.arrivals[before] - began) * 1000)
    sandbox.webhooks.stop()
    delays.sort()
    print(f"state change to delivery: median {statistics.median(delays):.1f} ms, "
          f"p95 {delays[int(len(delays) * 0.95)]:.1f} ms, max {delays[-1]:.1f} ms (200 orders)")
    receiver.shutdown()


if __name__ == "__main__":
    main()
