"""The deadline sweep's digests: what a run tells each person (or channel) besides what the subjects' hooks
tell themselves, gathered per batch (`add_lines`) and sent after the run as one message each
(`send_digests`). A line is a plain record of what fired (a code, the subject, its clock, its owner); the
Slack side words it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, delete, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opsbot import audit, outbox
from opsbot.audit import SYSTEM
from opsbot.db import Base, BigId, Database, UTCDateTime
from opsbot.deadline_hooks import About, Firing, Sweeping
from opsbot.deadlines import Deadline

DIGEST = "deadline.digest"


class PendingNotice(Base):
    """The lines one batch has for someone to be told by this run's digest; sent, with the others for them,
    after the run."""

    __tablename__ = "deadline_notices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(32))
    # A list of lines; a row left by a run before they were gathered per batch holds one line.
    lines: Mapped[list[dict[str, Any]]] = mapped_column("notice", JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


_ADD_LINES = insert(PendingNotice.__table__)  # type: ignore[arg-type]


def add_lines(session: Session, lines: list[tuple[str, dict[str, Any]]], now: datetime) -> None:
    """The batch's lines for the digests, one row per recipient: the rows cost more than what they hold."""
    by_recipient: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for recipient, notice in lines:
        by_recipient[recipient].append(notice)
    session.connection().execute(
        _ADD_LINES,
        [{"recipient": r, "notice": notices, "created_at": now} for r, notices in by_recipient.items()],
    )


def notice(
    code: str, deadline: Deadline, about: About, firing: Firing | None, **extra: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "kind": deadline.subject_kind,
        "clock": deadline.clock,
        "subject": about.reference,
        "summary": about.summary,
        "owner": about.owner,
        "due": deadline.due_at.isoformat(),
        "late": bool(firing and firing.late),
        "falls": firing.falls.isoformat() if firing else None,
        **extra,
    }


def digest_lines(
    deadline: Deadline, about: About, firing: Firing, told: set[str]
) -> list[tuple[str, dict[str, Any]]]:
    code = f"deadline.{firing.step.do}"
    lines = [
        (person, notice(code, deadline, about, firing, to=word))
        for person, word in firing.people
        if person not in told
    ]
    lines += [
        (channel, notice(code, deadline, about, firing, to="channel"))
        for channel in firing.channels
        if channel not in told
    ]
    return lines


def top_of_chain(
    session: Session, deadline: Deadline, about: About, sweeping: Sweeping
) -> tuple[str, dict[str, Any]]:
    """No one is left above: leadership is told, once, and the ladder stops here."""
    audit.record(
        session,
        at=sweeping.now,
        actor=SYSTEM,
        action="deadline.top_of_chain",
        subject=about.reference,
        after={"clock": deadline.clock, "cycle": deadline.cycle, "owner": about.owner},
    )
    return (
        sweeping.center.channels.leadership,
        notice("deadline.top_of_chain", deadline, about, None, to="channel"),
    )


def send_digests(db: Database, now: datetime) -> int:
    """Everything the runs gathered for each person (or channel), as one message each."""
    with db.transaction() as session:
        # Taken and deleted in one statement; lines another sweep holds right now are left to it.
        taken = sorted(session.connection().execute(_TAKE_LINES).all(), key=lambda row: int(row.id))
        by_recipient: dict[str, list[Any]] = defaultdict(list)
        for row in taken:
            by_recipient[row.recipient].append(row)
        outbox.notify_all(
            session,
            [
                outbox.Note(
                    to=recipient,
                    kind=DIGEST,
                    payload={"notices": [line for row in rows for line in _listed(row.notice)]},
                    key=f"deadline:digest:{recipient}:{rows[0].id}",
                )
                for recipient, rows in by_recipient.items()
            ],
            now=now,
        )
    return len(by_recipient)


def _listed(lines: Any) -> list[dict[str, Any]]:
    return lines if isinstance(lines, list) else [lines]


_LINES = PendingNotice.__table__
_TAKE_LINES = (
    delete(_LINES)  # type: ignore[arg-type]
    .where(_LINES.c.id.in_(select(_LINES.c.id).with_for_update(skip_locked=True)))
    .returning(_LINES.c.id, _LINES.c.recipient, _LINES.c.notice)
)
