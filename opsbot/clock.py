"""The one clock of the core. Only the composition root supplies the real one; tests freeze it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that moves only when told to, for tests and replays."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware instant")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now

    def set(self, instant: datetime) -> None:
        with self._lock:
            self._now = instant.astimezone(UTC)


class ShiftedClock:
    """The real time, moved on by however much it was told: the console's way to see what days bring
    (follow-ups, reminders, overdue marks, escalations) without waiting for them."""

    def __init__(self, start: datetime | None = None) -> None:
        """`start`: the instant it reads now (by default, the real time)."""
        if start is not None and start.tzinfo is None:
            raise ValueError("ShiftedClock needs a timezone-aware instant")
        self._shift = start - datetime.now(UTC) if start is not None else timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._shift

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._shift += delta
        return self.now()
