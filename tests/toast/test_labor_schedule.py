"""Toast Labor v1, shifts and time entries: selectors, windows, archived entries, breaks, hours and every shift
write's refusals. Facts from the labor spec's texts and the developer guide ("Getting time entries for employees"):
shifts need shiftIds or startDate and endDate (inDate at or after the start, outDate before the end, at most one
month); time entries need exactly one of ids, a clock-in window, a modified window or a businessDate (clock-in
during it, cut at the closeout hour); includeArchived counts for the clock-in window only (the modified window
always shows archived entries, businessDate never); an entry still open has outDate null."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from helpers import HARBOR_DOWNTOWN, advance, assert_toast_error, labor
from sandbox.core.clock import parse_instant
from sandbox.toast.dates import toast_date

START = "2026-11-02T17:30:00.000Z"        # the frozen test clock (Monday 12:30 in Boston)


@pytest.fixture
def toast(world):
    return world.state["toast"]


def _pick(toast, title, active=True):
    jobs = toast.jobs[HARBOR_DOWNTOWN]
    job = next(j for j in jobs.values() if j.title == title)
    employee = next(e for e in toast.employees[HARBOR_DOWNTOWN].values()
                    if e.job_guids[0] == job.guid and e.deleted != active)
    return employee, job


def _shift(employee, job, start="2026-11-05T15:00:00.000+0000", end="2026-11-05T21:00:00.000+0000", **extra):
    return {"entityType": "Shift", "employeeReference": {"guid": employee.guid, "entityType": "RestaurantUser"},
            "jobReference": {"guid": job.guid, "entityType": "RestaurantJob"}, "inDate": start, "outDate": end,
            **extra}


def _window(start, end):
    return {"startDate": start, "endDate": end}


def test_shift_window_holds_the_rota_and_needs_a_selector(client, headers, toast):
    listed = labor(client, "GET", "/shifts", query_string=_window("2026-11-02T00:00:00.000+0000",
                                                                  "2026-11-09T00:00:00.000+0000"), headers=headers)
    assert listed and all("2026-11-02" <= s["inDate"] and s["outDate"] < "2026-11-09" for s in listed)
    assert {s["employeeReference"]["guid"] for s in listed} <= set(toast.employees[HARBOR_DOWNTOWN])
    assert_toast_error(client.get("/labor/v1/shifts", headers=headers), 400, "shiftIds")
    assert_toast_error(client.get("/labor/v1/shifts", query_string={"startDate": START}, headers=headers), 400)
    assert_toast_error(client.get("/labor/v1/shifts", query_string=_window(START, "2026-11-01T00:00:00.000Z"),
                                  headers=headers), 400, "before")
    assert_toast_error(client.get("/labor/v1/shifts", query_string=_window("2026-09-01T00:00:00.000Z", START),
                                  headers=headers), 400, "31 days")
    assert_toast_error(client.get("/labor/v1/shifts", query_string=_window("10000-01-01T00:00:00Z", START),
                                  headers=headers), 400)


@pytest.mark.pos_sandbox(toast_labor_window_days=90)
def test_longest_window_is_switchable(client, headers):
    labor(client, "GET", "/shifts", query_string=_window("2026-09-01T00:00:00.000Z", START), headers=headers)


def test_schedule_change_and_cancel_a_shift(client, headers, toast):
    server, job = _pick(toast, "Server")
    grace = {"minBeforeClockIn": 10, "minAfterClockIn": 5, "minBeforeClockOut": 0, "minAfterClockOut": 15}
    created = labor(client, "POST", "/shifts", json=_shift(server, job, externalId="ROTA:1", scheduleConfig=grace),
                    headers=headers)
    assert created["employeeReference"]["guid"] == server.guid and created["deleted"] is False
    assert {k: v for k, v in created["scheduleConfig"].items() if k != "guid"} == grace
    assert labor(client, "GET", "/shifts/ROTA:1", headers=headers)["guid"] == created["guid"]
    window = _window("2026-11-05T00:00:00.000Z", "2026-11-06T00:00:00.000Z")
    assert created["guid"] in {s["guid"] for s in labor(client, "GET", "/shifts", query_string=window,
                                                        headers=headers)}
    advance(client, 60)
    moved = labor(client, "PUT", f"/shifts/{created['guid']}",
                  json=_shift(server, job, "2026-11-05T16:00:00.000+0000", "2026-11-05T22:00:00.000+0000"),
                  headers=headers)
    assert moved["inDate"] == "2026-11-05T16:00:00.000+0000" and moved["modifiedDate"] > created["modifiedDate"]
    assert moved["externalId"] == "ROTA:1" and moved["scheduleConfig"] is None
    cancelled = labor(client, "DELETE", f"/shifts/{created['guid']}", headers=headers)
    assert cancelled["deleted"] is True and cancelled["deletedDate"] == toast_date(toast_now(client))
    assert labor(client, "DELETE", f"/shifts/{created['guid']}", headers=headers) == cancelled
    assert created["guid"] not in {s["guid"] for s in labor(client, "GET", "/shifts", query_string=window,
                                                            headers=headers)}
    named = labor(client, "GET", "/shifts", query_string={"shiftIds": created["guid"]}, headers=headers)
    assert [s["deleted"] for s in named] == [True]
    assert_toast_error(client.put(f"/labor/v1/shifts/{created['guid']}", json=_shift(server, job), headers=headers),
                       400, "deleted")


def toast_now(client):
    return parse_instant(client.get("/_sandbox/clock").json["now"]).timestamp()


@pytest.mark.parametrize("change, field", [
    (lambda s, t: {"employeeReference": {"guid": "00000000-0000-4000-8000-000000000000"}}, "employeeReference"),
    (lambda s, t: {"employeeReference": {"guid": _pick(t, "Server", active=False)[0].guid}}, "employeeReference"),
    (lambda s, t: {"jobReference": {"guid": _pick(t, "Manager")[1].guid}}, "jobReference"),
    (lambda s, t: {"jobReference": {}}, "jobReference"),
    (lambda s, t: {"outDate": s["inDate"]}, "outDate"),
    (lambda s, t: {"outDate": "2026-11-04T15:00:00.000+0000"}, "outDate"),
    (lambda s, t: {"outDate": "2026-11-07T15:00:00.000+0000"}, "outDate"),
    (lambda s, t: {"inDate": "not a date"}, "inDate"),
    (lambda s, t: {"inDate": "10000-01-01T00:00:00Z"}, "inDate"),
    (lambda s, t: {"jobReference": None}, "jobReference"),
    (lambda s, t: {"scheduleConfig": {"minBeforeClockIn": -1}}, "scheduleConfig.minBeforeClockIn"),
])
def test_shift_refusals_name_the_field(client, headers, toast, change, field):
    server, job = _pick(toast, "Server")
    body = _shift(server, job)
    body.update(change(body, toast))
    before = len(toast.shifts[HARBOR_DOWNTOWN])
    error = assert_toast_error(client.post("/labor/v1/shifts", json=body, headers=headers), 400)
    assert field in (error["fieldName"] or "") + " ".join(e["fieldName"] or "" for e in error["errors"])
    assert len(toast.shifts[HARBOR_DOWNTOWN]) == before
    seeded = next(iter(toast.shifts[HARBOR_DOWNTOWN]))
    assert_toast_error(client.put(f"/labor/v1/shifts/{seeded}", json=body, headers=headers), 400)


def test_shift_external_id_rules(client, headers, toast):
    server, job = _pick(toast, "Server")
    labor(client, "POST", "/shifts", json=_shift(server, job, externalId="ROTA:7"), headers=headers)
    assert_toast_error(client.post("/labor/v1/shifts", json=_shift(server, job, externalId="ROTA:7"),
                                   headers=headers), 409)
    seeded = next(iter(toast.shifts[HARBOR_DOWNTOWN]))
    assert_toast_error(client.put(f"/labor/v1/shifts/{seeded}", json=_shift(server, job, externalId="ROTA:8"),
                                  headers=headers), 400, "externalId")
    assert_toast_error(client.get("/labor/v1/shifts/ROTA:404", headers=headers), 404)


def test_replaced_jobs_decide_what_a_new_shift_may_use(client, headers, toast):
    server, job = _pick(toast, "Server")
    host = _pick(toast, "Host")[1]
    assert_toast_error(client.post("/labor/v1/shifts", json=_shift(server, host), headers=headers), 400, "hold")
    labor(client, "PUT", f"/employees/{server.guid}/jobs", json=[{"guid": host.guid}], headers=headers)
    labor(client, "POST", "/shifts", json=_shift(server, host), headers=headers)
    assert_toast_error(client.post("/labor/v1/shifts", json=_shift(server, job), headers=headers), 400, "hold")


def test_time_entry_selectors(client, headers):
    for query in ({}, {"startDate": START}, {"businessDate": "20261102", "startDate": START, "endDate": START},
                  {"modifiedStartDate": START}, {"timeEntryIds": "x", "businessDate": "20261102"}):
        assert_toast_error(client.get("/labor/v1/timeEntries", query_string=query, headers=headers), 400)
    for day in ("2026-11-02", "20261340", "2026110"):
        assert_toast_error(client.get("/labor/v1/timeEntries", query_string={"businessDate": day}, headers=headers),
                           400, "businessDate")
    assert_toast_error(client.get("/labor/v1/timeEntries", query_string={"includeArchived": "maybe",
                                                                         "businessDate": "20261102"},
                                  headers=headers), 400)


def test_open_entries_are_clocked_in_now(client, headers, toast):
    today = labor(client, "GET", "/timeEntries", query_string={"businessDate": "20261102"}, headers=headers)
    open_now = [e for e in today if e["outDate"] is None]
    assert open_now and all(e["inDate"] <= toast_date(toast_now(client)) for e in open_now)
    before = open_now[0]["regularHours"]
    advance(client, 1800)
    later = labor(client, "GET", f"/timeEntries/{open_now[0]['guid']}", headers=headers)
    assert later["outDate"] is None and later["regularHours"] == pytest.approx(before + 0.5, abs=0.01)


@pytest.mark.pos_sandbox(history_days=30)
def test_archived_entries_follow_the_documented_rules(client, headers, toast):
    deleted = next(e for e in toast.time_entries[HARBOR_DOWNTOWN].values() if e.deleted)
    day = str(deleted.business_date)
    start, end = toast_date(deleted.in_date - 3600), toast_date(deleted.in_date + 3600)
    by_window = labor(client, "GET", "/timeEntries", query_string=_window(start, end), headers=headers)
    assert deleted.guid not in {e["guid"] for e in by_window}
    with_archived = labor(client, "GET", "/timeEntries", query_string={**_window(start, end),
                                                                        "includeArchived": "true"}, headers=headers)
    shown = next(e for e in with_archived if e["guid"] == deleted.guid)
    assert shown["deleted"] is True and shown["deletedDate"] is not None
    by_day = labor(client, "GET", "/timeEntries", query_string={"businessDate": day, "includeArchived": "true"},
                   headers=headers)
    assert deleted.guid not in {e["guid"] for e in by_day} and by_day
    modified = labor(client, "GET", "/timeEntries", query_string={
        "modifiedStartDate": toast_date(deleted.modified - 60), "modifiedEndDate": toast_date(deleted.modified + 60)},
        headers=headers)
    assert deleted.guid in {e["guid"] for e in modified}
    assert_toast_error(client.get(f"/labor/v1/timeEntries/{deleted.guid}", headers=headers), 404)
    labor(client, "GET", f"/timeEntries/{deleted.guid}", query_string={"includeArchived": "true"}, headers=headers)
    assert labor(client, "GET", "/timeEntries", query_string={"timeEntryIds": deleted.guid}, headers=headers) == []


@pytest.mark.pos_sandbox(history_days=30)
def test_breaks_hours_and_overtime(client, headers, toast):
    window = _window("2026-10-19T04:00:00.000Z", "2026-11-02T04:00:00.000Z")
    plain = labor(client, "GET", "/timeEntries", query_string=window, headers=headers)
    full = labor(client, "GET", "/timeEntries", query_string={**window, "includeMissedBreaks": "true"},
                 headers=headers)
    assert [e["guid"] for e in plain] == [e["guid"] for e in full]
    assert not any(b["missed"] for e in plain for b in e["breaks"])
    missed = [b for e in full for b in e["breaks"] if b["missed"]]
    assert missed and all(b["inDate"] is None and b["paid"] is False for b in missed)
    assert any(b["paid"] for e in plain for b in e["breaks"])
    entries = toast.time_entries[HARBOR_DOWNTOWN]
    for entry in full:
        stored = entries[entry["guid"]]
        worked = stored.worked_hours(stored.out_date)
        assert Decimal(str(entry["regularHours"])) + Decimal(str(entry["overtimeHours"])) == worked
    overtime = [e for e in full if e["overtimeHours"] > 0]
    assert overtime and all(e["hourlyWage"] is not None for e in overtime)
    # Overtime starts only past 40 hours in the employee's week (Monday to Sunday by business date).
    for entry in overtime:
        stored = entries[entry["guid"]]
        week = [e for e in entries.values() if e.employee_guid == stored.employee_guid and not e.deleted
                and e.out_date is not None and e.in_date < stored.in_date and _monday(e) == _monday(stored)]
        before = sum(e.worked_hours(e.out_date) for e in week)
        assert Decimal(str(entry["regularHours"])) == max(0, 40 - before)
    assert any(e["autoClockedOut"] for e in labor(client, "GET", "/timeEntries", query_string=_window(
        "2026-10-03T04:00:00.000Z", "2026-11-02T04:00:00.000Z"), headers=headers))


def _monday(entry):
    day = entry.business_date
    moment = date(day // 10000, day // 100 % 100, day % 100)
    return moment - timedelta(days=moment.weekday())


@pytest.mark.pos_sandbox(start_time="2026-11-03T05:30:00.000Z", history_days=2)
def test_after_closing_the_last_one_out_is_still_clocked_in(client, headers):
    """00:30 in Boston, before the 04:00 closeout: the day's last entry is open until the auto clock-out."""
    entries = labor(client, "GET", "/timeEntries", query_string={"businessDate": "20261102"}, headers=headers)
    open_now = [e for e in entries if e["outDate"] is None]
    assert len(open_now) == 1 and open_now[0]["autoClockedOut"] is False
    assert open_now[0]["regularHours"] > 5
    advance(client, 4 * 3600)               # past the 04:00 closeout: clocked out automatically
    closed = labor(client, "GET", f"/timeEntries/{open_now[0]['guid']}", headers=headers)
    assert closed["outDate"] == "2026-11-03T09:00:00.000+0000" and closed["autoClockedOut"] is True
    assert labor(client, "GET", "/timeEntries", query_string={"businessDate": "20261103"}, headers=headers) == []
