"""Toast's rate limits: GLOBAL, then API, then ENDPOINT tiers in fixed windows, per client and restaurant (or per
IP), and the X-Toast-RateLimit-* headers that report the limit closest to running out."""

from sandbox.core.ratelimit import Limit

LOGINS = ("authenticationLoginPost", "legacyOauthTokenPost")
# Endpoints with their own per-location limits: (method, path) -> setting name of the per-second allowance.
ENDPOINTS = {("GET", "/menus/v2/menus"): "toast_menus_per_second",
             ("GET", "/orders/v2/ordersBulk"): "toast_bulk_per_second"}


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
    return found


def headers(verdict):
    if verdict.limit.tier == "LOGIN":
        return []
    return [("X-Toast-RateLimit-By", verdict.limit.tier), ("X-Toast-RateLimit-Remaining", verdict.remaining),
            ("X-Toast-RateLimit-Reset", verdict.reset)]
