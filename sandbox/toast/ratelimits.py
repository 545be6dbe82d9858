"""Toast's rate limits: GLOBAL, then API, then ENDPOINT tiers in fixed windows, per client and restaurant (or per
IP), and the X-Toast-RateLimit-* headers that report the limit closest to running out."""

from sandbox.core.ratelimit import Limit

LOGINS = ("authenticationLoginPost", "legacyOauthTokenPost")
# Endpoints with their own per-location limits: (method, path) -> setting name of the per-second allowance.
# The guide's "GET /menus endpoint of the menus API" is taken to be both versions' (judgement).
ENDPOINTS = {("GET", "/menus/v2/menus"): "toast_menus_per_second",
             ("GET", "/menus/v3/menus"): "toast_menus_per_second",
             ("GET", "/orders/v2/ordersBulk"): "toast_bulk_per_second"}
# The analytics API's own endpoint limits (the guide's "Analytics API rate limits"): (allowed, window seconds).
_READ = ((5, 1), (30, 60))
_SHORT = ((10, 60), (60, 3600))             # day and week ranges
_LONG = ((10, 3600),)                       # month and year ranges, and custom ranges
_BY_RANGE = {"day": _SHORT, "week": _SHORT, "month": _LONG, "year": _LONG}
ANALYTICS = {
    "postMetricsReportingDataCustomTimeRangeRequest": {None: _LONG},
    "postMenuReportCustomTimeRange": {None: _LONG},
    "postCheckReportingDataSpecificTimeRangeRequest": {"day": ((5, 60), (60, 86400))},
    # The guide lists the metrics, menu and labor requests; the payout and guest ones are taken to match them.
    **{operation: _BY_RANGE for operation in (
        "postMetricsReportingDataSpecificTimeRangeRequest", "postMenuReportSpecificTimeRange",
        "postLaborReportingDataSpecificTimeRangeRequest", "postPayoutReportSettledDateSpecificTimeRange",
        "postPayoutReportPaymentsSpecificTimeRange", "postPayoutReportSalesDateSpecificTimeRange",
        "postGuestReportPaymentDateSpecificTimeRange")},
    **{operation: {None: _READ} for operation in (
        "getMetricsReportingData", "getMetricsReportingDataSpecificTimeRange", "getCheckReportingData",
        "getLaborReportingData", "getMenuReportingData", "getPayoutSettledDateReportingData",
        "getPayoutPaymentsReportingData", "getPayoutSalesDateReportingData", "getGuestByPaymentDateReportingData")},
}


def _analytics(ctx, who):
    by_range = ANALYTICS.get(ctx.operation.operation_id)
    if by_range is None or not ctx.sandbox.config.toast_analytics_limits:
        return []
    time_range = ctx.request.view_args.get("timeRange") if ctx.request.view_args else None
    windows = by_range.get(time_range if time_range in by_range else None, ())
    return [Limit("ENDPOINT", who + (ctx.operation.operation_id,), allowed, seconds) for allowed, seconds in windows]


def limits(ctx, client_ip):
    """The limits a Toast request counts against, in priority order."""
    config = ctx.sandbox.config
    if ctx.operation.operation_id in LOGINS:
        # The login endpoint is limited per IP and reports no headers.
        return [Limit("LOGIN", ("ip", client_ip), config.toast_login_per_second, 1)]
    restaurant = ctx.restaurant.guid if ctx.restaurant else None
    who = (ctx.principal.client_id, restaurant) if ctx.principal and restaurant else ("ip", client_ip)
    api = ctx.operation.spec.name
    found = [
        Limit("GLOBAL", who, config.toast_global_per_second, 1),
        Limit("GLOBAL", who, config.toast_global_per_15_minutes, 900),
        Limit("API", who + (api,), config.toast_api_per_second, 1),
        Limit("API", who + (api,), config.toast_api_per_15_minutes, 900),
    ]
    endpoint = ENDPOINTS.get((ctx.operation.method, ctx.operation.full_path))
    if endpoint:
        found.append(Limit("ENDPOINT", who + (ctx.operation.full_path,), getattr(config, endpoint), 1))
    return found + _analytics(ctx, who)


def headers(verdict):
    if verdict.limit.tier == "LOGIN":
        return []
    return [("X-Toast-RateLimit-By", verdict.limit.tier), ("X-Toast-RateLimit-Remaining", verdict.remaining),
            ("X-Toast-RateLimit-Reset", verdict.reset)]
