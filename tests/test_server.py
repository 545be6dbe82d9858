"""The real thing: `python -m sandbox serve` on a loopback port (gunicorn), as a developer or CI starts it."""

import json
import os
import subprocess
import sys
import time

import pytest
import requests

from helpers import HARBOR_DOWNTOWN, PARTNER, Receiver, free_port, served_sandbox


@pytest.fixture(scope="module")
def served(server):
    with served_sandbox(server=server) as (base, banner):
        yield base, banner


def test_banner_names_the_url_and_the_credentials(served):
    base, banner = served
    assert f"ready at {base}" in banner
    assert f"clientId={PARTNER['clientId']}" in banner and f"clientSecret={PARTNER['clientSecret']}" in banner


def test_curl_walk_through(served):
    base, _ = served
    assert requests.get(f"{base}/_sandbox/health", timeout=5).json()["status"] == "ok"
    login = requests.post(f"{base}/authentication/v1/authentication/login", timeout=5,
                          json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                                "userAccessType": "TOAST_MACHINE_CLIENT"})
    token = login.json()["token"]["accessToken"]
    listed = requests.get(f"{base}/partners/v1/restaurants", headers={"Authorization": f"Bearer {token}"},
                          timeout=5)
    assert listed.status_code == 200 and HARBOR_DOWNTOWN in {r["restaurantGuid"] for r in listed.json()}
    one = requests.get(f"{base}/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", timeout=5,
                       headers={"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN})
    assert one.status_code == 200 and one.json()["general"]["name"] == "Harbor Grill"


def test_trigger_command_and_background_delivery(served):
    base, _ = served
    receiver = Receiver()
    try:
        requests.post(f"{base}/_sandbox/webhooks/subscriptions", timeout=5,
                      json={"provider": "toast", "eventCategory": "menus", "url": receiver.url})
        result = subprocess.run([sys.executable, "-m", "sandbox", "trigger", "menus_updated", "--url", base],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["event"] == "menus_updated"
        assert receiver.arrived.wait(10), "the delivery worker did not send the event"
        assert receiver.requests[0]["headers"]["Toast-Event-Type"] == "menus_updated"
    finally:
        receiver.stop()


def test_trigger_command_reports_an_unreachable_sandbox():
    result = subprocess.run([sys.executable, "-m", "sandbox", "trigger", "menus_updated", "--url",
                             f"http://127.0.0.1:{free_port()}"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "cannot reach" in result.stderr


def test_bad_settings_stop_the_start_with_a_clear_message():
    result = subprocess.run([sys.executable, "-m", "sandbox", "serve", "--start-time", "soon"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "start_time" in result.stderr and "Traceback" not in result.stderr


def test_the_getting_started_walk_through_answers_what_it_says(served):
    """docs/getting-started.md's walk-through (tests/test_docs.py runs every example; this checks its answers)."""
    base, _ = served
    page = open(os.path.join(os.path.dirname(__file__), "..", "docs", "getting-started.md"), encoding="utf-8").read()
    block = page.split("## A walk-through with curl", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    script = "set -euo pipefail\n" + block.replace("BASE=http://localhost:8080", f"BASE={base}")
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert '"restaurantGuid":"6301bbfc-a0c5-454e-8ff9-bb510944fe0c"' in out
    assert '"name":"Harbor Grill"' in out
    assert "HTTP/1.1 200" in out and 'rel="first"' in out
    assert '"items":[{"id":"ord_' in out


def _token_headers(base):
    login = requests.post(f"{base}/authentication/v1/authentication/login", timeout=5,
                          json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                                "userAccessType": "TOAST_MACHINE_CLIENT"})
    return {"Authorization": f"Bearer {login.json()['token']['accessToken']}",
            "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True, timeout=30)


def test_scenario_commands_against_a_running_sandbox(served):
    base, _ = served
    headers = _token_headers(base)
    url = f"{base}/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}"
    switched = _cli("scenario", "on", "toast-outage", "--times", "2", "--url", base)
    assert switched.returncode == 0, switched.stderr
    rule_id = json.loads(switched.stdout)["ids"][0]
    listed = json.loads(_cli("scenario", "list", "--url", base).stdout)
    assert [r["id"] for r in listed["active"]] == [rule_id]
    assert [requests.get(url, headers=headers, timeout=5).status_code for _ in range(3)] == [503, 503, 200]
    _cli("scenario", "on", "toast-outage", "--url", base)
    assert requests.get(url, headers=headers, timeout=5).status_code == 503
    assert _cli("scenario", "off", "--all", "--url", base).returncode == 0
    assert requests.get(url, headers=headers, timeout=5).status_code == 200
    assert _cli("scenario", "off", "sc-404", "--url", base).returncode == 1
    assert _cli("scenario", "on", "no-such-preset", "--url", base).returncode == 1


def _fault(base, fault):
    response = requests.post(f"{base}/_sandbox/scenarios", timeout=5,
                             json={"match": {"api": "restaurants"}, "times": 1, "fault": fault})
    assert response.status_code == 201, response.text


def test_dropped_connection_as_a_client_sees_it(served, server):
    base, _ = served
    headers = _token_headers(base)
    _fault(base, {"drop": True})
    # gunicorn closes without a byte; granian, which lends the app no socket, sends the status line and headers
    # of a 502, then closes before its one-byte body: either way the client's call fails on the connection.
    failure = requests.exceptions.ConnectionError if server == "gunicorn" else requests.exceptions.ChunkedEncodingError
    with pytest.raises(failure):
        requests.get(f"{base}/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", headers=headers, timeout=5)
    assert requests.get(f"{base}/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", headers=headers,
                        timeout=5).status_code == 200


def test_truncated_body_as_a_client_sees_it(served):
    base, _ = served
    headers = _token_headers(base)
    _fault(base, {"truncate": True})
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
        requests.get(f"{base}/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", headers=headers, timeout=5).json()


def test_hang_until_the_client_times_out(served):
    base, _ = served
    headers = _token_headers(base)
    _fault(base, {"hang": 30})
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{base}/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", headers=headers, timeout=0.5)
    assert time.monotonic() - started < 5
    # Switching scenarios off ends the hang at once; the sandbox keeps answering.
    requests.delete(f"{base}/_sandbox/scenarios", timeout=5)
    assert requests.get(f"{base}/_sandbox/health", timeout=5).status_code == 200


def test_scenario_flag_at_start(server):
    with served_sandbox("--history-days", "0", "--scenario", "toast-outage", server=server) as (base, _):
        answer = requests.get(f"{base}/partners/v1/restaurants", timeout=5)
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "30"
        assert requests.get(f"{base}/_sandbox/health", timeout=5).status_code == 200


ADMIN_TOKEN = "cli-admin-token-7"


@pytest.fixture(scope="module")
def guarded(server):
    with served_sandbox("--admin-token", ADMIN_TOKEN, "--quiet", "--history-days", "0", server=server) as served:
        yield served


def test_quiet_banner_and_the_cli_with_an_admin_token(guarded):
    base, banner = guarded
    assert f"ready at {base}" in banner and PARTNER["clientSecret"] not in banner
    assert requests.get(f"{base}/_sandbox/clock", timeout=5).status_code == 401
    assert requests.get(f"{base}/_sandbox/health", timeout=5).status_code == 200      # probes send no token
    assert _cli("scenario", "list", "--url", base).returncode == 1
    listed = _cli("scenario", "list", "--url", base, "--admin-token", ADMIN_TOKEN)
    assert listed.returncode == 0 and json.loads(listed.stdout)["active"] == []
    from_env = subprocess.run([sys.executable, "-m", "sandbox", "trigger", "menus_updated", "--url", base],
                              capture_output=True, text=True, timeout=30,
                              env={**os.environ, "SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN})
    assert from_env.returncode == 0, from_env.stdout + from_env.stderr
    assert json.loads(from_env.stdout)["event"] == "menus_updated"


def test_headers_over_the_servers_defaults_answer_in_the_provider_shape(guarded, server):
    base, _ = guarded
    headers = {**_token_headers(base), "X-Padding": "a" * 10000}
    fine = requests.get(f"{base}/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", headers=headers, timeout=5)
    assert fine.status_code == 200
    headers["X-Padding"] = "a" * 20000
    refused = requests.get(f"{base}/restaurants/v1/restaurants/{HARBOR_DOWNTOWN}", headers=headers, timeout=5)
    assert refused.status_code == 431 and refused.json()["status"] == 431
    many = {f"X-Field-{n}": "v" for n in range(150)}
    answer = requests.get(f"{base}/api/orders", headers=many, timeout=5)
    if server == "gunicorn":
        assert answer.json()["error"].startswith("Missing API key")
    else:       # granian's HTTP parser takes at most 100 header fields: a 431 with no body, before the app
        assert answer.status_code == 431 and answer.content == b""
    assert requests.get(f"{base}/api/orders?q=" + "a" * 7000, timeout=5).status_code == 401
    long_url = requests.get(f"{base}/api/orders?q=" + "a" * 8100, timeout=5)
    assert long_url.status_code == 414 and set(long_url.json()) == {"error", "details"}


def test_chunked_body_over_the_limit_is_413_under_gunicorn(guarded):
    base, _ = guarded
    chunks = (b'{"a": "' + b"x" * 1_000_000 + b'"}' for _ in range(10))
    answer = requests.post(f"{base}/_sandbox/clock", data=chunks, timeout=30,
                           headers={"Content-Type": "application/json", "X-Sandbox-Token": ADMIN_TOKEN})
    assert answer.status_code == 413 and "larger than" in answer.json()["error"]
