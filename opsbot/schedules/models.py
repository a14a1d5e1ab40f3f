"""The stored schedules and the runs each has fired."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from opsbot.db import Base, BigId, UTCDateTime


class Schedule(Base):
    __tablename__ = "schedules"
    # The sweep reads due schedules by this index; a stopped one has no next run and is not in its range.
    __table_args__ = (Index("ix_schedules_next_run_at", "next_run_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Chosen by the workflow that owns the schedule (`meeting:42`), so setting it again replaces it.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    # Which hook runs it.
    kind: Mapped[str] = mapped_column(String(40))
    # A ScheduleSpec as JSON.
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ScheduleRun(Base):
    """A run fired: one per schedule and period, so no period can fire twice."""

    __tablename__ = "schedule_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "period"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(BigId, ForeignKey("schedules.id"))
    # The instant the run was due.
    period: Mapped[datetime] = mapped_column(UTCDateTime())
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Fired well after its period: it came due while no sweep ran.
    late: Mapped[bool] = mapped_column(Boolean)
