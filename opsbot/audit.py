"""The append-only audit trail: who did what to which record, when, with the before and after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, bindparam, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opsbot.db import Base, BigId, UTCDateTime

SYSTEM = "system"


class AuditEntry(Base):
    """Rows are only ever inserted; the migration adds triggers that refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an audit row to the caller's transaction. `actor` is a Slack user id or `system`."""
    # A Core insert, not session.add(): an audit row is never read back in the transaction that writes it,
    # and this keeps it off the ORM's flush, which costs more than the row does.
    session.connection().execute(
        _INSERT,
        {"at": at, "actor": actor, "action": action, "subject": subject, "before": before, "after": after},
    )


@dataclass(frozen=True)
class Entry:
    """An audit row for `record_all`, with `record`'s fields."""

    at: datetime
    actor: str
    action: str
    subject: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def record_all(session: Session, entries: Sequence[Entry]) -> None:
    """Add audit rows to the caller's transaction, in their order: one statement for them all."""
    if entries:
        session.connection().execute(_INSERT, [vars(entry) for entry in entries])


_INSERT = insert(AuditEntry.__table__)  # type: ignore[arg-type]


def history(session: Session, subject: str) -> list[AuditEntry]:
    return list(session.scalars(_HISTORY, {"subject": subject}))


# Built once: a card's update reads its subject's history at every change.
_HISTORY = select(AuditEntry).where(AuditEntry.subject == bindparam("subject")).order_by(AuditEntry.id)
