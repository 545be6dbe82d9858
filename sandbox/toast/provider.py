"""The Toast provider: its APIs, bearer-token access rules, error shape and seeding."""

from flask import request

from sandbox.core.provider import Provider
from sandbox.toast import access, errors, ratelimits
from sandbox.toast.analytics import handlers as analytics
from sandbox.toast.auth import handlers as auth
from sandbox.toast.config import handlers as config
from sandbox.toast.menus import handlers as menus
from sandbox.toast.orders import handlers as orders
from sandbox.toast.partners import handlers as partners
from sandbox.toast.restaurants import handlers as restaurants
from sandbox.toast.seed import seed_toast
from sandbox.toast.state import toast_state
from sandbox.toast.webhooks import ToastDelivery


class ToastProvider(Provider):
    name = "toast"
    apis = (
        ("toast-authentication-v1.yaml", auth.OPERATIONS),
        ("toast-partners-v1.yaml", partners.OPERATIONS),
        ("toast-restaurants-v1.yaml", restaurants.OPERATIONS),
        ("toast-orders-v2.yaml", orders.OPERATIONS),
        ("toast-menus-v2.yaml", menus.OPERATIONS),
        ("toast-config-v2.yaml", config.OPERATIONS),
        ("toast-analytics-v1.yaml", analytics.OPERATIONS),
    )

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

    def share(self, state):
        # The order history is most of a world by weight; OrderDesk copies an order before changing it.
        return state["toast"].orders.share()

    def error_body(self, error, request_id):
        return errors.error_body(error, request_id)
