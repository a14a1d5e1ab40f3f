"""`/case stats` arithmetic on hand-built rows (the expected figures worked out by hand below), and the period
query's boundaries in the center's time zone on a real database."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from opsbot.cases.models import Case
from opsbot.cases.stats import StatsRow, compute, load_rows, period_bounds, period_stats
from opsbot.deadlines import Deadline

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI).astimezone(UTC)


def row(channel, type_key, state, registered, resolved=None, due=None, returns=0, score=None):
    return StatsRow(
        channel=channel,
        type_key=type_key,
        complaint=type_key == "complaint",
        state=state,
        registered_at=registered,
        resolved_at=resolved,
        resolve_due_at=due,
        review_returns=returns,
        satisfaction=score,
    )


# The week of Monday 2026-11-23 (no holidays); the center works 09:00-18:00, Monday to Friday.
ROWS = [
    # A: Mon 10:00 → Mon 15:00 = 5 business hours; due Mon 18:00: on time. Closed, first pass, 5/5.
    row(
        "phone",
        "enquiry",
        "closed",
        local(2026, 11, 23, 10),
        local(2026, 11, 23, 15),
        local(2026, 11, 23, 18),
        score=5,
    ),
    # B: Mon 16:00 → Tue 11:00 = 2 h (Mon 16-18) + 2 h (Tue 9-11) = 4 h; due Tue 10:00: late. Returned once.
    row(
        "email",
        "refund",
        "follow_up",
        local(2026, 11, 23, 16),
        local(2026, 11, 24, 11),
        local(2026, 11, 24, 10),
        returns=1,
    ),
    # C: Fri 17:00 → Mon 10:00 = 1 h + 1 h = 2 h (the weekend does not count); due Mon 12:00: on time.
    row(
        "phone",
        "enquiry",
        "feedback",
        local(2026, 11, 27, 17),
        local(2026, 11, 30, 10),
        local(2026, 11, 30, 12),
    ),
    # D: a complaint still being investigated: not resolved.
    row("online", "complaint", "in_progress", local(2026, 11, 24, 9), due=local(2026, 11, 27, 9)),
    # E: a closed complaint, Tue 9:30 → 13:30 = 4 h; due 13:30 exactly: on time. 3/5. Not a review case.
    row(
        "walk_in",
        "complaint",
        "closed",
        local(2026, 11, 24, 9, 30),
        local(2026, 11, 24, 13, 30),
        local(2026, 11, 24, 13, 30),
        score=3,
    ),
    # F: Wed 9:00 → 12:00 = 3 h, due 11:00: late. In its first review: has not passed both reviews yet.
    row(
        "phone",
        "account_change",
        "first_review",
        local(2026, 11, 25, 9),
        local(2026, 11, 25, 12),
        local(2026, 11, 25, 11),
    ),
    # G: Tue 08:00 (before opening) → 10:00 = 1 h; due 12:00: on time. Closed after two returns, 4/5.
    row(
        "phone",
        "enquiry",
        "closed",
        local(2026, 11, 24, 8),
        local(2026, 11, 24, 10),
        local(2026, 11, 24, 12),
        returns=2,
        score=4,
    ),
]


def test_the_figures_match_the_hand_count(center):
    stats = compute(ROWS, center.calendar)
    assert stats.registered == 7
    assert stats.by_channel == (("phone", 4), ("email", 1), ("online", 1), ("walk_in", 1))
    assert stats.by_type == (("enquiry", 3), ("complaint", 2), ("account_change", 1), ("refund", 1))
    assert stats.resolved == 6  # all but D
    assert stats.avg_handling_hours == pytest.approx((5 + 4 + 2 + 4 + 3 + 1) / 6)
    assert (stats.on_time, stats.on_time_pct) == (4, pytest.approx(100 * 4 / 6))  # A, C, E, G
    # Past both reviews, complaints aside: A, B, C, G; never returned: A, C.
    assert (stats.passed_reviews, stats.first_pass, stats.first_pass_pct) == (4, 2, 50.0)
    assert (stats.rated, stats.satisfaction_avg) == (3, pytest.approx((5 + 3 + 4) / 3))
    assert (stats.complaints, stats.complaints_closed) == (2, 1)


def test_handling_time_skips_holidays(center):
    # Wed 2026-09-30 17:00 → Thu 2026-10-08 10:00: Oct 1, 2, 5, 6, 7 are holidays, Oct 3-4 a weekend.
    late = row(
        "phone", "enquiry", "closed", local(2026, 9, 30, 17), local(2026, 10, 8, 10), local(2026, 10, 9, 9)
    )
    assert compute([late], center.calendar).avg_handling_hours == pytest.approx(2.0)


def test_no_cases_gives_no_averages(center):
    stats = compute([], center.calendar)
    assert stats.registered == 0 and stats.by_channel == ()
    assert stats.avg_handling_hours is None and stats.on_time_pct is None
    assert stats.first_pass_pct is None and stats.satisfaction_avg is None


def test_periods_start_on_monday_and_the_first_in_the_center_zone():
    now = local(2026, 11, 25, 12)  # Wednesday noon in Shanghai
    assert period_bounds(now, "week", SHANGHAI) == (local(2026, 11, 23), local(2026, 11, 30))
    assert period_bounds(now, "month", SHANGHAI) == (local(2026, 11, 1), local(2026, 12, 1))
    # 23:30 UTC on Sunday is already Monday in Shanghai: a new week there.
    sunday_utc = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    assert period_bounds(sunday_utc, "week", SHANGHAI)[0] == local(2026, 11, 30)
    assert period_bounds(local(2026, 12, 31, 23), "month", SHANGHAI) == (
        local(2026, 12, 1),
        local(2027, 1, 1),
    )


def seed(session, registered_at, n, **extra):
    values = dict(
        number=f"CASE-2026-{n:06d}",
        type_key="enquiry",
        state="in_progress",
        customer="Li Na",
        contact="13812345678",
        channel="phone",
        summary=f"Seeded case {n}",
        unit_key="intake",
        registered_by="U0CHENJING",
        assignee="U0FENGYU",
        received_at=registered_at or local(2026, 11, 20, 9),
        registered_at=registered_at,
    )
    case = Case(**(values | extra))
    session.add(case)
    session.flush()
    started = registered_at or local(2026, 11, 20, 9)
    session.add(
        Deadline(
            subject_kind="case",
            subject_id=case.id,
            clock="resolution",
            cycle=1,
            started_at=started,
            due_at=started + timedelta(days=2),
            plan=[],
            steps_fired=0,
            repeats_fired=0,
        )
    )


def test_the_query_takes_the_period_in_the_center_zone(loaded, center):
    db = loaded
    with db.transaction() as session:
        seed(session, local(2026, 11, 22, 23, 59, 59), 1, channel="email")  # Sunday night: last week
        seed(session, local(2026, 11, 23, 0, 0), 2)  # Monday midnight: this week
        seed(session, local(2026, 11, 24, 10), 3, resolved_at=local(2026, 11, 24, 12), state="first_review")
        seed(session, local(2026, 11, 29, 23, 59), 4, channel="online")  # Sunday night: still this week
        seed(session, local(2026, 10, 31, 23, 59, 59), 5)  # October, though 15:59 UTC on the 31st
        seed(session, local(2026, 11, 1, 0, 0), 6, channel="walk_in")  # November, though 16:00 UTC Oct 31
        seed(session, None, 7, number=None, state="returned")  # not registered: not counted
    now = local(2026, 11, 25, 12)
    with db.reading() as session:
        week = period_stats(session, now, "week", center.calendar)
        month = period_stats(session, now, "month", center.calendar)
        start, end = period_bounds(now, "week", SHANGHAI)
        assert {r.registered_at for r in load_rows(session, start, end)} == {
            local(2026, 11, 23),
            local(2026, 11, 24, 10),
            local(2026, 11, 29, 23, 59),
        }
    assert week.stats.registered == 3
    assert week.stats.by_channel == (("phone", 2), ("online", 1))
    assert (week.stats.resolved, week.stats.avg_handling_hours) == (1, pytest.approx(2.0))
    assert month.stats.registered == 5  # cases 1, 2, 3, 4 and 6
    assert month.stats.by_channel == (("phone", 2), ("email", 1), ("online", 1), ("walk_in", 1))
