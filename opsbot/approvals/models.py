"""Approval records: the request, its chain of steps, and delegations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from opsbot.db import Base, BigId, UTCDateTime


class ApprovalRequest(Base):
    __tablename__ = "approval_requests"
    # A person's latest requests (`/approval list`) straight from the index, newest first.
    __table_args__ = (Index("ix_approval_requests_requester_id", "requester", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind_key: Mapped[str] = mapped_column(String(40))
    requester: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    # The kind's other fields: dates, the target unit, a deadline, details.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16))
    # The position of the step waiting for a decision (None once decided or withdrawn).
    current_step: Mapped[int | None] = mapped_column(Integer)
    # Bumped by every change: the three cards' updates are keyed by it.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApprovalStep(Base):
    __tablename__ = "approval_steps"
    # What waits for someone: as the approver, or as the superior a step was escalated to.
    __table_args__ = (
        Index("ix_approval_steps_approver_state", "approver", "state"),
        Index("ix_approval_steps_escalated_to_state", "escalated_to", "state"),
    )

    request_id: Mapped[int] = mapped_column(ForeignKey("approval_requests.id"), primary_key=True)
    # A resubmission starts a new round; earlier rounds stay as history.
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The steps one person takes, merged ("unit_head + Finance review + Director"): a step relative to the
    # requester by its name, which the catalogue words, a function as the center file named it then
    # (`phrases.label`). Text: a merged label has no bound.
    label: Mapped[str] = mapped_column(Text)
    approver: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    escalated_to: Mapped[str | None] = mapped_column(String(32))


class Delegation(Base):
    """While `delegator` is away (until the end of `until`), `delegate` may decide their steps."""

    __tablename__ = "approval_delegations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delegator: Mapped[str] = mapped_column(String(32), index=True)
    delegate: Mapped[str] = mapped_column(String(32))
    until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
