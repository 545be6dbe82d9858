"""What the pytest kit costs a suite: the per-test overhead of the `pos_sandbox` fixture (a fresh world with 30
days of history, made and dropped for each test) beyond the test's own requests, and the start and stop of a
served sandbox (`run_sandbox`, once per session).

Usage: python bench/kit.py [tests] [repeats]"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

import machine
from sandbox.testing import run_sandbox

SUITE = '''
import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_with_a_world(pos_sandbox, n):
    pass

@pytest.mark.parametrize("n", range({tests}))
def test_without(n):
    pass
'''


def _pytest_seconds(folder, selection):
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", selection, folder],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main():
    tests = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print("machine:", machine.describe())
    starts, stops = [], []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        with run_sandbox() as sandbox:
            starts.append(time.perf_counter() - started)
            sandbox.health()
            stopping = time.perf_counter()
        stops.append(time.perf_counter() - stopping)
    # The first start builds the seeded template (once per process); later ones reuse it.
    print(f"run_sandbox start: first {starts[0] * 1000:.0f} ms, then median {statistics.median(starts[1:]) * 1000:.1f} ms;"
          f" stop: median {statistics.median(stops) * 1000:.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "test_overhead.py"), "w") as handle:
            handle.write(SUITE.format(tests=tests))
        with open(os.path.join(folder, "pytest.ini"), "w") as handle:
            handle.write("[pytest]\n")
        overheads = []
        for _ in range(repeats):
            # Interleaved, the one that could flatter the result (without) measured second.
            with_world = _pytest_seconds(folder, "with_a_world")
            without = _pytest_seconds(folder, "without")
            overheads.append((with_world - without) / tests)
    print(f"pos_sandbox fixture, per test beyond the test itself: median {statistics.median(overheads) * 1000:.1f} ms "
          f"({tests} tests x {repeats} runs; includes the session's one sandbox start spread over them)")


if __name__ == "__main__":
    main()
