"""The ticks count elapsed time: a wall clock set back days or forward does not stall them, and each period
of a sweep still runs once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from opsbot.clock import FrozenClock
from opsbot.scheduler import Ticker
from opsbot.sweeps import Sweep


def test_a_clock_set_back_or_forward_neither_stalls_the_ticks_nor_runs_a_period_twice(db):
    clock = FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    ran: list[datetime] = []
    arrived = threading.Semaphore(0)

    def run(_db, now: datetime) -> int:
        ran.append(now)
        arrived.release()
        return 1

    ticker = Ticker(
        db, clock, [Sweep("probe", timedelta(minutes=1), run)], interval=timedelta(milliseconds=5)
    )
    ticker.start()
    try:
        assert arrived.acquire(timeout=10)  # the first tick comes at once
        ticks = ticker.ticks
        clock.set(datetime(2026, 11, 21, 2, 0, tzinfo=UTC))  # set back two days, as an NTP step might
        assert arrived.acquire(timeout=10)  # the ticks go on, and the sweep runs on the earlier clock
        clock.set(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))  # a virtual machine resumed days later
        assert arrived.acquire(timeout=10)
    finally:
        ticker.shutdown()
    assert ticker.ticks > ticks
    # Many ticks, one run per period each clock reading was in.
    assert ran == [
        datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
        datetime(2026, 11, 21, 2, 0, tzinfo=UTC),
        datetime(2026, 11, 28, 2, 0, tzinfo=UTC),
    ]
