"""Employees and jobs through the Labor API: read, create, change, archive and restore, external identifiers."""

import re
from decimal import Decimal

from sandbox.core.errors import BadRequest
from sandbox.toast.labor.desk import LaborDesk
from sandbox.toast.labor.models import Employee, WageOverride

# The platform refuses these characters in names and external employee ids (developer guide, "Adding an employee").
_FORBIDDEN = re.compile(r"[{}<>$=\\;%]")
FORBIDDEN_CHARACTERS = "{field} may not contain any of {{}}<>$=\\;%"
BLANK = "{field} cannot be empty"
WAGE_FOR_JOB_NOT_HELD = "{field} names job {guid}, which the employee does not hold"
JOB_DELETED = "{field} names job {guid}, which was deleted"
OPEN_TIME_ENTRIES = "Employee {guid} has an open time entry (no outDate) and cannot be archived"
PASSCODE_NEEDS_CURRENT = "Changing passcode needs the employee's current passcode in currentPasscode"
PASSCODE_TAKEN = "passcode is already used by another employee of this restaurant"
_NAMES = ("firstName", "chosenName", "lastName", "externalEmployeeId")
_FIELDS = {"firstName": "first_name", "chosenName": "chosen_name", "lastName": "last_name",
           "externalEmployeeId": "external_employee_id", "passcode": "passcode"}


class Staff(LaborDesk):
    """Employee and job actions for one request."""

    def employee(self, key):
        return self.find(self.employees, key, "employee")

    def job(self, key):
        return self.find(self.jobs, key, "job")

    def get(self, key):
        return self.view(self.employee(key))

    def view(self, employee, passcode=None):
        return employee.to_dict(self.jobs, passcode)

    def list_employees(self, keys):
        chosen = self.named(self.employees, keys) if keys else list(self.employees.values())
        return [self.view(e) for e in chosen]

    def list_jobs(self, keys):
        chosen = self.named(self.jobs, keys) if keys else [j for j in self.jobs.values() if not j.deleted]
        return [j.to_dict() for j in chosen]

    # Employees ----------------------------------------------------------------------------------------------------

    def _check_text(self, body):
        for name in _NAMES:
            value = body.get(name)
            if value is None:
                continue
            if name in ("firstName", "lastName") and not value.strip():
                raise BadRequest(BLANK.format(field=name), field=name)
            if name != "chosenName" and _FORBIDDEN.search(value):
                raise BadRequest(FORBIDDEN_CHARACTERS.format(field=name), field=name)

    def _check_passcode(self, passcode, owner):
        if any(e.passcode == passcode and e is not owner and not e.deleted for e in self.employees.values()):
            raise BadRequest(PASSCODE_TAKEN, field="passcode")

    def _job_guids(self, refs, field):
        guids = []
        for index, raw in enumerate(refs or []):
            where = f"{field}[{index}]"
            job = self.resolve(self.jobs, raw, where, "job")
            if job.deleted:
                raise BadRequest(JOB_DELETED.format(field=where, guid=job.guid), field=where)
            if job.guid not in guids:
                guids.append(job.guid)
        return guids

    def _overrides(self, raws, held, field):
        overrides = {}
        for index, raw in enumerate(raws or []):
            where = f"{field}[{index}].jobReference"
            job = self.resolve(self.jobs, raw.get("jobReference"), where, "job")
            if job.guid not in held:
                raise BadRequest(WAGE_FOR_JOB_NOT_HELD.format(field=where, guid=job.guid), field=where)
            overrides[job.guid] = WageOverride(job.guid, Decimal(str(raw["wage"])).quantize(Decimal("0.01")))
        return list(overrides.values())

    def create(self, body):
        self._check_text(body)
        external = body.get("externalId")
        if external is not None:
            self.external_id(self.employees, external, None, "employee")
        if body.get("passcode"):
            self._check_passcode(body["passcode"], None)
        held = self._job_guids(body.get("jobReferences"), "jobReferences")
        overrides = self._overrides(body.get("wageOverrides"), held, "wageOverrides")
        employee = Employee(self.ids.guid(), body["firstName"], body["lastName"], body["email"],
                            body.get("phoneNumber"), self.now, self.now, held, overrides,
                            chosen_name=body.get("chosenName"), external_id=external,
                            external_employee_id=body.get("externalEmployeeId"), passcode=body.get("passcode"),
                            phone_country_code=body.get("phoneNumberCountryCode") or "1")
        self.employees[employee.guid] = employee
        return self.view(employee, employee.passcode)

    def patch(self, key, body):
        employee = self.employee(key)
        self._check_text(body)
        if "passcode" in body:
            if employee.passcode is not None and body.get("currentPasscode") != employee.passcode:
                raise BadRequest(PASSCODE_NEEDS_CURRENT, field="currentPasscode")
            self._check_passcode(body["passcode"], employee)
        for name, attribute in _FIELDS.items():
            if name in body:
                setattr(employee, attribute, body[name])
        self.touch(employee)
        return self.view(employee, body.get("passcode"))

    def archive(self, key):
        employee = self.employee(key)
        if not employee.deleted:
            if any(e.employee_guid == employee.guid and e.out_at(self.now) is None and not e.deleted
                   for e in self.entries.values()):
                raise BadRequest(OPEN_TIME_ENTRIES.format(guid=employee.guid), field="employeeId")
            employee.deleted, employee.deleted_date = True, self.now
            self.touch(employee)
        return self.view(employee)

    def unarchive(self, key):
        employee = self.employee(key)
        if employee.deleted:
            employee.deleted, employee.deleted_date = False, None
            self.touch(employee)
        return self.view(employee)

    def set_employee_external_id(self, key, value, replace):
        employee = self.employee(key)
        employee.external_id = self.external_id(self.employees, value, employee, "employee", replace)
        self.touch(employee)
        return self.view(employee)

    def replace_jobs(self, key, refs):
        employee = self.employee(key)
        employee.job_guids = self._job_guids(refs, "body")
        # An override for a job the employee no longer holds goes with the job.
        employee.wage_overrides = [w for w in employee.wage_overrides if w.job_guid in employee.job_guids]
        self.touch(employee)
        return self.view(employee)

    def replace_wage_overrides(self, key, raws):
        employee = self.employee(key)
        employee.wage_overrides = self._overrides(raws, employee.job_guids, "body")
        self.touch(employee)
        return self.view(employee)

    # Jobs ---------------------------------------------------------------------------------------------------------

    def set_job_external_id(self, key, value, replace):
        job = self.job(key)
        job.external_id = self.external_id(self.jobs, value, job, "job", replace)
        self.touch(job)
        return job.to_dict()
