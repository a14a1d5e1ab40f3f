"""Schedules: their runs on the center's calendar (fixed datetimes, with and without daylight saving time),
spec validation, and the sweep that fires each period once: again, after a restart, after downtime, with the
clock moved back, and with two sweepers at once."""

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from opsbot.db import Database
from opsbot.schedules.models import Schedule, ScheduleRun
from opsbot.schedules.service import set_schedule, stop_schedule
from opsbot.schedules.spec import ScheduleSpec, stored_spec
from opsbot.schedules.sweep import run_due_schedules
from opsbot.schedules.times import next_run
from opsbot.working_calendar import Calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")

CENTER = Calendar(
    timezone="Asia/Shanghai",
    # National Day: Thursday 1, Friday 2 and Monday 5 October off; Saturday 10 October worked in exchange.
    holidays=(date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)),
    extra_working_days=(date(2026, 10, 10),),
)
US = Calendar(timezone="America/New_York")
DE = Calendar(timezone="Europe/Berlin")


def at(zone, *parts):
    return datetime(*parts, tzinfo=zone)


def sh(*parts):
    return at(SHANGHAI, *parts)


def ny(*parts):
    return at(NEW_YORK, *parts)


def de(*parts):
    return at(BERLIN, *parts)


def utc(*parts):
    return at(UTC, *parts)


def spec(**fields):
    return ScheduleSpec.model_validate(fields)


DAILY_9 = {"cron": {"hour": 9}}
MONDAY_10 = {"cron": {"day_of_week": "mon", "hour": 10}}
MONTHLY_1ST = {"day": 1, "hour": 10}


@pytest.mark.parametrize(
    ("calendar", "fields", "after", "expected"),
    [
        # plain weekly cron on the center's clock
        (CENTER, MONDAY_10, sh(2026, 11, 20, 12), sh(2026, 11, 23, 10)),
        # strictly after: a run at `after` itself is not the next one
        (CENTER, MONDAY_10, sh(2026, 11, 23, 10), sh(2026, 11, 30, 10)),
        # UTC in: 23:30 UTC on Sunday is already Monday 07:30 in Shanghai
        (CENTER, DAILY_9, utc(2026, 11, 22, 23, 30), utc(2026, 11, 23, 1, 0)),
        # New York falls back on Sunday 1 November 2026: Monday 10:00 is 14:00 UTC before, 15:00 UTC after
        (US, MONDAY_10, ny(2026, 10, 20, 12), utc(2026, 10, 26, 14)),
        (US, MONDAY_10, ny(2026, 10, 27, 12), utc(2026, 11, 2, 15)),
        # 01:30 shows twice on 1 November: it runs at its first showing (05:30 UTC) and not again at 06:30 UTC
        (US, {"cron": {"hour": 1, "minute": 30}}, utc(2026, 11, 1, 4), utc(2026, 11, 1, 5, 30)),
        (US, {"cron": {"hour": 1, "minute": 30}}, utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)),
        # New York springs forward on Sunday 8 March 2026: no 02:30; CronTrigger runs it at 03:30 EDT
        (US, {"cron": {"hour": 2, "minute": 30}}, ny(2026, 3, 7, 12), utc(2026, 3, 8, 7, 30)),
        (US, {"cron": {"hour": 2, "minute": 30}}, utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30)),
        # ...and CalendarIntervalTrigger leaves that date out
        (
            US,
            {"every": {"days": 1, "hour": 2, "minute": 30, "start": date(2026, 3, 1)}},
            ny(2026, 3, 7, 12),
            ny(2026, 3, 9, 2, 30),
        ),
        # Berlin springs forward on Sunday 29 March 2026: 09:00 is 08:00 UTC on Saturday, 07:00 UTC on Sunday
        (DE, DAILY_9, de(2026, 3, 27, 12), utc(2026, 3, 28, 8)),
        (DE, DAILY_9, de(2026, 3, 28, 12), utc(2026, 3, 29, 7)),
        # Berlin falls back on Sunday 25 October 2026: 02:30 shows twice, runs once (00:30 UTC, then Monday)
        (DE, {"cron": {"hour": 2, "minute": 30}}, de(2026, 10, 24, 12), utc(2026, 10, 25, 0, 30)),
        (DE, {"cron": {"hour": 2, "minute": 30}}, utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)),
        # a calendar interval across the change keeps its wall time: every week on Monday 09:00
        (
            DE,
            {"every": {"weeks": 1, "hour": 9, "start": date(2026, 10, 19)}},
            de(2026, 10, 20),
            utc(2026, 10, 26, 8),
        ),
        # month end: day 31 leaves out a month of 30 days, `last` does not
        (CENTER, {"cron": {"day": 31, "hour": 10}}, sh(2026, 4, 1), sh(2026, 5, 31, 10)),
        (CENTER, {"cron": {"day": "last", "hour": 10}}, sh(2026, 4, 1), sh(2026, 4, 30, 10)),
        (CENTER, {"cron": {"day": "last", "hour": 10}}, sh(2028, 2, 1), sh(2028, 2, 29, 10)),
        # a monthly interval from the 31st leaves out the months without one
        (
            CENTER,
            {"every": {"months": 1, "hour": 10, "start": date(2026, 1, 31)}},
            sh(2026, 2, 1),
            sh(2026, 3, 31, 10),
        ),
        # the last Friday of the month
        (CENTER, {"cron": {"day": "last fri", "hour": 16}}, sh(2026, 7, 1), sh(2026, 7, 31, 16)),
        (CENTER, {"cron": {"day": "last fri", "hour": 16}}, sh(2026, 7, 31, 16), sh(2026, 8, 28, 16)),
        # a fortnightly interval counts from its first date
        (
            CENTER,
            {"every": {"weeks": 2, "hour": 10, "start": date(2026, 1, 5)}},
            sh(2026, 11, 10),
            sh(2026, 11, 23, 10),
        ),
        # a holiday: kept, skipped, moved to the next working day (over the weekend and Monday's holiday)...
        (CENTER, {"cron": {"day_of_week": "thu", "hour": 10}}, sh(2026, 9, 25), sh(2026, 10, 1, 10)),
        (
            CENTER,
            {"cron": {"day_of_week": "thu", "hour": 10}, "non_working": "skip"},
            sh(2026, 9, 25),
            sh(2026, 10, 8, 10),
        ),
        (
            CENTER,
            {"cron": MONTHLY_1ST, "non_working": "next_working_day"},
            sh(2026, 9, 15),
            sh(2026, 10, 6, 10),
        ),
        # ...or to the previous one
        (
            CENTER,
            {"cron": MONTHLY_1ST, "non_working": "previous_working_day"},
            sh(2026, 9, 15),
            sh(2026, 9, 30, 10),
        ),
        # a run moved back before `after` is not ahead: 1 November is a Sunday, moved to Friday 30 October
        (
            CENTER,
            {"cron": MONTHLY_1ST, "non_working": "previous_working_day"},
            sh(2026, 9, 30, 12),
            sh(2026, 10, 30, 10),
        ),
        # a run moved forward past `after` is still ahead: Saturday's meeting moved to Monday, seen on Sunday
        (
            CENTER,
            {"cron": {"day_of_week": "sat", "hour": 10}, "non_working": "next_working_day"},
            sh(2026, 11, 22, 12),
            sh(2026, 11, 23, 10),
        ),
        # two Saturday times moved to Monday are two runs, the second found after the first
        (
            CENTER,
            {"cron": {"day_of_week": "sat", "hour": "9,15"}, "non_working": "next_working_day"},
            sh(2026, 11, 23, 9),
            sh(2026, 11, 23, 15),
        ),
        # daily runs moved off the holidays and the weekend are one run on Tuesday 6 October, then Wednesday's
        (CENTER, {**DAILY_9, "non_working": "next_working_day"}, sh(2026, 9, 30, 9), sh(2026, 10, 6, 9)),
        (CENTER, {**DAILY_9, "non_working": "next_working_day"}, sh(2026, 10, 6, 9), sh(2026, 10, 7, 9)),
        # the make-up Saturday is a working day: a daily run that skips weekends runs on it
        (CENTER, {**DAILY_9, "non_working": "skip"}, sh(2026, 10, 9, 9), sh(2026, 10, 10, 9)),
        (CENTER, {**DAILY_9, "non_working": "skip"}, sh(2026, 10, 10, 9), sh(2026, 10, 12, 9)),
    ],
)
def test_next_run(calendar, fields, after, expected):
    found = next_run(spec(**fields), after, calendar)
    assert found == expected
    assert found.tzinfo is UTC


def test_a_schedule_that_never_falls_on_a_working_day_is_refused():
    weekends_only = spec(cron={"day_of_week": "sat-sun", "hour": 10}, non_working="skip")
    with pytest.raises(ValueError, match="no run within"):
        next_run(weekends_only, at(SHANGHAI, 2026, 11, 23), CENTER)


@pytest.mark.parametrize(
    ("fields", "where", "says"),
    [
        ({}, (), "give either cron"),
        ({**DAILY_9, "every": {"days": 1, "start": "2026-01-01"}}, (), "give either cron"),
        ({"cron": {}}, ("cron",), "give at least one of month, day, day_of_week, hour, minute"),
        ({"cron": {"day": "last fry"}}, ("cron", "day"), "day cannot be 'last fry' (Invalid weekday name"),
        ({"cron": {"hour": 25}}, ("cron", "hour"), "hour cannot be 25"),
        ({"cron": {"minute": "*/x"}}, ("cron", "minute"), "use 0-59"),
        ({"cron": {"day_of_week": "1-5"}}, ("cron", "day_of_week"), "write weekdays by name"),
        ({"cron": {"month": 2, "day": 30}}, ("cron",), "no date matches"),
        ({"cron": {"hour": True}}, ("cron", "hour"), "give a number or text"),
        ({"cron": {"hours": 9}}, ("cron", "hours"), "Extra inputs are not permitted"),
        ({"every": {"hour": 9, "start": "2026-01-01"}}, ("every",), "at least one day long"),
        ({"every": {"weeks": 1}}, ("every", "start"), "Field required"),
        ({"every": {"weeks": "2", "start": "2026-01-01"}}, ("every", "weeks"), "valid integer"),
        ({"every": {"days": 1, "start": "2026-02-30"}}, ("every", "start"), "'2026-02-30' is not a date"),
        ({"every": {"days": 1, "start": 20260105}}, ("every", "start"), "valid date"),
        ({**DAILY_9, "non_working": "holiday"}, ("non_working",), "'keep', 'skip', 'next_working_day'"),
        ({**DAILY_9, "catch_up": "all"}, ("catch_up",), "'latest' or 'each'"),
    ],
)
def test_spec_mistakes_are_named_at_their_path(fields, where, says):
    with pytest.raises(ValidationError) as raised:
        ScheduleSpec.model_validate(fields)
    messages = {error["loc"]: error["msg"] for error in raised.value.errors()}
    assert says in messages[where]


def test_a_stored_spec_reads_back_as_it_was():
    written = spec(every={"weeks": 2, "hour": 10, "start": date(2026, 1, 5)}, non_working="skip")
    assert stored_spec(written.model_dump(mode="json")) == written
    with pytest.raises(ValidationError, match="frozen"):
        written.non_working = "keep"


# The sweep. Monday 23 November 2026, on the center's clock.
MONDAY = at(SHANGHAI, 2026, 11, 23, 9)
DAY = timedelta(days=1)


class Hooks(dict):
    """A hook per kind that notes what it was called with."""

    def __init__(self, *kinds):
        self.calls = []
        self.lock = threading.Lock()
        super().__init__({kind: self.note for kind in kinds or ("meeting",)})

    def note(self, session, schedule, period, late):
        with self.lock:
            self.calls.append((schedule.key, period, late))


def put(db, key="weekly-review", *, now=MONDAY - timedelta(hours=1), kind="meeting", **fields):
    with db.transaction() as session:
        return set_schedule(
            session, key=key, kind=kind, spec=spec(**(fields or DAILY_9)), now=now, calendar=CENTER
        ).next_run_at


def sweep(db, now, hooks, **options):
    return run_due_schedules(db, now, hooks, CENTER, **options)


def stored(db, key="weekly-review"):
    with db.reading() as session:
        schedule = session.scalars(select(Schedule).where(Schedule.key == key)).one()
        runs = session.scalars(
            select(ScheduleRun).where(ScheduleRun.schedule_id == schedule.id).order_by(ScheduleRun.period)
        ).all()
        return schedule, [(run.period, run.late) for run in runs]


def test_each_period_fires_once(db):
    hooks = Hooks()
    assert put(db) == MONDAY
    assert sweep(db, MONDAY - timedelta(seconds=1), hooks) == 0
    assert sweep(db, MONDAY + timedelta(seconds=30), hooks) == 1
    assert sweep(db, MONDAY + timedelta(minutes=1), hooks) == 0  # right after: nothing again
    assert sweep(db, MONDAY + DAY + timedelta(seconds=5), hooks) == 1
    assert hooks.calls == [("weekly-review", MONDAY, False), ("weekly-review", MONDAY + DAY, False)]
    schedule, runs = stored(db)
    assert runs == [(MONDAY, False), (MONDAY + DAY, False)]
    assert (schedule.last_run_at, schedule.next_run_at) == (MONDAY + DAY, MONDAY + 2 * DAY)


def test_a_late_sweep_does_not_shift_the_series(db):
    hooks = Hooks()
    put(db)
    assert sweep(db, MONDAY + timedelta(minutes=40), hooks) == 1
    assert hooks.calls == [("weekly-review", MONDAY, True)]
    assert stored(db)[0].next_run_at == MONDAY + DAY


def test_a_restart_fires_nothing_again(db, database_url):
    put(db)
    assert sweep(db, MONDAY + timedelta(seconds=30), Hooks()) == 1
    db.dispose()
    restarted = Database(database_url)
    hooks = Hooks()
    assert sweep(restarted, MONDAY + timedelta(minutes=1), hooks) == 0
    assert hooks.calls == []
    restarted.dispose()


def test_after_downtime_only_the_latest_run_fires_and_it_is_late(db):
    hooks = Hooks()
    put(db)  # then down from Monday 08:00 to Wednesday 10:00: three runs came due meanwhile
    assert sweep(db, MONDAY + 2 * DAY + timedelta(hours=1), hooks) == 1
    assert hooks.calls == [("weekly-review", MONDAY + 2 * DAY, True)]
    schedule, runs = stored(db)
    assert runs == [(MONDAY + 2 * DAY, True)]
    assert schedule.next_run_at == MONDAY + 3 * DAY


def test_after_downtime_each_run_fires_when_the_spec_says_so(db):
    hooks = Hooks()
    put(db, catch_up="each", **DAILY_9)
    assert sweep(db, MONDAY + 2 * DAY + timedelta(minutes=2), hooks) == 3
    assert hooks.calls == [
        ("weekly-review", MONDAY, True),
        ("weekly-review", MONDAY + DAY, True),
        ("weekly-review", MONDAY + 2 * DAY, False),  # two minutes after it came due: on time
    ]
    assert stored(db)[0].next_run_at == MONDAY + 3 * DAY
    assert sweep(db, MONDAY + 2 * DAY + timedelta(minutes=3), hooks) == 0


def test_a_clock_moved_back_fires_nothing_again(db):
    hooks = Hooks()
    put(db)
    assert sweep(db, MONDAY + timedelta(minutes=1), hooks) == 1
    assert sweep(db, MONDAY - timedelta(hours=1), hooks) == 0  # the clock went back an hour
    # Setting the schedule again on the wrong clock does not bring the run that fired back either.
    assert put(db, now=MONDAY - timedelta(hours=1)) == MONDAY + DAY
    assert sweep(db, MONDAY + timedelta(minutes=2), hooks) == 0
    assert len(hooks.calls) == 1


def test_setting_the_same_schedule_again_keeps_a_missed_run(db):
    put(db)
    later = MONDAY + timedelta(
        hours=3
    )  # down over Monday 09:00, then the schedules are set again at start-up
    assert put(db, now=later) == MONDAY
    hooks = Hooks()
    assert sweep(db, later, hooks) == 1
    assert hooks.calls == [("weekly-review", MONDAY, True)]


def test_a_changed_spec_starts_from_now(db):
    put(db)
    later = MONDAY + timedelta(hours=3)
    assert put(db, now=later, cron={"hour": 14}) == MONDAY.replace(hour=14)
    assert sweep(db, later, Hooks()) == 0


def test_a_stopped_schedule_fires_no_more_until_set_again(db):
    hooks = Hooks()
    put(db)
    with db.transaction() as session:
        assert stop_schedule(session, key="weekly-review")
        assert not stop_schedule(session, key="weekly-review")
        assert not stop_schedule(session, key="no-such-schedule")
    assert sweep(db, MONDAY + timedelta(minutes=1), hooks) == 0
    assert put(db, now=MONDAY + timedelta(minutes=2)) == MONDAY + DAY
    assert sweep(db, MONDAY + DAY, hooks) == 1


def test_a_hook_may_stop_its_own_schedule(db):
    def last_meeting(session, schedule, period, late):
        stop_schedule(session, key=schedule.key)

    put(db)
    assert sweep(db, MONDAY, {"meeting": last_meeting}) == 1
    schedule, runs = stored(db)
    assert (schedule.active, schedule.next_run_at, runs) == (False, None, [(MONDAY, False)])


def test_a_schedule_waits_for_a_process_with_its_hook(db):
    put(db, key="monthly-report", kind="report")
    assert sweep(db, MONDAY, Hooks("meeting")) == 0
    hooks = Hooks("report")
    assert sweep(db, MONDAY, hooks) == 1
    assert hooks.calls == [("monthly-report", MONDAY, False)]


def test_a_failing_hook_undoes_its_own_run_alone(db, caplog):
    put(db, key="a")
    put(db, key="b")
    hooks = Hooks()

    def broken(session, schedule, period, late):
        if schedule.key == "a":
            session.add(ScheduleRun(schedule_id=schedule.id, period=period + DAY, ran_at=period, late=False))
            session.flush()  # written, then undone with the run
            raise RuntimeError("the meeting's channel is gone")
        hooks.note(session, schedule, period, late)

    assert sweep(db, MONDAY, {"meeting": broken}, batch=1) == 1
    assert hooks.calls == [("b", MONDAY, False)]
    assert "schedule a failed" in caplog.text
    assert stored(db, "a")[1] == [] and stored(db, "a")[0].next_run_at == MONDAY
    assert sweep(db, MONDAY + timedelta(minutes=1), hooks) == 1  # tried again once the hook works
    assert hooks.calls[-1] == ("a", MONDAY, False)


def test_an_idle_sweep_only_reads(db, monkeypatch):
    put(db)

    def no_write_lock():
        raise AssertionError("an idle sweep took a write transaction")

    monkeypatch.setattr(db, "transaction", no_write_lock)
    assert sweep(db, MONDAY - timedelta(minutes=1), Hooks()) == 0


def test_two_sweepers_at_once_fire_each_period_once(db, database_url):
    keys = [f"team-{n}" for n in range(60)]
    for key in keys:
        put(db, key=key)
    hooks = Hooks()
    sweepers = [Database(database_url), Database(database_url)]
    fired = []
    for day in range(3):
        start = threading.Barrier(len(sweepers))
        now = MONDAY + day * DAY + timedelta(seconds=30)

        def work(sweeper, now=now, start=start):
            start.wait()
            fired.append(sweep(sweeper, now, hooks, batch=7))

        threads = [threading.Thread(target=work, args=(sweeper,)) for sweeper in sweepers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for sweeper in sweepers:
        sweeper.dispose()
    expected = sorted((key, MONDAY + day * DAY, False) for key in keys for day in range(3))
    assert sorted(hooks.calls) == expected
    assert sum(fired) == len(expected)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(ScheduleRun)) == len(expected)
