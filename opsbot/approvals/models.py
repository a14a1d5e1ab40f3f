"""Approval records: the request, its chain of steps, and delegations; and the request's fields as every
path in gives them (`RequestFields`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from opsbot.approvals.policy import ApprovalKind
from opsbot.db import Base, BigId, UTCDateTime
from opsbot.errors import InvalidInput

MAX_DETAILS = 3000
# The dates a request may name, as its refusals speak of them. Each lies ahead: a leave's days, a deadline.
DATES = {"start_date": "the first day", "end_date": "the last day", "deadline": "the deadline"}


class RequestFields(BaseModel):
    """A request's fields besides its purpose and amount, as the form, a resubmission by the form and one by
    the command (which keeps the stored fields) give them. Validated against the center's date
    (`context={"today": ...}`): a date a request names is today or later, and a leave ends on or after the day
    it starts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_date: date | None = None
    end_date: date | None = None
    deadline: date | None = None
    target_unit: str | None = None
    details: str | None = Field(default=None, max_length=MAX_DETAILS)

    @field_validator("start_date", "end_date", "deadline")
    @classmethod
    def _ahead(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = (info.context or {}).get("today")
        name = str(info.field_name)
        if value is not None and today is not None and value < today:
            raise PydanticCustomError(
                "date_past",
                "{what} ({day}) is already past; choose today ({today}) or a later day.",
                {"what": DATES[name].capitalize(), "day": value.isoformat(), "today": today.isoformat()},
            )
        start = info.data.get("start_date")
        if name == "end_date" and value is not None and start is not None and value < start:
            raise PydanticCustomError("date_order", "The last day comes before the first.")
        return value


def checked_fields(kind: ApprovalKind, given: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The kind's fields (other than the amount) as the request stores them, dates as ISO text; InvalidInput
    on the field at fault otherwise. Fields the kind does not ask for are not kept."""
    present = {
        name: given[name] for name in kind.fields if name != "amount" and given.get(name) not in (None, "")
    }
    try:
        fields = RequestFields.model_validate(present, context={"today": today})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInput(error["msg"], field=str(error["loc"][0])) from None
    missing = next((name for name in kind.fields if name in DATES and name not in present), None)
    if missing is not None:
        raise InvalidInput(f"{kind.name} needs {DATES[missing]}.", field=missing)
    return fields.model_dump(mode="json", exclude_none=True)


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
    # Text: steps one person takes are merged ("Department head + Finance review + Director").
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
