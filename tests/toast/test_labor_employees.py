"""Toast Labor v1, employees and jobs: reads, writes and every refusal, checked against our spec (strict mode) and
the published one. Facts from the developer guide: "Adding an employee" (names and externalEmployeeId refuse
{}<>$=\\;%), "External identifiers" ({authority}:{identifier}, authority at most 16 characters), and the labor
spec's operation texts (DELETE archives and is idempotent, not with an open time entry; GET never returns the
passcode; PATCH changes only names, externalEmployeeId and passcode, the last with currentPasscode)."""

import pytest

from helpers import (GROUP, HARBOR_DOWNTOWN, PAYROLL, READ_ONLY, advance, assert_toast_error, labor, login,
                     toast_headers)


@pytest.fixture
def staff(world):
    toast = world.state["toast"]
    return toast.employees[HARBOR_DOWNTOWN], toast.jobs[HARBOR_DOWNTOWN]


def _job(staff, title):
    return next(j for j in staff[1].values() if j.title == title)


def _new(staff, **extra):
    server = _job(staff, "Server")
    return {"entityType": "RestaurantUser", "firstName": "Josie", "lastName": "Gauthier", "email": "josie@example.com",
            "passcode": "4321", "jobReferences": [{"guid": server.guid, "entityType": "RestaurantJob"}],
            "wageOverrides": [{"wage": 9.5, "jobReference": {"guid": server.guid}}], **extra}


def test_list_shows_archived_employees_with_their_deleted_date(client, headers, staff):
    listed = labor(client, "GET", "/employees", headers=headers)
    assert {e["guid"] for e in listed} == set(staff[0])
    archived = [e for e in listed if e["deleted"]]
    assert {e["guid"] for e in archived} == {g for g, e in staff[0].items() if e.deleted} and len(archived) >= 2
    assert all(e["deletedDate"] is not None for e in archived)
    assert all(e["entityType"] == "RestaurantUser" and e["passcode"] is None for e in listed)
    assert all(j["entityType"] == "RestaurantJob" for e in listed for j in e["jobReferences"])


def test_employee_ids_take_guids_and_external_ids(client, headers, staff):
    first, second = list(staff[0])[:2]
    labor(client, "PUT", f"/employees/{second}/externalId", json="PAYROLL:77", headers=headers)
    query = [("employeeIds", first), ("employeeIds", "PAYROLL:77"), ("employeeIds", "NOBODY:1")]
    listed = labor(client, "GET", "/employees", query_string=query, headers=headers)
    assert [e["guid"] for e in listed] == [first, second]


def test_more_than_100_ids_is_400(client, headers, staff):
    query = [("employeeIds", next(iter(staff[0])))] * 101
    assert_toast_error(client.get("/labor/v1/employees", query_string=query, headers=headers), 400)


def test_get_employee_by_guid_or_external_id_and_unknown_is_404(client, headers, staff):
    guid = next(iter(staff[0]))
    assert labor(client, "GET", f"/employees/{guid}", headers=headers)["guid"] == guid
    labor(client, "POST", f"/employees/{guid}/externalId", json="PAYROLL:1", headers=headers)
    assert labor(client, "GET", "/employees/PAYROLL:1", headers=headers)["guid"] == guid
    assert_toast_error(client.get("/labor/v1/employees/00000000-0000-4000-8000-000000000000", headers=headers), 404)


def test_create_employee_returns_the_passcode_once(client, headers, staff):
    created = labor(client, "POST", "/employees", json=_new(staff, externalId="PAYROLL:9001"), headers=headers)
    server = _job(staff, "Server")
    assert created["passcode"] == "4321" and created["externalId"] == "PAYROLL:9001"
    assert created["jobReferences"][0]["guid"] == server.guid
    assert created["wageOverrides"] == [{"wage": 9.5, "jobReference": server.ref()}]
    again = labor(client, "GET", f"/employees/{created['guid']}", headers=headers)
    assert again["passcode"] is None and again["firstName"] == "Josie" and again["deleted"] is False
    assert created["guid"] in staff[0]


@pytest.mark.parametrize("change, status, field", [
    ({"firstName": None}, 400, "firstName"),
    ({"firstName": "   "}, 400, "firstName"),
    ({"lastName": "Drop;Table"}, 400, "lastName"),
    ({"externalEmployeeId": "<script>"}, 400, "externalEmployeeId"),
    ({"passcode": "12ab"}, 400, "passcode"),
    ({"passcode": "123456789"}, 400, "passcode"),
    ({"externalId": "no-authority"}, 400, "externalId"),
    ({"externalId": "A" * 17 + ":1"}, 400, "externalId"),
    ({"jobReferences": [{"guid": "00000000-0000-4000-8000-000000000000"}]}, 400, "jobReferences[0]"),
    ({"jobReferences": [{"entityType": "RestaurantJob"}]}, 400, "jobReferences[0]"),
    ({"jobReferences": [{"guid": "x"}] * 101}, 400, "jobReferences"),
    ({"wageOverrides": [{"wage": -1, "jobReference": {"guid": "x"}}]}, 400, "wageOverrides[0].wage"),
    ({"wageOverrides": [{"wage": 1e308 * 10, "jobReference": {"guid": "x"}}]}, 400, None),
])
def test_create_refusals_name_the_field(client, headers, staff, change, status, field):
    before = len(staff[0])
    body = assert_toast_error(client.post("/labor/v1/employees", json=_new(staff, **change), headers=headers), status)
    if field:
        assert field in (body["fieldName"] or "") + " ".join(e["fieldName"] or "" for e in body["errors"])
    assert len(staff[0]) == before


def test_wage_override_for_a_job_not_held_is_400(client, headers, staff):
    host = _job(staff, "Host")
    body = _new(staff, wageOverrides=[{"wage": 20, "jobReference": {"guid": host.guid}}])
    assert_toast_error(client.post("/labor/v1/employees", json=body, headers=headers), 400, host.guid)


def test_duplicate_external_id_is_409_and_not_json_is_415(client, headers, staff):
    labor(client, "POST", "/employees", json=_new(staff, externalId="PAYROLL:5", passcode="1111"), headers=headers)
    assert_toast_error(client.post("/labor/v1/employees", json=_new(staff, externalId="PAYROLL:5", passcode="2222"),
                                   headers=headers), 409, "PAYROLL:5")
    assert_toast_error(client.post("/labor/v1/employees", data="x", content_type="text/plain", headers=headers), 415)


def test_patch_changes_names_and_moves_modified_date(client, headers, staff):
    guid, employee = next(iter(staff[0].items()))
    before = labor(client, "GET", f"/employees/{guid}", headers=headers)
    advance(client, 60)
    changed = labor(client, "PATCH", f"/employees/{guid}", json={"chosenName": "Jo", "externalEmployeeId": "E-1"},
                    headers=headers)
    assert changed["chosenName"] == "Jo" and changed["externalEmployeeId"] == "E-1"
    assert changed["firstName"] == before["firstName"] and changed["modifiedDate"] > before["modifiedDate"]
    assert employee.chosen_name == "Jo"


@pytest.mark.parametrize("body", [{}, {"email": "new@example.com"}, {"firstName": None}, {"firstName": "A{b}"}])
def test_patch_refusals(client, headers, staff, body):
    guid = next(iter(staff[0]))
    assert_toast_error(client.patch(f"/labor/v1/employees/{guid}", json=body, headers=headers), 400)


def test_patch_passcode_needs_the_current_one(client, headers, staff):
    guid, employee = next(iter(staff[0].items()))
    assert_toast_error(client.patch(f"/labor/v1/employees/{guid}", json={"passcode": "9876"}, headers=headers), 400,
                       "currentPasscode")
    changed = labor(client, "PATCH", f"/employees/{guid}", json={"passcode": "9876",
                                                                  "currentPasscode": employee.passcode},
                    headers=headers)
    assert changed["passcode"] == "9876" and employee.passcode == "9876"


def test_archive_is_idempotent_and_unarchive_keeps_the_jobs(client, headers, world, staff):
    entries = world.state["toast"].time_entries[HARBOR_DOWNTOWN].values()
    clocked_in = {e.employee_guid for e in entries if e.out_date is None}
    guid, employee = next((g, e) for g, e in staff[0].items() if g not in clocked_in and not e.deleted)
    jobs = list(employee.job_guids)
    archived = labor(client, "DELETE", f"/employees/{guid}", headers=headers)
    assert archived["deleted"] is True and employee.deleted
    advance(client, 60)
    again = labor(client, "DELETE", f"/employees/{guid}", headers=headers)
    assert again["deletedDate"] == archived["deletedDate"]
    restored = labor(client, "PUT", f"/employees/{guid}/unarchive", headers=headers)
    assert restored["deleted"] is False and restored["deletedDate"] is None
    assert [j["guid"] for j in restored["jobReferences"]] == jobs
    assert labor(client, "PUT", f"/employees/{guid}/unarchive", headers=headers) == restored


def test_archive_refused_while_clocked_in(client, headers, world, staff):
    entries = world.state["toast"].time_entries[HARBOR_DOWNTOWN]
    clocked_in = next(e.employee_guid for e in entries.values() if e.out_date is None)
    assert_toast_error(client.delete(f"/labor/v1/employees/{clocked_in}", headers=headers), 400, "open time entry")
    assert staff[0][clocked_in].deleted is False


def test_external_id_post_once_then_put_replaces(client, headers, staff):
    first, second = list(staff[0])[:2]
    labor(client, "POST", f"/employees/{first}/externalId", json="PAYROLL:1", headers=headers)
    labor(client, "POST", f"/employees/{first}/externalId", json="PAYROLL:1", headers=headers)
    assert_toast_error(client.post(f"/labor/v1/employees/{first}/externalId", json="PAYROLL:2", headers=headers), 409)
    assert labor(client, "PUT", f"/employees/{first}/externalId", json="PAYROLL:2",
                 headers=headers)["externalId"] == "PAYROLL:2"
    assert_toast_error(client.put(f"/labor/v1/employees/{second}/externalId", json="PAYROLL:2", headers=headers),
                       409, first)
    for bad in ("nocolon", "", {"externalId": "PAYROLL:3"}, "A:" + "x" * 300):
        assert_toast_error(client.put(f"/labor/v1/employees/{second}/externalId", json=bad, headers=headers), 400)


@pytest.mark.pos_sandbox(toast_labor_external_id_format="any")
def test_external_id_format_is_switchable(client, headers, staff):
    guid = next(iter(staff[0]))
    assert labor(client, "PUT", f"/employees/{guid}/externalId", json="just-text",
                 headers=headers)["externalId"] == "just-text"


def test_replace_jobs_drops_overrides_of_jobs_no_longer_held(client, headers, staff):
    guid, employee = next((g, e) for g, e in staff[0].items() if e.wage_overrides)
    host = _job(staff, "Host")
    labor(client, "PUT", f"/jobs/{host.guid}/externalId", json="PAYROLL:HOST", headers=headers)
    changed = labor(client, "PUT", f"/employees/{guid}/jobs", json=[{"externalId": "PAYROLL:HOST"}], headers=headers)
    assert [j["guid"] for j in changed["jobReferences"]] == [host.guid] and changed["wageOverrides"] == []
    assert_toast_error(client.put(f"/labor/v1/employees/{guid}/jobs", json=[{"guid": "nope"}], headers=headers),
                       400, "body[0]")
    assert_toast_error(client.put(f"/labor/v1/employees/{guid}/jobs", json={"guid": host.guid}, headers=headers), 400)


def test_replace_wage_overrides(client, headers, staff):
    guid, employee = next((g, e) for g, e in staff[0].items() if not e.wage_overrides and not e.deleted)
    job = staff[1][employee.job_guids[0]]
    changed = labor(client, "PUT", f"/employees/{guid}/wageOverrides",
                    json=[{"wage": 21.255, "jobReference": {"guid": job.guid}}], headers=headers)
    assert changed["wageOverrides"] == [{"wage": 21.26, "jobReference": job.ref()}]
    assert employee.wage(job) == employee.wage_overrides[0].wage
    assert labor(client, "PUT", f"/employees/{guid}/wageOverrides", json=[], headers=headers)["wageOverrides"] == []
    other = next(j for j in staff[1].values() if j.guid not in employee.job_guids)
    assert_toast_error(client.put(f"/labor/v1/employees/{guid}/wageOverrides",
                                  json=[{"wage": 1, "jobReference": {"guid": other.guid}}], headers=headers), 400)


def test_jobs_list_get_and_external_ids(client, headers, staff):
    listed = labor(client, "GET", "/jobs", headers=headers)
    assert {j["title"] for j in listed} == {"Server", "Bartender", "Line Cook", "Host", "Manager"}
    manager = _job(staff, "Manager")
    assert next(j for j in listed if j["guid"] == manager.guid)["wageFrequency"] == "SALARY"
    manager.deleted = True
    assert manager.guid not in {j["guid"] for j in labor(client, "GET", "/jobs", headers=headers)}
    named = labor(client, "GET", "/jobs", query_string={"jobIds": manager.guid}, headers=headers)
    assert [j["deleted"] for j in named] == [True]
    labor(client, "POST", f"/jobs/{manager.guid}/externalId", json="PAYROLL:MGR", headers=headers)
    assert labor(client, "GET", "/jobs/PAYROLL:MGR", headers=headers)["guid"] == manager.guid
    server = _job(staff, "Server")
    assert_toast_error(client.put(f"/labor/v1/jobs/{server.guid}/externalId", json="PAYROLL:MGR", headers=headers), 409)
    assert_toast_error(client.get("/labor/v1/jobs/PAYROLL:NONE", headers=headers), 404)


def test_scopes_both_ways(client, staff):
    payroll = toast_headers(login(client, PAYROLL))
    assert labor(client, "GET", "/employees", headers=payroll)
    assert_toast_error(client.get("/orders/v2/ordersBulk", query_string={"businessDate": "20261102"},
                                  headers=payroll), 403)
    orders_only = toast_headers(login(client, READ_ONLY))
    for path in ("/employees", "/jobs", "/timeEntries?businessDate=20261102"):
        assert_toast_error(client.get("/labor/v1" + path, headers=orders_only), 403)
    group = toast_headers(login(client, GROUP))
    assert_toast_error(client.get("/labor/v1/jobs", headers=group), 403)
