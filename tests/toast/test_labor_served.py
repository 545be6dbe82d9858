"""The Labor API served by `python -m sandbox serve`, as a payroll integration uses it: the whole sync unchanged,
every answer checked against the published spec, and shift writes racing time entry reads from threads."""

import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests

from helpers import HARBOR_DOWNTOWN, LOGIN, PAYROLL, served_sandbox
from published import assert_published

SPEC = "toast-labor-openapi.yaml"


@pytest.fixture(scope="module")
def served():
    # Strict: every answer is checked against our spec in the server. Rate limits off: the race sends more than
    # the 20 requests a second Toast allows.
    with served_sandbox("--history-days", "16", "--quiet", SANDBOX_RATE_LIMITS="false",
                        SANDBOX_STRICT="true") as (base, _):
        yield base


class Payroll:
    """A payroll client: logs in once, checks every answer against the published spec."""

    def __init__(self, base):
        self.base = base
        token = requests.post(base + LOGIN, timeout=10, json={
            "clientId": PAYROLL["clientId"], "clientSecret": PAYROLL["clientSecret"],
            "userAccessType": "TOAST_MACHINE_CLIENT"}).json()["token"]["accessToken"]
        self.headers = {"Authorization": f"Bearer {token}", "Toast-Restaurant-External-ID": HARBOR_DOWNTOWN}

    def call(self, method, path, status=200, **kwargs):
        answer = requests.request(method, f"{self.base}/labor/v1{path}", headers=self.headers, timeout=10, **kwargs)
        assert answer.status_code == status, answer.text
        if status == 200:
            assert_published(SPEC, method, "/labor/v1" + path, 200, answer.json())
        return answer.json()


def _now(base):
    text = requests.get(f"{base}/_sandbox/clock", timeout=5).json()["now"]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _toast(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def test_payroll_sync(served):
    payroll = Payroll(served)
    employees = payroll.call("GET", "/employees")
    assert any(e["deleted"] for e in employees) and any(not e["deleted"] for e in employees)
    jobs = payroll.call("GET", "/jobs")
    assert {j["wageFrequency"] for j in jobs} == {"HOURLY", "SALARY"}
    # A two-week pay period: the 14 business dates that end yesterday.
    today = _now(served).date()
    days = [today - timedelta(days=n) for n in range(14, 0, -1)]
    by_day = {}
    for day in days:
        for entry in payroll.call("GET", "/timeEntries", params={"businessDate": day.strftime("%Y%m%d")}):
            by_day[entry["guid"]] = entry
    start = datetime.combine(days[0] - timedelta(days=1), datetime.min.time(), timezone.utc)
    window = payroll.call("GET", "/timeEntries", params={"startDate": _toast(start),
                                                         "endDate": _toast(start + timedelta(days=16))})
    period = {e["businessDate"] for e in by_day.values()}
    assert len(period) == 14 and len(by_day) > 60
    assert {e["guid"] for e in window if e["businessDate"] in period} == set(by_day)
    staff = {e["guid"] for e in employees}
    assert {e["employeeReference"]["guid"] for e in by_day.values()} <= staff
    assert sum(e["overtimeHours"] for e in by_day.values()) > 0
    # Create, edit, archive and restore an employee; schedule a shift and cancel it.
    server = next(j for j in jobs if j["title"] == "Server")
    created = payroll.call("POST", "/employees", json={
        "entityType": "RestaurantUser", "firstName": "Pay", "lastName": "Roll", "email": "pay.roll@example.com",
        "externalId": "PAYROLL:1001", "jobReferences": [{"guid": server["guid"], "entityType": "RestaurantJob"}]})
    edited = payroll.call("PATCH", "/employees/PAYROLL:1001", json={"chosenName": "Pat"})
    assert edited["guid"] == created["guid"] and edited["chosenName"] == "Pat"
    assert payroll.call("DELETE", f"/employees/{created['guid']}")["deleted"] is True
    assert payroll.call("PUT", f"/employees/{created['guid']}/unarchive")["deleted"] is False
    tomorrow = datetime.combine(today + timedelta(days=1), datetime.min.time(), timezone.utc) + timedelta(hours=15)
    shift = payroll.call("POST", "/shifts", json={
        "employeeReference": {"guid": created["guid"]}, "jobReference": {"guid": server["guid"]},
        "inDate": _toast(tomorrow), "outDate": _toast(tomorrow + timedelta(hours=6))})
    assert payroll.call("DELETE", f"/shifts/{shift['guid']}")["deleted"] is True
    assert payroll.call("GET", "/employees", params={"employeeIds": "PAYROLL:1001"})[0]["chosenName"] == "Pat"


def test_the_other_operations_served(served):
    payroll = Payroll(served)
    employee = next(e for e in payroll.call("GET", "/employees") if not e["deleted"] and e["wageOverrides"])
    guid = employee["guid"]
    assert payroll.call("POST", f"/employees/{guid}/externalId", json="SERVED:1")["externalId"] == "SERVED:1"
    assert payroll.call("PUT", f"/employees/{guid}/externalId", json="SERVED:2")["externalId"] == "SERVED:2"
    assert payroll.call("GET", "/employees/SERVED:2")["guid"] == guid
    held = [{"guid": j["guid"]} for j in employee["jobReferences"]]
    assert payroll.call("PUT", f"/employees/{guid}/jobs", json=held[:1])["jobReferences"][0]["guid"] == held[0]["guid"]
    overrides = payroll.call("PUT", f"/employees/{guid}/wageOverrides",
                             json=[{"wage": 12.5, "jobReference": held[0]}])["wageOverrides"]
    assert overrides[0]["wage"] == 12.5
    job = held[0]["guid"]
    assert payroll.call("GET", f"/jobs/{job}")["guid"] == job
    assert payroll.call("POST", f"/jobs/{job}/externalId", json="SERVED:JOB")["externalId"] == "SERVED:JOB"
    assert payroll.call("PUT", f"/jobs/{job}/externalId", json="SERVED:JOB2")["externalId"] == "SERVED:JOB2"
    day = (_now(served) - timedelta(days=2)).strftime("%Y%m%d")      # a whole business day whenever this runs
    entry = payroll.call("GET", "/timeEntries", params={"businessDate": day, "includeMissedBreaks": "true"})[0]
    assert payroll.call("GET", f"/timeEntries/{entry['guid']}")["guid"] == entry["guid"]
    assert payroll.call("GET", "/timeEntries", params={"timeEntryIds": entry["guid"]})[0]["guid"] == entry["guid"]
    modified = payroll.call("GET", "/timeEntries", params={
        "modifiedStartDate": _toast(_now(served) - timedelta(days=2)), "modifiedEndDate": _toast(_now(served))})
    assert modified
    shift = entry["shiftReference"]["guid"]
    assert payroll.call("GET", f"/shifts/{shift}")["guid"] == shift
    assert payroll.call("GET", "/shifts", params={"shiftIds": shift})[0]["guid"] == shift


def test_shift_writes_race_time_entry_reads(served):
    payroll = Payroll(served)
    employee = next(e for e in payroll.call("GET", "/employees") if not e["deleted"])
    job = employee["jobReferences"][0]["guid"]
    base = datetime.combine(_now(served).date() + timedelta(days=20), datetime.min.time(), timezone.utc)
    today = _now(served).strftime("%Y%m%d")
    problems, written, lock = [], {}, threading.Lock()

    def writer(number):
        for index in range(15):
            start = base + timedelta(hours=number * 100 + index * 2)
            body = {"employeeReference": {"guid": employee["guid"]}, "jobReference": {"guid": job},
                    "inDate": _toast(start), "outDate": _toast(start + timedelta(hours=1))}
            shift = payroll.call("POST", "/shifts", json=body)
            body["outDate"] = _toast(start + timedelta(minutes=90))
            payroll.call("PUT", f"/shifts/{shift['guid']}", json=body)
            if index % 3 == 0:
                payroll.call("DELETE", f"/shifts/{shift['guid']}")
            with lock:
                written[shift["guid"]] = (index % 3 == 0, body["outDate"])

    window = {"startDate": _toast(base), "endDate": _toast(base + timedelta(days=20))}

    def reader():
        for _ in range(15):
            payroll.call("GET", "/timeEntries", params={"businessDate": today})
            payroll.call("GET", "/shifts", params=window)

    def guarded(target, *args):
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            problems.append(repr(exc))

    threads = [threading.Thread(target=guarded, args=(writer, n)) for n in range(3)]
    threads += [threading.Thread(target=guarded, args=(reader,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not problems, problems[:3]
    assert len(written) == 45
    listed = payroll.call("GET", "/shifts", params=window)
    assert {s["guid"] for s in listed} == {guid for guid, (deleted, _) in written.items() if not deleted}
    assert all(s["outDate"] == written[s["guid"]][1] for s in listed)
