"""Handlers of the Toast Analytics API: report requests computed from the world when asked, read once ready.

A report request folds every order of its range under the world's lock, so each order counts whole or not at all,
but lets go of the lock every few hundred orders (`sales.CHUNK`): a year of a large world never holds the world's
other requests for longer than one chunk."""

import functools
import time

from sandbox.core.errors import BadRequest, NotFound
from sandbox.core.pipeline import Reply, unlocked
from sandbox.toast.access import reachable_restaurants
from decimal import Decimal

from sandbox.toast.analytics import labor, menu, payouts, sales
from sandbox.toast.analytics.requests import (UNKNOWN_REPORT, chosen_restaurants, days_between, file_report,
                                              parse_range, read_report, refuse_future)
from sandbox.toast.dates import business_date
from sandbox.toast.errors import in_progress
from sandbox.toast.state import toast_state

HOURLY_NEEDS_DAY = "aggregateBy=HOUR is only for the day time range"


def _pause(world):
    """Let the world's other requests in between two chunks of a report (the handler holds the lock once)."""
    def pause():
        world.lock.release()
        time.sleep(0)           # let go of the interpreter too, so a request waiting for the lock gets it
        world.lock.acquire()
    return pause


def _gathered(post):
    """A report request's handler, run under the world's lock that `_pause` lets go of between chunks."""
    @unlocked
    @functools.wraps(post)
    def handler(ctx):
        with ctx.world.lock:
            return post(ctx)
    return handler


def _request(ctx, time_range, start="startBusinessDate", end="endBusinessDate"):
    """(state, restaurants, business dates, now) of a report request, every rule checked."""
    first, last = parse_range(ctx.body, time_range, start, end)
    restaurants = chosen_restaurants(ctx, ctx.body, bool(ctx.params.get("onlyInactiveRestaurants")))
    now = ctx.world.clock.timestamp()
    refuse_future(restaurants, last, now, end)
    return toast_state(ctx.world), restaurants, days_between(first, last), now


def _metrics(ctx, time_range):
    hourly = ctx.params.get("aggregateBy") == "HOUR"
    if hourly and time_range != "day":
        raise BadRequest(HOURLY_NEEDS_DAY, field="aggregateBy")
    state, restaurants, days, now = _request(ctx, time_range)
    group_by = list(dict.fromkeys(ctx.body.get("groupBy") or []))
    pause = _pause(ctx.world)
    rows = sales.metrics_rows(state, restaurants, days, now, pause, hourly, group_by)
    cumulative = sales.metrics_rows(state, restaurants, days, now, pause, False, group_by, whole_range=True)
    if not hourly and not group_by:
        hourly_jobs = {r.guid: labor.hourly_totals(state, r, days, now) for r in restaurants}
        _add_hourly_jobs(rows, hourly_jobs)
        _add_hourly_jobs(cumulative, hourly_jobs, whole_range=True)
    return file_report(ctx, state, "metrics", rows, cumulative=cumulative, timeRange=time_range)


def _add_hourly_jobs(rows, hourly_jobs, whole_range=False):
    """The hours, pay and net sales per labor hour of hourly jobs on each restaurant's (whole-day) rows."""
    for row in rows:
        totals = hourly_jobs[row["restaurantGuid"]]
        picked = totals.values() if whole_range else [totals.get(int(row["businessDate"]), (0, 0))]
        hours = sum((h for h, _ in picked), Decimal(0))
        pay = sum((p for _, p in picked), Decimal(0))
        per_hour = Decimal(str(row["netSalesAmount"])) / hours if hours else Decimal(0)
        row.update(hourlyJobTotalHours=str(hours.quantize(labor.CENT)), hourlyJobTotalPay=str(pay.quantize(labor.CENT)),
                   hourlyJobSalesPerLaborHour=str(per_hour.quantize(labor.CENT)))


@_gathered
def post_metrics_custom(ctx):
    return _metrics(ctx, None)


@_gathered
def post_metrics(ctx):
    return _metrics(ctx, ctx.params["timeRange"])


def _with_names(ctx, rows):
    """Rows with each restaurant's guest-facing name when `fetchRestaurantNames` is true."""
    if not ctx.params.get("fetchRestaurantNames"):
        return rows
    restaurants = toast_state(ctx.world).restaurants
    return [{**row, "restaurantName": restaurants[row["restaurantGuid"]].name} for row in rows]


def _read(ctx, kind, rows_key="rows", names=False, time_range=None):
    """A report's rows once ready (202 before); the deprecated metrics read also names the report's time range."""
    report = read_report(ctx, kind)
    guid = ctx.params["reportRequestGuid"].lower()
    if report is None:
        return Reply(in_progress(guid), 202)
    if time_range is not None and report["timeRange"] != time_range:
        raise NotFound(UNKNOWN_REPORT.format(guid=guid))
    return _with_names(ctx, report[rows_key]) if names else report[rows_key]


def get_metrics(ctx):
    return _read(ctx, "metrics", names=True)


def get_metrics_for_range(ctx):
    return _read(ctx, "metrics", "cumulative", names=True, time_range=ctx.params["timeRange"])


def restaurants_information(ctx):
    state = toast_state(ctx.world)
    found = (state.restaurants[guid] for guid in sorted(reachable_restaurants(state, ctx.principal)))
    return [{"restaurantGuid": r.guid, "restaurantName": r.name, "active": not (r.archived or r.deleted),
             "testMode": False, "archived": r.archived} for r in found]


def _server_name(state):
    """The name of an order's server (a Labor employee of the restaurant), or None."""
    def name(restaurant_guid, guid):
        employee = state.employees.get(restaurant_guid, {}).get(guid)
        return f"{employee.first_name} {employee.last_name}" if employee is not None else None
    return name


@_gathered
def post_labor(ctx):
    state, restaurants, days, now = _request(ctx, ctx.params["timeRange"])
    group_by = [g for g in ("JOB", "EMPLOYEE") if g in (ctx.body.get("groupBy") or [])]
    return file_report(ctx, state, "labor", labor.labor_rows(state, restaurants, days, now, _pause(ctx.world),
                                                             group_by))


def get_labor(ctx):
    return _read(ctx, "labor")


@_gathered
def post_check(ctx):
    state, restaurants, days, now = _request(ctx, "day")
    rows = sales.check_rows(state, restaurants, days, now, _pause(ctx.world), _server_name(state))
    return file_report(ctx, state, "check", rows)


def get_check(ctx):
    return _read(ctx, "check", names=True)


def _menu(ctx, time_range):
    state, restaurants, days, _ = _request(ctx, time_range)
    rows = menu.menu_rows(state, restaurants, days, ctx.body.get("groupBy") or [], _pause(ctx.world))
    return file_report(ctx, state, "menu", rows)


@_gathered
def post_menu_custom(ctx):
    return _menu(ctx, None)


@_gathered
def post_menu(ctx):
    return _menu(ctx, ctx.params["timeRange"])


def get_menu(ctx):
    return _read(ctx, "menu")


def _cards(ctx, shift):
    """Card payments whose (paid or settled) date falls in the request's range; `shift` days from paid to the date
    the range is about."""
    state, restaurants, days, now = _request(ctx, ctx.params["timeRange"], "startDate", "endDate")
    terms = payouts.Terms(ctx.sandbox.config)
    paid = payouts.paid_days(days, terms.settlement_days if shift else 0)
    today = max((business_date(now, r) for r in restaurants), default=0)
    return state, list(payouts.card_payments(state, restaurants, terms, paid, _pause(ctx.world))), today


@_gathered
def post_payout_settled(ctx):
    state, cards, today = _cards(ctx, shift=True)
    return file_report(ctx, state, "payout", payouts.settled_rows(cards, today))


@_gathered
def post_payout_payments(ctx):
    state, cards, _ = _cards(ctx, shift=True)
    return file_report(ctx, state, "payout-payments", payouts.payment_rows(cards))


@_gathered
def post_payout_sales_date(ctx):
    state, cards, _ = _cards(ctx, shift=False)
    return file_report(ctx, state, "payout-sales-date", payouts.sales_date_rows(cards))


@_gathered
def post_guest_payments(ctx):
    state, cards, _ = _cards(ctx, shift=False)
    return file_report(ctx, state, "guest-payments", payouts.guest_rows(cards))


def get_payout_settled(ctx):
    return _read(ctx, "payout")


def get_payout_payments(ctx):
    return _read(ctx, "payout-payments")


def get_payout_sales_date(ctx):
    return _read(ctx, "payout-sales-date")


def get_guest_payments(ctx):
    return _read(ctx, "guest-payments")


OPERATIONS = {
    "postMetricsReportingDataCustomTimeRangeRequest": post_metrics_custom,
    "postMetricsReportingDataSpecificTimeRangeRequest": post_metrics,
    "getMetricsReportingData": get_metrics,
    "getMetricsReportingDataSpecificTimeRange": get_metrics_for_range,
    "getManagementGroupRestaurantsInformation": restaurants_information,
    "postCheckReportingDataSpecificTimeRangeRequest": post_check,
    "getCheckReportingData": get_check,
    "postLaborReportingDataSpecificTimeRangeRequest": post_labor,
    "getLaborReportingData": get_labor,
    "postMenuReportCustomTimeRange": post_menu_custom,
    "postMenuReportSpecificTimeRange": post_menu,
    "getMenuReportingData": get_menu,
    "postPayoutReportSettledDateSpecificTimeRange": post_payout_settled,
    "getPayoutSettledDateReportingData": get_payout_settled,
    "postPayoutReportPaymentsSpecificTimeRange": post_payout_payments,
    "getPayoutPaymentsReportingData": get_payout_payments,
    "postPayoutReportSalesDateSpecificTimeRange": post_payout_sales_date,
    "getPayoutSalesDateReportingData": get_payout_sales_date,
    "postGuestReportPaymentDateSpecificTimeRange": post_guest_payments,
    "getGuestByPaymentDateReportingData": get_guest_payments,
}
