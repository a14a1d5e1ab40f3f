"""APScheduler's home: fixed ticks that run the sweeps. The sweeps decide for themselves, from the database,
whether they are due, so any number of schedulers may tick and a restart loses nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from opsbot.clock import Clock
from opsbot.db import Database
from opsbot.sweeps import Sweep, run_if_due

TICK = timedelta(minutes=1)


def build_scheduler(db: Database, clock: Clock, sweeps: Sequence[Sweep]) -> BackgroundScheduler:
    """Ticks in a thread of its own, so that the caller decides how long the process runs."""
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
    )
    for sweep in sweeps:
        scheduler.add_job(
            run_if_due,
            IntervalTrigger(seconds=min(sweep.every, TICK).total_seconds()),
            args=(db, sweep, clock),
            id=f"sweep:{sweep.name}",
            name=sweep.name,
            replace_existing=True,
            # The first tick comes at once: what fell due while no process was up runs now, once. (Ticks
            # follow the wall clock; what is due is judged by the business clock inside the sweep.)
            next_run_time=datetime.now(UTC),
        )
    return scheduler
