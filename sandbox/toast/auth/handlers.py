"""Handlers of the Toast Authentication API."""

from sandbox.toast.auth import models
from sandbox.toast.state import toast_state


def login(ctx):
    body = ctx.body
    token = models.login(toast_state(ctx.world), ctx.world.clock.timestamp(), ctx.sandbox.config.token_lifetime,
                         body["clientId"], body["clientSecret"])
    return token.to_dict(ctx.world.clock.timestamp())


OPERATIONS = {
    "authenticationLoginPost": login,
}
