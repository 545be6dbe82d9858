"""The console's Staff panel and the control API behind it: each restaurant's employees, their jobs, who is archived
and who is clocked in now, read from the same store as the Labor API (headless Debian chromium)."""

import shutil

import requests

from helpers import HARBOR_DOWNTOWN, labor, login, toast_headers
from sandbox.testing import LiveSandbox

CHROMIUM = shutil.which("chromium")


def test_staff_feed_agrees_with_the_labor_api(client, partner_token):
    headers = toast_headers(partner_token, HARBOR_DOWNTOWN)
    feed = client.get("/_sandbox/staff").json["restaurants"]
    harbor = next(r for r in feed if r["guid"] == HARBOR_DOWNTOWN)
    employees = {e["guid"]: e for e in labor(client, "GET", "/employees", headers=headers)}
    assert {e["guid"] for e in harbor["staff"]} == set(employees)
    assert {e["guid"] for e in harbor["staff"] if e["archived"]} == {g for g, e in employees.items() if e["deleted"]}
    today = labor(client, "GET", "/timeEntries", query_string={"businessDate": "20261102"}, headers=headers)
    assert {e["guid"] for e in harbor["staff"] if e["clockedInSince"]} == {
        e["employeeReference"]["guid"] for e in today if e["outDate"] is None}


def test_staff_panel_lists_jobs_archived_and_clocked_in(pos_sandbox_app):
    from playwright.sync_api import sync_playwright
    assert CHROMIUM, "the console tests need Debian's chromium (apt-get install chromium)"
    with LiveSandbox(pos_sandbox_app) as live, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            token = login(pos_sandbox_app.test_client())
            created = requests.post(f"{live.url}/labor/v1/employees", timeout=5, headers=toast_headers(token),
                                    json={"firstName": "Console", "lastName": "Checked", "email": "c@example.com"})
            assert created.status_code == 200
            tab = browser.new_page()
            tab.goto(f"{live.url}/_sandbox/console#staff")
            tab.select_option("#staff-restaurant", HARBOR_DOWNTOWN)
            tab.wait_for_selector(f"#staff-rows tr[data-employee='{created.json()['guid']}']")
            rows = tab.locator("#staff-rows tr")
            staff = pos_sandbox_app.extensions["sandbox"].store.get(None).state["toast"].employees[HARBOR_DOWNTOWN]
            assert rows.count() == len(staff)
            assert tab.locator("#staff-rows tr.muted").count() == sum(e.deleted for e in staff.values()) == 2
            assert all("archived" in text for text in tab.locator("#staff-rows tr.muted").all_inner_texts())
            working = tab.locator("#staff-rows tr", has_text="since").count()
            assert working >= 1
            assert f"{working} clocked in now" in tab.locator("#staff-summary").inner_text()
        finally:
            browser.close()
