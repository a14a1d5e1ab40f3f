"""The one deadline sweep: claims the timers whose next action has come, by index, in small batches, each
its own short transaction, and fires each step once.

A batch locks its timers `FOR UPDATE SKIP LOCKED` (on SQLite the one writer does the same), so any number of
workers may sweep at once and none fires a step another has claimed; a step's firing and the timer's move
past it commit together, so a restart neither loses nor repeats one. What came due while every process was
down fires on the first sweep after, once, and says it is late. The subject kinds' hooks do what a step
means for their subject (a case marked overdue, an approval step escalated); what people are told besides
is gathered per person and sent, after the run, as one message each (`deadline.digest`).

Lock order: a timer, then its subject, without waiting (`SKIP LOCKED`). A change to a subject locks the
subject and then its timers, so the two never wait on each other in a circle; a subject that is busy is
left for the next run.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from opsbot.center import Center
from opsbot.db import Database
from opsbot.deadline_digests import PendingNotice, add_lines, digest_lines, send_digests, top_of_chain
from opsbot.deadline_hooks import About, Firing, SubjectHooks, Sweeping
from opsbot.deadlines import Deadline, next_action, upcoming
from opsbot.directory import Directory, load_directory
from opsbot.escalation import escalation_target, function_holder
from opsbot.ladders import LadderStep
from opsbot.roles import Role

log = logging.getLogger(__name__)

# Timers claimed per transaction at most, and how long one may go on firing them: a batch holds SQLite's
# write lock for a few tens of milliseconds at most, so the writes people make meanwhile are not kept waiting
# long (shorter, and the cases' sweep spends more on its batches' commits than on firing). What a batch had no
# time for stays due and goes in the next one; the next claims about as many as this one had time for.
BATCH = 200
BATCH_BUDGET = 0.02  # seconds
# After each batch the sweep pauses this many times as long as the batch took, so it uses at most about half
# of one core: it is background work with a minute to finish, and a request that comes during the pause has
# the interpreter (the GIL) and SQLite's writer to itself instead of taking turns with the sweep's Python.
REST = 1.0
# Timers fired together, their subjects claimed in one statement.
CHUNK = 10
# A step firing this long after it fell says so: its sweep ran late (downtime, a stalled worker).
LATE_AFTER = timedelta(minutes=5)


def sweep_deadlines(
    db: Database, now: datetime, center: Center, hooks: Mapping[str, SubjectHooks], *, rest: float = REST
) -> int:
    """Fire every step due by `now`; how many fired. Nothing due costs one index probe and no write lock.
    Between batches the sweep pauses `rest` times as long as the last one took (`REST`)."""
    with db.reading() as session:
        if not _anything_to_do(session, now):
            return 0
        sweeping = Sweeping(center=center, directory=load_directory(session), now=now)
    fired, size = 0, CHUNK
    passed: set[int] = set()  # timers left for the next run: their subject was busy, or has no hooks
    while True:
        began = time.monotonic()
        with db.transaction() as session:
            batch = _claim(session, now, passed, size)
            if not batch:
                break
            handled, fired_now = _fire_batch(session, sweeping, batch, hooks, passed)
        fired += fired_now
        size = min(BATCH, 2 * size) if handled == len(batch) else handled
        time.sleep((time.monotonic() - began) * rest)
    send_digests(db, now)
    if fired:
        log.info("deadlines: %d step(s) fired", fired)
    return fired


def _anything_to_do(session: Session, now: datetime) -> bool:
    """Whether a timer is due, or a digest is left from a run that stopped halfway. Both read the first entry
    of an index (the earliest next action; the lowest notice id), whatever the planner thinks of the table."""
    earliest = session.scalar(
        select(Deadline.next_action_at)
        .where(Deadline.next_action_at.is_not(None))
        .order_by(Deadline.next_action_at)
        .limit(1)
    )
    if earliest is not None and earliest <= now:
        return True
    return session.scalar(select(PendingNotice.id).order_by(PendingNotice.id).limit(1)) is not None


def _claim(session: Session, now: datetime, passed: set[int], size: int) -> list[Deadline]:
    query = select(Deadline).where(Deadline.next_action_at <= now)
    if passed:
        query = query.where(Deadline.id.not_in(passed))
    # In the index's order alone: a tie-break (by id) would have PostgreSQL read and sort every timer due at
    # the same instant, for each batch.
    return list(
        session.scalars(query.order_by(Deadline.next_action_at).limit(size).with_for_update(skip_locked=True))
    )


def _fire_batch(
    session: Session,
    sweeping: Sweeping,
    batch: list[Deadline],
    hooks: Mapping[str, SubjectHooks],
    passed: set[int],
) -> tuple[int, int]:
    """Fire what the claimed timers have due, a few at a time (their subjects locked together), until the
    batch's time is up; how many timers it dealt with, and how many steps fired."""
    handled = fired = 0
    lines: list[tuple[str, dict[str, Any]]] = []  # (recipient, notice)
    moved: list[Deadline] = []
    began = time.monotonic()
    for start in range(0, len(batch), CHUNK):
        if handled and time.monotonic() - began > BATCH_BUDGET:
            break
        by_kind: dict[str, list[Deadline]] = defaultdict(list)
        for deadline in batch[start : start + CHUNK]:
            by_kind[deadline.subject_kind].append(deadline)
        for kind, deadlines in by_kind.items():
            hook = hooks.get(kind)
            if hook is None:
                log.warning("deadlines: no hooks for subject kind %r; %d timer(s) wait", kind, len(deadlines))
                passed.update(d.id for d in deadlines)
                handled += len(deadlines)
                continue
            subjects = hook.claim(session, sweeping, sorted({d.subject_id for d in deadlines}))
            for deadline in deadlines:
                if handled and time.monotonic() - began > BATCH_BUDGET:
                    break  # locked but not fired: the next batch takes it
                handled += 1
                subject = subjects.get(deadline.subject_id)
                if subject is None:
                    passed.add(deadline.id)
                    continue
                fired += _fire_due_steps(session, sweeping, hook, subject, deadline, lines)
                moved.append(deadline)
                if deadline.next_action_at is not None and deadline.next_action_at <= sweeping.now:
                    passed.add(deadline.id)  # its hooks left it due: not again this run
    if moved:
        _write_moves(session, moved)
    if lines:
        add_lines(session, lines, sweeping.now)
    return handled, fired


# The columns the sweep moves a timer on by. It sets them on the claimed rows without the ORM's tracking
# (`_move`) and writes them back together at the end of the batch: the ORM would write them row by row, each
# time a hook's query flushes the session.
_MOVED = ("steps_fired", "repeats_fired", "next_action_at", "escalated_to", "topped_at")
_WRITE_MOVES = (
    update(Deadline.__table__)  # type: ignore[arg-type]
    .where(Deadline.__table__.c.id == bindparam("key"))
    .values({column: bindparam(column) for column in _MOVED})
)
# On PostgreSQL one statement over arrays: psycopg sends each row of an executemany as a statement of its
# own (pipelined, yet twice the time). SQLite runs the executemany in process.
_WRITE_MOVES_PG = text(
    "UPDATE deadlines SET steps_fired = m.steps_fired, repeats_fired = m.repeats_fired, "
    "next_action_at = m.next_action_at, escalated_to = m.escalated_to, topped_at = m.topped_at "
    "FROM unnest(CAST(:key AS bigint[]), CAST(:steps_fired AS integer[]), "
    "CAST(:repeats_fired AS integer[]), CAST(:next_action_at AS timestamptz[]), "
    "CAST(:escalated_to AS varchar[]), CAST(:topped_at AS timestamptz[])) "
    "AS m(key, steps_fired, repeats_fired, next_action_at, escalated_to, topped_at) "
    "WHERE deadlines.id = m.key"
)


def _move(deadline: Deadline, **values: Any) -> None:
    for column, value in values.items():
        set_committed_value(deadline, column, value)


def _write_moves(session: Session, moved: list[Deadline]) -> None:
    rows = [{"key": d.id, **{column: getattr(d, column) for column in _MOVED}} for d in moved]
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_WRITE_MOVES_PG, {key: [row[key] for row in rows] for key in rows[0]})
    else:
        session.connection().execute(_WRITE_MOVES, rows)


def _fire_due_steps(
    session: Session,
    sweeping: Sweeping,
    hook: SubjectHooks,
    subject: Any,
    deadline: Deadline,
    lines: list[tuple[str, dict[str, Any]]],
) -> int:
    """Fire what is due of this timer: after downtime, each step that fell meanwhile, once; of a repeating
    step's missed repeats only the latest."""
    now = sweeping.now
    fired = 0
    while deadline.next_action_at is not None and deadline.next_action_at <= now:
        scheduled = deadline.next_action_at  # later than the plan says when the ladder was snoozed
        upcoming = _advance(deadline, now)
        if upcoming is None:
            # Nothing in the plan is due after all (a timer moved meanwhile): wait for what comes next.
            _move(deadline, next_action_at=next_action(deadline))
            break
        step, falls = upcoming
        if _coalesced(deadline, step, now):
            _move(deadline, next_action_at=next_action(deadline))
            continue
        about = hook.about(session, sweeping, subject, deadline)
        firing = _resolve(step, max(falls, scheduled), about, deadline, sweeping)
        told = hook.fire(session, sweeping, subject, deadline, firing)
        lines.extend(digest_lines(deadline, about, firing, told))
        escalated = [person for person, word in firing.people if word in ("superior", "next_level")]
        if step.do == "escalate" and escalated:
            _move(deadline, escalated_to=escalated[-1])
        if _reached_the_top(step, firing):
            _move(deadline, topped_at=now)
            lines.append(top_of_chain(session, deadline, about, sweeping))
        _move(deadline, next_action_at=next_action(deadline))
        fired += 1
    return fired


def _advance(deadline: Deadline, now: datetime) -> tuple[LadderStep, datetime] | None:
    """Move the timer past its next action if that has fallen by `now`, and return the step with the instant
    it fell."""
    action = upcoming(deadline)
    if action is None or action.at > now:
        return None
    if action.repeat:
        _move(deadline, repeats_fired=deadline.repeats_fired + 1)
    else:
        _move(deadline, steps_fired=action.index + 1, repeats_fired=0)
    return deadline.step(action.index), action.at


def _coalesced(deadline: Deadline, step: LadderStep, now: datetime) -> bool:
    """A repeat that has a later repeat also due now is passed over: after downtime a nag is sent once."""
    if deadline.repeats_fired == 0:
        return False
    again = deadline.plan[deadline.steps_fired - 1].get("again", [])
    return (
        deadline.repeats_fired < len(again) and datetime.fromisoformat(again[deadline.repeats_fired]) <= now
    )


def _resolve(
    step: LadderStep, falls: datetime, about: About, deadline: Deadline, sweeping: Sweeping
) -> Firing:
    directory, center = sweeping.directory, sweeping.center
    people: list[tuple[str, str]] = []
    channels: list[str] = []
    for target in step.to:
        found: str | None = None
        if target == "owner":
            found = about.owner
        elif target in ("superior", "next_level"):
            below = about.owner if target == "superior" else (deadline.escalated_to or about.owner)
            above = escalation_target(directory, below, avoid=about.parties) if below else None
            found = above.slack_id if above else None
        elif target.startswith("role:"):
            holder = _role_holder(directory, Role(target[5:]), about.unit)
            found = holder.slack_id if holder else None
        elif target.startswith("function:"):
            function = center.functions.get(target[9:])
            holder = function_holder(function, directory) if function else None
            found = holder.slack_id if holder else None
        elif target.startswith("channel:"):
            channel = center.channels.by_purpose().get(target[8:])
            if channel:
                channels.append(channel)
            continue
        if found and all(found != person for person, _ in people):
            people.append((found, target))
    return Firing(
        step=step,
        falls=falls,
        late=sweeping.now - falls > LATE_AFTER,
        people=tuple(people),
        channels=tuple(channels),
    )


def _role_holder(directory: Directory, role: Role, unit: str | None) -> Any:
    """The holder of `role` in the subject's unit, or in the nearest unit above it that has one."""
    for info in directory.unit_path(unit) if unit else []:
        holder = directory.holder(role, info.key)
        if holder is not None:
            return holder
    return None


def _reached_the_top(step: LadderStep, firing: Firing) -> bool:
    """The step goes up the chain and no one up there is free: there is nowhere left to go."""
    goes_up = any(target in ("superior", "next_level") for target in step.to)
    went_up = any(word in ("superior", "next_level") for _, word in firing.people)
    return goes_up and not went_up
