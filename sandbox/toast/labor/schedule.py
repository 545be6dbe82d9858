"""Shifts (the schedule) and time entries (what happened) through the Labor API: windows, ids and shift writes."""

from sandbox.core.clock import parse_instant
from sandbox.core.errors import BadRequest, NotFound
from sandbox.toast.dates import parse_business_date, toast_date
from sandbox.toast.labor.desk import NOT_FOUND, LaborDesk
from sandbox.toast.labor.ledger import entry_takings
from sandbox.toast.labor.models import Shift

SHIFT_SELECTOR = "Either shiftIds or both startDate and endDate are required"
ENTRY_SELECTOR = ("Exactly one of timeEntryIds, startDate and endDate, modifiedStartDate and modifiedEndDate, or "
                  "businessDate is required")
WINDOW_HALF = "{start} and {end} go together: send both"
WINDOW_REVERSED = "{start} must be before {end}"
WINDOW_TOO_LONG = "The period from {start} to {end} cannot be longer than {days} days"
OUT_BEFORE_IN = "outDate must be after inDate"
SHIFT_TOO_LONG = "A shift cannot be longer than {hours} hours"
EMPLOYEE_ARCHIVED = "Employee {guid} is archived and cannot be scheduled"
JOB_NOT_HELD = "Employee {employee} does not hold job {job}"
SHIFT_DELETED = "Shift {guid} was deleted and cannot be changed"
EXTERNAL_ID_ON_PUT = "externalId cannot be set with PUT"
_MAX_SHIFT_HOURS = 24


class Schedule(LaborDesk):
    """Shift and time entry actions for one request."""

    def _window(self, params, start_name, end_name):
        start, end = params.get(start_name), params.get(end_name)
        if start is None or end is None:
            raise BadRequest(WINDOW_HALF.format(start=start_name, end=end_name), field=start_name if start is None
                             else end_name)
        start, end = parse_instant(start).timestamp(), parse_instant(end).timestamp()
        if start >= end:
            raise BadRequest(WINDOW_REVERSED.format(start=start_name, end=end_name), field=start_name)
        days = self.ctx.sandbox.config.toast_labor_window_days
        if end - start > days * 86400:
            raise BadRequest(WINDOW_TOO_LONG.format(start=start_name, end=end_name, days=days), field=end_name)
        return start, end

    # Shifts -------------------------------------------------------------------------------------------------------

    def shift_view(self, shift):
        return shift.to_dict(self.employees, self.jobs)

    def list_shifts(self, params):
        keys = params.get("shiftIds")
        if keys:
            return [self.shift_view(s) for s in self.named(self.shifts, keys)]
        if params.get("startDate") is None and params.get("endDate") is None:
            raise BadRequest(SHIFT_SELECTOR, field="startDate")
        start, end = self._window(params, "startDate", "endDate")
        chosen = [s for s in self.shifts.values() if not s.deleted and s.in_date >= start and s.out_date < end]
        return [self.shift_view(s) for s in sorted(chosen, key=lambda s: (s.in_date, s.guid))]

    def shift(self, key):
        return self.shift_view(self.find(self.shifts, key, "shift"))

    def _shift_fields(self, body):
        employee = self.resolve(self.employees, body.get("employeeReference"), "employeeReference", "employee")
        job = self.resolve(self.jobs, body.get("jobReference"), "jobReference", "job")
        if employee.deleted:
            raise BadRequest(EMPLOYEE_ARCHIVED.format(guid=employee.guid), field="employeeReference")
        if job.guid not in employee.job_guids:
            raise BadRequest(JOB_NOT_HELD.format(employee=employee.guid, job=job.guid), field="jobReference")
        start, end = parse_instant(body["inDate"]).timestamp(), parse_instant(body["outDate"]).timestamp()
        if end <= start:
            raise BadRequest(OUT_BEFORE_IN, field="outDate")
        if end - start > _MAX_SHIFT_HOURS * 3600:
            raise BadRequest(SHIFT_TOO_LONG.format(hours=_MAX_SHIFT_HOURS), field="outDate")
        return employee.guid, job.guid, start, end

    def _schedule_config(self, body):
        raw = body.get("scheduleConfig")
        if raw is None:
            return None
        return {"guid": raw.get("guid") or self.ids.guid(),
                **{name: raw.get(name) for name in ("minBeforeClockIn", "minAfterClockIn", "minBeforeClockOut",
                                                    "minAfterClockOut")}}

    def create_shift(self, body):
        employee, job, start, end = self._shift_fields(body)
        external = body.get("externalId")
        if external is not None:
            self.external_id(self.shifts, external, None, "shift")
        shift = Shift(self.ids.guid(), employee, job, start, end, self.now, self.now, external_id=external,
                      schedule_config=self._schedule_config(body))
        self.shifts[shift.guid] = shift
        return self.shift_view(shift)

    def replace_shift(self, key, body):
        shift = self.find(self.shifts, key, "shift")
        if body.get("externalId") is not None:
            raise BadRequest(EXTERNAL_ID_ON_PUT, field="externalId")
        if shift.deleted:
            raise BadRequest(SHIFT_DELETED.format(guid=shift.guid), field="shiftId")
        shift.employee_guid, shift.job_guid, shift.in_date, shift.out_date = self._shift_fields(body)
        shift.schedule_config = self._schedule_config(body)
        self.touch(shift)
        return self.shift_view(shift)

    def delete_shift(self, key):
        shift = self.find(self.shifts, key, "shift")
        if not shift.deleted:
            shift.deleted, shift.deleted_date = True, self.now
            self.touch(shift)
        return self.shift_view(shift)

    # Time entries -------------------------------------------------------------------------------------------------

    def entry_view(self, entry, missed_breaks):
        view = entry.to_dict(self.employees, self.jobs,
                             entry_takings(self.state.orders, self.restaurant, entry, self.now), missed_breaks)
        if entry.out_date is None:              # still clocked in, or clocked out automatically at closeout
            out = entry.out_at(self.now)
            view.update(outDate=toast_date(out), autoClockedOut=out is not None,
                        regularHours=float(entry.hours_at(self.now)[0]))
        return view

    def list_entries(self, params):
        """By ids, clock-in window, modified window or business date (exactly one). Deleted (archived) entries:
        the clock-in window and ids honour includeArchived, the modified window always shows them, the business
        date never does."""
        keys = params.get("timeEntryIds")
        window = params.get("startDate") is not None or params.get("endDate") is not None
        modified = params.get("modifiedStartDate") is not None or params.get("modifiedEndDate") is not None
        day = params.get("businessDate")
        if sum((bool(keys), window, modified, day is not None)) != 1:
            raise BadRequest(ENTRY_SELECTOR, field="startDate")
        archived = params.get("includeArchived", False)
        if keys:
            chosen = [e for e in self.named(self.entries, keys) if archived or not e.deleted]
        elif window:
            start, end = self._window(params, "startDate", "endDate")
            chosen = [e for e in self.entries.values() if start <= e.in_date < end and (archived or not e.deleted)]
        elif modified:
            start, end = self._window(params, "modifiedStartDate", "modifiedEndDate")
            chosen = [e for e in self.entries.values() if start <= e.modified < end]
        else:
            wanted = parse_business_date(day)
            chosen = [e for e in self.entries.values() if e.business_date == wanted and not e.deleted]
        if not keys:
            chosen.sort(key=lambda e: (e.in_date, e.guid))
        missed = params.get("includeMissedBreaks", False)
        return [self.entry_view(e, missed) for e in chosen]

    def entry(self, key, params):
        entry = self.find(self.entries, key, "time entry")
        if entry.deleted and not params.get("includeArchived", False):
            raise NotFound(NOT_FOUND.format(what="time entry", key=key))
        return self.entry_view(entry, params.get("includeMissedBreaks", False))
