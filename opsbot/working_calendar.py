"""The center's business calendar as the center file gives it: time zone, working days, the day's
working-hour windows, holidays and make-up working days (调休), the file's own and, with `holidays_from`, a
country's from a maintained library (`opsbot.public_holidays`). Which days are worked is answered here; the
arithmetic of hours on top of it is `opsbot.business_hours`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from functools import cached_property
from typing import Annotated, Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from opsbot.public_holidays import known_country, official_year

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _without_offset(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give the time without an offset: working hours are in calendar.timezone")
    return value


# A time of day on the center's clock.
LocalTime = Annotated[time, AfterValidator(_without_offset)]


class WorkingHours(BaseModel):
    """One window of working time in a working day (09:00–12:00, say, before a lunch break)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: LocalTime
    end: LocalTime

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


def _known_country(value: str) -> str:
    if not known_country(value):
        raise ValueError(f"no holiday data for country {value!r}: give an ISO 3166 code such as CN, US or DE")
    return value


@dataclass(frozen=True)
class _Year:
    """A year's days that are not as the week says: worked (make-up days) or off (holidays)."""

    working: frozenset[date]
    off: frozenset[date]


class Calendar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timezone: str
    working_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    # `hours` in the file: one window ({start, end}) or several in order, such as a morning and an afternoon.
    windows: tuple[WorkingHours, ...] = Field((WorkingHours(start=time(9), end=time(18)),), alias="hours")
    holidays: tuple[date, ...] = ()
    # Make-up working days that fall on a weekend (调休), common in the center's calendar.
    extra_working_days: tuple[date, ...] = ()
    # A country (CN, US, …) whose public holidays and make-up days count too; the file's own days win.
    holidays_from: (
        Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), AfterValidator(_known_country)] | None
    ) = None

    @field_validator("timezone")
    @classmethod
    def _zone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Asia/Shanghai)"
            ) from None
        return value

    @field_validator("working_days")
    @classmethod
    def _weekday_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [day for day in value if day not in WEEKDAYS]
        if wrong:
            raise ValueError(f"unknown day(s) {', '.join(wrong)}; use {', '.join(WEEKDAYS)}")
        if not value:
            raise ValueError("at least one working day is needed")
        return value

    @field_validator("windows", mode="wrap")
    @classmethod
    def _windows(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> tuple[WorkingHours, ...]:
        """One window alone keeps its errors' paths (`calendar.hours.end`); several must ascend."""
        if isinstance(value, Mapping | WorkingHours):
            return (WorkingHours.model_validate(value),)
        if isinstance(value, list | tuple) and not value:
            raise ValueError("give at least one window of working hours ({start, end})")
        windows: tuple[WorkingHours, ...] = handler(value)
        for index, (earlier, later) in enumerate(itertools.pairwise(windows), 1):
            if later.start < earlier.end:
                raise ValueError(
                    f"windows must be in order and must not overlap: hours[{index}] starts at "
                    f"{later.start:%H:%M}, before hours[{index - 1}] ends at {earlier.end:%H:%M}"
                )
        return windows

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_working_day(self, day: date) -> bool:
        """The file's own days win over the library's, and both over the week's working_days."""
        year = self._years.get(day.year) or self._year(day.year)
        if day in year.working:
            return True
        if day in year.off:
            return False
        return day.weekday() in self._weekdays

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        """Those of `years` that `holidays_from`'s library has no data for: in them only the file's own days
        and working_days count."""
        if self.holidays_from is None:
            return []
        return [year for year in years if official_year(self.holidays_from, year) is None]

    # is_working_day runs in tight loops: what it reads is worked out once, each year's the first time it is
    # asked about. Cached properties, unlike pydantic's private attributes, read as fast as a plain attribute.
    @cached_property
    def _years(self) -> dict[int, _Year]:
        return {}

    @cached_property
    def _weekdays(self) -> frozenset[int]:
        return frozenset(WEEKDAYS.index(day) for day in self.working_days)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy whose days are worked out anew: pydantic would copy the cached ones, stale after update."""
        copied = super().model_copy(update=update, deep=deep)
        for cached in ("_years", "_weekdays"):
            copied.__dict__.pop(cached, None)
        return copied

    def _year(self, year: int) -> _Year:
        official = official_year(self.holidays_from, year) if self.holidays_from else None
        own_off = frozenset(day for day in self.holidays if day.year == year)
        own_working = frozenset(day for day in self.extra_working_days if day.year == year)
        found = _Year(
            working=(official.working - own_off if official else frozenset()) | own_working,
            off=(official.off - own_working if official else frozenset()) | own_off,
        )
        self._years[year] = found
        return found
