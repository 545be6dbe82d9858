"""Handlers of the Toast Authentication API."""

from sandbox.toast.auth import models
from sandbox.toast.state import toast_state


def login(ctx):
    body = ctx.body
    token = models.login(toast_state(ctx.world), ctx.world.clock.timestamp(), ctx.sandbox.config.token_lifetime,
                         body["clientId"], body["clientSecret"])
    return token.to_dict(ctx.world.clock.timestamp())


def legacy_login(ctx):
    """POST /usermgmt/v1/oauth/token (deprecated): the same token, in the older API's OAuth 2 shape."""
    body, state, now = ctx.body, toast_state(ctx.world), ctx.world.clock.timestamp()
    token = models.login(state, now, ctx.sandbox.config.token_lifetime, body["client_id"], body["client_secret"])
    return token.to_legacy_dict(now, state.clients[token.client_id])


OPERATIONS = {
    "authenticationLoginPost": login,
    "legacyOauthTokenPost": legacy_login,
}
