"""The QA web console in a real (headless Debian chromium) browser: every panel's main action and what it changed in
the control API; narrow screens, the keyboard and no other host (it works offline)."""

import re
import shutil

import pytest
import requests
import yaml

from helpers import HARBOR_DOWNTOWN, HARBOR_SEAPORT, LOGIN, MESA, NO_GUEST_DATA, PARTNER, Receiver
from sandbox.testing import LiveSandbox

CHROMIUM = shutil.which("chromium")
CONTROL_SPEC = "specs/sandbox-control-v1.yaml"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    assert CHROMIUM, "the console tests need Debian's chromium: `bash .ci/run` installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield launched
        launched.close()


@pytest.fixture
def live(pos_sandbox_app):
    with LiveSandbox(pos_sandbox_app) as served:
        yield served


def _open(browser, live, panel, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    tab = context.new_page()
    tab.hosts = set()
    tab.on("request", lambda r: tab.hosts.add(re.match(r"^\w+://[^/]+", r.url).group(0)))
    tab.goto(f"{live.url}/_sandbox/console" + (f"#{panel}" if panel else ""))
    tab.wait_for_selector("#clock:not(:text('…'))")
    return tab


@pytest.fixture
def page(browser, live):
    def opened(panel, width=1280):
        return _open(browser, live, panel, width)
    return opened


def _api(live, method, path, world="default", **kwargs):
    return requests.request(method, f"{live.url}/_sandbox{path}", headers={"X-Sandbox-World": world}, timeout=5,
                            **kwargs)


def test_credentials_copy_and_rotate_with_the_typed_confirmation(page, live):
    """Portal (seed 004): Copy buttons; Rotate opens a dialog where typing ROTATE SECRET enables Continue."""
    tab = page("credentials")
    card = tab.locator(f".card[data-client='{PARTNER['clientId']}']")
    card.get_by_role("button", name="Copy clientSecret").click()
    assert tab.evaluate("navigator.clipboard.readText()") == PARTNER["clientSecret"]
    assert "orders.channel:void" in card.locator("ul.chips").inner_text()
    card.get_by_role("button", name="Rotate").click()
    words = card.get_by_label("Type ROTATE SECRET to confirm")
    words.fill("rotate")
    assert card.get_by_role("button", name="Continue").is_disabled()
    words.fill("ROTATE SECRET")
    card.get_by_role("button", name="Continue").click()
    tab.wait_for_selector("#message:has-text('rotated')")
    clients = _api(live, "GET", "/credentials").json()["toast"]["clients"]
    rotated = next(c for c in clients if c["clientId"] == PARTNER["clientId"])["clientSecret"]
    assert rotated != PARTNER["clientSecret"] and rotated in card.inner_text()


def test_each_client_shows_its_personal_data_scopes(page):
    """Issue 22: the console shows which clients may read guests' data (guest.pi:read, delivery_info.address:read)."""
    tab = page("credentials")
    everything = tab.locator(f".card[data-client='{PARTNER['clientId']}'] ul.chips").inner_text()
    assert "guest.pi:read" in everything and "delivery_info.address:read" in everything
    without = tab.locator(f".card[data-client='{NO_GUEST_DATA['clientId']}'] ul.chips").inner_text()
    assert "orders:read" in without and "guest.pi:read" not in without and "delivery_info.address" not in without


def test_restaurants_search_disconnect_and_connect(page, live):
    tab = page("restaurants")
    tab.fill("#restaurant-search", "mission")
    tab.wait_for_function("document.querySelectorAll('#restaurant-rows tr').length === 1")
    assert tab.locator(f"#restaurant-rows tr[data-restaurant='{MESA}']").is_visible()
    tab.fill("#restaurant-search", "")
    tab.locator(f"tr[data-restaurant='{HARBOR_DOWNTOWN}']").get_by_role("button", name="Disconnect").click()
    tab.wait_for_selector(f"tr[data-restaurant='{HARBOR_DOWNTOWN}'] button:text-is('Connect')")
    connected = {(c["clientId"], c["restaurantGuid"]) for c in
                 _api(live, "GET", "/connections/list").json()["connections"]}
    assert (PARTNER["clientId"], HARBOR_DOWNTOWN) not in connected
    tab.locator(f"tr[data-restaurant='{HARBOR_SEAPORT}']").get_by_role("button", name="Connect").click()
    tab.wait_for_selector(f"tr[data-restaurant='{HARBOR_SEAPORT}'] button:text-is('Disconnect')")
    events = [d["eventType"] for d in _api(live, "GET", "/webhooks/events").json()]
    assert events[-2:] == ["partner_removed", "partner_added"]


def test_webhooks_add_trigger_events_replay_pause_and_edit(page, live):
    receiver = Receiver()
    try:
        tab = page("webhooks")
        tab.select_option("#subscription-form select[name=eventCategory]", "menus")
        tab.fill("#subscription-form input[name=url]", receiver.url)
        tab.click("#subscription-save")
        tab.wait_for_selector("#subscription-rows tr[data-subscription]")
        subscription = _api(live, "GET", "/webhooks/subscriptions").json()[0]
        assert (subscription["eventCategory"], subscription["url"]) == ("menus", receiver.url)

        tab.select_option("#trigger-event", "menus_updated")
        tab.click("#trigger-form button[type=submit]")
        assert receiver.arrived.wait(5)
        tab.click(f"#subscription-rows button:text('{subscription['guid']}')")
        tab.wait_for_selector("#event-rows td.Success", timeout=5000)
        original = tab.get_attribute("#event-rows tr[data-delivery]", "data-delivery")
        receiver.arrived.clear()
        tab.click("#event-rows button[data-replay]")
        assert receiver.arrived.wait(5) and len(receiver.requests) == 2
        tab.wait_for_selector(f"#event-rows button[data-original='{original}']", timeout=5000)
        tab.wait_for_function("document.querySelectorAll('#event-rows td.Success').length === 2", timeout=5000)
        tab.click(f"#event-rows button[data-original='{original}']")
        assert "attempt" in tab.inner_text("#event-detail") and original in tab.inner_text("#event-detail")

        row = tab.locator(f"#subscription-rows tr[data-subscription='{subscription['guid']}']")
        row.get_by_role("button", name="Pause").click()
        row.get_by_role("button", name="Restart").wait_for()
        assert _api(live, "GET", f"/webhooks/subscriptions/{subscription['guid']}").json()["status"] == "stopped"
        row.get_by_role("button", name="Restart").click()
        row.get_by_role("button", name="Pause").wait_for()
        row.get_by_role("button", name="Edit").click()
        tab.fill("#subscription-form input[name=url]", receiver.url + "/v2")
        tab.select_option("#subscription-form select[name=signing]", "body")
        tab.click("#subscription-save")
        tab.wait_for_selector("#message:has-text('saved')")
        changed = _api(live, "GET", f"/webhooks/subscriptions/{subscription['guid']}").json()
        assert (changed["url"], changed["signing"], changed["status"]) == (receiver.url + "/v2", "body", "active")
    finally:
        receiver.stop()


def test_opening_a_panel_shows_changes_made_through_the_api(page, live):
    tab = page("webhooks")
    _api(live, "POST", "/webhooks/subscriptions",
         json={"provider": "toast", "eventCategory": "stock", "url": "http://127.0.0.1:9/stock"})
    tab.click("nav button[data-panel=credentials]")
    tab.click("nav button[data-panel=webhooks]")
    tab.wait_for_selector("#subscription-rows td:text-is('stock')")


def test_trigger_list_is_the_control_api_s_list(page):
    with open(CONTROL_SPEC, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    enum = spec["paths"]["/trigger"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"][
        "event"]["enum"]
    tab = page("webhooks")
    assert tab.eval_on_selector_all("#trigger-event option", "options => options.map(o => o.value)") == enum


def test_requests_filters_and_detail_with_masked_secrets(page, live):
    tab = page("requests")
    requests.post(live.url + LOGIN, json={"clientId": PARTNER["clientId"], "clientSecret": PARTNER["clientSecret"],
                                          "userAccessType": "TOAST_MACHINE_CLIENT"}, timeout=5)
    requests.get(f"{live.url}/partners/v1/restaurants", headers={"X-Sandbox-Scenario": "toast-outage",
                                                                "Authorization": "Bearer abcdefgh12345678"},
                 timeout=5)
    tab.wait_for_function("document.querySelectorAll('#request-rows tr').length === 2")
    tab.fill("#request-filters input[name=status]", "503")
    tab.wait_for_function("document.querySelectorAll('#request-rows tr').length === 1")
    tab.select_option("#request-filters select[name=provider]", "toster")
    tab.wait_for_function("document.querySelectorAll('#request-rows tr').length === 0")
    tab.select_option("#request-filters select[name=provider]", "toast")
    tab.click("#request-rows button:text('/partners/v1/restaurants')")
    detail = tab.inner_text("#request-detail")
    assert "→ 503" in detail and "Scenario that fired: toast-outage-0" in detail
    assert "Bearer ****5678" in detail and "abcdefgh12345678" not in detail
    tab.fill("#request-filters input[name=status]", "200")
    tab.click("#request-rows button:text('/authentication/v1/authentication/login')")
    detail = tab.inner_text("#request-detail")
    assert PARTNER["clientSecret"] not in detail and '"clientSecret":"****' in detail.replace(" ", "")


def test_scenarios_describe_switch_on_with_times_and_validate_rules(page, live):
    tab = page("scenarios")
    card = tab.locator(".card[data-preset='toast-outage']")
    assert "503" in card.inner_text() and "Retry-After" in card.inner_text()
    card.get_by_label("times for toast-outage").fill("2")
    card.get_by_role("button", name="Switch on").click()
    tab.wait_for_selector("#rule-rows tr[data-rule] td.times-left:text-is('2')")
    assert [r["times"] for r in _api(live, "GET", "/scenarios").json()["active"]] == [2]
    assert card.locator(".preset-state").inner_text() == "on: 1 rule active"
    requests.get(f"{live.url}/partners/v1/restaurants", timeout=5)
    tab.wait_for_selector("#rule-rows tr[data-rule] td.times-left:text-is('1')", timeout=5000)

    tab.fill("#rule-text", '{"match": {"api": "orders"}')
    tab.click("#rule-form button[type=submit]")
    assert tab.inner_text("#rule-error").startswith("Not JSON")
    tab.fill("#rule-text", '{"match": {"api": "orders"}, "fault": {"status": 200}}')
    tab.click("#rule-form button[type=submit]")
    tab.wait_for_selector("#rule-error:has-text('fault')")
    tab.fill("#rule-text", '{"match": {"api": "orders"}, "fault": {"status": 500}, "times": 1}')
    tab.click("#rule-form button[type=submit]")
    tab.wait_for_function("document.querySelectorAll('#rule-rows tr[data-rule]').length === 2")
    assert tab.inner_text("#rule-error") == ""
    tab.click("#all-off")
    tab.wait_for_function("document.querySelectorAll('#rule-rows tr[data-rule]').length === 0")
    assert _api(live, "GET", "/scenarios").json()["active"] == []


def test_world_pick_create_snapshot_restore_and_reset(page, live):
    tab = page("world")
    tab.fill("#world-form input[name=name]", "qa")
    tab.fill("#world-form input[name=seed]", "7")
    tab.click("#world-form button[type=submit]")
    tab.locator("#world-rows tr[data-world='qa']").get_by_role("button", name="Use").click()
    tab.wait_for_selector("#world-rows tr[data-world='qa'] td:text('in use')")
    assert ("qa", 7) in {(w["name"], w["seed"]) for w in _api(live, "GET", "/worlds").json()}
    # The console's calls now carry X-Sandbox-World: qa (webhook subscriptions belong to a world).
    tab.click("#take-snapshot")
    tab.wait_for_selector("#snapshot-rows tr[data-snapshot]")
    tab.click("nav button[data-panel=webhooks]")
    tab.fill("#subscription-form input[name=url]", "http://127.0.0.1:9/hooks")
    tab.click("#subscription-save")
    tab.wait_for_selector("#subscription-rows tr[data-subscription]")
    assert len(_api(live, "GET", "/webhooks/subscriptions", world="qa").json()) == 1
    assert _api(live, "GET", "/webhooks/subscriptions").json() == []
    tab.click("nav button[data-panel=world]")
    tab.click("#snapshot-rows button:text('Restore')")
    tab.wait_for_selector("#message:has-text('restored')")
    assert _api(live, "GET", "/webhooks/subscriptions", world="qa").json() == []
    _api(live, "POST", "/webhooks/subscriptions", world="qa",
         json={"provider": "toast", "eventCategory": "menus", "url": "http://127.0.0.1:9/x"})
    tab.click("#reset-world")
    tab.wait_for_selector("#message:has-text('reset')")
    assert _api(live, "GET", "/webhooks/subscriptions", world="qa").json() == []


def test_clock_freeze_set_and_advance(page, live):
    tab = page("world")
    tab.click("#freeze")
    tab.wait_for_selector("#freeze:text-is('Freeze')")
    assert _api(live, "GET", "/clock").json()["frozen"] is False
    tab.click("#freeze")
    tab.wait_for_selector("#freeze:text-is('Unfreeze')")
    tab.fill("#clock-form input[name=set]", "2026-11-03T09:00:00Z")
    tab.click("#clock-form button[type=submit]")
    tab.wait_for_selector("#clock:text('2026-11-03T09:00:00.000Z (frozen)')")
    tab.click("button[data-advance='3600']")
    tab.wait_for_selector("#clock:text('2026-11-03T10:00:00.000Z')")
    clock = _api(live, "GET", "/clock").json()
    assert (clock["now"], clock["frozen"]) == ("2026-11-03T10:00:00.000Z", True)
    tab.fill("#clock-form input[name=set]", "tomorrow")
    tab.click("#clock-form button[type=submit]")
    tab.wait_for_selector("#message.error")
    assert _api(live, "GET", "/clock").json()["now"] == "2026-11-03T10:00:00.000Z"


@pytest.mark.parametrize("panel", ["credentials", "restaurants", "webhooks", "requests", "scenarios", "world"])
def test_every_panel_fits_a_360_px_screen(page, panel):
    tab = page(panel, width=360)
    assert tab.locator(f"section#{panel}").is_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360


def test_keyboard_reaches_the_panels_and_their_actions(page, live):
    tab = page(None)
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Skip to the panel"
    for _ in range(2):
        tab.keyboard.press("Tab")
    focused = tab.evaluate("document.activeElement.tagName + ' ' + (document.activeElement.dataset.panel || '')")
    assert focused == "BUTTON credentials"
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    tab.wait_for_selector("section#restaurants:visible")
    # The panel is the fragment now: Tab goes on into it, through the search to the row's action.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.id") == "partner-pick"
    tab.keyboard.press("Tab")
    tab.keyboard.type("mission")
    tab.wait_for_function("document.querySelectorAll('#restaurant-rows tr').length === 1")
    tab.keyboard.press("Tab")
    tab.keyboard.press("Enter")
    tab.wait_for_selector(f"tr[data-restaurant='{MESA}'] button:text-is('Connect')")
    connected = {(c["clientId"], c["restaurantGuid"]) for c in
                 _api(live, "GET", "/connections/list").json()["connections"]}
    assert (PARTNER["clientId"], MESA) not in connected


def test_the_console_loads_nothing_from_another_host(page, live):
    tab = page("requests")
    for panel in ("credentials", "restaurants", "webhooks", "scenarios", "world"):
        tab.click(f"nav button[data-panel={panel}]")
    tab.wait_for_timeout(200)
    assert tab.hosts == {live.url}


def test_long_errors_wrap_and_keep_buttons_on_screen(page, live):
    tab = page("scenarios", width=360)
    tab.fill("#rule-text", '{"match": {"path": "' + "x" * 400 + '"}, "fault": {"status": 200}}')
    tab.click("#rule-form button[type=submit]")
    tab.wait_for_selector("#rule-error:has-text('fault')")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    assert tab.locator("#all-off").bounding_box()["x"] + tab.locator("#all-off").bounding_box()["width"] <= 360


@pytest.mark.pos_sandbox(admin_token="console-token-1")
def test_with_an_admin_token_the_console_opens_with_it_and_keeps_it(browser, live):
    """With a token set, the console is opened as `?token=`; every call sends it and a reload keeps it."""
    tab = browser.new_context().new_page()
    tab.goto(f"{live.url}/_sandbox/console?token=console-token-1#scenarios")
    tab.wait_for_selector("#clock:not(:text('…'))")
    card = tab.locator(".card[data-preset='toast-outage']")
    card.get_by_role("button", name="Switch on").click()
    tab.wait_for_selector("#rule-rows tr[data-rule]")
    assert requests.get(f"{live.url}/_sandbox/scenarios", headers=live.control_headers, timeout=5).json()["active"]
    assert requests.get(f"{live.url}/_sandbox/scenarios", timeout=5).status_code == 401
    tab.reload()
    tab.wait_for_selector("#rule-rows tr[data-rule]")
    assert requests.get(f"{live.url}/_sandbox/console", timeout=5).status_code == 401
