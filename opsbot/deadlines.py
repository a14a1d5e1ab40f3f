"""Deadlines: one table of timers for every workflow. A timer belongs to a subject (its kind and id) and
one of its clocks (a case's reply, an approval's waiting step, …); it is due at an instant computed once,
when it starts, and carries the ladder it started with and how far up it has gone. `next_action_at` is when
its next step falls (None once it has ended or has nothing left to do), and the sweep finds what is due by
that column's index alone.

Services start, move, acknowledge and end timers inside their own transaction, so a change and its
deadlines commit together. Each start of a clock is a new cycle: (subject, clock, cycle) is unique, and a
step fires once per cycle (`opsbot.deadline_sweep`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    Integer,
    ScalarSelect,
    String,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from opsbot import audit
from opsbot.db import Base, BigId, UTCDateTime
from opsbot.ladder_times import falls_at, repeats_at
from opsbot.ladders import Ladder, LadderStep
from opsbot.working_calendar import Calendar

DONE = "done"
CANCELLED = "cancelled"


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("subject_kind", "subject_id", "clock", "cycle"),
        # The sweep's one question, "what is due now", is a range scan of this index; ended timers have no
        # next action and are not in the range.
        Index("ix_deadlines_next_action_at", "next_action_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    clock: Mapped[str] = mapped_column(String(24))
    cycle: Mapped[int] = mapped_column(Integer)
    # Which part of the subject the cycle is for, where a clock runs for each in turn (an approval's
    # `round.step`).
    part: Mapped[str | None] = mapped_column(String(32))
    # Who the clock runs for when it starts; a subject's hooks may name someone else by the time it fires
    # (a case taken over by a colleague).
    owner: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The ladder as it was when the clock started, each step with the instant it first falls, in order.
    plan: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # Steps of the plan already fired, and how many times the last of them has repeated.
    steps_fired: Mapped[int] = mapped_column(Integer, default=0)
    repeats_fired: Mapped[int] = mapped_column(Integer, default=0)
    next_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last person it was escalated to: `next_level` goes up from them.
    escalated_to: Mapped[str | None] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # While paused (the subject waits on someone outside: a customer's supplement, a review) nothing fires;
    # resumed, what fell due meanwhile fires.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when no one was left above to escalate to and leadership was told: the ladder stopped there.
    topped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_how: Mapped[str | None] = mapped_column(String(12))

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def step(self, index: int) -> LadderStep:
        return LadderStep.model_validate(self.plan[index]["step"])

    def falls(self, index: int) -> datetime:
        return datetime.fromisoformat(self.plan[index]["at"])


def plan_of(ladder: Ladder, started: datetime, due: datetime, calendar: Calendar) -> list[dict[str, Any]]:
    """The ladder's steps with the instant each first falls, earliest first (steps falling together keep the
    ladder's order), and for a repeating step the instants it falls again (each an interval after the one
    before, however late a sweep fires them)."""
    timed = [(falls_at(step, started, due, calendar), index, step) for index, step in enumerate(ladder)]
    plan = []
    for at, _, step in sorted(timed, key=lambda item: (item[0], item[1])):
        entry: dict[str, Any] = {
            "at": at.isoformat(),
            "step": step.model_dump(mode="json", exclude_defaults=True),
        }
        again, moment = [], at
        for _ in range(step.repeats):
            moment = repeats_at(step, moment, calendar)
            again.append(moment.isoformat())
        if again:
            entry["again"] = again
        plan.append(entry)
    return plan


def start(
    session: Session,
    *,
    kind: str,
    subject_id: int,
    clock: str,
    owner: str | None,
    due: datetime | None,
    now: datetime,
    ladder: Ladder,
    calendar: Calendar,
    started: datetime | None = None,
    part: str | None = None,
) -> Deadline:
    """Start a cycle of the subject's clock, due at `due` (counted from `started`, by default now). A clock
    with no due instant of its own (an approval step) is due when its ladder's last step falls. A cycle
    still running is cancelled: the clock starts again."""
    began = started or now
    plan = plan_of(ladder, began, due or began, calendar)
    if due is None:
        due = max((datetime.fromisoformat(entry["at"]) for entry in plan), default=began)
    rows = _rows(session, kind, subject_id)
    previous = _open(session, kind, subject_id, clock)
    if previous is not None:
        end(previous, now, how=CANCELLED)
    cycle = max((row.cycle for row in rows if row.clock == clock), default=0)
    deadline = Deadline(
        subject_kind=kind,
        subject_id=subject_id,
        clock=clock,
        cycle=cycle + 1,
        part=part,
        owner=owner,
        started_at=began,
        due_at=due,
        plan=plan,
        steps_fired=0,
        repeats_fired=0,
    )
    deadline.next_action_at = next_action(deadline)
    session.add(deadline)
    rows.append(deadline)
    return deadline


def move(
    session: Session,
    *,
    kind: str,
    subject_id: int,
    clock: str,
    due: datetime,
    now: datetime,
    calendar: Calendar,
) -> Deadline | None:
    """The clock's due instant moves (a case changed type). Due again later, its ladder starts over from its
    first step; already past, what has fired stays fired and only the steps still to come are re-timed."""
    deadline = _open(session, kind, subject_id, clock)
    if deadline is None:
        return None
    ladder = tuple(deadline.step(index) for index in range(len(deadline.plan)))
    deadline.due_at = due
    deadline.plan = plan_of(ladder, deadline.started_at, due, calendar)
    if due > now:
        deadline.steps_fired = deadline.repeats_fired = 0
        deadline.escalated_to = deadline.topped_at = None
    deadline.next_action_at = next_action(deadline)
    return deadline


def acknowledge(session: Session, *, kind: str, subject_id: int, now: datetime) -> None:
    """Someone has taken the subject up: steps `unless: acknowledged` no longer fire, on any of its clocks."""
    for deadline in _all_open(session, kind, subject_id):
        if deadline.acknowledged_at is None:
            deadline.acknowledged_at = now
            deadline.next_action_at = next_action(deadline)


class SnoozeRefused(ValueError):
    """A snooze past what the workflow allows, or of a timer with nothing left to do."""


def snooze(
    session: Session,
    *,
    kind: str,
    subject_id: int,
    clock: str,
    until: datetime,
    now: datetime,
    actor: str,
    reference: str,
    longest: timedelta,
) -> Deadline:
    """Put the timer's next step off until `until`, no further than `longest` from now (a workflow that
    allows snoozing says how long); audited. The due instant stays: a snooze quiets the ladder, it does not
    move the deadline."""
    deadline = _open(session, kind, subject_id, clock)
    if deadline is None or deadline.next_action_at is None:
        raise SnoozeRefused("nothing is waiting to fire")
    if until <= now or until - now > longest:
        raise SnoozeRefused(f"a snooze lasts at most {longest}")
    before = deadline.next_action_at
    deadline.next_action_at = max(before, until)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="deadline.snoozed",
        subject=reference,
        before={"clock": clock, "next_action_at": before.isoformat()},
        after={"clock": clock, "next_action_at": deadline.next_action_at.isoformat()},
    )
    return deadline


def pause(deadline: Deadline, now: datetime) -> None:
    if deadline.paused_at is None:
        deadline.paused_at, deadline.next_action_at = now, None


def resume(deadline: Deadline) -> None:
    if deadline.paused_at is not None:
        deadline.paused_at = None
        deadline.next_action_at = next_action(deadline)


def end(deadline: Deadline, now: datetime, *, how: str) -> None:
    deadline.ended_at, deadline.ended_how, deadline.next_action_at = now, how, None


@dataclass(frozen=True)
class Upcoming:
    """A timer's next action: the step (by its index in the plan), when it falls, and whether it is a repeat
    of the step fired last."""

    at: datetime
    index: int
    repeat: bool


def upcoming(deadline: Deadline) -> Upcoming | None:
    """The timer's next action — a repeat of the step it fired last, or its next step still in force
    (acknowledgement steps are passed over once acknowledged), whichever falls first; a step beats a repeat
    falling with it. None when nothing is left, or while paused or stopped at the top."""
    if not deadline.is_open or deadline.topped_at is not None or deadline.paused_at is not None:
        return None
    found: list[Upcoming] = []
    fired = deadline.steps_fired
    index = next(
        (i for i in range(fired, len(deadline.plan)) if not stopped(deadline, deadline.step(i))), None
    )
    if index is not None:
        found.append(Upcoming(deadline.falls(index), index, repeat=False))
    if fired:
        again = deadline.plan[fired - 1].get("again", [])
        if deadline.repeats_fired < len(again) and not stopped(deadline, deadline.step(fired - 1)):
            found.append(
                Upcoming(datetime.fromisoformat(again[deadline.repeats_fired]), fired - 1, repeat=True)
            )
    return min(found, key=lambda action: action.at, default=None)


def next_action(deadline: Deadline) -> datetime | None:
    """When the timer next has something to do (`upcoming`)."""
    action = upcoming(deadline)
    return action.at if action else None


def stopped(deadline: Deadline, step: LadderStep) -> bool:
    """An acknowledgement step of a subject that has been acknowledged: it no longer fires."""
    return step.unless == "acknowledged" and deadline.acknowledged_at is not None


# A transaction's timers, by subject, as read once (or started) in it: a change reads its subject's timers
# for the change, for its card and for its clocks' settling, and every write to them goes through here.
_CACHE = "opsbot.deadlines"


def _cache(session: Session) -> dict[tuple[str, int], list[Deadline]]:
    return session.info.setdefault(_CACHE, {})


def none_yet(session: Session, kind: str, subject_id: int) -> None:
    """The subject was just written for the first time: it has no timers, and they need not be read."""
    _cache(session)[(kind, subject_id)] = []


def _rows(session: Session, kind: str, subject_id: int) -> list[Deadline]:
    """Every cycle of every clock of the subject, oldest first."""
    return _load(session, kind, [subject_id])[subject_id]


def _load(session: Session, kind: str, subject_ids: Iterable[int]) -> dict[int, list[Deadline]]:
    cache = _cache(session)
    ids = list(dict.fromkeys(subject_ids))
    missing = [subject_id for subject_id in ids if (kind, subject_id) not in cache]
    if missing:
        for subject_id in missing:
            cache[(kind, subject_id)] = []
        found = session.scalars(
            select(Deadline)
            .where(Deadline.subject_kind == kind, Deadline.subject_id.in_(missing))
            .order_by(Deadline.cycle, Deadline.id)
        )
        for row in found:
            cache[(kind, row.subject_id)].append(row)
    return {subject_id: cache[(kind, subject_id)] for subject_id in ids}


def _open(session: Session, kind: str, subject_id: int, clock: str) -> Deadline | None:
    return next((row for row in _rows(session, kind, subject_id) if row.clock == clock and row.is_open), None)


def open_clocks(session: Session, kind: str, subject_id: int) -> dict[str, Deadline]:
    """The subject's running (or paused) timers, by clock."""
    return {deadline.clock: deadline for deadline in _all_open(session, kind, subject_id)}


def _all_open(session: Session, kind: str, subject_id: int) -> list[Deadline]:
    return [row for row in _rows(session, kind, subject_id) if row.is_open]


def latest(session: Session, kind: str, subject_ids: Iterable[int]) -> dict[tuple[int, str], Deadline]:
    """Each subject's latest cycle of each clock (running or ended), for cards and lists."""
    return {
        (subject_id, row.clock): row
        for subject_id, rows in _load(session, kind, subject_ids).items()
        for row in rows
    }


def due_of(kind: str, subject_id: Any, clock: str) -> ScalarSelect[datetime]:
    """The due instant of the subject's latest cycle of `clock`, as a correlated subquery (to filter and order
    a list of subjects by)."""
    return (
        select(Deadline.due_at)
        .where(Deadline.subject_kind == kind, Deadline.subject_id == subject_id, Deadline.clock == clock)
        .order_by(Deadline.cycle.desc())
        .limit(1)
        .scalar_subquery()
    )


def running_past_due(kind: str, subject_id: Any, clocks: Iterable[str], now: datetime) -> Any:
    """Whether any of the subject's clocks still runs (not paused) past its due instant: it is overdue."""
    return (
        select(Deadline.id)
        .where(
            Deadline.subject_kind == kind,
            Deadline.subject_id == subject_id,
            Deadline.clock.in_(list(clocks)),
            Deadline.ended_at.is_(None),
            Deadline.paused_at.is_(None),
            Deadline.due_at < now,
        )
        .exists()
    )
