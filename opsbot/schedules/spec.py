"""What a schedule says: when it runs (cron fields or a calendar interval, on the center's clock), what to do
when a run falls on a non-working day, and what to do with runs missed while opsbot was down.

The fields are APScheduler's own (`CronTrigger`, `CalendarIntervalTrigger`), checked here by building the
trigger, so a mistake is reported at its path (`cron.day: 'last fry' is not a day: …`) before anything runs.
This module imports nothing from `opsbot.center`, so the center file can embed a spec.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Annotated, Any, Literal

from apscheduler.triggers.calendarinterval import CalendarIntervalTrigger
from apscheduler.triggers.cron import CronTrigger
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

# keep: run on the day anyway; skip: that run does not happen; next/previous_working_day: the run moves to
# the nearest working day after/before, at the same time of day.
NonWorking = Literal["keep", "skip", "next_working_day", "previous_working_day"]
# After downtime, the runs that came due meanwhile: only the latest fires (late), or each of them does.
CatchUp = Literal["latest", "each"]

CRON_FIELDS = ("month", "day", "day_of_week", "hour", "minute")
_WRITTEN_AS = {
    "month": "1-12 or jan-dec, with ranges and lists (jan-mar, 1,4,7,10)",
    "day": "1-31, last, last fri, 2nd mon, with ranges and lists",
    "day_of_week": "mon-sun, with ranges and lists (mon-fri, tue,thu)",
    "hour": "0-23, with ranges, lists and steps (9-17/2)",
    "minute": "0-59, with ranges, lists and steps (*/15)",
}
# Every day of the month comes round within eight years from here (29 February included).
_SOME_YEARS_AGO = datetime(2000, 1, 1, tzinfo=UTC)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _number_or_text(value: object) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("give a number or text, such as 9 or '9-17/2'")
    return value


CronValue = Annotated[int | str, PlainValidator(_number_or_text)]


class Cron(_Frozen):
    """Fields as CronTrigger takes them. Fields finer than the finest one given are 0 (`hour: 9` is 09:00
    every day), coarser ones left out match anything (`minute: 30` alone is half past every hour)."""

    month: CronValue | None = None
    day: CronValue | None = None
    day_of_week: StrictStr | None = None
    hour: CronValue | None = None
    minute: CronValue | None = None

    @field_validator(*CRON_FIELDS)
    @classmethod
    def _a_trigger_field(cls, value: CronValue | None, info: ValidationInfo) -> CronValue | None:
        name = info.field_name or ""
        if value is None:
            return value
        # APScheduler 3 counts weekdays from 0 = Monday and crontab from 0 = Sunday: names are unambiguous.
        if name == "day_of_week" and any(character.isdigit() for character in str(value)):
            raise ValueError(f"write weekdays by name, not {value!r}: {_WRITTEN_AS[name]}")
        try:
            CronTrigger(timezone=UTC, **{name: value})
        except ValueError as exc:
            raise ValueError(f"{name} cannot be {value!r} ({exc}); use {_WRITTEN_AS[name]}") from None
        return value

    @model_validator(mode="after")
    def _comes_round(self) -> Cron:
        if not self.fields():
            raise ValueError(f"give at least one of {', '.join(CRON_FIELDS)}")
        if CronTrigger(timezone=UTC, **self.fields()).get_next_fire_time(None, _SOME_YEARS_AGO) is None:
            raise ValueError("no date matches these fields (such as day 30 of month 2)")
        return self

    def fields(self) -> dict[str, CronValue]:
        return {name: getattr(self, name) for name in CRON_FIELDS if getattr(self, name) is not None}


def _iso_date(value: object) -> object:
    # The center file may quote a date, and a stored spec keeps it as text.
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


class Every(_Frozen):
    """A calendar interval from a first date, always at the same time of day, as CalendarIntervalTrigger
    counts it: months keep the day of the month (a month without that day is left out: use cron's
    `day: last` for month ends), then weeks and days are added. Runs are counted from `start` each time, so
    a daily interval begun years ago costs milliseconds a run: cron suits daily and weekly runs better."""

    months: StrictInt = Field(0, ge=0, le=120)
    weeks: StrictInt = Field(0, ge=0, le=520)
    days: StrictInt = Field(0, ge=0, le=3660)
    hour: StrictInt = Field(0, ge=0, le=23)
    minute: StrictInt = Field(0, ge=0, le=59)
    # The first run's date.
    start: Annotated[date, BeforeValidator(_iso_date)]

    @model_validator(mode="after")
    def _at_least_a_day(self) -> Every:
        if self.months == self.weeks == self.days == 0:
            raise ValueError("give months, weeks or days: an interval is at least one day long")
        return self


class ScheduleSpec(_Frozen):
    cron: Cron | None = None
    every: Every | None = None
    non_working: NonWorking = "keep"
    catch_up: CatchUp = "latest"

    @model_validator(mode="after")
    def _one_timing(self) -> ScheduleSpec:
        if (self.cron is None) == (self.every is None):
            raise ValueError("give either cron (fields of a date and time) or every (a calendar interval)")
        return self

    def trigger(self, zone: tzinfo) -> Any:
        """APScheduler's trigger for this spec on the given clock."""
        if self.cron is not None:
            return CronTrigger(timezone=zone, **self.cron.fields())
        assert self.every is not None  # _one_timing
        every = self.every
        return CalendarIntervalTrigger(
            months=every.months,
            weeks=every.weeks,
            days=every.days,
            hour=every.hour,
            minute=every.minute,
            start_date=every.start,
            timezone=zone,
        )


def stored_spec(stored: Mapping[str, Any]) -> ScheduleSpec:
    """A spec as stored (`model_dump(mode="json")`), validated once for each distinct one."""
    return _validated(json.dumps(stored, sort_keys=True))


@lru_cache(maxsize=1024)
def _validated(text: str) -> ScheduleSpec:
    return ScheduleSpec.model_validate_json(text)
