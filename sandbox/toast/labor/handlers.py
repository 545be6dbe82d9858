"""Handlers of the Toast Labor API: thin calls into Staff (employees, jobs) and Schedule (shifts, time entries)."""

from sandbox.toast.labor.schedule import Schedule
from sandbox.toast.labor.staff import Staff


def _ids(ctx, name):
    return ctx.params.get(name) or []


OPERATIONS = {
    "employeesGet": lambda ctx: Staff(ctx).list_employees(_ids(ctx, "employeeIds")),
    "employeesPost": lambda ctx: Staff(ctx).create(ctx.body),
    "employeesEmployeeIdGet": lambda ctx: Staff(ctx).get(ctx.params["employeeId"]),
    "employeesEmployeeIdDelete": lambda ctx: Staff(ctx).archive(ctx.params["employeeId"]),
    "employeesEmployeeIdPatch": lambda ctx: Staff(ctx).patch(ctx.params["employeeId"], ctx.body),
    "employeesEmployeeIdExternalIdPost":
        lambda ctx: Staff(ctx).set_employee_external_id(ctx.params["employeeId"], ctx.body, replace=False),
    "employeesEmployeeIdExternalIdPut":
        lambda ctx: Staff(ctx).set_employee_external_id(ctx.params["employeeId"], ctx.body, replace=True),
    "employeesEmployeeIdUnarchivePut": lambda ctx: Staff(ctx).unarchive(ctx.params["employeeId"]),
    "employeesEmployeeIdJobsPut": lambda ctx: Staff(ctx).replace_jobs(ctx.params["employeeId"], ctx.body),
    "employeesEmployeeIdWageOverridesPut":
        lambda ctx: Staff(ctx).replace_wage_overrides(ctx.params["employeeId"], ctx.body),
    "jobsGet": lambda ctx: Staff(ctx).list_jobs(_ids(ctx, "jobIds")),
    "jobsJobIdGet": lambda ctx: Staff(ctx).job(ctx.params["jobId"]).to_dict(),
    "jobsJobIdExternalIdPost": lambda ctx: Staff(ctx).set_job_external_id(ctx.params["jobId"], ctx.body, replace=False),
    "jobsJobIdExternalIdPut": lambda ctx: Staff(ctx).set_job_external_id(ctx.params["jobId"], ctx.body, replace=True),
    "shiftsGet": lambda ctx: Schedule(ctx).list_shifts(ctx.params),
    "shiftsPost": lambda ctx: Schedule(ctx).create_shift(ctx.body),
    "shiftsShiftIdGet": lambda ctx: Schedule(ctx).shift(ctx.params["shiftId"]),
    "shiftsShiftIdPut": lambda ctx: Schedule(ctx).replace_shift(ctx.params["shiftId"], ctx.body),
    "shiftsShiftIdDelete": lambda ctx: Schedule(ctx).delete_shift(ctx.params["shiftId"]),
    "timeEntriesGet": lambda ctx: Schedule(ctx).list_entries(ctx.params),
    "timeEntriesTimeEntryIdGet": lambda ctx: Schedule(ctx).entry(ctx.params["timeEntryId"], ctx.params),
}
