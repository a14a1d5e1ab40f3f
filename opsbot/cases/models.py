"""The case records."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from opsbot.db import Base, BigId, UTCDateTime

# `/case new <summary>` registers at once; who the customer is gets completed on the card. Until then the
# customer and the contact are empty, which no form lets through.
TO_COMPLETE = ""
# How a request came in; each one's word is the catalogue's `case.channel.<key>`.
Channel = Literal["phone", "email", "online", "walk_in"]
CHANNELS: tuple[str, ...] = get_args(Channel)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # The lists' filters on open cases of a unit, and on those of its people, start from these prefixes.
        Index("ix_cases_state_unit_assignee", "state", "unit_key", "assignee"),
        Index("ix_cases_assignee_state", "assignee", "state"),
        Index("ix_cases_registered_at", "registered_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Given at registration, after the completeness pre-check; until then the case is INTAKE-<id>.
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    type_key: Mapped[str] = mapped_column(String(40))
    complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where a case counts in its people's open work follows these three: a write of one of them knows the
    # value it replaces (`opsbot.cases.workload`).
    state: Mapped[str] = mapped_column(String(20), active_history=True)
    # Bumped by every change: the card's updates are keyed by it, so each is sent once and in order.
    version: Mapped[int] = mapped_column(Integer, default=1)

    customer: Mapped[str] = mapped_column(String(80))
    contact: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(150))
    details: Mapped[str] = mapped_column(Text, default="")
    missing_items: Mapped[list[str]] = mapped_column(JSON, default=list)

    unit_key: Mapped[str] = mapped_column(String(40), active_history=True)
    registered_by: Mapped[str] = mapped_column(String(32))
    assignee: Mapped[str | None] = mapped_column(String(32), active_history=True)
    # "auto" (least loaded), "taken" (a handler pressed Take) or "picked" (the group leader chose): an
    # automatic assignment can still be taken by a colleague, a taken or picked one cannot.
    assigned_how: Mapped[str | None] = mapped_column(String(8))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The reply time promised to the customer at intake, if one was; otherwise the case type's target.
    # When each clock is due, and what it has reminded of, are the deadlines' (opsbot/cases/clocks.py).
    promised_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    first_reviewer: Mapped[str | None] = mapped_column(String(32))
    second_reviewer: Mapped[str | None] = mapped_column(String(32))
    review_returns: Mapped[int] = mapped_column(Integer, default=0)
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    # The handler's summary of the result, as last submitted: a resubmission starts from it.
    result: Mapped[str | None] = mapped_column(Text)

    informed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    informed_how: Mapped[str | None] = mapped_column(String(200))
    follow_up_owner: Mapped[str | None] = mapped_column(String(32))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    satisfaction_comment: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JointReview(Base):
    """One reviewer's part in a joint review; all must agree."""

    __tablename__ = "case_joint_reviews"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    reviewer: Mapped[str] = mapped_column(String(32), primary_key=True)
    agreed: Mapped[bool | None] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Prompt(Base):
    """A direct message that asks someone to act on a case. It stays open while the case waits for that act
    from them; once the act is done (by them or anyone else) or the case has moved on, it is updated in place:
    its buttons withdrawn, a line saying what happened."""

    __tablename__ = "case_prompts"
    __table_args__ = (Index("ix_case_prompts_case_id_open", "case_id", "open"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    person: Mapped[str] = mapped_column(String(32))
    # Why it was sent (`assigned`, `review1`, …): asking again for the same while it is open updates it.
    why: Mapped[str] = mapped_column(String(40))
    act: Mapped[str] = mapped_column(String(16))
    # What it says (`opsbot.notices.Notice.dump`): worded when it is delivered.
    notice: Mapped[dict[str, Any]] = mapped_column(JSON)
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    # How many times it was sent (posted, then updated): each send's outbox key.
    sends: Mapped[int] = mapped_column(Integer, default=0)
