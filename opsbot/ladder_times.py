"""When each step of a ladder falls, for a clock that started at one instant and is due at another, on the
center's calendar. Pure functions; instants in and out are UTC."""

from __future__ import annotations

from datetime import datetime, timedelta

from opsbot.business_hours import add_business_hours, subtract_business_hours
from opsbot.ladders import LadderStep
from opsbot.working_calendar import Calendar


def falls_at(step: LadderStep, started: datetime, due: datetime, calendar: Calendar) -> datetime:
    """When `step` first fires. A step before the due instant never falls before the clock started."""
    if step.after is not None:
        return _later(started, step.after, step.hours, calendar)
    if step.after_due is not None:
        return _later(due, step.after_due, step.hours, calendar)
    assert step.before_due is not None
    if step.hours == "calendar":
        return max(due - timedelta(hours=step.before_due), started)
    return max(subtract_business_hours(due, step.before_due, calendar), started)


def repeats_at(step: LadderStep, fired: datetime, calendar: Calendar) -> datetime:
    """When a repeating step fires again after firing at `fired`."""
    assert step.repeat_every is not None
    return _later(fired, step.repeat_every, step.hours, calendar)


def _later(moment: datetime, hours: float, kind: str, calendar: Calendar) -> datetime:
    if kind == "calendar":
        return moment + timedelta(hours=hours)
    if hours == 0:
        return moment  # "at due" is the due instant itself, even one outside working hours
    return add_business_hours(moment, hours, calendar)
