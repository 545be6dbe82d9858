"""Where a request's time goes, served and in-process, for one of bench/peers.py's operations.

Served: `python -m sandbox serve --server S` (rate limits off, 8 threads) under wrk load while py-spy samples the
worker, only when a thread holds the GIL (the one core the process can use); samples are summed by layer: the HTTP
server's Python code (granian's is a thin shim over Rust, which py-spy does not see), Flask and werkzeug, the
sandbox's pipeline (sandbox/core) and its handlers (the providers), and the rest. In-process: cProfile
of the same request through the Flask app, the sandbox's own functions by cumulative time.

Usage: python bench/hot_path.py ["GET /orders/{guid}" | "POST /orders (small)" | ...] [seconds, default 10]
       [granian (default) | gunicorn]
Needs wrk, and py-spy (pip install py-spy) for the served profile."""

import collections
import cProfile
import io
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import machine
import peers

LAYERS = (("HTTP server (Python side)", ("gunicorn/", "granian/")), ("Flask and werkzeug", ("flask/", "werkzeug/")),
          ("sandbox pipeline", "sandbox/core/"), ("sandbox handlers", "sandbox/"))


def _layer(frames):
    """The innermost layer a sample's stack reaches (stdlib frames count for the layer that called them)."""
    found = "other"
    for frame in frames:
        for name, marks in LAYERS:
            if any(mark in frame for mark in (marks if isinstance(marks, tuple) else (marks,))):
                found = name
                break
    return found


# A frame every request thread's stack holds, per server (the rest is the server's own loop and bookkeeping).
REQUEST_FRAME = {"gunicorn": "gthread.py", "granian": "granian/wsgi.py"}


def served(operation_name, seconds, folder, server):
    port = peers._free_port()
    base = f"http://127.0.0.1:{port}"
    process, _ = peers._start([sys.executable, "-m", "sandbox", "serve", "--server", server, "--port", str(port),
                               "--threads",
                               str(peers.THREADS)], {"SANDBOX_RATE_LIMITS": "false"}, base, "/_sandbox/health")
    try:
        operation = next(o for o in peers._operations(base) if o.name == operation_name)
        script = operation.script(folder, server)
        worker = max(peers._tree(process.pid))           # the worker is the master's child on either server
        load = subprocess.Popen(["wrk", "-t2", f"-c{peers.CONNECTIONS}", f"-d{seconds + 4}s", "-s", str(script),
                                 base + operation.path], stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        raw = folder / "samples.txt"
        subprocess.run(["py-spy", "record", "--gil", "--nonblocking", "-r", "200", "-d", str(seconds), "-f", "raw",
                        "-o", str(raw), "-p", str(worker)], capture_output=True, check=True)
        rate = load.communicate()[0].split("Requests/sec:")[1].split()[0]
    finally:
        peers._stop(process)
    layers, frames, total = collections.Counter(), collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        stack_frames = stack.split(";")
        if not any(REQUEST_FRAME[server] in frame for frame in stack_frames):
            continue                                     # the server's loop and idle bookkeeping
        total += int(count)
        layers[_layer(stack_frames)] += int(count)
        for frame in set(stack_frames):
            if "sandbox/" in frame:
                frames[frame] += int(count)
    print(f"\nserved on {server}, {operation_name}: {rate} req/s under load; {total} samples with the GIL held by a "
          "request thread")
    for name, count in layers.most_common():
        print(f"  {count / total:6.1%}  {name}")
    print("  sandbox frames (inclusive):")
    for frame, count in frames.most_common(12):
        print(f"  {count / total:6.1%}  {frame}")


def in_process(operation_name, count=3000):
    from werkzeug.test import EnvironBuilder

    from sandbox.app import create_app
    app = create_app({"rate_limits": False})
    client = app.test_client()

    def call(_base, method, path, headers=None, body=None):
        answer = client.open(path, method=method, headers=headers or {}, json=body)
        return answer.status_code, answer.data
    operation = next(o for o in peers._operations("", call) if o.name == operation_name)
    data = json.dumps(operation.body).encode() if operation.body is not None else None
    environ = EnvironBuilder(path=operation.path.split("?")[0], query_string=operation.path.partition("?")[2],
                             method=operation.method, headers=operation.headers, data=data,
                             content_type="application/json" if data else None).get_environ()

    def once():
        fresh = dict(environ, **({"wsgi.input": io.BytesIO(data)} if data else {}))
        b"".join(app(fresh, lambda *args: None))
    for _ in range(300):
        once()
    began = time.perf_counter()
    for _ in range(count):
        once()
    per = (time.perf_counter() - began) / count * 1e6
    profile = cProfile.Profile()
    profile.runcall(lambda: [once() for _ in range(count)])
    print(f"\nin-process, {operation_name}: {per:.0f} us per request without the profiler; by cumulative time:")
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(r"sandbox/", 20)


def main():
    print("machine:", machine.describe())
    operation_name = sys.argv[1] if len(sys.argv) > 1 else "GET /orders/{guid}"
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    server = sys.argv[3] if len(sys.argv) > 3 else "granian"
    folder = Path(tempfile.mkdtemp(prefix="profile-"))
    try:
        if shutil.which("wrk") and shutil.which("py-spy"):
            served(operation_name, seconds, folder, server)
        else:
            print("wrk or py-spy is not installed: the served profile is skipped")
        in_process(operation_name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
