"""Labor figures of the analytics reports, from the Labor API's own time entries (hourly jobs only, as the
analytics reference says) and the sales of the orders in the world."""

from decimal import Decimal

from sandbox.toast.analytics.sales import Totals, orders_in
from sandbox.toast.labor.ledger import served_orders
from sandbox.toast.orders.models import ZERO, money

OVERTIME = Decimal("1.5")
CENT = Decimal("0.01")


def hourly_entries(state, restaurant, days):
    """The restaurant's time entries of hourly jobs on the given business dates, deleted ones left out."""
    wanted = set(days)
    return [e for e in state.time_entries.get(restaurant.guid, {}).values()
            if e.business_date in wanted and not e.deleted and e.hourly_wage is not None]


def _hours_and_cost(entry, now):
    regular, overtime = entry.hours_at(now)
    return regular, overtime, entry.hourly_wage * regular, entry.hourly_wage * overtime * OVERTIME


class _Labor:
    __slots__ = ("regular", "overtime", "regular_cost", "overtime_cost", "sales")

    def __init__(self):
        self.regular = self.overtime = self.regular_cost = self.overtime_cost = ZERO
        self.sales = Totals()

    def add(self, entry, now):
        regular, overtime, regular_cost, overtime_cost = _hours_and_cost(entry, now)
        self.regular += regular
        self.overtime += overtime
        self.regular_cost += regular_cost
        self.overtime_cost += overtime_cost

    def to_dict(self):
        sales = self.sales.to_dict()
        net, gross = Decimal(str(sales["netSalesAmount"])), Decimal(str(sales["grossSalesAmount"]))
        hours, cost = self.regular + self.overtime, (self.regular_cost + self.overtime_cost).quantize(CENT)

        def ratio(top, bottom):
            return money((top / bottom).quantize(CENT)) if bottom else 0.0
        return {"regularHours": float(self.regular), "overtimeHours": float(self.overtime), "totalHours": float(hours),
                "regularCost": money(self.regular_cost.quantize(CENT)),
                "overtimeCost": money(self.overtime_cost.quantize(CENT)), "totalCost": money(cost),
                "netSalesAmount": money(net), "grossSalesAmount": money(gross),
                "netSalesPerEmployeeHour": ratio(net, hours), "grossSalesPerEmployeeHour": ratio(gross, hours),
                "totalCostPerNetSales": ratio(cost, net), "totalCostPerGrossSales": ratio(cost, gross)}


def labor_rows(state, restaurants, days, now, pause, group_by=()):
    """Rows per restaurant and business date, and per job and/or employee when asked. A restaurant's row counts the
    day's sales of every order; a job's or an employee's row the sales of the orders its entries' employees served
    while clocked in."""
    rows = []
    for restaurant in restaurants:
        jobs = state.jobs.get(restaurant.guid, {})
        employees = state.employees.get(restaurant.guid, {})
        buckets = {}
        for entry in hourly_entries(state, restaurant, days):
            key = (entry.business_date, entry.job_guid if "JOB" in group_by else None,
                   entry.employee_guid if "EMPLOYEE" in group_by else None)
            labor = buckets.setdefault(key, _Labor())
            labor.add(entry, now)
            if group_by:
                for order in served_orders(state.orders, restaurant, entry.employee_guid, entry.in_date,
                                           entry.out_at(now) or now):
                    labor.sales.add(order, now)
        if not group_by:
            for order in orders_in(state.orders, restaurant, days, pause):
                key = (order.business_date, None, None)
                if key in buckets:
                    buckets[key].sales.add(order, now)
        for (day, job_guid, employee_guid), labor in sorted(buckets.items(), key=lambda kv: repr(kv[0])):
            row = {"businessDate": str(day), "restaurantGuid": restaurant.guid, "restaurantName": restaurant.name,
                   "restaurantLocationName": restaurant.location_name,
                   "restaurantLocationCode": restaurant.location_code, **labor.to_dict()}
            if job_guid is not None:
                job = jobs.get(job_guid)
                row.update(jobGuid=job_guid, jobTitle=job.title if job else None, jobCode=job.code if job else None)
            if employee_guid is not None:
                person = employees.get(employee_guid)
                row.update(employeeGuid=employee_guid, employeeFirstName=person.first_name if person else None,
                           employeeLastName=person.last_name if person else None,
                           employeeChosenName=person.chosen_name if person else None)
            rows.append(row)
    return rows


def hourly_totals(state, restaurant, days, now):
    """Business date -> (hours, pay) of the restaurant's hourly jobs, for the aggregated sales metrics."""
    totals = {}
    for entry in hourly_entries(state, restaurant, days):
        regular, overtime, regular_cost, overtime_cost = _hours_and_cost(entry, now)
        hours, pay = totals.get(entry.business_date, (ZERO, ZERO))
        totals[entry.business_date] = (hours + regular + overtime, pay + regular_cost + overtime_cost)
    return totals
