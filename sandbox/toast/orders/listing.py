"""Reading orders and payments: by GUID, by modified-date window or business date, and the Link paging headers."""

from urllib.parse import urlencode

from sandbox.core.clock import parse_instant
from sandbox.core.errors import BadRequest, NotFound
from sandbox.toast.access import is_guid
from sandbox.toast.dates import parse_business_date
from sandbox.toast.orders import errors

MAX_BULK_WINDOW = 31 * 86400       # historical pulls use windows of at most a month
MAX_GUID_WINDOW = 3600             # the deprecated GUID list takes at most an hour
EARLIEST_START = 1448928000        # 2015-12-01T00:00:00.000+0000: startDate must come after it
PAYMENT_DATES = (("paidBusinessDate", "paid"), ("refundBusinessDate", "refund"), ("voidBusinessDate", "void"))


def window(params, limit, limit_text):
    """(start, end) epoch seconds, or (None, business date); the platform's 400s for bad combinations."""
    start, end, day = params.get("startDate"), params.get("endDate"), params.get("businessDate")
    if day is not None and start is None and end is None:
        return None, parse_business_date(day)
    if start is None or end is None or day is not None:
        raise BadRequest(errors.DATES_REQUIRED)
    start, end = parse_instant(start).timestamp(), parse_instant(end).timestamp()
    if start <= EARLIEST_START:
        raise BadRequest(errors.START_TOO_EARLY, field="startDate")
    if start >= end:
        raise BadRequest(errors.START_AFTER_END, field="startDate")
    if end - start > limit:
        raise BadRequest(errors.RANGE_TOO_LONG.format(limit=limit_text), field="endDate")
    return start, end


def bulk_page(book, restaurant_guid, params):
    """(order GUIDs of one page, whether another page follows)."""
    page, size = params.get("page", 1), params.get("pageSize", 100)
    start, end = window(params, MAX_BULK_WINDOW, "one month")
    if start is None:
        guids = book.on_business_date(restaurant_guid, end)
        first = (page - 1) * size
        return guids[first:first + size], first + size < len(guids)
    return book.modified_page(restaurant_guid, start, end, page, size)


def link_headers(base_url, path, args, page, has_next):
    """One `Link` header line per relation (first, self, prev, next; never last), absolute URLs."""
    def url(number):
        query = [(k, v) for k, v in args.items(multi=True) if k != "page"] + [("page", str(number))]
        return f"{base_url.rstrip('/')}{path}?{urlencode(query)}"
    relations = [("first", 1), ("self", page)]
    if page > 1:
        relations.append(("prev", page - 1))
    if has_next:
        relations.append(("next", page + 1))
    return [("Link", f'<{url(number)}>; rel="{name}"') for name, number in relations]


def guids_modified(book, restaurant_guid, params):
    """The deprecated GET /orders: every order GUID in an hour-long window (or a business date)."""
    start, end = window(params, MAX_GUID_WINDOW, "one hour")
    if start is None:
        return book.on_business_date(restaurant_guid, end)
    return book.modified_page(restaurant_guid, start, end)[0]


def payment_guids(book, restaurant_guid, params):
    given = [(name, kind) for name, kind in PAYMENT_DATES if params.get(name) is not None]
    if not given:
        raise BadRequest(errors.PAYMENT_DATE_REQUIRED)
    if len(given) > 1:
        raise BadRequest(errors.PAYMENT_DATE_ONE, field=given[1][0])
    name, kind = given[0]
    return book.payment_guids(restaurant_guid, kind, parse_business_date(params[name], name))


def payment(book, restaurant_guid, guid):
    """The order holding a payment, and the payment; 400 for a malformed GUID, 404 when not found."""
    if not is_guid(guid):
        raise BadRequest(errors.GUID_MALFORMED, field="guid")
    order = book.get(restaurant_guid, book.payments.get(guid.lower()))
    found = next((p for p in (order.payments if order else ()) if p.guid == guid.lower()), None)
    if found is None:
        raise NotFound(errors.PAYMENT_NOT_FOUND)
    return order, found
