"""Time from launching `python -m sandbox serve` to the first successful health check (default world).

Usage: python bench/startup.py [runs]"""

import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import machine


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def once():
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "serve", "--port", str(port)],
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
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    times = [once() for _ in range(runs)]
    print(f"ready after: median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s "
          f"({runs} runs)")


if __name__ == "__main__":
    main()
