"""Scheduled sweeps: fixed ticks that look in the database for what is due and act on it.

Each run happens in one transaction that first locks the sweep's own row (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite's single writer does the same), so with several schedulers running, one runs a sweep and
the others see it is not due. A tick missed while every process was down runs once when one comes back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opsbot.clock import Clock
from opsbot.db import Base, Database, UTCDateTime, insert_ignoring_conflict
from opsbot.inbound import forget_old_requests

log = logging.getLogger(__name__)


class SweepRun(Base):
    __tablename__ = "sweep_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Sweep:
    name: str
    every: timedelta
    # Takes the transaction and the current instant; returns how many things it acted on.
    run: Callable[[Session, datetime], int]


def run_if_due(db: Database, sweep: Sweep, clock: Clock) -> int | None:
    """Run the sweep if no one ran it within its interval; None when it was not due (or another process
    holds it right now)."""
    with db.transaction() as session:
        insert_ignoring_conflict(session, SweepRun, name=sweep.name, last_run_at=None)
        state = session.scalars(
            select(SweepRun).where(SweepRun.name == sweep.name).with_for_update(skip_locked=True)
        ).one_or_none()
        if state is None:
            return None  # another process is running it right now
        now = clock.now()
        if state.last_run_at is not None and state.last_run_at + sweep.every > now:
            return None
        acted = sweep.run(session, now)
        state.last_run_at = now
    if acted:
        log.info("sweep %s acted on %d item(s)", sweep.name, acted)
    return acted


def run_due_sweeps(db: Database, sweeps: Sequence[Sweep], clock: Clock) -> dict[str, int | None]:
    return {sweep.name: run_if_due(db, sweep, clock) for sweep in sweeps}


FOUNDATION_SWEEPS = (
    Sweep(
        "forget_old_requests", timedelta(hours=1), lambda session, now: forget_old_requests(session, now=now)
    ),
)
