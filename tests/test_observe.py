"""The access log and the metrics page of a served sandbox after known traffic (`serve` text and JSON formats)."""

import io
import json
import logging
import re

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from helpers import HARBOR_DOWNTOWN, Receiver
from sandbox.core.observe import BatchedLines
from serving import Served

RESTAURANTS = "/partners/v1/restaurants"


def _traffic(url):
    """3 unauthenticated calls (401), 2 under the outage preset (503), one unknown path (404), one world."""
    for _ in range(3):
        assert requests.get(url + RESTAURANTS, timeout=5).status_code == 401
    for _ in range(2):
        assert requests.get(url + RESTAURANTS, headers={"X-Sandbox-Scenario": "toast-outage"},
                            timeout=5).status_code == 503
    assert requests.get(url + "/orders/v2/nothing-here", timeout=5).status_code == 404
    assert requests.post(url + "/_sandbox/worlds", json={"name": "ci-job-7"}, timeout=5).status_code == 201


def _samples(url):
    text = requests.get(url + "/_sandbox/metrics", timeout=5).text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.fixture(scope="module")
def text_served(server):
    sandbox = Served(server=server)
    yield sandbox
    sandbox.stop()


def test_text_access_lines_after_known_traffic(text_served):
    _traffic(text_served.url)
    text_served.wait_for("POST /_sandbox/worlds 201")
    lines = [line for line in text_served.lines if f" GET {RESTAURANTS} " in line]
    assert len(lines) == 5
    pattern = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z GET /partners/v1/restaurants (\d{3}) "
                         r"[\d.]+ms op=restaurantsGet world=default scenario=(\S+)$")
    parsed = [pattern.match(line).groups() for line in lines]
    assert parsed == [("401", "-")] * 3 + [("503", "toast-outage-0")] * 2
    assert any(" GET /orders/v2/nothing-here 404 " in line and "op=-" in line for line in text_served.lines)


def test_metrics_count_the_known_traffic(text_served):
    samples = _samples(text_served.url)
    toast = (("operation", "restaurantsGet"), ("provider", "toast"))
    assert samples[("sandbox_requests_total", toast + (("status", "401"),))] == 3
    assert samples[("sandbox_requests_total", toast + (("status", "503"),))] == 2
    assert samples[("sandbox_requests_total", (("operation", ""), ("provider", "toast"), ("status", "404")))] == 1
    assert samples[("sandbox_request_duration_seconds_count", (("provider", "toast"),))] == 6
    assert samples[("sandbox_worlds", ())] == 2
    journal = requests.get(text_served.url + "/_sandbox/requests", timeout=5).json()["count"]
    assert samples[("sandbox_journal_entries", ())] == journal == 6


def test_metrics_count_webhook_deliveries_by_outcome(text_served):
    url, receiver = text_served.url, Receiver()
    try:
        requests.post(url + "/_sandbox/webhooks/subscriptions", timeout=5,
                      json={"provider": "toast", "eventCategory": "menus", "url": receiver.url})
        requests.post(url + "/_sandbox/trigger", json={"event": "menus_updated"}, timeout=5)
        requests.post(url + "/_sandbox/trigger", json={"event": "in_stock"}, timeout=5)
        requests.post(url + "/_sandbox/webhooks/flush", timeout=5)
    finally:
        receiver.stop()
    samples = _samples(url)
    outcome = lambda name: samples[("sandbox_webhook_deliveries", (("outcome", name), ("provider", "toast")))]
    assert (outcome("Success"), outcome("Not sent"), outcome("Pending"), outcome("Failure")) == (1, 1, 0, 0)


def test_json_access_lines(server):
    sandbox = Served("--log-format", "json", server=server)
    try:
        requests.get(sandbox.url + RESTAURANTS, headers={"X-Sandbox-World": "default"}, timeout=5)
        sandbox.wait_for('"path":"/partners/v1/restaurants"')
    finally:
        sandbox.stop()
    entry = json.loads(next(line for line in sandbox.lines if RESTAURANTS in line))
    assert set(entry) == {"time", "method", "path", "status", "latencyMs", "operationId", "world", "scenario"}
    assert (entry["method"], entry["status"], entry["operationId"], entry["world"], entry["scenario"]) == \
        ("GET", 401, "restaurantsGet", "default", None)
    assert entry["latencyMs"] > 0


def test_metrics_in_process(client):
    """The same page from the app factory (no server), with the content type Prometheus expects."""
    client.get("/_sandbox/health")
    answer = client.get("/_sandbox/metrics")
    assert answer.status_code == 200 and answer.content_type.startswith("text/plain; version=0.0.4")
    assert 'sandbox_requests_total{operation="getHealth",provider="sandbox",status="200"} 1.0' in answer.text
    assert HARBOR_DOWNTOWN not in answer.text


@pytest.mark.pos_sandbox(admin_token="console-token-42", history_days=0)
def test_the_access_log_masks_the_console_token(pos_sandbox_app, caplog):
    """The console takes the admin token in its address; the access log must not print it (secrets are masked)."""
    with caplog.at_level(logging.INFO, logger="sandbox.access"):
        assert pos_sandbox_app.test_client().get("/_sandbox/console?token=console-token-42&x=1").status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "sandbox.access"]
    assert len(lines) == 1 and "console-token-42" not in lines[0]
    assert "/_sandbox/console?token=%2A%2A%2A%2An-42&x=1" in lines[0]


class _CountingStream(io.StringIO):
    """A stream that counts its writes."""

    def __init__(self):
        super().__init__()
        self.writes = 0

    def write(self, text):
        self.writes += 1
        return super().write(text)


def test_access_lines_wait_for_the_writer_and_go_out_in_one_write():
    """A request thread only queues its line; the writer (a thread when served) writes what gathered at once."""
    stream = _CountingStream()
    lines = BatchedLines(stream)
    for number in range(3):
        lines.append(f"line {number}")
    assert stream.getvalue() == "" and stream.writes == 0
    lines.flush()
    assert stream.getvalue() == "line 0\nline 1\nline 2\n" and stream.writes == 1
    lines.flush()                              # nothing pending: nothing written
    assert stream.writes == 1
