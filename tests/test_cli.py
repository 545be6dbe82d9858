"""The command line as a user meets it: each mistake gets one clear line and exit 2 (1 when the sandbox refused a
control call), never a traceback; the served sandbox announces what a user needs."""

import argparse
import socket
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from serving import Served, free_port, run
from sandbox.cli import build_parser
from sandbox.control.home import package_version


def _one_line_error(result, code=2):
    """The command failed with `code` and said why in a single stderr line, without a traceback."""
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("pos-sandbox")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def served(server):
    sandbox = Served("--frozen", "--start-time", "2026-11-02T17:30:00Z", server=server)
    yield sandbox
    sandbox.stop()


def test_a_port_in_use_is_named_with_the_flag_to_change_it():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_line_error(run("serve", "--port", str(port), "--history-days", "0", timeout=20))
    assert line == f"pos-sandbox: port {port} on 127.0.0.1 is already in use; pick another with --port"


def test_malformed_config_yaml_names_the_line(tmp_path):
    config = tmp_path / "sandbox.yaml"
    config.write_text("port: 9000\nseed: [1\nthreads: 2\n")
    line = _one_line_error(run("seed", "--config", str(config)))
    assert f"config file {config}: not valid YAML at line 3" in line and "opened at line 2" in line


def test_unknown_setting_in_the_config_file_suggests_the_closest(tmp_path):
    config = tmp_path / "sandbox.yaml"
    config.write_text("seeed: 3\n")
    line = _one_line_error(run("seed", "--config", str(config)))
    assert line == f"pos-sandbox: unknown setting 'seeed' in {config}; did you mean 'seed'?"


def test_unknown_environment_setting_suggests_the_closest():
    line = _one_line_error(run("seed", env={"SANDBOX_HISTORY_DAY": "0"}))
    assert line == "pos-sandbox: unknown setting SANDBOX_HISTORY_DAY; did you mean SANDBOX_HISTORY_DAYS?"


def test_a_bad_seed_in_the_environment_names_the_variable():
    line = _one_line_error(run("seed", env={"SANDBOX_SEED": "abc"}))
    assert line == "pos-sandbox: invalid configuration: SANDBOX_SEED='abc': Not a valid integer."


def test_a_certificate_without_its_key_is_refused():
    line = _one_line_error(run("serve", "--cert", "cert.pem", "--port", str(free_port())))
    assert "--cert and --key" in line


def test_times_zero_is_refused_not_taken_as_unlimited():
    result = run("scenario", "on", "toast-outage", "--times", "0")
    assert result.returncode == 2 and "--times: 0 is not allowed" in result.stderr


def test_url_without_scheme_gets_a_plain_message():
    result = run("scenario", "list", "--url", "localhost:8080")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'localhost:8080' is not an http(s) URL; write it with its scheme, e.g. http://localhost:8080" \
        in result.stderr


def test_trigger_typo_lists_the_candidates():
    result = run("trigger", "menu_updated", "--url", "http://127.0.0.1:1")
    assert result.returncode == 2
    assert "no event 'menu_updated'; did you mean menus_updated" in result.stderr


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"pos-sandbox {package_version()}"


def _every_argument(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _every_argument(sub)
        else:
            yield parser.prog, action


def test_every_argument_has_help_text():
    missing = [f"{prog} {action.dest}" for prog, action in _every_argument(build_parser()) if not action.help]
    assert missing == []
    assert "--log-format" in run("serve", "--help").stdout


def test_banner_prints_the_console_and_the_restaurants(served):
    assert f"console  {served.url}/_sandbox/console" in served.banner
    assert "restaurant 6301bbfc-a0c5-454e-8ff9-bb510944fe0c  Harbor Grill (Downtown)" in served.banner
    assert "restaurant 3a124c64-7e02-4f05-b7c1-dce27f7695f5  Mesa Kitchen (Mission)" in served.banner


def test_frozen_flag_freezes_the_clock(served):
    clock = requests.get(f"{served.url}/_sandbox/clock", timeout=5).json()
    assert clock == {"now": "2026-11-02T17:30:00.000Z", "epochMillis": 1793640600000, "frozen": True}


def test_home_page_points_to_the_console_the_control_api_and_the_docs(served):
    home = requests.get(f"{served.url}/", timeout=5).json()
    assert home["console"] == "/_sandbox/console" and home["control"] == "/_sandbox"
    assert requests.get(served.url + home["console"], timeout=5).headers["Content-Type"].startswith("text/html")
    specs = requests.get(served.url + home["specs"], timeout=5).json()
    orders = next(s for s in specs if s["name"] == "toast-orders-v2.yaml")
    assert orders["basePath"] == "/orders/v2"
    assert requests.get(served.url + orders["url"], timeout=5).text.startswith("openapi: 3.1.0")
    assert requests.get(served.url + home["controlSpec"], timeout=5).status_code == 200


def test_scenario_off_all_says_what_it_did(served):
    assert run("scenario", "on", "rate-limit-storm", "--url", served.url).returncode == 0
    active = [r["id"] for r in requests.get(f"{served.url}/_sandbox/scenarios", timeout=5).json()["active"]]
    result = run("scenario", "off", "--all", "--url", served.url)
    assert result.returncode == 0
    assert result.stdout.strip() == f"switched off {len(active)} rule{'s' * (len(active) != 1)}: {', '.join(active)}"
    assert requests.get(f"{served.url}/_sandbox/scenarios", timeout=5).json()["active"] == []
    assert run("scenario", "off", "--all", "--url", served.url).stdout.strip() == "switched off 0 rules"


def test_scenario_times_one_fires_once(served):
    assert run("scenario", "on", "toast-outage", "--times", "1", "--url", served.url).returncode == 0
    statuses = [requests.get(f"{served.url}/partners/v1/restaurants", timeout=5).status_code for _ in range(2)]
    assert statuses == [503, 401]
    run("scenario", "off", "--all", "--url", served.url)


def test_control_api_errors_print_as_one_line(served):
    line = _one_line_error(run("scenario", "on", "no-such-preset", "--url", served.url), code=1)
    assert line.startswith("pos-sandbox: POST /scenarios answered 404: No scenario preset no-such-preset; presets: ")
    line = _one_line_error(run("scenario", "off", "sc-404", "--url", served.url), code=1)
    assert line == "pos-sandbox: DELETE /scenarios/sc-404 answered 404: No active scenario sc-404"


def test_a_url_that_is_not_a_sandbox_says_so(tmp_path):
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as other:
        threading.Thread(target=other.serve_forever, daemon=True).start()
        line = _one_line_error(run("scenario", "list", "--url", f"http://127.0.0.1:{other.server_port}"))
        other.shutdown()
    assert line.endswith("answered 404 text/html;charset=utf-8, not the sandbox's control API: is --url right?")
