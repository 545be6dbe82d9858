"""Handlers of the Toast Restaurant availability API."""

from sandbox.toast.availability import models


def get_availability(ctx):
    return models.view(ctx.restaurant)


OPERATIONS = {
    "availabilityGet": get_availability,
}
