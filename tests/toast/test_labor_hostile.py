"""Every Labor write against hostile input: unknown ids (404), malformed and oversized JSON (400), other content
types (415), deep nesting and lone surrogates (400), always in Toast's error shape and with nothing changed."""

import copy

import pytest

from helpers import HARBOR_DOWNTOWN, assert_toast_error

UNKNOWN = "00000000-0000-4000-8000-000000000000"
# (method, path, a body the operation would take if the id were known)
WRITES = [
    ("PATCH", f"/employees/{UNKNOWN}", {"firstName": "A"}),
    ("DELETE", f"/employees/{UNKNOWN}", None),
    ("POST", f"/employees/{UNKNOWN}/externalId", "PAYROLL:1"),
    ("PUT", f"/employees/{UNKNOWN}/externalId", "PAYROLL:1"),
    ("PUT", f"/employees/{UNKNOWN}/unarchive", None),
    ("PUT", f"/employees/{UNKNOWN}/jobs", []),
    ("PUT", f"/employees/{UNKNOWN}/wageOverrides", []),
    ("POST", f"/jobs/{UNKNOWN}/externalId", "PAYROLL:1"),
    ("PUT", f"/jobs/{UNKNOWN}/externalId", "PAYROLL:1"),
    ("DELETE", f"/shifts/{UNKNOWN}", None),
]
BODIES = [(m, p) for m, p, b in WRITES if b is not None] + [("POST", "/employees"), ("POST", "/shifts")]


def _snapshot(world):
    toast = world.state["toast"]
    return copy.deepcopy([toast.employees[HARBOR_DOWNTOWN], toast.jobs[HARBOR_DOWNTOWN],
                          toast.shifts[HARBOR_DOWNTOWN]])


@pytest.mark.parametrize("method, path, body", WRITES)
def test_unknown_ids_are_404(client, headers, world, method, path, body):
    before = _snapshot(world)
    kwargs = {} if body is None else {"json": body}
    assert_toast_error(client.open("/labor/v1" + path, method=method, headers=headers, **kwargs), 404, UNKNOWN)
    assert _snapshot(world) == before


@pytest.mark.parametrize("method, path", BODIES)
@pytest.mark.parametrize("data, content_type, status", [
    ("{\"firstName\": ", "application/json", 400),
    ("[" * 100 + "]" * 100, "application/json", 400),
    ("\"\\ud800\"", "application/json", 400),
    ("firstName=A", "application/x-www-form-urlencoded", 415),
    ("", "application/json", 400),
])
def test_bad_bodies(client, headers, world, method, path, data, content_type, status):
    before = _snapshot(world)
    answer = client.open("/labor/v1" + path, method=method, headers=headers, data=data, content_type=content_type)
    assert_toast_error(answer, status)
    assert _snapshot(world) == before


def test_oversized_body_is_413(client, headers):
    body = {"firstName": "A" * (1024 * 1024), "lastName": "B", "email": "c@example.com"}
    assert_toast_error(client.post("/labor/v1/employees", json=body, headers=headers), 413)


def test_scenarios_journal_and_worlds_reach_the_labor_api(client, headers):
    rule = {"match": {"operationId": "timeEntriesGet"}, "fault": {"status": 503}, "times": 1}
    assert client.post("/_sandbox/scenarios", json=rule).status_code == 201
    query = {"businessDate": "20261102"}
    assert_toast_error(client.get("/labor/v1/timeEntries", query_string=query, headers=headers), 503)
    assert client.get("/labor/v1/timeEntries", query_string=query, headers=headers).status_code == 200
    entries = client.get("/_sandbox/requests?operationId=timeEntriesGet").json["requests"]
    assert [e["status"] for e in entries] == [503, 200]
    assert client.post("/_sandbox/worlds", json={"name": "labor-other"}).status_code == 201
    other = {**headers, "X-Sandbox-World": "labor-other"}
    assert client.get("/labor/v1/jobs", headers=other).status_code == 401      # its own tokens


@pytest.mark.pos_sandbox(rate_limits=True)
def test_rate_limit_headers_on_labor_answers(client, headers):
    answer = client.get("/labor/v1/jobs", headers=headers)
    assert answer.status_code == 200 and answer.headers["X-Toast-RateLimit-By"] in ("GLOBAL", "API")
    assert int(answer.headers["X-Toast-RateLimit-Remaining"]) < 20


@pytest.mark.parametrize("path, name", [("/employees", "employeeIds"), ("/jobs", "jobIds"), ("/shifts", "shiftIds"),
                                        ("/timeEntries", "timeEntryIds")])
def test_more_than_100_ids_is_400_naming_the_parameter(client, headers, path, name):
    body = assert_toast_error(client.get("/labor/v1" + path, query_string=[(name, UNKNOWN)] * 101, headers=headers),
                              400)
    assert name in (body["fieldName"] or "") + " ".join(e["fieldName"] or "" for e in body["errors"])
    ids_100 = [(name, UNKNOWN)] * 100
    answer = client.get("/labor/v1" + path, query_string=ids_100, headers=headers)
    assert answer.status_code == 200 and answer.json == []
