"""Setting and stopping a schedule, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot.db import insert_ignoring_conflict
from opsbot.schedules.models import Schedule
from opsbot.schedules.spec import ScheduleSpec
from opsbot.schedules.times import next_run
from opsbot.working_calendar import Calendar


def set_schedule(
    session: Session, *, key: str, kind: str, spec: ScheduleSpec, now: datetime, calendar: Calendar
) -> Schedule:
    """Create the schedule with this key, or replace it (and start it again if it was stopped).

    Its next run is the first after `now`, and never at or before its last run (should the clock have gone
    back since). One exception: a run that came due and has not fired yet is kept when kind and spec are
    unchanged, so setting the same schedules again at start-up loses no run missed while opsbot was down."""
    stored = spec.model_dump(mode="json")
    first = next_run(spec, now, calendar)
    inserted = insert_ignoring_conflict(
        session, Schedule, key=key, kind=kind, spec=stored, next_run_at=first, last_run_at=None, active=True
    )
    schedule = session.scalars(select(Schedule).where(Schedule.key == key).with_for_update()).one()
    if inserted:
        return schedule
    missed = (
        schedule.active
        and schedule.next_run_at is not None
        and schedule.next_run_at <= now
        and (schedule.kind, schedule.spec) == (kind, stored)
    )
    if not missed:
        last = schedule.last_run_at
        schedule.next_run_at = next_run(spec, last, calendar) if last is not None and last >= now else first
    schedule.kind, schedule.spec, schedule.active = kind, stored, True
    return schedule


def stop_schedule(session: Session, *, key: str) -> bool:
    """Stop the schedule with this key: it fires no more, its runs stay recorded; False if none ran."""
    schedule = session.scalars(select(Schedule).where(Schedule.key == key).with_for_update()).one_or_none()
    if schedule is None or not schedule.active:
        return False
    schedule.active = False
    schedule.next_run_at = None
    return True
