"""Handlers of the Toast Cash Management API: the day's drawer entries and bank deposits, derived from the orders."""

from sandbox.toast.cash.models import drawer_day
from sandbox.toast.dates import parse_business_date
from sandbox.toast.state import toast_state


def _day(ctx):
    state = toast_state(ctx.world)
    day = parse_business_date(ctx.params["businessDate"])
    return drawer_day(state, ctx.restaurant, day, ctx.world.clock.timestamp(),
                      tips_in_cash=ctx.sandbox.config.toast_card_tips == "cash")


def entries(ctx):
    return [entry.to_dict() for entry in _day(ctx).entries]


def deposits(ctx):
    return _day(ctx).deposits


OPERATIONS = {
    "entriesGet": entries,
    "depositsGet": deposits,
}
