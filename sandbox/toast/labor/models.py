"""Jobs, employees, shifts and time entries of a restaurant, and their wire shapes (the Labor API's objects)."""

from dataclasses import dataclass, field
from decimal import Decimal

from sandbox.toast.dates import toast_date

ZERO = Decimal("0.00")
HOUR = Decimal(3600)


def reference(guid, entity_type, external_id=None):
    """A labor ExternalReference."""
    return {"guid": guid, "entityType": entity_type, "externalId": external_id}


def _money(value):
    return None if value is None else float(value)


@dataclass(slots=True)
class Job:
    guid: str
    title: str
    code: str
    wage_frequency: str                # HOURLY or SALARY
    default_wage: Decimal              # dollars an hour (HOURLY) or a year (SALARY)
    tipped: bool
    created: float
    modified: float
    external_id: str = None
    deleted: bool = False
    deleted_date: float = None
    exclude_from_reporting: bool = False

    def ref(self):
        return reference(self.guid, "RestaurantJob", self.external_id)

    def to_dict(self):
        return {**self.ref(), "createdDate": toast_date(self.created), "modifiedDate": toast_date(self.modified),
                "deletedDate": toast_date(self.deleted_date), "title": self.title, "deleted": self.deleted,
                "wageFrequency": self.wage_frequency, "defaultWage": _money(self.default_wage),
                "tipped": self.tipped, "code": self.code, "excludeFromReporting": self.exclude_from_reporting}


@dataclass(slots=True)
class WageOverride:
    job_guid: str
    wage: Decimal


@dataclass(slots=True)
class Employee:
    """A restaurant user: the Labor API's employee and the orders' server (`RestaurantUser`)."""

    guid: str
    first_name: str
    last_name: str
    email: str
    phone: str
    created: float
    modified: float
    job_guids: list = field(default_factory=list)
    wage_overrides: list = field(default_factory=list)     # [WageOverride]
    chosen_name: str = None
    external_id: str = None
    external_employee_id: str = None
    passcode: str = None
    phone_country_code: str = "1"
    deleted: bool = False
    deleted_date: float = None

    def ref(self):
        return reference(self.guid, "RestaurantUser", self.external_id)

    def wage(self, job):
        """The employee's wage for a job: the override if there is one, else the job's default."""
        override = next((w.wage for w in self.wage_overrides if w.job_guid == job.guid), None)
        return job.default_wage if override is None else override

    def to_dict(self, jobs, passcode=None):
        """The Employee object; `passcode` only in the answer to the request that set it."""
        def job_ref(guid):
            job = jobs.get(guid)
            return job.ref() if job else reference(guid, "RestaurantJob")
        return {**self.ref(), "createdDate": toast_date(self.created), "modifiedDate": toast_date(self.modified),
                "deletedDate": toast_date(self.deleted_date), "firstName": self.first_name,
                "chosenName": self.chosen_name, "lastName": self.last_name, "email": self.email,
                "phoneNumber": self.phone, "phoneNumberCountryCode": self.phone_country_code, "passcode": passcode,
                "externalEmployeeId": self.external_employee_id, "deleted": self.deleted,
                "jobReferences": [job_ref(g) for g in self.job_guids],
                "wageOverrides": [{"wage": _money(w.wage), "jobReference": job_ref(w.job_guid)}
                                  for w in self.wage_overrides],
                "v2EmployeeGuid": self.guid}


@dataclass(slots=True)
class Shift:
    guid: str
    employee_guid: str
    job_guid: str
    in_date: float
    out_date: float
    created: float
    modified: float
    external_id: str = None
    deleted: bool = False
    deleted_date: float = None
    schedule_config: dict = None       # grace minutes around clock-in and clock-out, as the client set them

    def to_dict(self, employees, jobs):
        employee, job = employees.get(self.employee_guid), jobs.get(self.job_guid)
        return {**reference(self.guid, "Shift", self.external_id), "createdDate": toast_date(self.created),
                "modifiedDate": toast_date(self.modified), "deletedDate": toast_date(self.deleted_date),
                "deleted": self.deleted,
                "jobReference": job.ref() if job else reference(self.job_guid, "RestaurantJob"),
                "employeeReference": employee.ref() if employee else reference(self.employee_guid, "RestaurantUser"),
                "inDate": toast_date(self.in_date), "outDate": toast_date(self.out_date),
                "scheduleConfig": self.schedule_config}


@dataclass(slots=True)
class Break:
    guid: str
    break_type_guid: str
    paid: bool
    in_date: float = None
    out_date: float = None
    missed: bool = False

    @property
    def seconds(self):
        return 0 if self.missed or self.out_date is None else self.out_date - self.in_date

    def to_dict(self):
        return {"guid": self.guid, "breakType": {"guid": self.break_type_guid, "entityType": "BreakType"},
                "paid": self.paid, "inDate": toast_date(self.in_date), "outDate": toast_date(self.out_date),
                "missed": self.missed, "waived": False if self.missed else None, "auditResponse": None}


@dataclass(slots=True)
class Takings:
    """What an employee's orders brought in during a time entry, from the stored orders' payments and charges."""

    cash_sales: Decimal = ZERO
    non_cash_sales: Decimal = ZERO
    non_cash_tips: Decimal = ZERO
    declared_cash_tips: Decimal = ZERO
    cash_gratuity: Decimal = ZERO
    non_cash_gratuity: Decimal = ZERO

    def to_dict(self):
        return {"declaredCashTips": _money(self.declared_cash_tips), "nonCashTips": _money(self.non_cash_tips),
                "nonCashTipsRoundingLoss": None, "cashGratuityServiceCharges": _money(self.cash_gratuity),
                "nonCashGratuityServiceCharges": _money(self.non_cash_gratuity), "tipsWithheld": 0.0,
                "nonCashSales": _money(self.non_cash_sales), "cashSales": _money(self.cash_sales)}


@dataclass(slots=True)
class TimeEntry:
    guid: str
    employee_guid: str
    job_guid: str
    shift_guid: str
    in_date: float
    out_date: float                    # None while the employee is clocked in
    business_date: int
    hourly_wage: Decimal               # None for salaried jobs
    created: float
    modified: float
    breaks: list = field(default_factory=list)
    regular_hours: Decimal = ZERO
    overtime_hours: Decimal = ZERO
    takings: Takings = None            # fixed at clock-out; None while open (read live from the orders)
    auto_clocked_out: bool = False
    external_id: str = None
    deleted: bool = False
    deleted_date: float = None
    closeout_at: float = None          # when an entry left open is clocked out automatically

    def out_at(self, now):
        """Clock-out as of `now`: the recorded one, or the automatic one at closeout once that has passed."""
        if self.out_date is None and self.closeout_at is not None and now >= self.closeout_at:
            return self.closeout_at
        return self.out_date

    def worked_hours(self, until):
        """Hours on the clock up to clock-out (or `until` while open), unpaid breaks left out."""
        end = self.out_date if self.out_date is not None else until
        unpaid = sum(b.seconds for b in self.breaks if not b.paid)
        return (Decimal(max(0, end - self.in_date - unpaid)) / HOUR).quantize(ZERO)

    def hours_at(self, now):
        """(regular, overtime) hours as of `now`: an entry still open counts its time so far as regular hours."""
        if self.out_date is not None:
            return self.regular_hours, self.overtime_hours
        return self.worked_hours(self.out_at(now) or now), ZERO

    def labor_cost(self):
        """Wages earned on this entry: regular hours at the hourly wage, overtime at one and a half times it."""
        if self.hourly_wage is None:
            return None
        return (self.hourly_wage * (self.regular_hours + self.overtime_hours * Decimal("1.5"))).quantize(ZERO)

    def to_dict(self, employees, jobs, takings, missed_breaks=False):
        employee, job = employees.get(self.employee_guid), jobs.get(self.job_guid)
        return {**reference(self.guid, "TimeEntry", self.external_id), "createdDate": toast_date(self.created),
                "modifiedDate": toast_date(self.modified), "deletedDate": toast_date(self.deleted_date),
                "deleted": self.deleted,
                "jobReference": job.ref() if job else reference(self.job_guid, "RestaurantJob"),
                "employeeReference": employee.ref() if employee else reference(self.employee_guid, "RestaurantUser"),
                "shiftReference": None if self.shift_guid is None else reference(self.shift_guid, "Shift"),
                "inDate": toast_date(self.in_date), "outDate": toast_date(self.out_date),
                "autoClockedOut": self.auto_clocked_out, "businessDate": str(self.business_date),
                "regularHours": float(self.regular_hours), "overtimeHours": float(self.overtime_hours),
                "hourlyWage": _money(self.hourly_wage),
                "breaks": [b.to_dict() for b in self.breaks if missed_breaks or not b.missed],
                **takings.to_dict()}
