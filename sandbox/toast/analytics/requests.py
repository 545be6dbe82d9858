"""Analytics report requests: what a request asks for (range, restaurants) and its life on the world's clock."""

from datetime import date, datetime, timedelta

from sandbox.core.errors import BadRequest, Forbidden, NotFound
from sandbox.toast import errors
from sandbox.toast.access import reachable_restaurants
from sandbox.toast.dates import business_date
from sandbox.toast.state import toast_state

# Longest range, in days, of each `timeRange` (the analytics reference); a custom range takes up to a year.
RANGE_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366, None: 366}
EXPIRY_SECONDS = 7 * 86400          # the guide: a reportRequestGuid expires seven days after it is created
MAX_REPORTS = 1000                  # per world; the oldest are dropped past this

DATE_INVALID = "{field} must be a date written yyyyMMdd"
START_AFTER_END = "{start} must not be after {end}"
RANGE_TOO_LONG = "A {range} report covers at most {days} day(s); this range has {actual}"
IN_FUTURE = "{field} ({value}) is in the future"
UNKNOWN_REPORT = "No report request {guid} was found; it may have expired (reports are kept seven days)"


def _day(value):
    """A yyyyMMdd integer as a date, or None when it is not one."""
    if not 10000101 <= value <= 99991231:
        return None
    try:
        return datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        return None


def parse_range(body, time_range, start_field="startBusinessDate", end_field="endBusinessDate"):
    """The (first, last) dates of a request body, checked against the `timeRange`'s longest span (400 otherwise)."""
    days = []
    for field in (start_field, end_field):
        day = _day(body[field])
        if day is None:
            raise BadRequest(DATE_INVALID.format(field=field), field=field)
        days.append(day)
    first, last = days
    if first > last:
        raise BadRequest(START_AFTER_END.format(start=start_field, end=end_field), field=start_field)
    span = (last - first).days + 1
    if span > RANGE_DAYS[time_range]:
        raise BadRequest(RANGE_TOO_LONG.format(range=time_range or "custom", days=RANGE_DAYS[time_range],
                                               actual=span), field=end_field)
    return first, last


def as_int(day):
    return day.year * 10000 + day.month * 100 + day.day


def days_between(first, last):
    """Every date from first to last as yyyyMMdd integers."""
    return [as_int(first + timedelta(days=n)) for n in range((last - first).days + 1)]


def chosen_restaurants(ctx, body, inactive):
    """The restaurants a report covers: the caller's (a group client's locations, a partner's connections), narrowed
    by `restaurantIds` (403 for one out of reach) and `excludedRestaurantIds`, active or inactive ones only."""
    state = toast_state(ctx.world)
    reachable = reachable_restaurants(state, ctx.principal)
    wanted = [guid.lower() for guid in body.get("restaurantIds") or []]
    for guid in wanted:
        if guid not in reachable:
            raise Forbidden(errors.RESTAURANT_NOT_CONNECTED.format(guid=guid))
    excluded = {guid.lower() for guid in body.get("excludedRestaurantIds") or []}
    chosen = []
    for guid in sorted(set(wanted) or reachable):
        restaurant = state.restaurants.get(guid)
        if restaurant is None or guid in excluded:
            continue
        if (restaurant.archived or restaurant.deleted) == inactive:
            chosen.append(restaurant)
    return chosen


def refuse_future(restaurants, last, now, field):
    """400 when the range ends after today's business date at every chosen restaurant."""
    today = max((business_date(now, r) for r in restaurants), default=as_int(date.fromtimestamp(now)))
    if as_int(last) > today:
        raise BadRequest(IN_FUTURE.format(field=field, value=as_int(last)), field=field)


def file_report(ctx, state, kind, rows, **facts):
    """Keep a computed report for its caller in the world state it was gathered from (a report gathered across a
    reset goes with the old world); returns its GUID. Ready after the configured gathering time."""
    now = ctx.world.clock.timestamp()
    guid = ctx.world.ids.guid()
    state.reports[guid] = {"kind": kind, "client": ctx.principal.client_id, "created": now,
                           "ready": now + ctx.sandbox.config.analytics_ready_seconds,
                           "expires": now + EXPIRY_SECONDS, "rows": rows, **facts}
    while len(state.reports) > MAX_REPORTS:
        state.reports.pop(next(iter(state.reports)))
    return guid


def read_report(ctx, kind):
    """The stored report behind the path's GUID for its own client (404 otherwise), or None while gathering."""
    state = toast_state(ctx.world)
    guid = ctx.params["reportRequestGuid"].lower()
    report = state.reports.get(guid)
    now = ctx.world.clock.timestamp()
    if report is None or report["kind"] != kind or report["client"] != ctx.principal.client_id \
            or now >= report["expires"]:
        raise NotFound(UNKNOWN_REPORT.format(guid=guid))
    if now < report["ready"]:
        return None
    return report
