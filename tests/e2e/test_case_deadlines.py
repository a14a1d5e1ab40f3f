"""Reminders before a case falls due, overdue marks with one notice to the superior, and the follow-up
prompt — run by the sweeps on a clock the test moves."""

from datetime import timedelta

from sqlalchemy import select

import bot
from opsbot.cases.clocks import FOLLOW_UP, REPLY, start
from opsbot.cases.models import Case
from opsbot.sweeps import run_due_sweeps
from tests.e2e.clocks import due
from tests.e2e.test_case_lifecycle import CLERK, LEADER, Desk


def tick(running, clock, advance: timedelta):
    clock.advance(advance)
    return run_due_sweeps(running.db, bot.sweeps_for(running.bot.center), clock)


def dms(running, user):
    return [m.text for m in running.slack.dm(user)]


def test_reminder_then_overdue_then_one_notice_to_the_superior(running_frozen, clock):
    running = running_frozen
    desk = Desk(running)
    # Monday 10:00 in Shanghai: a general enquiry's reply is due at 14:00, resolution Tuesday 17:00.
    desk.slack.command(CLERK, "/case", "new Where is my parcel?")
    desk.settle()
    with running.db.reading() as session:
        case = session.scalars(select(Case)).one()
    handler = case.assignee
    assert due(running.db, REPLY) == clock.now() + timedelta(hours=4)

    tick(running, clock, timedelta(hours=1))  # 11:00: three business hours before the reply is due
    assert not [t for t in dms(running, handler) if "⏰" in t]
    tick(running, clock, timedelta(hours=1, minutes=30))  # 12:30: within the two-hour window
    reminder = running.slack.wait_for(lambda: [t for t in dms(running, handler) if "⏰" in t])
    assert "the reply is due" in reminder[0]
    tick(running, clock, timedelta(minutes=20))
    assert len([t for t in dms(running, handler) if "⏰" in t]) == 1  # reminded once

    tick(running, clock, timedelta(hours=2))  # 14:50: the reply is overdue
    running.slack.wait_for(lambda: "OVERDUE" in desk.card_text())
    notice = running.slack.wait_for(lambda: [t for t in dms(running, LEADER) if "overdue" in t])
    assert "CASE-2026-000001" in notice[0] and "reply" in notice[0]
    for _ in range(3):
        tick(running, clock, timedelta(minutes=5))
    assert len([t for t in dms(running, LEADER) if "overdue" in t]) == 1  # told once

    desk.fill(handler, "case.replied", {"how": "Called back at 15:05"})
    running.slack.wait_for(lambda: "replied ✓" in desk.card_text())


def test_the_follow_up_owner_is_prompted_when_it_is_due(running_frozen, clock):
    running = running_frozen
    desk = Desk(running)
    desk.slack.command(CLERK, "/case", "new Refund status")
    desk.settle()
    with running.db.transaction() as session:
        case = session.scalars(select(Case)).one()
        case.state = "follow_up"
        center = running.bot.center
        start(session, case, center, clock.now(), FOLLOW_UP, due=clock.now() + timedelta(days=3), owner=CLERK)
    tick(running, clock, timedelta(days=2))
    assert not [t for t in dms(running, CLERK) if "follow up" in t]
    tick(running, clock, timedelta(days=1, minutes=1))
    prompt = running.slack.wait_for(lambda: [t for t in dms(running, CLERK) if "Time to follow up" in t])
    assert "CASE-2026-000001" in prompt[0]
    tick(running, clock, timedelta(hours=1))
    assert len([t for t in dms(running, CLERK) if "Time to follow up" in t]) == 1


def test_cases_falling_overdue_together_make_one_message_per_person(running_frozen, clock):
    running = running_frozen
    desk = Desk(running)
    for n in range(6):
        desk.slack.command(CLERK, "/case", f"new Parcel {n} is lost")
    desk.slack.wait_for(lambda: len(running.slack.messages("C0INTAKE")) == 6)
    with running.db.reading() as session:
        handlers = {case.assignee for case in session.scalars(select(Case))}
    tick(running, clock, timedelta(days=3))  # after the weekend's worth of time: both clocks ran out
    (notice,) = running.slack.wait_for(lambda: [t for t in dms(running, LEADER) if "overdue" in t])
    assert notice.startswith("⚠️ 12 deadlines have passed:")  # six cases, reply and resolution each
    assert all(f"CASE-2026-00000{n}" in notice for n in range(1, 7))
    for handler in handlers:  # delivered one after another: wait for each
        running.slack.wait_for(lambda h=handler: [t for t in dms(running, h) if "overdue" in t])
    tick(running, clock, timedelta(hours=1))
    running.delivered()  # whatever the sweep queued is sent now, in this thread
    for handler in handlers:
        assert len([t for t in dms(running, handler) if "overdue" in t]) == 1
    assert len([t for t in dms(running, LEADER) if "overdue" in t]) == 1
    assert running.slack.errors == []
