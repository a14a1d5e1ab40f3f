"""The sweep that fires due schedules, each period exactly once.

What is due is read from the database (`next_run_at`), never from the tick, so a missed tick catches up and
any number of sweepers may run: each claims a small batch by the index in a short transaction of its own
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, SQLite's single writer elsewhere), records the run (unique per
schedule and period, so a second fire of a period is impossible even if two claims raced), calls the
kind's hook in the same transaction and moves the schedule on from the period it fired, never from `now`,
so a late sweep does not shift the series and a clock moved back finds nothing due again.

After downtime a schedule may have several runs due. With `catch_up: latest` (the default) only the latest
fires; the ones before it are passed over, unrecorded. With `catch_up: each`, each fires, oldest first, in
one transaction. A run fired more than LATE_AFTER after it came due is marked late, for the hook to say so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot.db import Database, insert_ignoring_conflict
from opsbot.schedules.models import Schedule, ScheduleRun
from opsbot.schedules.spec import stored_spec
from opsbot.schedules.times import next_run
from opsbot.working_calendar import Calendar

log = logging.getLogger(__name__)

BATCH = 50
# Sweeps tick every minute; a run fired later than this after its period was missed by them.
LATE_AFTER = timedelta(minutes=5)

# Takes the transaction, the schedule (already moved on to its next run), the period and whether it is late.
Hook = Callable[[Session, Schedule, datetime, bool], None]


def run_due_schedules(
    db: Database, now: datetime, hooks: Mapping[str, Hook], calendar: Calendar, *, batch: int = BATCH
) -> int:
    """Fire what is due at `now` of the schedules whose kind has a hook here; returns how many runs fired.

    A schedule of another kind waits for a process that has its hook. A hook that raises undoes its own
    schedule's run alone (logged); that schedule is tried again at the next sweep."""
    with db.reading() as session:
        # A cheap read first, so an idle sweep never takes a write lock.
        if session.scalar(select(Schedule.id).where(*_due(now, hooks)).limit(1)) is None:
            return 0
    fired = 0
    failing: set[int] = set()
    while True:
        with db.transaction() as session:
            claimed = _claim(session, now, hooks, failing, batch)
            for schedule in claimed:
                ident, key = schedule.id, schedule.key
                try:
                    with session.begin_nested():
                        fired += _fire(session, schedule, now, hooks[schedule.kind], calendar)
                except Exception:
                    log.exception("schedule %s failed; it is tried again at the next sweep", key)
                    failing.add(ident)
        if len(claimed) < batch:
            return fired


def _due(now: datetime, kinds: Collection[str]) -> tuple[Any, ...]:
    return (Schedule.next_run_at <= now, Schedule.active, Schedule.kind.in_(list(kinds)))


def _claim(
    session: Session, now: datetime, kinds: Collection[str], failing: set[int], batch: int
) -> list[Schedule]:
    query = select(Schedule).where(*_due(now, kinds)).order_by(Schedule.next_run_at).limit(batch)
    if failing:
        query = query.where(Schedule.id.not_in(failing))
    return list(session.scalars(query.with_for_update(skip_locked=True)))


def _fire(session: Session, schedule: Schedule, now: datetime, hook: Hook, calendar: Calendar) -> int:
    spec = stored_spec(schedule.spec)
    assert schedule.next_run_at is not None  # it was due
    due = [schedule.next_run_at]
    following = next_run(spec, due[-1], calendar)
    while following <= now:
        due.append(following)
        following = next_run(spec, following, calendar)
    periods = due if spec.catch_up == "each" else due[-1:]
    # Moved on before the hooks run, so that a hook may stop or replace its own schedule.
    schedule.next_run_at, schedule.last_run_at = following, periods[-1]
    fired = 0
    for period in periods:
        late = now - period > LATE_AFTER
        if insert_ignoring_conflict(
            session, ScheduleRun, schedule_id=schedule.id, period=period, ran_at=now, late=late
        ):
            hook(session, schedule, period, late)
            fired += 1
    return fired
