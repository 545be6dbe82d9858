"""The pytest plugin seen from a user's suite (run in a pytest of its own): defaults, markers on a module, a class
and a test, ini and command-line options, misuse, and pytest-xdist workers."""

import pytest

pytest_plugins = ["pytester"]

SUITE = '''
import pytest
import requests

pytestmark = pytest.mark.pos_sandbox(seed=3)


def _world(pos_sandbox):
    return next(w for w in pos_sandbox.call("GET", "/worlds") if w["name"] == pos_sandbox.world)


def test_module_marker_and_defaults(pos_sandbox):
    world = _world(pos_sandbox)
    assert world["seed"] == 3 and world["frozen"] is True and world["rateLimits"] is False
    assert world["historyDays"] == EXPECTED_HISTORY


@pytest.mark.pos_sandbox(start_time="2026-01-05T08:00:00Z")
class TestClassMarker:
    def test_class_marker(self, pos_sandbox):
        assert pos_sandbox.clock.now() == "2026-01-05T08:00:00.000Z" and _world(pos_sandbox)["seed"] == 3

    @pytest.mark.pos_sandbox(seed=9, scenarios=["toast-outage"])
    def test_closest_marker_wins(self, pos_sandbox):
        world = _world(pos_sandbox)
        assert (world["seed"], world["startTime"], world["scenarios"]) == (9, "2026-01-05T08:00:00Z",
                                                                            ["toast-outage"])


def test_worlds_do_not_outlive_their_test(pos_sandbox):
    names = [w["name"] for w in pos_sandbox.call("GET", "/worlds")]
    assert names == ["default", pos_sandbox.world]


def test_the_world_s_base_url_needs_no_header(pos_sandbox):
    assert pos_sandbox.base_url == f"{pos_sandbox.url}/worlds/{pos_sandbox.world}"
    answer = requests.get(f"{pos_sandbox.base_url}/_sandbox/health", timeout=10)
    assert answer.json()["world"] == pos_sandbox.world
'''


def _suite(pytester, expected_history="None"):
    pytester.makepyfile(test_user_suite=SUITE.replace("EXPECTED_HISTORY", expected_history))


def test_markers_and_defaults_in_a_users_suite(pytester):
    _suite(pytester)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=5)


def test_ini_and_command_line_defaults(pytester):
    _suite(pytester, expected_history="2")
    pytester.makeini("[pytest]\npos_sandbox_history_days = 5\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--pos-sandbox-history-days", "2")
    result.assert_outcomes(passed=5)


def test_a_marker_with_an_unknown_setting_is_a_usage_error(pytester):
    pytester.makepyfile('''
import pytest

@pytest.mark.pos_sandbox(sed=3)
def test_typo(pos_sandbox):
    pass

@pytest.mark.pos_sandbox(toster_per_minute=3)
def test_app_wide_setting_on_a_shared_sandbox(pos_sandbox):
    pass
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*unknown settings*sed*", "*toster_per_minute apply to a whole sandbox*"])


def test_each_xdist_worker_has_a_sandbox_of_its_own(pytester):
    pytest.importorskip("xdist")
    pytester.makepyfile(test_parallel='''
import os
import pytest

@pytest.mark.parametrize("n", range(6))
def test_world(pos_sandbox, pos_sandbox_server, n):
    assert os.environ["PYTEST_XDIST_WORKER"] in pos_sandbox.world
    assert pos_sandbox_server.call("GET", "/health")["worlds"] == 2
''')
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2").assert_outcomes(passed=6)
