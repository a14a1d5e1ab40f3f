"""Business-hours arithmetic on the center's calendar: working days, opening hours, holidays, make-up days,
in the center's time zone. Pure functions of their arguments; instants in and out are UTC."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from opsbot.center import WEEKDAYS, Calendar

# Far enough to cross any run of holidays; a calendar with no working day at all is refused by its schema.
SEARCH_DAYS = 3660


def is_working_day(day: date, calendar: Calendar) -> bool:
    if day in calendar.extra_working_days:
        return True
    if day in calendar.holidays:
        return False
    return WEEKDAYS[day.weekday()] in calendar.working_days


def _working_periods(start: datetime, calendar: Calendar) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals (UTC) from `start` on: the rest of today's hours, then each working day's."""
    zone = calendar.zone
    local = start.astimezone(zone)
    day = local.date()
    for _ in range(SEARCH_DAYS):
        if is_working_day(day, calendar):
            opens = datetime.combine(day, calendar.hours.start, tzinfo=zone).astimezone(UTC)
            closes = datetime.combine(day, calendar.hours.end, tzinfo=zone).astimezone(UTC)
            begin = max(opens, start)
            if begin < closes:
                yield begin, closes
        day += timedelta(days=1)
    raise ValueError("the calendar has no working time in the next ten years")


def add_business_hours(start: datetime, hours: float, calendar: Calendar) -> datetime:
    """The instant `hours` of working time after `start`. Outside working time, counting starts at the next
    opening; zero hours gives that opening (or `start` itself when the center is open)."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    for begin, closes in _working_periods(start.astimezone(UTC), calendar):
        if remaining <= closes - begin:
            return begin + remaining
        remaining -= closes - begin
    raise AssertionError("unreachable")  # _working_periods raises first


def business_time_between(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Working time from `start` to `end` (zero when end is not after start)."""
    total = timedelta()
    if end <= start:
        return total
    for begin, closes in _working_periods(start.astimezone(UTC), calendar):
        if begin >= end:
            break
        total += min(closes, end) - begin
    return total


def _working_periods_before(end: datetime, calendar: Calendar) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals (UTC) up to `end`, latest first: the part of today's hours before it, then each earlier
    working day's."""
    zone = calendar.zone
    day = end.astimezone(zone).date()
    for _ in range(SEARCH_DAYS):
        if is_working_day(day, calendar):
            opens = datetime.combine(day, calendar.hours.start, tzinfo=zone).astimezone(UTC)
            closes = min(datetime.combine(day, calendar.hours.end, tzinfo=zone).astimezone(UTC), end)
            if opens < closes:
                yield opens, closes
        day -= timedelta(days=1)
    raise ValueError("the calendar has no working time in the last ten years")


def subtract_business_hours(end: datetime, hours: float, calendar: Calendar) -> datetime:
    """The latest instant with `hours` of working time between it and `end` (a reminder "two business hours
    before" a deadline)."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    for opens, closes in _working_periods_before(end.astimezone(UTC), calendar):
        if remaining <= closes - opens:
            return closes - remaining
        remaining -= closes - opens
    raise AssertionError("unreachable")  # _working_periods_before raises first
