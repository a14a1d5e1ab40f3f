"""Business hours across weekends, holidays, make-up days, after-hours starts and time zones."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsbot.business_hours import add_business_hours, business_time_between, subtract_business_hours
from opsbot.working_calendar import Calendar, WorkingHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")

CENTER = Calendar(
    timezone="Asia/Shanghai",
    hours=WorkingHours.model_validate({"start": "09:00", "end": "18:00"}),
    holidays=(date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)),
    extra_working_days=(date(2026, 10, 10),),  # a Saturday worked in exchange
)
US = Calendar(
    timezone="America/New_York", hours=WorkingHours.model_validate({"start": "08:00", "end": "17:00"})
)


def at(zone, *parts):
    return datetime(*parts, tzinfo=zone)


@pytest.mark.parametrize(
    ("calendar", "start", "hours", "due"),
    [
        # within one day
        (CENTER, at(SHANGHAI, 2026, 11, 23, 10, 0), 4, at(SHANGHAI, 2026, 11, 23, 14, 0)),
        # runs past closing into the next morning
        (CENTER, at(SHANGHAI, 2026, 11, 23, 16, 0), 4, at(SHANGHAI, 2026, 11, 24, 11, 0)),
        # Friday afternoon over the weekend to Monday
        (CENTER, at(SHANGHAI, 2026, 11, 27, 15, 0), 8, at(SHANGHAI, 2026, 11, 30, 14, 0)),
        # started on Saturday: counting begins Monday 09:00
        (CENTER, at(SHANGHAI, 2026, 11, 28, 11, 0), 2, at(SHANGHAI, 2026, 11, 30, 11, 0)),
        # after hours: counting begins the next morning
        (CENTER, at(SHANGHAI, 2026, 11, 23, 21, 30), 1, at(SHANGHAI, 2026, 11, 24, 10, 0)),
        # before opening
        (CENTER, at(SHANGHAI, 2026, 11, 23, 7, 0), 9, at(SHANGHAI, 2026, 11, 23, 18, 0)),
        # over the National Day holidays (Thu 1, Fri 2, Mon 5 off) to Tuesday
        (CENTER, at(SHANGHAI, 2026, 9, 30, 17, 0), 2, at(SHANGHAI, 2026, 10, 6, 10, 0)),
        # the make-up Saturday counts as a working day
        (CENTER, at(SHANGHAI, 2026, 10, 9, 17, 0), 3, at(SHANGHAI, 2026, 10, 10, 11, 0)),
        # zero hours outside working time is the next opening; inside, now
        (CENTER, at(SHANGHAI, 2026, 11, 28, 11, 0), 0, at(SHANGHAI, 2026, 11, 30, 9, 0)),
        (CENTER, at(SHANGHAI, 2026, 11, 23, 11, 0), 0, at(SHANGHAI, 2026, 11, 23, 11, 0)),
        # 23:30 UTC on Sunday is 07:30 on Monday in Shanghai: an hour after the 09:00 opening
        (
            CENTER,
            datetime(2026, 11, 22, 23, 30, tzinfo=UTC),
            1,
            at(SHANGHAI, 2026, 11, 23, 10, 0),
        ),
        # across the US daylight-saving change (Sunday 1 November 2026): still 9 working hours a day
        (US, at(NEW_YORK, 2026, 10, 30, 16, 0), 2, at(NEW_YORK, 2026, 11, 2, 9, 0)),
        (US, at(NEW_YORK, 2026, 10, 30, 8, 0), 18, at(NEW_YORK, 2026, 11, 2, 17, 0)),
    ],
    ids=[
        "same day",
        "past closing",
        "over a weekend",
        "from a Saturday",
        "after hours",
        "before opening",
        "over holidays",
        "make-up Saturday",
        "zero off hours",
        "zero in hours",
        "time zone boundary",
        "DST short",
        "DST two days",
    ],
)
def test_due_times(calendar, start, hours, due):
    assert add_business_hours(start, hours, calendar) == due.astimezone(UTC)


def test_the_result_is_utc():
    due = add_business_hours(at(SHANGHAI, 2026, 11, 23, 10, 0), 1, CENTER)
    assert due.tzinfo is UTC


def test_working_days():
    assert CENTER.is_working_day(date(2026, 11, 23))
    assert not CENTER.is_working_day(date(2026, 11, 28))
    assert not CENTER.is_working_day(date(2026, 10, 1))
    assert CENTER.is_working_day(date(2026, 10, 10))


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(SHANGHAI, 2026, 11, 23, 10, 0), at(SHANGHAI, 2026, 11, 23, 12, 30), 2.5),
        (at(SHANGHAI, 2026, 11, 27, 17, 0), at(SHANGHAI, 2026, 11, 30, 10, 0), 2),
        (at(SHANGHAI, 2026, 11, 28, 10, 0), at(SHANGHAI, 2026, 11, 29, 10, 0), 0),
        (at(SHANGHAI, 2026, 11, 23, 12, 0), at(SHANGHAI, 2026, 11, 23, 11, 0), 0),
    ],
)
def test_working_time_between(start, end, hours):
    assert business_time_between(start, end, CENTER) == timedelta(hours=hours)


def test_adding_then_measuring_gives_the_same_hours():
    start = at(SHANGHAI, 2026, 9, 29, 15, 17)
    for hours in (0.5, 3, 9, 17.25, 40):
        assert business_time_between(start, add_business_hours(start, hours, CENTER), CENTER) == timedelta(
            hours=hours
        )


# Two windows a day around a lunch break, on China's public holidays and make-up days.
LUNCH = Calendar.model_validate(
    {
        "timezone": "Asia/Shanghai",
        "hours": [{"start": "09:00", "end": "12:00"}, {"start": "13:30", "end": "18:00"}],
        "holidays_from": "CN",
    }
)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # set at 11:30 for 2 hours: half an hour before the break, an hour and a half after 13:30
        (at(SHANGHAI, 2026, 11, 23, 11, 30), 2, at(SHANGHAI, 2026, 11, 23, 15, 0)),
        # set during the break: counting starts when the afternoon opens
        (at(SHANGHAI, 2026, 11, 23, 12, 30), 1, at(SHANGHAI, 2026, 11, 23, 14, 30)),
        # the morning's end exactly
        (at(SHANGHAI, 2026, 11, 23, 11, 0), 1, at(SHANGHAI, 2026, 11, 23, 12, 0)),
        # a whole working day is 7.5 hours
        (at(SHANGHAI, 2026, 11, 23, 9, 0), 7.5, at(SHANGHAI, 2026, 11, 23, 18, 0)),
        (at(SHANGHAI, 2026, 11, 23, 17, 0), 2, at(SHANGHAI, 2026, 11, 24, 10, 0)),
        # Friday 13 February onto the make-up Saturday, then over the Spring Festival to Tuesday the 24th
        (at(SHANGHAI, 2026, 2, 13, 17, 0), 2, at(SHANGHAI, 2026, 2, 14, 10, 0)),
        (at(SHANGHAI, 2026, 2, 14, 17, 0), 2, at(SHANGHAI, 2026, 2, 24, 10, 0)),
        (at(SHANGHAI, 2026, 11, 23, 12, 15), 0, at(SHANGHAI, 2026, 11, 23, 13, 30)),
    ],
)
def test_due_times_count_only_inside_the_windows(start, hours, due):
    assert add_business_hours(start, hours, LUNCH) == due.astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (at(SHANGHAI, 2026, 11, 23, 11, 0), at(SHANGHAI, 2026, 11, 23, 14, 0), 1.5),
        (at(SHANGHAI, 2026, 11, 23, 12, 10), at(SHANGHAI, 2026, 11, 23, 13, 20), 0),
        (at(SHANGHAI, 2026, 11, 23, 8, 0), at(SHANGHAI, 2026, 11, 23, 20, 0), 7.5),
        # Friday's last hour, the make-up Saturday's 7.5, and Tuesday's first after the Spring Festival
        (at(SHANGHAI, 2026, 2, 13, 17, 0), at(SHANGHAI, 2026, 2, 24, 10, 0), 9.5),
    ],
)
def test_working_time_between_leaves_out_the_break_and_the_holidays(start, end, hours):
    assert business_time_between(start, end, LUNCH) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("end", "hours", "earliest"),
    [
        (at(SHANGHAI, 2026, 11, 23, 15, 0), 2, at(SHANGHAI, 2026, 11, 23, 11, 30)),
        (at(SHANGHAI, 2026, 11, 23, 14, 30), 2, at(SHANGHAI, 2026, 11, 23, 11, 0)),
        (at(SHANGHAI, 2026, 11, 23, 13, 30), 0.5, at(SHANGHAI, 2026, 11, 23, 11, 30)),
        (at(SHANGHAI, 2026, 11, 23, 13, 0), 1, at(SHANGHAI, 2026, 11, 23, 11, 0)),
        (at(SHANGHAI, 2026, 11, 24, 9, 30), 1, at(SHANGHAI, 2026, 11, 23, 17, 30)),
        # back over the Spring Festival onto the make-up Saturday
        (at(SHANGHAI, 2026, 2, 24, 10, 0), 2, at(SHANGHAI, 2026, 2, 14, 17, 0)),
    ],
)
def test_subtracting_skips_the_break_and_the_holidays(end, hours, earliest):
    assert subtract_business_hours(end, hours, LUNCH) == earliest.astimezone(UTC)


def test_adding_then_measuring_or_subtracting_gives_the_same_hours_around_the_break():
    start = at(SHANGHAI, 2026, 2, 12, 10, 17)
    for hours in (0.25, 1.75, 3, 7.5, 9.25, 40):
        due = add_business_hours(start, hours, LUNCH)
        assert business_time_between(start, due, LUNCH) == timedelta(hours=hours)
        assert subtract_business_hours(due, hours, LUNCH) == start.astimezone(UTC)
