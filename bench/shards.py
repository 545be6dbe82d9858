"""Throughput over many worlds with 1 and with 2 sandbox shards behind HAProxy, side by side in one run (rounds
interleaved, medians), and what the proxy adds to one request (one connection, direct to a shard vs through HAProxy).

Usage: python bench/shards.py [seconds per run, default 8] [rounds, default 3] [worlds, default 32]
Needs wrk and haproxy (apt-get install wrk haproxy); loopback only. Every request names its world by base URL and
reads the Toster catalogue (`GET /worlds/<name>/api/products?limit=20`); rate limits are off."""

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from sandbox.cluster import haproxy  # noqa: E402  (the bench runs from a checkout)
from sandbox.cluster.supervisor import free_port_run, wait_healthy  # noqa: E402

TOSTER_KEY = "966_cvQKFuDyvONtdGes2kzaiuK2VikKrSiufBU5VoWpXcwFwPjYvdXs"
PATH = "/api/products?limit=20"
ENV = {**os.environ, "SANDBOX_RATE_LIMITS": "false", "SANDBOX_HISTORY_DAYS": "0", "SANDBOX_QUIET": "true"}


def _wait(url, process):
    wait_healthy(url, process, url, time.monotonic() + 120)


def _serve(*args, port):
    return subprocess.Popen([sys.executable, "-m", "sandbox", "serve", "--port", str(port), *args], env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


class OneShard:
    """One `pos-sandbox serve` and HAProxy in front of it, with the configuration `serve --shards` generates."""

    def __init__(self):
        port = free_port_run(1)
        self.url, self.shard = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}"
        self.processes = [_serve(port=port + 1)]
        _wait(self.shard, self.processes[0])
        self.folder = tempfile.mkdtemp(prefix="bench-haproxy-")
        haproxy.write(self.folder, haproxy.render([f"127.0.0.1:{port + 1}"], f"127.0.0.1:{port}", self.folder))
        self.processes.append(subprocess.Popen(["haproxy", "-db", "-f", f"{self.folder}/haproxy.cfg"],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(self.url, self.processes[1])

    def stop(self):
        os.killpg(self.processes[0].pid, signal.SIGTERM)
        self.processes[1].terminate()
        for process in self.processes:
            process.wait(30)


class TwoShards:
    """`pos-sandbox serve --shards 2`."""

    def __init__(self):
        port = free_port_run(2)
        self.url = f"http://127.0.0.1:{port}"
        self.processes = [_serve("--shards", "2", port=port)]
        _wait(self.url, self.processes[0])

    def stop(self):
        self.processes[0].send_signal(signal.SIGTERM)
        self.processes[0].wait(60)


def _worlds(url, count):
    names = [f"bench-{number:03d}" for number in range(count)]
    for name in names:
        body = json.dumps({"name": name, "historyDays": 0, "rateLimits": False}).encode()
        request = urllib.request.Request(f"{url}/_sandbox/worlds", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=60).read()
    return names


def _script(folder, names):
    path = Path(folder) / "worlds.lua"
    worlds = ", ".join(f'"{name}"' for name in names)
    path.write_text(f'local worlds = {{{worlds}}}\nlocal n = 0\n'
                    f'wrk.headers["Authorization"] = "Bearer {TOSTER_KEY}"\n'
                    f'request = function()\n  n = n + 1\n'
                    f'  return wrk.format("GET", "/worlds/" .. worlds[n % #worlds + 1] .. "{PATH}")\nend\n')
    return path


def _tree(root):
    """{pid: command name} of `root` and every process below it."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError):
                continue
    found, changed = {root}, True
    while changed:
        grown = found | {pid for pid, parent in parents.items() if parent in found}
        changed, found = grown != found, grown
    names = {}
    for pid in found:
        try:
            names[pid] = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
    return names


def _cpu(pids):
    """CPU seconds (user + system) used so far by `pids`, split into HAProxy's and the sandbox's."""
    ticks, used = os.sysconf("SC_CLK_TCK"), {"haproxy": 0.0, "sandbox": 0.0}
    for pid, name in pids.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used["haproxy" if name == "haproxy" else "sandbox"] += (int(fields[11]) + int(fields[12])) / ticks
    return used


def _wrk(url, script, seconds, threads=2, connections=32, pids=None):
    """(requests/s, median latency ms, non-2xx, {haproxy|sandbox: CPU ms per request}) of one wrk run."""
    before = _cpu(pids or {})
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          url], capture_output=True, text=True, check=True).stdout
    rate = float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))
    median = next(line.split()[1] for line in out.splitlines() if line.strip().startswith("50%"))
    bad = next((int(line.split()[-1]) for line in out.splitlines() if "Non-2xx" in line), 0)
    total = int(next(line.split()[0] for line in out.splitlines() if "requests in" in line))
    after = _cpu(pids or {})
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    unit = next(u for u in ("us", "ms", "s") if median.endswith(u))
    cpu = {part: (after[part] - before[part]) * 1000 / max(total, 1) for part in after}
    return rate, float(median[:-len(unit)]) * scale[unit], bad, cpu


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    print(machine.describe(), flush=True)
    folder = tempfile.mkdtemp(prefix="bench-shards-")
    setups = {"1 shard": OneShard(), "2 shards": TwoShards()}
    try:
        names = {label: _worlds(setup.url, count) for label, setup in setups.items()}
        script = _script(folder, names["1 shard"])
        for setup in setups.values():
            _wrk(setup.url, script, 2)                               # warm up
        results = {label: [] for label in setups}
        trees = {label: _tree(setup.processes[0].pid) | (_tree(setup.processes[1].pid) if len(setup.processes) > 1
                                                          else {}) for label, setup in setups.items()}
        for _ in range(rounds):
            for label, setup in setups.items():
                results[label].append(_wrk(setup.url, script, seconds, pids=trees[label]))
        print(f"{count} worlds, GET /worlds/<name>{PATH}, wrk -t2 -c32 -d{seconds}s, {rounds} rounds interleaved")
        for label, runs in results.items():
            rate = statistics.median(r[0] for r in runs)
            sandbox_cpu = statistics.median(r[3]["sandbox"] for r in runs)
            print(f"  {label:>8}: median {rate:7.0f} req/s (runs {', '.join(f'{r[0]:.0f}' for r in runs)}), median "
                  f"latency {statistics.median(r[1] for r in runs):.2f} ms, non-2xx {sum(r[2] for r in runs)}; "
                  f"CPU per request: sandbox {sandbox_cpu:.3f} ms, HAProxy "
                  f"{statistics.median(r[3]['haproxy'] for r in runs) * 1000:.0f} us; the shards used "
                  f"{rate * sandbox_cpu / 1000:.2f} cores")
        ratio = statistics.median(r[0] for r in results["2 shards"]) / statistics.median(
            r[0] for r in results["1 shard"])
        print(f"  2 shards / 1 shard: {ratio:.2f}x")
        one = setups["1 shard"]
        direct, proxied = [], []
        for _ in range(rounds):
            direct.append(_wrk(one.shard, script, seconds, threads=1, connections=1))
            proxied.append(_wrk(one.url, script, seconds, threads=1, connections=1))
        added = statistics.median(p[1] for p in proxied) - statistics.median(d[1] for d in direct)
        print(f"one connection: direct {statistics.median(d[1] for d in direct):.3f} ms "
              f"({statistics.median(d[0] for d in direct):.0f} req/s), through HAProxy "
              f"{statistics.median(p[1] for p in proxied):.3f} ms ({statistics.median(p[0] for p in proxied):.0f} "
              f"req/s): the proxy adds {added * 1000:.0f} us per request (median latency)")
    finally:
        for setup in setups.values():
            setup.stop()
        print(machine.describe())


if __name__ == "__main__":
    main()
