"""The Toast provider: its APIs, bearer-token access rules, error shape and seeding."""

from flask import request

from sandbox.core.provider import Provider
from sandbox.toast import access, errors, exported, published, ratelimits
from sandbox.toast.analytics import handlers as analytics
from sandbox.toast.auth import handlers as auth
from sandbox.toast.availability import handlers as availability
from sandbox.toast.cash import handlers as cash
from sandbox.toast.config import handlers as config
from sandbox.toast.kitchen import handlers as kitchen
from sandbox.toast.labor import handlers as labor
from sandbox.toast.menus import handlers as menus
from sandbox.toast.orders import handlers as orders
from sandbox.toast.partners import handlers as partners
from sandbox.toast.restaurants import handlers as restaurants
from sandbox.toast.seed import seed_toast
from sandbox.toast.state import ToastState, toast_state
from sandbox.toast.stock import handlers as stock
from sandbox.toast.venue import handlers as venue
from sandbox.toast.webhooks import ToastDelivery


class ToastProvider(Provider):
    name = "toast"
    state_type = ToastState
    exports = exported.TYPES
    apis = (
        ("toast-authentication-v1.yaml", auth.OPERATIONS),
        ("toast-partners-v1.yaml", partners.OPERATIONS),
        ("toast-restaurants-v1.yaml", restaurants.OPERATIONS),
        ("toast-orders-v2.yaml", orders.OPERATIONS),
        ("toast-menus-v2.yaml", menus.OPERATIONS),
        ("toast-menus-v3.yaml", menus.OPERATIONS_V3),
        ("toast-config-v2.yaml", config.OPERATIONS),
        ("toast-labor-v1.yaml", labor.OPERATIONS),
        ("toast-cash-management-v1.yaml", cash.OPERATIONS),
        ("toast-kitchen-v1.yaml", kitchen.OPERATIONS),
        ("toast-packaging-v1.yaml", venue.PACKAGING),
        ("toast-ordermgmt-configuration-v1.yaml", venue.SCHEDULE),
        ("toast-device-details-v1.yaml", venue.DEVICES),
        ("toast-stock-v1.yaml", stock.OPERATIONS),
        ("toast-restaurant-availability-v1.yaml", availability.OPERATIONS),
        ("toast-analytics-v1.yaml", analytics.OPERATIONS),
    )

    @property
    def claimed_prefixes(self):
        return published.prefixes()

    def authenticate(self, ctx):
        access.authenticate_request(ctx, ctx.headers.get("Authorization"))

    def authorize(self, ctx):
        access.authorize_request(ctx, ctx.headers.get(access.RESTAURANT_HEADER))

    def caller(self, ctx):
        if ctx.principal is not None:           # authenticated: the token's client
            return ctx.principal.client_id
        token = access.presented_token(ctx)
        return token.client_id if token else None

    def rate_limits(self, ctx):
        return ratelimits.limits(ctx, request.remote_addr)

    def rate_limit_headers(self, verdict):
        return ratelimits.headers(verdict)

    def expire_session(self, ctx):
        token = access.presented_token(ctx)
        if token is not None:
            token.expires_at = min(token.expires_at, int(ctx.world.clock.timestamp()))

    def fault_message(self, status):
        return errors.FAULT_MESSAGES.get(status)

    def credentials(self, world):
        state = toast_state(world)
        return {"clients": [c.to_credentials(sorted(access.reachable_restaurants(state, c)))
                            for c in state.clients.values()]}

    def delivery_policy(self, config):
        return ToastDelivery()

    def seed(self, world, fixtures, seeded_at):
        seed_toast(world, fixtures, seeded_at)

    def check_import(self, state, where):
        exported.check_import(state, where)

    def share(self, state):
        # The order history is most of a world by weight; OrderDesk copies an order before changing it.
        return state["toast"].orders.share()

    @staticmethod
    def error_body(error, request_id):
        return errors.error_body(error, request_id)
