"""Time from launching `python -m sandbox serve` to the first successful health check (default world), on each HTTP
server, with the per-machine cache of parsed specs cold (a fresh cache folder at every start) and warm.

The package's bytecode is compiled first, as `pip install .` leaves it; `--source` measures a start that compiles
every module of the package from source instead (a checkout run with PYTHONDONTWRITEBYTECODE=1).

Usage: python bench/startup.py [runs] [--source]"""

import compileall
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import machine
import sandbox


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def once(environment, server):
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "serve", "--server", server, "--port", str(port)],
                               env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 30:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.01)
        raise RuntimeError("the sandbox did not become ready within 30 s")
    finally:
        process.terminate()
        process.wait(10)


def main():
    print("machine:", machine.describe())
    arguments = [argument for argument in sys.argv[1:] if argument != "--source"]
    runs = int(arguments[0]) if arguments else 5
    package = os.path.dirname(sandbox.__file__)
    if "--source" in sys.argv:
        for folder, _, _ in os.walk(package):
            shutil.rmtree(os.path.join(folder, "__pycache__"), ignore_errors=True)
        environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        print("the package's modules are compiled from source at every start")
    else:
        compileall.compile_dir(package, quiet=1)
        environment = dict(os.environ)
        print("the package's bytecode is compiled, as an install leaves it")
    with tempfile.TemporaryDirectory() as caches:
        warm = {**environment, "XDG_CACHE_HOME": os.path.join(caches, "warm")}
        once(warm, "granian")
        for server in ("granian", "gunicorn"):
            for label in ("cold", "warm"):
                times = []
                for run in range(runs):
                    cold = {**environment, "XDG_CACHE_HOME": os.path.join(caches, f"{server}-{run}")}
                    times.append(once(cold if label == "cold" else warm, server))
                print(f"{server}, cache {label}: ready after median {statistics.median(times):.3f} s, "
                      f"min {min(times):.3f} s, max {max(times):.3f} s ({runs} runs)")


if __name__ == "__main__":
    main()
