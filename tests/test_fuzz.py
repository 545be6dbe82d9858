"""A bounded fuzz run in the suite (the long one is `python bench/fuzz.py`): requests over every operation of
every spec with the world's real references and stateful order flows, a tenth of them hostile. No answer may be a
500, leave our specs or carry a stack trace, and most writes must get past validation into the logic."""

from fuzz_run import Fuzzer, dumps
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS

REQUESTS = 3000


def test_fuzzing_reaches_the_logic_and_never_breaks():
    fuzzer = Fuzzer(create_app({**TEST_SETTINGS, "history_days": 1}), seed=11)
    fuzzer.run(REQUESTS)
    summary = fuzzer.summary()
    assert summary["failures"] == 0 and summary["traces"] == 0, dumps(summary)
    assert summary["operations"] == summary["of"], dumps(summary)
    assert summary["writes_2xx"] >= summary["writes"] / 2, dumps(summary)
    assert summary["hostile"] >= REQUESTS // 20, dumps(summary)
