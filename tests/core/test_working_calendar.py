"""Which days are worked: the week's working_days, a country's public holidays and make-up working days (调休)
from its library (`holidays_from`), and the file's own days, which win over the library's."""

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from opsbot.working_calendar import Calendar

# A year chinese-calendar has no data for: it publishes one year at a time, after the State Council's notice.
UNCOVERED = 2099

CHINA = Calendar(timezone="Asia/Shanghai", holidays_from="CN")
FILE_ONLY = Calendar(timezone="Asia/Shanghai")
# The file's own days over the library's: a make-up Saturday taken off, a Spring Festival day worked, an
# ordinary Tuesday off, and days of a year the library does not know.
OWN_DAYS = Calendar(
    timezone="Asia/Shanghai",
    holidays_from="CN",
    holidays=(date(2026, 2, 14), date(2026, 11, 24), date(UNCOVERED, 3, 3)),
    extra_working_days=(date(2026, 2, 17), date(UNCOVERED, 3, 7)),
)


@pytest.mark.parametrize(
    ("calendar", "day", "working"),
    [
        # chinese-calendar's 2026: New Year 1–3 January with Sunday the 4th worked; Spring Festival 15–23
        # February with Saturdays the 14th and 28th worked; National Day 1–7 October with Saturday the 10th.
        (CHINA, date(2026, 2, 14), True),
        (CHINA, date(2026, 2, 28), True),
        (CHINA, date(2026, 1, 4), True),
        (CHINA, date(2026, 10, 10), True),
        (CHINA, date(2026, 1, 2), False),
        (CHINA, date(2026, 2, 23), False),
        (CHINA, date(2026, 2, 24), True),
        (CHINA, date(2026, 10, 8), True),
        (CHINA, date(2026, 11, 23), True),
        (CHINA, date(2026, 11, 28), False),
        # without holidays_from, only the file's days and the week count
        (FILE_ONLY, date(2026, 2, 16), True),
        (FILE_ONLY, date(2026, 2, 14), False),
        # the file wins, both ways
        (OWN_DAYS, date(2026, 2, 14), False),
        (OWN_DAYS, date(2026, 2, 17), True),
        (OWN_DAYS, date(2026, 2, 18), False),
        (OWN_DAYS, date(2026, 11, 24), False),
        (OWN_DAYS, date(2026, 2, 28), True),
        # a year the library does not cover: the week's working days and the file's own days, nothing else
        (CHINA, date(UNCOVERED, 1, 1), True),  # a Thursday
        (CHINA, date(UNCOVERED, 1, 3), False),  # a Saturday
        (OWN_DAYS, date(UNCOVERED, 3, 3), False),
        (OWN_DAYS, date(UNCOVERED, 3, 7), True),  # a Saturday
    ],
)
def test_working_days(calendar, day, working):
    assert calendar.is_working_day(day) is working


def test_the_spring_festival_week_is_not_worked():
    week = [date(2026, 2, 16) + timedelta(days=n) for n in range(7)]
    assert [CHINA.is_working_day(day) for day in week] == [False] * 7
    assert FILE_ONLY.is_working_day(week[0])


@pytest.mark.parametrize(
    ("country", "day", "working"),
    [
        ("US", date(2026, 11, 26), False),  # Thanksgiving
        ("US", date(2026, 7, 3), False),  # Independence Day, observed on the Friday
        ("US", date(2026, 7, 6), True),
        ("DE", date(2026, 5, 1), False),  # Labour Day, a Friday
        ("DE", date(2026, 12, 25), False),
        ("RU", date(2027, 2, 20), True),  # a Saturday worked for the bridge of 22 February (holidays' tables)
    ],
)
def test_other_countries_come_from_the_holidays_tables(country, day, working):
    assert Calendar(timezone="UTC", holidays_from=country).is_working_day(day) is working


def test_the_years_a_library_does_not_cover():
    assert CHINA.uncovered_years([2004, 2025, 2026, UNCOVERED]) == [UNCOVERED]
    assert CHINA.uncovered_years([2003]) == [2003]  # before its first year too
    assert FILE_ONLY.uncovered_years([UNCOVERED]) == []
    assert Calendar(timezone="UTC", holidays_from="DE").uncovered_years([2026, 1900]) == [1900]


@pytest.mark.parametrize(
    ("country", "message"),
    [
        ("XX", "no holiday data for country 'XX': give an ISO 3166 code such as CN, US or DE"),
        ("cn", "String should match pattern"),
        ("CHN", "String should match pattern"),
    ],
)
def test_a_country_without_holiday_data_is_refused(country, message):
    with pytest.raises(ValidationError) as raised:
        Calendar(timezone="UTC", holidays_from=country)
    assert [error["loc"] for error in raised.value.errors()] == [("holidays_from",)]
    assert message in str(raised.value)


def test_a_copy_with_other_days_works_them_out_anew():
    tuesday = date(2026, 11, 24)
    assert CHINA.is_working_day(tuesday)
    assert not CHINA.model_copy(update={"holidays": (tuesday,)}).is_working_day(tuesday)
    assert CHINA.is_working_day(tuesday)
