"""Public holidays and make-up working days (调休) by country, from maintained libraries: chinese-calendar for
China (the State Council's yearly notice, published a year at a time), `holidays` for every other country. A
year a library has no data for is None, never a year without holidays, so that it can be reported."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import chinese_calendar
import holidays as holiday_tables

CHINA = "CN"


@dataclass(frozen=True)
class OfficialYear:
    """One year of a country's official days."""

    # Public holidays, with the weekend days a holiday period takes in.
    off: frozenset[date]
    # Days worked in exchange (调休) that would otherwise be a weekend.
    working: frozenset[date]


def library_of(country: str) -> str:
    """The name of the package the country's days come from (to say what to upgrade)."""
    return "chinese-calendar" if country == CHINA else "holidays"


def known_country(country: str) -> bool:
    if country == CHINA:
        return True
    try:
        holiday_tables.country_holidays(country)
    except NotImplementedError:  # the library's word for a country it has no tables for
        return False
    return True


@functools.cache
def official_year(country: str, year: int) -> OfficialYear | None:
    """The country's official days in `year`, or None when its library has no data for that year."""
    return _chinese_year(year) if country == CHINA else _tabled_year(country, year)


def _chinese_year(year: int) -> OfficialYear | None:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:  # how chinese-calendar says it has no data for the year
        return None
    return OfficialYear(
        off=frozenset(day for day in chinese_calendar.holidays if day.year == year),
        working=frozenset(day for day in chinese_calendar.workdays if day.year == year),
    )


def _tabled_year(country: str, year: int) -> OfficialYear | None:
    # A make-up day can be announced with the next year's holidays (a late-December Saturday worked for
    # a New Year bridge), so that year is read too.
    found = holiday_tables.country_holidays(country, years=(year, year + 1))
    if not found.start_year <= year <= found.end_year:  # outside its tables it answers "no holidays"
        return None
    return OfficialYear(
        off=frozenset(day for day in found if day.year == year),
        working=frozenset(day for day in found.weekend_workdays if day.year == year),
    )
