"""`pos-sandbox serve --shards 3` with the system's HAProxy, served for real: 30 worlds, orders by header and by base
URL, each world on one shard and nothing leaking between worlds; a shard killed with SIGKILL while writes run
answers 503 in the provider's shape while the others keep every write, and comes back with its worlds as of the
last acknowledged write (give or take the save interval); a graceful stop keeps every world for the next start."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict

import pytest
import requests

from sandbox.client import SandboxClient
from sandbox.cluster.supervisor import free_port_run
from sandbox.core.shards import shard_of

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.skipif(not __import__("shutil").which("haproxy"),
                                reason="needs HAProxy: `bash .ci/run` installs it (apt-get install haproxy)")
SHARDS = 3
WORLDS = [f"team-{number:02d}" for number in range(30)]
INTERVAL = 0.5          # --state-interval: the most a SIGKILL may lose
TOSTER_KEY = "966_cvQKFuDyvONtdGes2kzaiuK2VikKrSiufBU5VoWpXcwFwPjYvdXs"
TOSTER_ERROR_KEYS = {"error", "details"}
TOAST_ERROR_KEYS = {"status", "code", "message", "messageKey", "fieldName", "link", "requestId",
                    "developerMessage", "errors", "canRetry"}


class Cluster:
    """A `pos-sandbox serve --shards` process; `.lines` is what it printed, `.pids[shard]` its shards' latest."""

    def __init__(self, port, state_dir):
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.lines, self.pids = [], {}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sandbox", "serve", "--shards", str(SHARDS), "--port", str(port),
             "--history-days", "0", "--state-dir", str(state_dir), "--state-interval", str(INTERVAL)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.ready.wait(120), "".join(self.lines[-40:])

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)
            started = re.match(r"\s+shard (\d+)\s+\S+\s+pid (\d+)", line)
            if started:
                self.pids[int(started.group(1))] = int(started.group(2))
            if "ready at" in line and "behind HAProxy" in line:
                self.ready.set()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)


ORDER = {}         # a Toster pickup order of the seeded catalogue (every world has the same seed)


def _toster(session, base, world=None, notes=None):
    """POST a Toster pickup order (by header when `world` is given, else by the base URL)."""
    headers = {"Authorization": f"Bearer {TOSTER_KEY}", **({"X-Sandbox-World": world} if world else {})}
    body = {**ORDER, "notes": notes}
    return session.post(f"{base}/api/orders", json=body, headers=headers, timeout=30)


def _notes(url, world):
    """The notes of every order in a world (read by its base URL), page by page."""
    found, page = set(), 1
    while True:
        answer = requests.get(f"{url}/worlds/{world}/api/orders", params={"limit": 100, "page": page},
                              headers={"Authorization": f"Bearer {TOSTER_KEY}"}, timeout=30)
        assert answer.status_code == 200, answer.text
        found |= {order["notes"] for order in answer.json()["items"] if order["notes"]}
        if page >= answer.json()["pages"]:
            return found
        page += 1


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("shards-state")


@pytest.fixture(scope="module")
def cluster(state_dir):
    served = Cluster(free_port_run(SHARDS), state_dir)
    yield served
    if served.process.poll() is None:
        served.stop()


@pytest.fixture(scope="module")
def worlds(cluster):
    """30 worlds created through the proxy, each with one order by header and one by base URL."""
    session, written = requests.Session(), defaultdict(set)
    ORDER.update(SandboxClient(cluster.url).orders.toster())
    for name in WORLDS:
        created = session.post(f"{cluster.url}/_sandbox/worlds", json={"name": name, "historyDays": 0}, timeout=30)
        assert created.status_code == 201, created.text
        assert created.json()["baseUrl"] == f"{cluster.url}/worlds/{name}"
        assert created.json()["shard"] == shard_of(name, SHARDS)
        for by_header in (True, False):
            notes = f"{name}/{'header' if by_header else 'url'}"
            answer = _toster(session, cluster.url if by_header else created.json()["baseUrl"],
                             name if by_header else None, notes)
            assert answer.status_code == 201, answer.text
            written[name].add(notes)
    return written


def test_each_world_lives_on_one_shard_and_nothing_leaks(cluster, worlds):
    listed = requests.get(f"{cluster.url}/_sandbox/worlds", timeout=30)
    assert "X-Sandbox-Unreachable-Shards" not in listed.headers
    shards = {w["name"]: w["shard"] for w in listed.json()}
    assert sorted(shards) == sorted(WORLDS + ["default"])          # one `default`, on its own shard
    assert all(shards[name] == shard_of(name, SHARDS) for name in shards)
    assert set(shards.values()) == set(range(SHARDS))
    for shard in range(SHARDS):            # each shard holds exactly its worlds (asked directly, shard-local)
        direct = requests.get(f"http://127.0.0.1:{cluster.port + 1 + shard}/_sandbox/worlds",
                              headers={"X-Sandbox-Scope": "local"}, timeout=30).json()
        assert {w["name"] for w in direct} == {name for name, owner in shards.items() if owner == shard}
    for name in WORLDS:
        assert _notes(cluster.url, name) == worlds[name]
    # The same world by header and by base URL is one world; a Toast login and order by base URL land there too.
    client = SandboxClient(f"{cluster.url}/worlds/{WORLDS[0]}")
    toast = client.toast()
    order = toast.post("/orders/v2/orders", json=client.orders.toast(toast))
    assert order.status_code == 200, order.text
    by_header = requests.get(f"{cluster.url}/orders/v2/orders/{order.json()['guid']}",
                             headers={**toast.headers, "X-Sandbox-World": WORLDS[0]}, timeout=30)
    assert by_header.status_code == 200
    other = requests.get(f"{cluster.url}/orders/v2/orders/{order.json()['guid']}",
                         headers={**toast.headers, "X-Sandbox-World": WORLDS[1]}, timeout=30)
    assert other.status_code in (401, 404)
    elsewhere = next(name for name in WORLDS if shard_of(name, SHARDS) != shard_of("default", SHARDS))
    journal = requests.get(f"{cluster.url}/_sandbox/requests", params={"world": elsewhere,
                                                                       "operationId": "createOrder"}, timeout=30)
    assert journal.status_code == 200 and journal.json()["count"] == 2, journal.text
    metrics = requests.get(f"{cluster.url}/_sandbox/metrics", timeout=30).text
    counted = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith("sandbox_worlds{")}
    assert counted == {f'sandbox_worlds{{shard="{shard}"}}': float(list(shards.values()).count(shard))
                       for shard in range(SHARDS)}
    taken = requests.post(f"http://127.0.0.1:{cluster.port + 1}/_sandbox/worlds",
                          json={"name": next(n for n in WORLDS if shard_of(n, SHARDS) != 0)}, timeout=30)
    assert taken.status_code == 409 and "belongs on shard" in taken.json()["error"]


def test_a_killed_shard_answers_503_and_comes_back_as_of_its_last_saved_write(cluster, worlds):
    victim = shard_of(WORLDS[0], SHARDS)
    dead = [name for name in WORLDS if shard_of(name, SHARDS) == victim]
    acked, tried, failures = defaultdict(list), defaultdict(set), []
    stop, killed_at = threading.Event(), []

    def write(names):
        session, number = requests.Session(), 0
        while not stop.is_set():
            for name in names:
                number += 1
                notes = f"{name}/load-{threading.get_ident()}-{number}"
                tried[name].add(notes)
                try:
                    answer = _toster(session, cluster.url, name, notes)
                except requests.RequestException as exc:
                    failures.append((name, None, str(exc)))
                    continue
                if answer.status_code == 201:
                    acked[name].append((notes, time.monotonic()))
                else:
                    failures.append((name, time.monotonic(), answer))
    writers = [threading.Thread(target=write, args=(WORLDS[i::3],)) for i in range(3)]
    for writer in writers:
        writer.start()
    old_pid = cluster.pids[victim]
    try:
        time.sleep(4)
        # The supervisor is paused while the shard is down, so the window of 503s lasts until it resumes.
        os.kill(cluster.process.pid, signal.SIGSTOP)
        os.killpg(old_pid, signal.SIGKILL)
        killed_at.append(time.monotonic())
        for path, keys in (("/api/orders", TOSTER_ERROR_KEYS), ("/orders/v2/orders/x", TOAST_ERROR_KEYS),
                           ("/_sandbox/clock", {"error", "details"})):
            answer = requests.get(f"{cluster.url}/worlds/{dead[0]}{path}", timeout=30,
                                  headers={"Authorization": f"Bearer {TOSTER_KEY}"})
            assert answer.status_code == 503 and answer.headers["Retry-After"] == "5", answer.text
            assert set(answer.json()) == keys, answer.text
        time.sleep(1)
    finally:
        os.kill(cluster.process.pid, signal.SIGCONT)
        stop.set()
        for writer in writers:
            writer.join(60)
    # The other shards' worlds never failed; the dead one's failures were 502/503 in Toster's shape.
    assert all(name in dead for name, *_ in failures), [f for f in failures if f[0] not in dead][:3]
    assert {answer.status_code for _, _, answer in failures if not isinstance(answer, str)} <= {502, 503}
    # It comes back (the supervisor starts it again) with its worlds from the state dir.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{cluster.url}/worlds/{dead[0]}/_sandbox/health", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.2)
    else:
        raise AssertionError("the killed shard did not come back: " + "".join(cluster.lines[-30:]))
    assert cluster.pids[victim] != old_pid
    kill, proven = killed_at[0], 0
    for name in WORLDS:
        present = _notes(cluster.url, name)
        assert present <= tried[name] | worlds[name], f"{name} holds orders nobody wrote"
        acked_notes = {notes for notes, _ in acked[name]}
        if name not in dead:
            assert acked_notes | worlds[name] <= present, f"{name} lost acknowledged writes"
            continue
        # Acknowledged well before the kill (the save interval plus twice a save pass, on a loaded machine): kept.
        settled = {notes for notes, at in acked[name] if at < kill - INTERVAL - 3.0}
        proven += len(settled - worlds[name])
        assert settled | worlds[name] <= present, f"{name} lost writes acknowledged before the last save"
    assert proven, "no write to the killed shard settled before the kill: the check proved nothing"
    for name in WORLDS:
        worlds[name] = _notes(cluster.url, name)
    assert len(requests.get(f"{cluster.url}/_sandbox/worlds", timeout=30).json()) == len(WORLDS) + 1


def test_the_kit_targets_the_sharded_sandbox(cluster, pytester):
    """`--pos-sandbox-url` to the proxy: each test's world is on its shard and reached by its base URL."""
    pytester.makepyfile(test_user=f'''
import requests
from sandbox.core.shards import shard_of


def test_world_by_base_url(pos_sandbox):
    listed = {{w["name"]: w for w in pos_sandbox.call("GET", "/worlds")}}
    assert listed[pos_sandbox.world]["shard"] == shard_of(pos_sandbox.world, {SHARDS})
    answer = requests.post(pos_sandbox.base_url + "/api/orders", json=pos_sandbox.orders.toster(), timeout=30,
                           headers={{"Authorization": "Bearer {TOSTER_KEY}"}})
    assert answer.status_code == 201, answer.text
    pos_sandbox.journal.assert_called("createOrder", times=1, status=201)
''')
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--pos-sandbox-url", cluster.url,
                                           "--pos-sandbox-history-days", "0")
    result.assert_outcomes(passed=1)


def test_a_graceful_stop_keeps_every_world_for_the_next_start(cluster, worlds, state_dir):
    assert cluster.stop() == 0
    for name in WORLDS:
        assert (state_dir / f"shard-{shard_of(name, SHARDS)}" / f"{name}.world.json").exists()
    again = Cluster(cluster.port, state_dir)
    try:
        for name in WORLDS:
            assert _notes(again.url, name) == worlds[name]
    finally:
        assert again.stop() == 0


def test_a_shard_that_cannot_start_stops_the_command_with_its_reason(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    started = subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", "--shards", "2", "--port", str(free_port_run(2)),
         "--history-days", "0", "--state-dir", str(blocker / "state")],
        capture_output=True, text=True, timeout=180)
    assert started.returncode == 2
    assert "state dir" in started.stderr and "pos-sandbox: shard" in started.stderr, started.stderr[-2000:]
