"""Business-hours arithmetic on the center's calendar: working days (`Calendar.is_working_day`), the day's
working-hour windows, in the center's time zone. Pure functions of their arguments; instants in and out are
UTC."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from opsbot.working_calendar import Calendar

# Far enough to cross any run of holidays; a calendar with no working day at all is refused by its schema.
SEARCH_DAYS = 3660


def _windows_of(day: date, calendar: Calendar) -> Iterator[tuple[datetime, datetime]]:
    """The day's working windows as UTC intervals, in order; none on a day off."""
    if not calendar.is_working_day(day):
        return
    zone = calendar.zone
    for window in calendar.windows:
        yield (
            datetime.combine(day, window.start, tzinfo=zone).astimezone(UTC),
            datetime.combine(day, window.end, tzinfo=zone).astimezone(UTC),
        )


def _working_periods(start: datetime, calendar: Calendar) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals (UTC) from `start` on: the rest of today's windows, then each working day's."""
    day = start.astimezone(calendar.zone).date()
    for _ in range(SEARCH_DAYS):
        for opens, closes in _windows_of(day, calendar):
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
    """Open intervals (UTC) up to `end`, latest first: the part of today's windows before it, then each
    earlier working day's."""
    day = end.astimezone(calendar.zone).date()
    for _ in range(SEARCH_DAYS):
        for opens, closes in reversed(list(_windows_of(day, calendar))):
            if opens < end:
                yield opens, min(closes, end)
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
