"""The sandbox side by side with its peers on the hot paths: `python -m sandbox serve` (rate limits off) on each of
its HTTP servers (granian, the default, and gunicorn), a bare Flask app under gunicorn in the same shape answering with
the sandbox's own bytes, and Prism's static mock of the platform's published orders spec (found beside the checkout,
in ../shared/reference/toast-specs) when `prism` is installed. Each operation is loaded with wrk (loopback only);
runs are interleaved, repeated, and the medians printed with the server CPU per request and the machine.

Usage: python bench/peers.py [seconds per run, default 10] [repeats, default 3]
Needs wrk (apt-get install wrk); Prism from npm (@stoplight/prism-cli) on PATH or in PRISM, else it is skipped."""

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import machine

ROOT = Path(__file__).resolve().parent.parent
ORDERS_SPEC = ROOT.parent / "shared" / "reference" / "toast-specs" / "toast-orders-openapi.yaml"
SANDBOXES = ("granian", "gunicorn")          # the first is the default server: its row is the sandbox's figure
COLUMNS = {"granian": "sandbox on granian", "gunicorn": "sandbox on gunicorn", "prism": "Prism (Node)",
           "flask": "bare Flask on gunicorn"}
PARTNER = ("oXOJrLo8F2nXMzqQdgCWwDllJtWR6zql", "IKiUBKnCfK2vuAiSDMK2xTY2xA6bznBRkirAgsXOhyl9F6sn23DSp8kVzjliKE1Q")
RESTAURANT = "6301bbfc-a0c5-454e-8ff9-bb510944fe0c"
TOSTER_KEY = "966_cvQKFuDyvONtdGes2kzaiuK2VikKrSiufBU5VoWpXcwFwPjYvdXs"
THREADS, CONNECTIONS = 8, 16


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _call(base, method, path, headers=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={**(headers or {}), **({"Content-Type": "application/json"} if data else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_ready(base, path, process, limit=60):
    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        if process.poll() is not None:
            raise RuntimeError(f"server for {base} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + path, timeout=1):
                return time.perf_counter() - began
        except urllib.error.HTTPError:
            return time.perf_counter() - began      # it answers: ready
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"{base} not ready within {limit} s")


def _tree(pid):
    """pid and its descendants (gunicorn's master and worker)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def _cpu_seconds(pid):
    total = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _memory_mb(pid):
    """Proportional set size of the server's processes: pages a forked worker shares with its master count once."""
    total = 0
    for member in _tree(pid):
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE).group(1))
    return total / 1024


def _start(command, env, base, ready_path):
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    return process, _wait_ready(base, ready_path, process)


def _stop(process):
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


class Operation:
    def __init__(self, name, method, path, headers, body=None, peers=("prism", "flask")):
        self.name, self.method, self.path, self.headers, self.body, self.peers = name, method, path, headers, body, peers

    def script(self, folder, server):
        """A wrk Lua script setting the method, headers and body (one per server: each has its own login)."""
        lines = [f'wrk.method = "{self.method}"']
        lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in self.headers.items()]
        if self.body is not None:
            body = folder / f"{server}-{abs(hash(self.name))}.json"
            body.write_text(json.dumps(self.body))
            lines += ['wrk.headers["Content-Type"] = "application/json"',
                      f'local f = io.open("{body}", "rb"); wrk.body = f:read("*a"); f:close()']
        path = folder / f"{server}-{abs(hash(self.name))}.lua"
        path.write_text("\n".join(lines) + "\n")
        return path


def _wrk(base, operation, script, seconds):
    """(requests/s, non-2xx count, requests) of one wrk run."""
    out = subprocess.run(["wrk", f"-t{2}", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script),
                          base + operation.path], capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(bad.group(1)) if bad else 0, total


def _login(base, call):
    status, body = call(base, "POST", "/authentication/v1/authentication/login", body={
        "clientId": PARTNER[0], "clientSecret": PARTNER[1], "userAccessType": "TOAST_MACHINE_CLIENT"})
    assert status == 200, body
    return json.loads(body)["token"]["accessToken"]


def _example_order(base, headers, call):
    """The published spec's example order with its references swapped for this world's (same shape and size)."""
    import yaml
    spec = yaml.safe_load(ORDERS_SPEC.read_text())
    post = spec["paths"]["/orders"]["post"]
    example = next(p for p in post["parameters"] if p["in"] == "body")["schema"]["example"]
    dining = json.loads(call(base, "GET", "/config/v2/diningOptions", headers)[1])
    payment_types = json.loads(call(base, "GET", "/config/v2/alternatePaymentTypes", headers)[1])
    order = json.loads(json.dumps(example))
    order["diningOption"]["guid"] = next(d["guid"] for d in dining if d["behavior"] == "DELIVERY")
    order["checks"][0]["payments"][0]["otherPayment"]["guid"] = payment_types[0]["guid"]
    return order


def _operations(base, call=_call):
    """The loaded operations against the sandbox at `base`; `call(base, method, path, headers, body)` ->
    (status, body bytes) sends each setup request (over HTTP by default)."""
    token = _login(base, call)
    toast = {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": RESTAURANT}
    now = datetime.now(timezone.utc)
    window = (f"startDate={(now - timedelta(days=30)).strftime('%Y-%m-%dT%H:%M:%S.000%z')}"
              f"&endDate={(now - timedelta(minutes=5)).strftime('%Y-%m-%dT%H:%M:%S.000%z')}").replace("+", "%2B")
    page = json.loads(call(base, "GET", f"/orders/v2/ordersBulk?{window}&pageSize=100", toast)[1])
    guid = max(page, key=lambda o: len(json.dumps(o)))["guid"]           # the largest order of the page
    items = json.loads(call(base, "GET", "/config/v2/menuItems", toast)[1])
    dining = json.loads(call(base, "GET", "/config/v2/diningOptions", toast)[1])
    small = None
    for item in [i for i in items if not i["optionGroups"]][:10]:
        candidate = {"diningOption": {"guid": dining[0]["guid"]},
                     "checks": [{"selections": [{"item": {"guid": item["guid"]}, "quantity": 1}]}]}
        if call(base, "POST", "/orders/v2/orders", toast, candidate)[0] == 200:
            small = candidate
            break
    example = _example_order(base, toast, call)
    for selection in example["checks"][0]["selections"]:
        selection["item"]["guid"] = small["checks"][0]["selections"][0]["item"]["guid"]
        selection.pop("itemGroup")      # the example's menu group is not this world's; the item names its own
    status, answer = call(base, "POST", "/orders/v2/orders", toast, example)
    if status != 200:
        print(f"the spec's example order is refused by the sandbox ({status}): {answer[:300]!r}; skipped")
        example = None
    operations = [
        Operation("GET /orders/{guid}", "GET", f"/orders/v2/orders/{guid}", toast),
        Operation("ordersBulk pageSize 20", "GET", f"/orders/v2/ordersBulk?{window}&pageSize=20", toast),
        Operation("ordersBulk pageSize 100", "GET", f"/orders/v2/ordersBulk?{window}&pageSize=100", toast),
        Operation("POST /orders (small)", "POST", "/orders/v2/orders", toast, small),
        Operation("POST /orders (spec example)", "POST", "/orders/v2/orders", toast, example),
        Operation("Toster GET /api/orders?limit=20", "GET", "/api/orders?limit=20",
                  {"Authorization": f"Bearer {TOSTER_KEY}"}, peers=("flask",)),
    ]
    return [o for o in operations if o.method == "GET" or o.body is not None]


def _capture(base, operations, folder):
    """The sandbox's answer to each operation, for the bare Flask app to serve."""
    captures = {}
    for operation in operations:
        status, body = _call(base, operation.method, operation.path, operation.headers, operation.body)
        captures[f"{operation.method} {operation.path}"] = {"status": status, "body": body.decode()}
        operation.size = len(body)
    path = folder / "captures.json"
    path.write_text(json.dumps(captures))
    return path


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    print("machine:", machine.describe())
    folder = Path(tempfile.mkdtemp(prefix="peers-"))
    servers, processes = {}, []
    try:
        for server in SANDBOXES:
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            process, ready = _start([sys.executable, "-m", "sandbox", "serve", "--server", server, "--port", str(port),
                                     "--threads", str(THREADS)], {"SANDBOX_RATE_LIMITS": "false"}, base,
                                    "/_sandbox/health")
            processes.append(process)
            servers[server] = (base, process)
            print(f"sandbox on {server} ready after {ready:.2f} s, {_memory_mb(process.pid):.0f} MB")
        # Each sandbox logs in and finds its own orders: a token is only good where it was issued.
        loaded = {server: _operations(servers[server][0]) for server in SANDBOXES}
        operations = loaded[SANDBOXES[0]]
        captures = _capture(servers[SANDBOXES[0]][0], operations, folder)
        port = _free_port()
        flask_base = f"http://127.0.0.1:{port}"
        process, ready = _start([sys.executable, "-m", "gunicorn", "--chdir", str(ROOT / "bench"), "-w", "1",
                                 "-k", "gthread", "--threads", str(THREADS), "-b", f"127.0.0.1:{port}",
                                 "bare_flask:app"], {"PEERS_CAPTURES": str(captures)}, flask_base, "/")
        processes.append(process)
        servers["flask"] = (flask_base, process)
        print(f"bare Flask ready after {ready:.2f} s, {_memory_mb(process.pid):.0f} MB")
        prism = os.environ.get("PRISM") or shutil.which("prism")
        if prism:
            port = _free_port()
            prism_base = f"http://127.0.0.1:{port}"
            process, ready = _start([prism, "mock", "-h", "127.0.0.1", "-p", str(port), str(ORDERS_SPEC)], {},
                                    prism_base, "/orders/x")
            processes.append(process)
            servers["prism"] = (prism_base, process)
            print(f"Prism ready after {ready:.2f} s, {_memory_mb(process.pid):.0f} MB")
        else:
            print("Prism is not installed (npm install -g @stoplight/prism-cli): skipped")
        _run_all(servers, loaded, folder, seconds, repeats)
        for server in SANDBOXES:
            print(f"sandbox on {server}, memory after the runs: {_memory_mb(servers[server][1].pid):.0f} MB")
        print("machine after:", machine.describe())
    finally:
        for process in processes:
            _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def _targets(servers, loaded, operation):
    """Which server answers an operation at which path (Prism mounts the spec's paths without its basePath)."""
    found = {server: (servers[server][0], next(o for o in loaded[server] if o.name == operation.name))
             for server in SANDBOXES}
    if "flask" in operation.peers:
        found["flask"] = (servers["flask"][0], operation)
    if "prism" in operation.peers and "prism" in servers:
        found["prism"] = (servers["prism"][0], Operation(operation.name, operation.method,
                                                         operation.path.replace("/orders/v2", "", 1),
                                                         operation.headers, operation.body))
    return found


def _run_all(servers, loaded, folder, seconds, repeats):
    operations = loaded[SANDBOXES[0]]
    plan = [(operation, name, base, target, target.script(folder, name))
            for operation in operations for name, (base, target) in _targets(servers, loaded, operation).items()]
    for operation, name, base, target, script in plan:        # warm up every pair once
        _wrk(base, target, script, min(2, seconds))
    results = {}
    for _ in range(repeats):                                   # interleaved: every pair once per round
        for operation, name, base, target, script in plan:
            pid = servers[name][1].pid
            cpu = _cpu_seconds(pid)
            rate, bad, total = _wrk(base, target, script, seconds)
            used = _cpu_seconds(pid) - cpu
            results.setdefault((operation.name, name), []).append((rate, bad, used / max(total, 1) * 1000))
    names = [*SANDBOXES, "prism", "flask"]
    print(f"\nwrk -t2 -c{CONNECTIONS} -d{seconds}s, 1 worker x {THREADS} threads, medians of {repeats}; requests/s "
          f"(server CPU ms per request); columns: {', '.join(COLUMNS[name] for name in names)}")
    print(f"{'operation':34} {'size':>8} " + " ".join(f"{name:>16}" for name in names)
          + f" {'vs Prism':>8} {'vs Flask':>8}")
    default = SANDBOXES[0]
    for operation in operations:
        row = {name: results[(operation.name, name)] for name in names if (operation.name, name) in results}
        med = {name: statistics.median(r[0] for r in runs) for name, runs in row.items()}
        cpu = {name: statistics.median(r[2] for r in runs) for name, runs in row.items()}
        bad = {name: sum(r[1] for r in runs) for name, runs in row.items()}
        cells = [f"{med[name]:8.0f} ({cpu[name]:5.2f})" if name in med else f"{'-':>16}" for name in names]
        ratio = {peer: f"{med[default] / med[peer]:.2f}x" if med.get(peer) else "-" for peer in ("prism", "flask")}
        print(f"{operation.name:34} {operation.size / 1024:7.1f}K " + " ".join(cells)
              + f" {ratio['prism']:>8} {ratio['flask']:>8}")
        for name, count in bad.items():
            if count:
                print(f"    {COLUMNS[name]}: {count} answers were not 2xx")


if __name__ == "__main__":
    main()
