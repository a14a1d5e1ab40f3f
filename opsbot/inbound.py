"""Requests from Slack that were already acted on.

Slack redelivers: an Events API retry, a Socket Mode retry, the same interaction payload twice. The key of a
request is stored in the same transaction as the change it caused, so a redelivery finds it and does nothing,
and two copies arriving at once are serialized by the primary key.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from opsbot.db import Base, UTCDateTime, insert_ignoring_conflict

# Slack retries within minutes; a day is ample and keeps the table small.
KEEP_FOR = timedelta(days=1)


class InboundRequest(Base):
    __tablename__ = "inbound_requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def first_delivery(session: Session, key: str, *, now: datetime) -> bool:
    """Remember `key`; False when it was remembered before (the request is a redelivery)."""
    return insert_ignoring_conflict(session, InboundRequest, key=key, received_at=now)


def forget_old_requests(session: Session, *, now: datetime) -> int:
    result = session.execute(delete(InboundRequest).where(InboundRequest.received_at < now - KEEP_FOR))
    return result.rowcount  # type: ignore[attr-defined]
