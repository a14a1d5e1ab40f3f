"""The ticks that run the sweeps. The sweeps decide for themselves, from the database, whether they are due,
so any number of schedulers may tick and a restart loses nothing.

The ticks count elapsed time (`Event.wait` runs on the monotonic clock), not the wall clock: APScheduler's
schedulers keep each job's next run as a wall-clock instant, so a clock set back (an NTP step, a virtual
machine resumed from a snapshot) would stall every sweep until the wall clock caught up. What is due is
judged inside each sweep, on the wall clock, against what the database says has already been done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import timedelta

from opsbot.clock import Clock
from opsbot.db import Database
from opsbot.sweeps import Sweep, run_due_sweeps

log = logging.getLogger(__name__)
TICK = timedelta(seconds=30)


class Ticker:
    """Runs the due sweeps at once and then every `interval` of elapsed time, in a thread of its own, so that
    the caller decides how long the process runs."""

    def __init__(
        self, db: Database, clock: Clock, sweeps: Sequence[Sweep], interval: timedelta = TICK
    ) -> None:
        self._db, self._clock, self._sweeps, self._interval = db, clock, tuple(sweeps), interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="opsbot-sweeps", daemon=True)
        self.ticks = 0

    def start(self) -> None:
        self._thread.start()

    def tick(self) -> None:
        try:
            run_due_sweeps(self._db, self._sweeps, self._clock)
        except Exception:  # a failed tick is logged; the next one tries again
            log.exception("sweeps: the tick failed")
        self.ticks += 1

    def _run(self) -> None:
        # The first tick comes at once: what fell due while no process was up runs now, once.
        self.tick()
        while not self._stopping.wait(self._interval.total_seconds()):
            self.tick()

    def shutdown(self, wait: bool = True) -> None:
        """No new tick starts; with `wait`, one that is running finishes first."""
        self._stopping.set()
        if wait and self._thread.is_alive():
            self._thread.join()


def build_scheduler(db: Database, clock: Clock, sweeps: Sequence[Sweep]) -> Ticker:
    return Ticker(db, clock, sweeps)
