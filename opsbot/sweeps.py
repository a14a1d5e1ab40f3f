"""Scheduled sweeps: fixed ticks that look in the database for what is due and act on it.

A sweep is due once per period of its own (`every`, counted from the epoch): it is due when its last run was
before the current period began, so jitter in the ticks never skips a period, and a tick missed while every
process was down runs once when one comes back. Claiming the period is a short transaction on the sweep's
row (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's single writer does the same), so with several
schedulers one runs each period. The run itself takes its own transactions, as short as its work allows:
the deadline sweep's are batches of a few timers, so it never holds the write lock for long.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from opsbot.clock import Clock
from opsbot.db import Base, Database, UTCDateTime, insert_ignoring_conflict
from opsbot.inbound import forget_old_requests

log = logging.getLogger(__name__)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class SweepRun(Base):
    __tablename__ = "sweep_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Sweep:
    name: str
    every: timedelta
    # Takes the database and the instant it runs for; returns how many things it acted on.
    run: Callable[[Database, datetime], int]


def period_start(now: datetime, every: timedelta) -> datetime:
    """The start of the period `now` falls in."""
    return EPOCH + ((now - EPOCH) // every) * every


def claim_period(db: Database, sweep: Sweep, now: datetime) -> bool:
    """Take the current period's run of the sweep: False when it already ran in this period (or another
    process is claiming it right now). A last run later than now means the clock was set back: the
    period is taken again rather than waiting for the clock to catch up."""
    with db.transaction() as session:
        insert_ignoring_conflict(session, SweepRun, name=sweep.name, last_run_at=None)
        state = session.scalars(
            select(SweepRun).where(SweepRun.name == sweep.name).with_for_update(skip_locked=True)
        ).one_or_none()
        if state is None:
            return False
        last = state.last_run_at
        if last is not None and period_start(now, sweep.every) <= last <= now:
            return False
        state.last_run_at = now
    return True


def run_if_due(db: Database, sweep: Sweep, clock: Clock) -> int | None:
    """Run the sweep if its period has not been run; None when it was not due."""
    now = clock.now()
    if not claim_period(db, sweep, now):
        return None
    acted = sweep.run(db, now)
    if acted:
        log.info("sweep %s acted on %d item(s)", sweep.name, acted)
    return acted


def run_due_sweeps(db: Database, sweeps: Sequence[Sweep], clock: Clock) -> dict[str, int | None]:
    return {sweep.name: run_if_due(db, sweep, clock) for sweep in sweeps}


def _forget_old_requests(db: Database, now: datetime) -> int:
    with db.transaction() as session:
        return forget_old_requests(session, now=now)


FOUNDATION_SWEEPS = (Sweep("forget_old_requests", timedelta(hours=1), _forget_old_requests),)
