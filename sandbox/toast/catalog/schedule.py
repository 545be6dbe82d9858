"""Weekly schedules (days and HH:mm time ranges, local time) for time-specific prices and menu availability."""

DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def _minutes(text):
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def in_schedule(schedule, local):
    """Whether a local datetime falls in a schedule: `[{"days": [...], "timeRanges": [{"start", "end"}]}]`. A range
    that ends before it starts runs past midnight and belongs to the day it starts on."""
    minute = local.hour * 60 + local.minute
    today, yesterday = DAYS[local.weekday()], DAYS[local.weekday() - 1]
    for entry in schedule:
        for span in entry["timeRanges"]:
            start, end = _minutes(span["start"]), _minutes(span["end"])
            if start < end and today in entry["days"] and start <= minute < end:
                return True
            if start >= end and ((today in entry["days"] and minute >= start)
                                 or (yesterday in entry["days"] and minute < end)):
                return True
    return False


def from_fixture(raw):
    """A schedule from the fixture's compact `{days, start, end}` form."""
    return [{"days": list(raw["days"]), "timeRanges": [{"start": raw["start"], "end": raw["end"]}]}]
