"""The deadline sweep: each step fires once — on one worker or two, after downtime (late, and saying so),
across a wall clock set back or forward — and what a run tells one person comes as one digest."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from opsbot import deadlines
from opsbot.audit import AuditEntry
from opsbot.clock import FrozenClock
from opsbot.deadline_digests import PendingNotice
from opsbot.deadline_sweep import About, Firing, Sweeping, sweep_deadlines
from opsbot.deadlines import Deadline
from opsbot.ladders import LadderStep
from opsbot.outbox import Notification
from opsbot.sweeps import Sweep, run_if_due

HANDLER = "U0FENGYU"
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
LADDER = (
    LadderStep(after=1, do="remind", to=("owner",)),
    LadderStep(after=2, do="remind", to=("owner",)),
    LadderStep(after_due=0, do="overdue", to=("owner", "superior")),
)


class Probe:
    """A subject kind that records each firing."""

    def __init__(self) -> None:
        self.fired: list[tuple[int, int, int, bool]] = []
        self.lock = threading.Lock()

    def claim(self, session, sweeping, ids):
        return {subject_id: subject_id for subject_id in ids}

    def about(self, session, sweeping, subject, deadline):
        return About(reference=f"P-{subject}", summary="probe", owner=HANDLER, unit="intake")

    def fire(self, session, sweeping: Sweeping, subject, deadline: Deadline, firing: Firing):
        with self.lock:
            self.fired.append(
                (deadline.subject_id, deadline.steps_fired, deadline.repeats_fired, firing.late)
            )
        return set()


def start_timers(db, center, count: int, *, ladder=LADDER, due_hours: float = 3) -> None:
    with db.transaction() as session:
        for subject_id in range(1, count + 1):
            deadlines.start(
                session,
                kind="probe",
                subject_id=subject_id,
                clock="reply",
                owner=HANDLER,
                due=START + timedelta(hours=due_hours),
                now=START,
                ladder=ladder,
                calendar=center.calendar,
            )


def test_each_step_fires_once_and_a_second_sweep_fires_nothing(loaded, center):
    start_timers(loaded, center, 3)
    probe = Probe()
    assert sweep_deadlines(loaded, START + timedelta(minutes=59), center, {"probe": probe}) == 0
    assert sweep_deadlines(loaded, START + timedelta(hours=1), center, {"probe": probe}) == 3
    assert sweep_deadlines(loaded, START + timedelta(hours=1, minutes=1), center, {"probe": probe}) == 0
    assert sorted(probe.fired) == [(1, 1, 0, False), (2, 1, 0, False), (3, 1, 0, False)]
    with loaded.reading() as session:
        digests = session.scalars(select(Notification).where(Notification.kind == "deadline.digest")).all()
        assert [(d.channel, len(d.payload["notices"])) for d in digests] == [(HANDLER, 3)]
        assert session.scalar(select(func.count()).select_from(PendingNotice)) == 0


def test_steps_that_fell_during_downtime_fire_once_on_start_and_say_they_are_late(loaded, center):
    start_timers(loaded, center, 1)
    probe = Probe()
    back = START + timedelta(hours=5)  # the remind, the second remind and the overdue mark all fell meanwhile
    assert sweep_deadlines(loaded, back, center, {"probe": probe}) == 3
    assert probe.fired == [(1, 1, 0, True), (1, 2, 0, True), (1, 3, 0, True)]
    assert sweep_deadlines(loaded, back + timedelta(minutes=1), center, {"probe": probe}) == 0
    with loaded.reading() as session:
        (digest,) = session.scalars(select(Notification).where(Notification.channel == HANDLER)).all()
        assert [n["code"] for n in digest.payload["notices"]] == [
            "deadline.remind",
            "deadline.remind",
            "deadline.overdue",
        ]
        assert all(n["late"] for n in digest.payload["notices"])
        timer = session.scalars(select(Deadline)).one()
        assert timer.next_action_at is None and timer.steps_fired == 3


def test_a_clock_set_back_refires_nothing_and_one_set_forward_fires_what_fell_due_once(loaded, center):
    start_timers(loaded, center, 1)
    probe = Probe()
    hooks = {"probe": probe}
    assert sweep_deadlines(loaded, START + timedelta(hours=1, minutes=30), center, hooks) == 1
    assert sweep_deadlines(loaded, START - timedelta(days=2), center, hooks) == 0  # an NTP step back
    assert sweep_deadlines(loaded, START + timedelta(hours=1, minutes=31), center, hooks) == 0
    assert sweep_deadlines(loaded, START + timedelta(days=3), center, hooks) == 2  # a resumed VM
    assert [fired[1] for fired in probe.fired] == [1, 2, 3]


def test_a_repeating_step_that_missed_several_repeats_nags_once(loaded, center):
    nag = (LadderStep(after=1, do="remind", to=("owner",), repeat_every=1, repeats=5, hours="calendar"),)
    start_timers(loaded, center, 1, ladder=nag, due_hours=10)
    probe = Probe()
    assert sweep_deadlines(loaded, START + timedelta(hours=1), center, {"probe": probe}) == 1
    assert sweep_deadlines(loaded, START + timedelta(hours=4, minutes=30), center, {"probe": probe}) == 1
    assert probe.fired[-1][1:3] == (1, 3)  # the third repeat; the first two were passed over


def test_two_workers_sweeping_at_once_fire_each_step_once(loaded, center):
    start_timers(loaded, center, 1000)
    probe = Probe()
    moment = START + timedelta(hours=1)
    results: list[int] = []

    def worker() -> None:
        results.append(sweep_deadlines(loaded, moment, center, {"probe": probe}))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 1000
    assert Counter((fired[0], fired[1]) for fired in probe.fired).most_common(1)[0][1] == 1
    assert len(probe.fired) == 1000


def test_a_subject_kind_with_no_hooks_waits_without_stalling_the_rest(loaded, center):
    start_timers(loaded, center, 2)
    assert sweep_deadlines(loaded, START + timedelta(hours=1), center, {}) == 0
    with loaded.reading() as session:
        assert (
            session.scalar(select(func.count()).select_from(Deadline).where(Deadline.steps_fired == 0)) == 2
        )


def test_a_sweep_is_due_once_per_period_of_its_own_whatever_the_jitter(db):
    runs: list[datetime] = []
    sweep = Sweep("probe", timedelta(minutes=1), lambda _db, now: runs.append(now) or 1)
    clock = FrozenClock(datetime(2026, 11, 23, 2, 0, 0, 500_000, tzinfo=UTC))
    assert run_if_due(db, sweep, clock) == 1
    clock.set(datetime(2026, 11, 23, 2, 0, 59, 900_000, tzinfo=UTC))  # the same minute: not again
    assert run_if_due(db, sweep, clock) is None
    clock.set(datetime(2026, 11, 23, 2, 1, 0, 100_000, tzinfo=UTC))  # the next minute, 0.2 s after the last
    assert run_if_due(db, sweep, clock) == 1
    clock.set(datetime(2026, 11, 21, 2, 0, tzinfo=UTC))  # the clock set back two days: still ticks
    assert run_if_due(db, sweep, clock) == 1
    assert len(runs) == 3


def test_a_snooze_is_bounded_audited_and_puts_the_next_step_off(loaded, center):
    start_timers(loaded, center, 1)
    with loaded.transaction() as session:
        with pytest.raises(deadlines.SnoozeRefused):
            deadlines.snooze(
                session,
                kind="probe",
                subject_id=1,
                clock="reply",
                until=START + timedelta(hours=5),
                now=START,
                actor=HANDLER,
                reference="P-1",
                longest=timedelta(hours=4),
            )
        deadlines.snooze(
            session,
            kind="probe",
            subject_id=1,
            clock="reply",
            until=START + timedelta(hours=1, minutes=30),
            now=START,
            actor=HANDLER,
            reference="P-1",
            longest=timedelta(hours=4),
        )
    probe = Probe()
    assert sweep_deadlines(loaded, START + timedelta(hours=1), center, {"probe": probe}) == 0
    assert sweep_deadlines(loaded, START + timedelta(hours=1, minutes=30), center, {"probe": probe}) == 1
    assert probe.fired == [(1, 1, 0, False)]  # fired when the snooze ended, and not said to be late
    with loaded.reading() as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "deadline.snoozed")).all()
        assert (entry.actor, entry.subject) == (HANDLER, "P-1")


def test_two_workers_sweeping_through_the_ladders_fire_every_step_once(loaded, center):
    """1,000 timers, three steps each, two workers ticking side by side as the hours pass."""
    start_timers(loaded, center, 1000)
    probe = Probe()
    results: list[int] = []

    def worker(moment: datetime) -> None:
        results.append(sweep_deadlines(loaded, moment, center, {"probe": probe}))

    for hours in (1, 1.5, 2, 2.5, 3, 4):
        moment = START + timedelta(hours=hours)
        threads = [threading.Thread(target=worker, args=(moment,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(results) == 3000
    assert len(probe.fired) == 3000
    assert Counter((fired[0], fired[1]) for fired in probe.fired).most_common(1)[0][1] == 1


def test_acknowledging_stops_the_acknowledgement_steps_and_the_rest_still_fire(loaded, center):
    ladder = (
        LadderStep(after=1, do="remind", to=("owner",), unless="acknowledged"),
        LadderStep(after_due=0, do="overdue", to=("owner",)),
    )
    start_timers(loaded, center, 1, ladder=ladder)
    with loaded.transaction() as session:
        deadlines.acknowledge(session, kind="probe", subject_id=1, now=START + timedelta(minutes=30))
    probe = Probe()
    assert sweep_deadlines(loaded, START + timedelta(hours=2), center, {"probe": probe}) == 0
    assert sweep_deadlines(loaded, START + timedelta(hours=3), center, {"probe": probe}) == 1
    assert probe.fired == [(1, 2, 0, False)]  # the overdue mark; the reminder was passed over
