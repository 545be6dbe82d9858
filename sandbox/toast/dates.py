"""Toast's date conventions: millisecond timestamps with +0000, and business dates in the restaurant's time zone."""

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from sandbox.core.errors import BadRequest

BUSINESS_DATE_INVALID = "businessDate must be a date written yyyyMMdd"


@lru_cache(maxsize=1 << 16)     # an order repeats its few timestamps many times over
def toast_date(epoch):
    """`2024-03-01T17:05:09.123+0000` for epoch seconds (None stays None)."""
    if epoch is None:
        return None
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


@lru_cache(maxsize=64)
def _zone(name):
    return ZoneInfo(name)


def local_time(epoch, restaurant):
    """An instant as a datetime in the restaurant's time zone."""
    return datetime.fromtimestamp(epoch, _zone(restaurant.time_zone))


def business_date(epoch, restaurant):
    """The restaurant's business date (yyyyMMdd as an int) for an instant: local time, shifted by the closeout hour."""
    local = datetime.fromtimestamp(epoch, _zone(restaurant.time_zone))
    day = local.date() - timedelta(days=1) if local.hour < restaurant.closeout_hour else local.date()
    return day.year * 10000 + day.month * 100 + day.day


def closeout(business_day, restaurant):
    """Epoch seconds at which a business date closes out (the next day's closeout hour, local time)."""
    day = date(business_day // 10000, business_day // 100 % 100, business_day % 100) + timedelta(days=1)
    local = datetime.combine(day, time(restaurant.closeout_hour), _zone(restaurant.time_zone))
    return local.timestamp()


def parse_business_date(text, field="businessDate"):
    """`20240301` -> 20240301, or a 400 naming the field."""
    try:
        datetime.strptime(text, "%Y%m%d")
    except (TypeError, ValueError) as exc:
        raise BadRequest(BUSINESS_DATE_INVALID.replace("businessDate", field), field=field) from exc
    if len(text) != 8:
        raise BadRequest(BUSINESS_DATE_INVALID.replace("businessDate", field), field=field)
    return int(text)
