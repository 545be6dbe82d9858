"""The QA web console in a real (headless Chromium) browser: switch a preset on and off, watch requests and
webhook deliveries, replay one, move the clock."""

import shutil
from contextlib import contextmanager

import pytest
import requests

from helpers import Receiver
from sandbox.app import create_app
from sandbox.testing import TEST_SETTINGS, LiveSandbox

CHROMIUM = shutil.which("chromium")


@contextmanager
def _browse(app, path):
    """A headless Chromium tab on `path` of the app served on a loopback port (`tab.live` is the server)."""
    from playwright.sync_api import sync_playwright
    assert CHROMIUM, "the console tests need Debian's chromium: `bash .ci/run` installs it (apt-get install chromium)"
    with LiveSandbox(app) as live, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        tab = browser.new_page()
        tab.goto(f"{live.url}{path}")
        tab.live = live
        yield tab
        browser.close()


@pytest.fixture
def page(pos_sandbox_app):
    with _browse(pos_sandbox_app, "/_sandbox/console") as tab:
        yield tab


def test_console_switches_presets_and_shows_what_happens(page):
    base = page.live.url
    page.click("button[data-preset='toast-outage']")
    page.wait_for_selector("#rules button[data-off]")
    assert requests.post(f"{base}/authentication/v1/authentication/login", json={}, timeout=5).status_code == 503
    page.wait_for_selector("#requests td:text('503')", timeout=5000)
    page.click("#all-off")
    page.wait_for_selector("#rules button[data-off]", state="detached")
    assert requests.get(f"{base}/_sandbox/scenarios", timeout=5).json()["active"] == []


def test_console_moves_the_clock(page):
    before = page.inner_text("#clock")
    page.click("button[data-advance='3600']")
    page.wait_for_function(f"document.getElementById('clock').textContent !== {before!r}")
    assert requests.get(f"{page.live.url}/_sandbox/clock", timeout=5).json()["now"] == "2026-11-02T18:30:00.000Z"


def test_console_lists_deliveries_and_replays_one(page):
    base = page.live.url
    receiver = Receiver()
    try:
        requests.post(f"{base}/_sandbox/webhooks/subscriptions", timeout=5,
                      json={"provider": "toast", "eventCategory": "menus", "url": receiver.url})
        requests.post(f"{base}/_sandbox/trigger", json={"event": "menus_updated"}, timeout=5)
        assert receiver.arrived.wait(5)
        page.wait_for_selector("#events td.Success", timeout=5000)
        receiver.arrived.clear()
        page.click("#events button[data-replay]")
        assert receiver.arrived.wait(5) and len(receiver.requests) == 2
        page.wait_for_function("document.querySelectorAll('#events td.Success').length === 2", timeout=5000)
    finally:
        receiver.stop()


def test_console_with_an_admin_token():
    """With a token set, the console opens with `?token=` and drives the control API with it."""
    app = create_app({**TEST_SETTINGS, "history_days": 0, "admin_token": "console-token-1"})
    with _browse(app, "/_sandbox/console?token=console-token-1") as tab:
        headers = tab.live.control_headers
        tab.click("button[data-preset='toast-outage']")
        tab.wait_for_selector("#rules button[data-off]")
        assert requests.get(f"{tab.live.url}/_sandbox/scenarios", headers=headers, timeout=5).json()["active"]
        assert requests.get(f"{tab.live.url}/_sandbox/scenarios", timeout=5).status_code == 401
        tab.reload()
        tab.click("#all-off")
        tab.wait_for_selector("#rules button[data-off]", state="detached")
        assert tab.inner_text("#message") == ""
