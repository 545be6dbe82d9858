"""Take the console screenshots of docs/qa/console.md (docs/console-*.png) from a live sandbox with a little traffic.

Run from the repository root: `python docs/screenshots.py` (needs Debian's chromium and playwright)."""

import os
import sys

import requests
from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from helpers import LOGIN, PARTNER, Receiver  # noqa: E402
from sandbox.app import create_app  # noqa: E402
from sandbox.testing import TEST_SETTINGS, LiveSandbox  # noqa: E402

FOLDER = os.path.dirname(os.path.abspath(__file__))
PANELS = ("credentials", "restaurants", "webhooks", "requests", "scenarios", "world")


def _traffic(url, receiver):
    """Enough happening for every panel to show something."""
    control = f"{url}/_sandbox"
    requests.post(f"{control}/webhooks/subscriptions", timeout=5,
                  json={"provider": "toast", "eventCategory": "menus", "url": receiver.url})
    requests.post(f"{control}/trigger", json={"event": "menus_updated"}, timeout=5)
    requests.post(f"{control}/scenarios", json={"preset": "toast-outage", "times": 3}, timeout=5)
    requests.post(url + LOGIN, json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                                     "userAccessType": "TOAST_MACHINE_CLIENT"}, timeout=5)
    requests.delete(f"{control}/scenarios", timeout=5)
    token = requests.post(url + LOGIN, timeout=5, json={
        "clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
        "userAccessType": "TOAST_MACHINE_CLIENT"}).json()["token"]["accessToken"]
    requests.get(f"{url}/partners/v1/restaurants", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    requests.post(f"{control}/scenarios", json={"preset": "slow-network"}, timeout=5)
    requests.post(f"{control}/snapshots", timeout=5)


def main():
    receiver = Receiver()
    with LiveSandbox(create_app({**TEST_SETTINGS, "history_days": 0})) as live, sync_playwright() as playwright:
        _traffic(live.url, receiver)
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for width, suffix in ((1280, ""), (360, "-360")):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(f"{live.url}/_sandbox/console")
            page.wait_for_selector("#clock:not(:text('…'))")
            for panel in PANELS if not suffix else ("webhooks",):
                page.click(f"nav button[data-panel={panel}]")
                if panel == "webhooks":
                    page.click("#subscription-rows button.link")
                    page.wait_for_selector("#event-rows td.Success")
                if panel == "requests":
                    page.click("#request-rows button.link >> nth=1")
                page.wait_for_timeout(300)
                page.screenshot(path=os.path.join(FOLDER, f"console-{panel}{suffix}.png"), full_page=True)
            page.close()
        browser.close()
    receiver.stop()


if __name__ == "__main__":
    main()
