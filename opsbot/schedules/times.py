"""When a schedule runs: its trigger's times on the center's clock, each kept, skipped or moved off a
non-working day as the spec says. A pure function of its arguments; instants in and out are UTC.

The runs of a schedule are a set of instants: two trigger times moved onto the same instant (a Saturday's
and a Sunday's run both moved to Monday 09:00) are one run. `next_run` gives the first run strictly after an
instant, so following a schedule from run to run visits each run once, in order.

On a clock with daylight saving time the trigger's own rules apply, with one addition: runs follow the
wall clock, so when the clock goes back the times of the repeated hour run once (at their first showing),
not twice. A time the clock skips when it goes forward runs at the instant it would have had on the old
offset with CronTrigger (02:30 becomes 03:30); CalendarIntervalTrigger leaves that date out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from opsbot.business_hours import SEARCH_DAYS
from opsbot.schedules.spec import NonWorking, ScheduleSpec
from opsbot.working_calendar import Calendar


def next_run(spec: ScheduleSpec, after: datetime, calendar: Calendar) -> datetime:
    """The schedule's first run strictly after `after`."""
    after = after.astimezone(UTC)
    horizon = after + timedelta(days=SEARCH_DAYS)
    rule = spec.non_working
    best: datetime | None = None
    for occurrence in _occurrences(spec, _first_that_may_move_past(after, rule, calendar), calendar):
        if occurrence > horizon or (best is not None and _no_run_before(occurrence, rule, calendar) >= best):
            break
        run = _moved(occurrence, rule, calendar)
        if run is not None and run > after and (best is None or run < best):
            best = run
    if best is None:
        raise ValueError(
            f"the schedule has no run within {SEARCH_DAYS} days after {after:%Y-%m-%d %H:%M} UTC"
        )
    return best


def _occurrences(spec: ScheduleSpec, since: datetime, calendar: Calendar) -> Iterator[datetime]:
    """The trigger's times from `since` on, ascending; each time the wall clock shows twice, once."""
    trigger = _trigger(spec, calendar.timezone)
    fire = trigger.get_next_fire_time(None, since.astimezone(calendar.zone))
    while fire is not None:
        moment = fire.astimezone(UTC)
        if moment >= since and not _shown_again(fire):
            yield moment
        fire = trigger.get_next_fire_time(fire, fire)


@lru_cache(maxsize=1024)
def _trigger(spec: ScheduleSpec, timezone: str) -> Any:
    # Building a trigger costs more than asking it for a time; asking changes nothing in it.
    return spec.trigger(ZoneInfo(timezone))


def _shown_again(local: datetime) -> bool:
    return local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset()


def _first_that_may_move_past(after: datetime, rule: NonWorking, calendar: Calendar) -> datetime:
    """Where to start looking at trigger times. Only a move to the next working day takes a run forward, and
    only across the non-working days just before `after`'s day, so from the day after the last working day
    before it."""
    if rule != "next_working_day":
        return after
    yesterday = after.astimezone(calendar.zone).date() - timedelta(days=1)
    return _midnight(_working_day(yesterday, -1, calendar) + timedelta(days=1), calendar)


def _no_run_before(occurrence: datetime, rule: NonWorking, calendar: Calendar) -> datetime:
    """An instant that neither this trigger time's run nor any later one's comes before: moving back goes no
    further than the working day on or before the occurrence's day, moving forward only goes later."""
    if rule != "previous_working_day":
        return occurrence
    return _midnight(_working_day(occurrence.astimezone(calendar.zone).date(), -1, calendar), calendar)


def _moved(occurrence: datetime, rule: NonWorking, calendar: Calendar) -> datetime | None:
    """The run of a trigger time: itself, none, or the same time of day on the nearest working day."""
    local = occurrence.astimezone(calendar.zone)
    if rule == "keep" or calendar.is_working_day(local.date()):
        return occurrence
    if rule == "skip":
        return None
    day = _working_day(local.date(), 1 if rule == "next_working_day" else -1, calendar)
    return datetime.combine(day, local.time(), tzinfo=calendar.zone).astimezone(UTC)


def _working_day(day: date, step: int, calendar: Calendar) -> date:
    """`day` itself if it is a working day, else the nearest one in the direction of `step`."""
    for offset in range(SEARCH_DAYS):
        candidate = day + timedelta(days=offset * step)
        if calendar.is_working_day(candidate):
            return candidate
    raise ValueError(f"the calendar has no working day within {SEARCH_DAYS} days of {day}")


def _midnight(day: date, calendar: Calendar) -> datetime:
    return datetime.combine(day, time(), tzinfo=calendar.zone).astimezone(UTC)
