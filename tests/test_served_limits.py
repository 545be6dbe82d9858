"""What the HTTP server decides, against a served process on each server: slow headers and hangs never take the
threads health and the control API need, oversize and ambiguous requests answer in the provider's shape (never
HTML), the worker count cannot change, and a stop is quick with the access log flushed."""

import os
import signal
import socket
import threading
import time

import pytest
import requests

from helpers import TOSTER_ALL
from serving import Served

THREADS = 8         # few, so that a handful of hostile clients would starve a server without the guards
TOSTER = {"Authorization": f"Bearer {TOSTER_ALL}"}


@pytest.fixture(scope="module")
def served(server, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")      # where gunicorn would put its control socket
    sandbox = Served("--threads", str(THREADS), "--quiet", server=server, env={
        "HOME": str(home), "XDG_RUNTIME_DIR": str(home), "SANDBOX_HEADER_TIMEOUT": "3", "SANDBOX_RATE_LIMITS": "false",
        "SANDBOX_BODY_TIMEOUT": "2"})
    yield sandbox.url, home, sandbox.process.pid
    sandbox.stop()


def _port(base):
    return int(base.rsplit(":", 1)[1])


def _raw(base, data, wait=5):
    """Send raw bytes; everything the server answers until it closes (or `wait` seconds pass)."""
    with socket.create_connection(("127.0.0.1", _port(base)), timeout=wait) as connection:
        connection.sendall(data)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    return received


def _health_takes(base):
    started = time.perf_counter()
    assert requests.get(f"{base}/_sandbox/health", timeout=5).status_code == 200
    return time.perf_counter() - started


def test_clients_that_send_half_a_header_take_no_thread(served):
    base, _, _ = served
    stalled = []
    for _ in range(70):     # many more than the threads
        connection = socket.create_connection(("127.0.0.1", _port(base)))
        connection.sendall(b"GET /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        stalled.append(connection)
    try:
        time.sleep(0.5)
        assert max(_health_takes(base) for _ in range(5)) < 1
        assert requests.get(f"{base}/api/orders?limit=1", headers=TOSTER, timeout=5).status_code == 200
        # header_timeout (3 s here) closes them without an answer.
        stalled[0].settimeout(6)
        assert stalled[0].recv(100) == b""
    finally:
        for connection in stalled:
            connection.close()


def test_requests_caught_in_a_hang_keep_the_reserve_free(served):
    base, _, _ = served
    assert requests.post(f"{base}/_sandbox/scenarios", json={"match": {"provider": "toster"}, "fault": {"hang": 20}},
                         timeout=5).status_code == 201
    answers = []
    hanging = [threading.Thread(target=lambda: answers.append(_quiet_get(f"{base}/api/orders", 25)))
               for _ in range(20)]
    for thread in hanging:
        thread.start()
    try:
        time.sleep(1)
        assert max(_health_takes(base) for _ in range(5)) < 1
        # Beyond threads minus the reserve (8 - 1 here), a request caught in the hang answers 503 at once, in
        # Toster's shape.
        started = time.perf_counter()
        busy = requests.get(f"{base}/api/products", headers=TOSTER, timeout=5)
        assert time.perf_counter() - started < 1
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert set(busy.json()) == {"error", "details"} and "kept for the control API" in busy.json()["error"]
        assert sum(answer == 503 for answer in answers) >= 20 - (THREADS - 1)
        # The call that switches the hang off is never stuck behind it.
        assert requests.delete(f"{base}/_sandbox/scenarios", timeout=5).status_code in (200, 204)
    finally:
        requests.delete(f"{base}/_sandbox/scenarios", timeout=5)
        for thread in hanging:
            thread.join(30)
    assert requests.get(f"{base}/api/products", headers=TOSTER, timeout=5).status_code == 200


def _lying_post(base, path=b"/api/orders"):
    """A POST announcing 100 bytes of body and sending 10."""
    connection = socket.create_connection(("127.0.0.1", _port(base)))
    connection.sendall(b"POST " + path + b" HTTP/1.1\r\n" + HEAD + b"Content-Type: application/json\r\n"
                       b"Content-Length: 100\r\n\r\n{\"items\": ")
    return connection


def _post_order(base):
    return requests.post(f"{base}/api/orders", headers=TOSTER, json={"type": "pickup"}, timeout=5)


def test_a_body_that_never_arrives(served, server):
    base, _, _ = served
    lying = [_lying_post(base) for _ in range(THREADS - 1)]      # every slot of the gate: threads - reserve
    try:
        time.sleep(0.5)
        assert max(_health_takes(base) for _ in range(3)) < 1
        assert requests.get(f"{base}/api/products", headers=TOSTER, timeout=5).status_code == 200
        if server == "gunicorn":
            # The socket's time limit (2 s here) ends the read: 408 in Toster's shape, and the connection closes.
            lying[0].settimeout(5)
            answer = b""
            while b"}" not in answer:                 # the headers and the body may come in separate packets
                chunk = lying[0].recv(4096)
                if not chunk:
                    break
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 408") and b'"error":"The request body did not arrive' in answer
            assert _post_order(base).status_code == 400
        else:
            # granian's read waits for the client; with every slot taken, another body answers 503 at once.
            started = time.perf_counter()
            refused = _raw(base, b"POST /api/orders HTTP/1.1\r\n" + HEAD + b"Content-Length: 100\r\n\r\n{", wait=3)
            assert time.perf_counter() - started < 2
            assert refused.startswith(b"HTTP/1.1 503") and b"kept for the control API" in refused
    finally:
        for connection in lying:
            connection.close()
    time.sleep(0.5)
    # Clients that left mid-body hold nothing: a whole body is read and answered as usual.
    for _ in range(10):
        _lying_post(base).close()
    time.sleep(0.5)
    assert _post_order(base).status_code == 400         # a Toster validation error: the body was read


def _quiet_get(url, timeout):
    try:
        return requests.get(url, headers=TOSTER, timeout=timeout).status_code
    except requests.RequestException as exc:
        return type(exc).__name__


HEAD = b"Host: 127.0.0.1\r\n"
OVERSIZE = {
    "a header line over 32 KB": (b"GET /api/orders HTTP/1.1\r\n" + HEAD + b"X-Big: " + b"a" * 33000 + b"\r\n\r\n",
                                 431),
    "401 header lines": (b"GET /orders/v2/orders HTTP/1.1\r\n" + HEAD
                         + b"".join(b"X-F%d: v\r\n" % n for n in range(401)) + b"\r\n", 431),
    "a request line over 8 KB": (b"GET /api/orders?q=" + b"a" * 9000 + b" HTTP/1.1\r\n" + HEAD + b"\r\n", 414),
    "two Content-Lengths": (b"POST /api/orders HTTP/1.1\r\n" + HEAD + b"Content-Length: 2\r\nContent-Length: 3\r\n"
                            b"Content-Type: application/json\r\n\r\n{}", 400),
    "Content-Length with Transfer-Encoding": (b"POST /orders/v2/orders HTTP/1.1\r\n" + HEAD + b"Content-Length: 3\r\n"
                                              b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                                              b"2\r\n{}\r\n0\r\n\r\n", 400),
}


@pytest.mark.parametrize("case", sorted(OVERSIZE))
def test_oversize_and_ambiguous_requests_answer_in_the_providers_shape(served, server, case):
    base, _, _ = served
    data, status = OVERSIZE[case]
    if server == "granian" and case == "Content-Length with Transfer-Encoding":
        # granian's parser drops the Content-Length and reads the chunked body, as RFC 9112 (6.3) says, then closes
        # the connection: nothing is left to smuggle, and the request is answered as usual (no token here: 401).
        status = 401
    answer = _raw(base, data)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d" % status), answer[:200]
    assert b"<html" not in body.lower() and b"text/html" not in head.lower()
    granian_parser = server == "granian" and case in ("401 header lines", "two Content-Lengths")
    if granian_parser:
        # granian's HTTP parser refuses these before any Python runs (over 100 fields; conflicting lengths): the
        # status is right and the body empty.
        assert body == b""
        return
    shape = {"error", "details"} if b"/api/" in data.split(b"\r\n", 1)[0] else None
    document = requests.models.complexjson.loads(body)
    if shape:
        assert set(document) == shape
    else:       # Toast's error shape
        assert document["status"] == status and "requestId" in document


def test_the_worker_count_cannot_change(served, server):
    base, home, master = served
    requests.post(f"{base}/_sandbox/worlds", json={"name": "kept"}, timeout=10).raise_for_status()
    workers = _children(master)
    # gunicorn adds a worker on SIGTTIN; granian forks fresh workers on SIGHUP (a reload): both refused.
    os.kill(master, signal.SIGTTIN if server == "gunicorn" else signal.SIGHUP)
    time.sleep(2)
    assert _children(master) == workers and len(workers) == 1
    assert '"name":"kept"' in requests.get(f"{base}/_sandbox/worlds", timeout=5).text.replace(" ", "")
    # No control socket for gunicornc (it could add workers): none under $HOME or $XDG_RUNTIME_DIR.
    assert not [name for _, _, names in os.walk(home) for name in names if name.endswith(".ctl")]


def _children(pid):
    return sorted(int(p) for p in open(f"/proc/{pid}/task/{pid}/children", encoding="ascii").read().split())


def test_ctrl_c_stops_quickly_with_the_access_log_flushed(server):
    sandbox = Served("--quiet", server=server)
    for n in range(5):
        requests.get(f"{sandbox.url}/api/orders?n={n}", timeout=5)
    started = time.monotonic()
    for pid in [sandbox.process.pid, *_children(sandbox.process.pid)]:
        os.kill(pid, signal.SIGINT)         # Ctrl-C reaches every process of the terminal's group
    sandbox.process.wait(15)
    assert time.monotonic() - started < 8
    time.sleep(0.2)     # the reading thread takes the last lines
    assert sum(f"GET /api/orders?n={n} 401" in line for line in sandbox.lines for n in range(5)) == 5, sandbox.lines
    assert not any("Traceback" in line for line in sandbox.lines), sandbox.lines
