"""Webhooks of a served sandbox against hostile targets: never the sandbox itself (any spelling of its address),
a total deadline per attempt whatever the receiver dribbles, a bounded read of its answer, and other worlds not
held up by a slow receiver."""

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from helpers import PARTNER, TOSTER_ALL, Receiver
from serving import Served

DEADLINE = 2


@pytest.fixture(scope="module")
def served():
    # Any host allowed: the self check alone must catch every spelling of the sandbox's address.
    sandbox = Served(env={"SANDBOX_WEBHOOK_DEADLINE": str(DEADLINE), "SANDBOX_WEBHOOK_ANSWER_BYTES": "65536",
                          "SANDBOX_WEBHOOK_ANY_HOST": "true"})
    yield sandbox
    sandbox.stop()


class Hostile:
    """A receiver that reads the request, then answers as `behaviour(connection)` decides, on its own thread."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection):
        with connection:
            connection.recv(65536)
            try:
                self.behaviour(connection)
            except OSError:
                pass

    def close(self):
        self.listener.close()


def _dribble(prefix, seconds=30):
    def behaviour(connection):
        connection.sendall(prefix)
        for _ in range(int(seconds / 0.2)):
            connection.sendall(b"x")
            time.sleep(0.2)
    return behaviour


def _flood(connection):
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 268435456\r\n\r\n")
    block = b"y" * 65536
    for _ in range(4096):
        connection.sendall(block)


def _world(base, name):
    requests.post(f"{base}/_sandbox/worlds", json={"name": name}, timeout=30)
    return {"X-Sandbox-World": name}


def _subscribe(base, world, url):
    return requests.post(f"{base}/_sandbox/webhooks/subscriptions", headers=world, timeout=10,
                         json={"provider": "toast", "eventCategory": "menus", "url": url})


def _fire_and_flush(base, world):
    requests.post(f"{base}/_sandbox/trigger", json={"event": "menus_updated"}, headers=world, timeout=10)
    started = time.monotonic()
    requests.post(f"{base}/_sandbox/webhooks/flush", headers=world, timeout=120)
    return time.monotonic() - started, requests.get(f"{base}/_sandbox/webhooks/events", headers=world,
                                                    timeout=10).json()[-1]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.1", "127.0.0.2", "[::1]", "0.0.0.0",
                                  "2130706433", "0x7f000001", "0177.0.0.1", "[::ffff:127.0.0.1]", "LOCALHOST",
                                  "localhost.", "sub.localhost"])
def test_subscriptions_to_the_sandbox_itself_are_refused_in_any_spelling(served, host):
    world = _world(served.url, "selfish")
    url = f"http://{host}:{served.port}/_sandbox/reset"
    response = _subscribe(served.url, world, url)
    assert response.status_code == 400 and "sandbox itself" in response.json()["error"], response.text
    toster = requests.post(f"{served.url}/api/webhooks", json={"url": url, "events": ["order.created"]},
                           headers={**world, "Authorization": f"Bearer {TOSTER_ALL}"}, timeout=10)
    assert toster.status_code == 400 and "sandbox itself" in toster.text
    assert _subscribe(served.url, world, f"http://{host}:{served.port + 1}/hook").status_code in (201, 400)


def test_an_imported_subscription_to_the_sandbox_itself_fails_at_delivery(served):
    base, world = served.url, _world(served.url, "imported")
    secret = _secret(base)
    receiver = Receiver()
    try:
        subscription = _subscribe(base, world, receiver.url).json()
        document = requests.get(f"{base}/_sandbox/export", headers=world, timeout=30).json()
    finally:
        receiver.stop()
    text = requests.get(f"{base}/_sandbox/export", headers=world, timeout=30).text
    text = text.replace(receiver.url, f"http://localhost:{served.port}/_sandbox/clients/{PARTNER['clientId']}"
                                      f"/rotate-secret")
    assert subscription["guid"] in text and document
    assert requests.post(f"{base}/_sandbox/import", data=text, timeout=30,
                         headers={**world, "Content-Type": "application/json"}).status_code == 200
    _, delivery = _fire_and_flush(base, world)
    assert delivery["attempts"][-1]["statusCode"] is None
    assert "sandbox itself" in delivery["attempts"][-1]["error"]
    assert _secret(base) == secret


def _secret(base):
    clients = requests.get(f"{base}/_sandbox/credentials", timeout=10).json()["toast"]["clients"]
    return next(c["clientSecret"] for c in clients if c["clientId"] == PARTNER["clientId"])


@pytest.mark.parametrize("behaviour", [
    _dribble(b""), _dribble(b"HTTP/1.1 200 OK\r\n"), _dribble(b"HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n"),
    _dribble(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"),
    _dribble(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n"),
])
def test_every_attempt_ends_at_the_deadline_whatever_the_receiver_dribbles(served, behaviour):
    hostile = Hostile(behaviour)
    world = _world(served.url, "dribbled")
    try:
        assert _subscribe(served.url, world, hostile.url).status_code == 201
        took, delivery = _fire_and_flush(served.url, world)
    finally:
        hostile.close()
        requests.delete(f"{served.url}/_sandbox/worlds/dribbled", timeout=10)
    assert took < DEADLINE + 2.5, took
    attempt = delivery["attempts"][-1]
    assert attempt["statusCode"] is None and "Timeout" in attempt["error"] and delivery["status"] == "Pending"


def test_a_huge_answer_is_read_only_up_to_the_cap(served):
    hostile = Hostile(_flood)
    world = _world(served.url, "flooded")
    before = _rss(served)
    try:
        assert _subscribe(served.url, world, hostile.url).status_code == 201
        took, delivery = _fire_and_flush(served.url, world)
    finally:
        hostile.close()
    assert delivery["status"] == "Success" and len(delivery["attempts"][-1]["responseBody"]) == 2048
    assert _rss(served) - before < 64 * 1024 * 1024 and took < DEADLINE + 2


def _rss(served):
    with open(f"/proc/{served.process.pid}/status") as status:
        line = next(row for row in status if row.startswith("VmRSS"))
    return int(line.split()[1]) * 1024


def test_a_slow_receiver_in_one_world_does_not_delay_another(served):
    hostile, receiver = Hostile(_dribble(b"HTTP/1.1 200 OK\r\n")), Receiver()
    slow, quick = _world(served.url, "slow"), _world(served.url, "quick")
    try:
        for _ in range(6):
            _subscribe(served.url, slow, hostile.url)
        _subscribe(served.url, quick, receiver.url)
        with ThreadPoolExecutor(1) as pool:
            held = pool.submit(_fire_and_flush, served.url, slow)
            time.sleep(0.3)
            took, delivery = _fire_and_flush(served.url, quick)
            held.result()
    finally:
        hostile.close()
        receiver.stop()
    assert delivery["status"] == "Success" and took < 1.5, took
