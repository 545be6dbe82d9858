"""The long fuzz run: requests over every operation of every spec with the world's real references and stateful
order flows (a tenth of them hostile), in-process against a strict sandbox with a day of history. Prints the tally;
exits 1 on any 500, answer outside our specs or stack trace, or when fewer than half the writes answer 2xx.

Usage: python bench/fuzz.py [REQUESTS] [SEED ...]      (default: 12000 requests, seeds 1 2 3)"""

import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]      # this checkout's sandbox, and the fuzzer beside the tests

from fuzz_run import Fuzzer, dumps  # noqa: E402 - the fuzzer lives with the tests it also serves
import machine
from sandbox.app import create_app  # noqa: E402
from sandbox.testing import TEST_SETTINGS  # noqa: E402


def main(argv):
    print("machine:", machine.describe())
    requests = int(argv[0]) if argv else 12000
    seeds = [int(s) for s in argv[1:]] or [1, 2, 3]
    failed = False
    for seed in seeds:
        fuzzer = Fuzzer(create_app({**TEST_SETTINGS, "history_days": 1}), seed=seed)
        started = time.perf_counter()
        fuzzer.run(requests)
        summary = fuzzer.summary()
        summary["seconds"] = round(time.perf_counter() - started, 1)
        print(f"seed {seed}: {dumps(summary)}", flush=True)
        failed |= bool(summary["failures"] or summary["traces"] or summary["writes_2xx"] * 2 < summary["writes"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
