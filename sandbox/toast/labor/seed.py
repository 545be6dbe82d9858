"""Seeded labor: each restaurant's jobs and staff, a rota of shifts over the order history's days, and what happened
(time entries, breaks, overtime); after the orders, each closed entry's takings are read from them."""

from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sandbox.toast.dates import business_date, closeout
from sandbox.toast.labor.ledger import tally
from sandbox.toast.labor.models import ZERO, Break, Employee, Job, Shift, TimeEntry, WageOverride

_DAY = 86400
_WEEK_HOURS = Decimal(40)
_TIPPED_ROTA = ("DOUBLE", "LUNCH", "DINNER")      # the tipped staff working a day, in turn; the rest take DINNER


def seed_staff(world, labor, state, restaurant, people, seeded_at):
    """The restaurant's jobs and employees (the people orders name as their server)."""
    jobs = {}
    for raw in labor.get("jobs", []):
        job = Job(world.ids.guid(), raw["title"], raw["code"], raw["wageFrequency"], Decimal(str(raw["defaultWage"])),
                  raw["tipped"], seeded_at - 400 * _DAY, seeded_at - 400 * _DAY)
        jobs[job.guid] = job
    by_title = {job.title: job.guid for job in jobs.values()}
    employees = {}
    for number, raw in enumerate(labor.get("staff", []), 1):
        person = people.person()
        hired = seeded_at - (200 + 10 * number) * _DAY
        employee = Employee(world.ids.guid(), person["firstName"], person["lastName"], person["email"],
                            person["phone"], hired, hired, [by_title[t] for t in raw["jobs"]],
                            [WageOverride(by_title[t], Decimal(str(w))) for t, w in raw.get("wages", {}).items()],
                            external_employee_id=f"{restaurant.location_code}-{number:04d}",
                            passcode=f"{world.ids.random.randrange(10000):04d}")
        if "archivedDaysAgo" in raw:
            employee.deleted = True
            employee.deleted_date = employee.modified = seeded_at - raw["archivedDaysAgo"] * _DAY
        employees[employee.guid] = employee
    state.jobs[restaurant.guid] = jobs
    state.employees[restaurant.guid] = employees


class Rota:
    """Writes one restaurant's shifts and time entries, then tells who was clocked in at an instant."""

    def __init__(self, world, labor, state, restaurant):
        self.ids = world.ids
        self.rng = world.ids.random
        self.restaurant = restaurant
        self.zone = ZoneInfo(restaurant.time_zone)
        self.jobs = state.jobs[restaurant.guid]
        self.employees = state.employees[restaurant.guid]
        self.shifts = state.shifts.setdefault(restaurant.guid, {})
        self.entries = state.time_entries.setdefault(restaurant.guid, {})
        self.times = labor.get("shiftTimes", {})
        self.shares = labor.get("shares", {})
        self.meal, self.rest = self.ids.guid(), self.ids.guid()          # the restaurant's two break types
        self._tipped_index, self._tipped_starts = [], []      # tipped entries (start, end, employee) by start

    def write(self, days, ahead, now):
        """Shifts from `days` days before `now` to `ahead` days after it; entries for those begun by `now`."""
        today = datetime.fromtimestamp(now, self.zone).date()
        for offset in range(-days, ahead + 1):
            day = today + timedelta(days=offset)
            for employee, pattern in self._day_plan(day):
                self._shift(employee, day, pattern, now)
        self._forgot_to_clock_out(now)
        self._overtime()
        self._tipped_index = sorted((e.in_date, e.out_date or now, e.employee_guid) for e in self.entries.values()
                                    if not e.deleted and self.jobs[e.job_guid].tipped)
        self._tipped_starts = [t[0] for t in self._tipped_index]

    def _active(self, employee, day):
        if not employee.deleted:
            return True
        return datetime.fromtimestamp(employee.deleted_date, self.zone).date() > day

    def _day_plan(self, day):
        ordinal = day.toordinal()
        staff = [e for e in self.employees.values() if self._active(e, day)]
        tipped = [e for e in staff if self.jobs[e.job_guids[0]].tipped]
        if len(tipped) >= 3:
            turn = sorted(range(len(tipped)), key=lambda i: (i + ordinal) % len(tipped))
            working = [tipped[i] for i in turn[1:]]          # one tipped employee is off each day
            for position, employee in enumerate(working):
                yield employee, _TIPPED_ROTA[position] if position < len(_TIPPED_ROTA) else "DINNER"
        else:
            for employee in tipped:
                yield employee, "DOUBLE"
        for index, employee in enumerate(e for e in staff if not self.jobs[e.job_guids[0]].tipped):
            if (ordinal + index) % 7 in (0, 3):                 # two days off a week
                continue
            code = self.jobs[employee.job_guids[0]].code
            names = [name for name in self.times if name.startswith(code + ":")]
            if names:
                yield employee, names[(ordinal + index) % len(names)]

    def _local(self, day, text):
        hour, minute = map(int, text.split(":"))
        extra = hour // 24
        moment = datetime(day.year, day.month, day.day, hour % 24, minute, tzinfo=self.zone) + timedelta(days=extra)
        return moment.timestamp()

    def _shift(self, employee, day, pattern, now):
        start, end = (self._local(day, t) for t in self.times[pattern])
        job = self.jobs[employee.job_guids[0]]
        created = start - 7 * _DAY
        shift = Shift(self.ids.guid(), employee.guid, job.guid, start, end, created, created)
        self.shifts[shift.guid] = shift
        if start - 600 > now:
            return
        clock_in = start + self.rng.randint(-8, 4) * 60 + self.rng.randrange(60)
        if clock_in > now:
            return
        clock_out = end + self.rng.randint(-10, 12) * 60 + self.rng.randrange(60)
        auto = self.rng.random() < self.shares.get("autoClockOuts", 0)
        day_of_entry = business_date(clock_in, self.restaurant)
        if auto:
            clock_out = closeout(day_of_entry, self.restaurant)
        if clock_out > now:
            clock_out, auto = None, False
        wage = None if job.wage_frequency == "SALARY" else employee.wage(job)
        entry = TimeEntry(self.ids.guid(), employee.guid, job.guid, shift.guid, clock_in, clock_out, day_of_entry,
                          wage, clock_in, clock_out or clock_in, auto_clocked_out=auto,
                          closeout_at=closeout(day_of_entry, self.restaurant))
        if clock_out is not None:
            entry.breaks = self._breaks(clock_in, clock_out)
            if self.rng.random() < self.shares.get("deletedEntries", 0):
                entry.deleted = True
                entry.deleted_date = entry.modified = min(now, clock_out + _DAY)
        self.entries[entry.guid] = entry

    def _forgot_to_clock_out(self, now):
        """After closing time and before the closeout hour, the last one to clock out has not yet: their entry stays
        open until the auto clock-out at closeout (so someone is clocked in whenever the restaurant is open)."""
        if any(e.out_date is None for e in self.entries.values()):
            return
        closed = [e for e in self.entries.values() if not e.deleted and e.out_date is not None]
        last = max(closed, key=lambda e: e.out_date, default=None)
        if last is not None and last.closeout_at > now:
            last.out_date, last.auto_clocked_out, last.modified, last.breaks = None, False, last.in_date, []

    def _breaks(self, clock_in, clock_out):
        span = clock_out - clock_in
        breaks = []
        if span > 3.5 * 3600 and self.rng.random() < self.shares.get("restBreaks", 0):
            rest = clock_in + span / 3 + self.rng.randrange(-900, 900)
            breaks.append(Break(self.ids.guid(), self.rest, True, rest, rest + 600))
        if span > 6 * 3600:
            if self.rng.random() < self.shares.get("missedBreaks", 0):
                breaks.append(Break(self.ids.guid(), self.meal, False, missed=True))
            else:
                meal = clock_in + span / 2 + self.rng.randrange(-1800, 1800)
                breaks.append(Break(self.ids.guid(), self.meal, False, meal, meal + 1800))
        return breaks

    def _overtime(self):
        """Hours past 40 in a week (Monday to Sunday, by business date) are overtime, for hourly jobs."""
        worked = defaultdict(Decimal)
        for entry in sorted(self.entries.values(), key=lambda e: e.in_date):
            if entry.out_date is None:
                continue
            hours = entry.worked_hours(entry.out_date)
            day = entry.business_date
            monday = date(day // 10000, day // 100 % 100, day % 100)
            week = (entry.employee_guid, monday - timedelta(days=monday.weekday()))
            if entry.hourly_wage is None or entry.deleted:
                entry.regular_hours = hours
            else:
                entry.regular_hours = max(ZERO, min(hours, _WEEK_HOURS - worked[week]))
                entry.overtime_hours = hours - entry.regular_hours
                worked[week] += hours

    def servers(self, moment):
        """Who may serve an order opened at `moment`: the tipped employees clocked in then, or when nobody is (the
        first hour before opening), the tipped staff employed then."""
        return self.on_duty(moment) or sorted(
            e.guid for e in self.employees.values() if self.jobs[e.job_guids[0]].tipped
            and (not e.deleted or e.deleted_date > moment))

    def on_duty(self, moment):
        """GUIDs of the tipped employees clocked in at `moment` (not on a deleted entry)."""
        last = bisect_right(self._tipped_starts, moment)
        # Entries last a day at most and a few begin each day: the 40 latest starts cover every one still open.
        return sorted({guid for start, end, guid in self._tipped_index[max(0, last - 40):last] if end > moment})


def settle_entries(state, restaurant):
    """Fix each closed time entry's takings from the orders its employee served during it."""
    for entry in state.time_entries.get(restaurant.guid, {}).values():
        if entry.out_date is not None:
            entry.takings = tally(state.orders, restaurant, entry.employee_guid, entry.in_date, entry.out_date)

