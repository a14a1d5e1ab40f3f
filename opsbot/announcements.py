"""Announcements: a leader posts a notice to one of the center's channels and staff acknowledge reading it.

The card is a living message: each acknowledgement updates it in place with who has read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from opsbot import audit, outbox
from opsbot.clock import center_time
from opsbot.context import Context
from opsbot.db import Base, BigId, UTCDateTime, insert_ignoring_conflict
from opsbot.directory import Directory
from opsbot.errors import InvalidInput, NotAllowed, NotFound
from opsbot.numbering import next_number
from opsbot.roles import Role

KIND = "ANN"
# One Block Kit section holds 3,000 characters; the card keeps the text in one section.
MAX_TEXT = 3000
MIN_ROLE = Role.SUPERVISOR


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(40))
    author: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


_INSERT = insert(Announcement.__table__)  # type: ignore[arg-type]


class AnnouncementRead(Base):
    __tablename__ = "announcement_reads"

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), primary_key=True)
    reader: Mapped[str] = mapped_column(String(32), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())
    position: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class Posted:
    number: str
    purpose: str
    channel: str


def ensure_may_announce(directory: Directory, slack_id: str) -> None:
    person = directory.member(slack_id)
    if person.role.rank < MIN_ROLE.rank:
        raise NotAllowed(
            f"Only supervisors, group leaders and above post announcements; you are a {person.role.title}."
        )


def announce(session: Session, ctx: Context, *, purpose: str, text: str) -> Posted:
    """The actor posts `text` to the center's channel for `purpose`."""
    ensure_may_announce(ctx.directory, ctx.actor)
    channels = ctx.center.channels.by_purpose()
    purpose = purpose.strip().lstrip("#").lower()
    if purpose not in channels:
        raise InvalidInput(
            "There is no `{channel}` channel in this center. Choose one of: "
            + ", ".join(sorted(channels))
            + ".",
            field="purpose",
            quotes={"channel": purpose},
        )
    text = text.strip()
    if not text:
        raise InvalidInput("The announcement is empty: write what you want to say.", field="text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            f"Announcements hold up to {MAX_TEXT:,} characters; yours has {len(text):,}. Shorten it or "
            "split it in two.",
            field="text",
        )
    number = next_number(session, KIND, ctx.year)
    values = {
        "number": number,
        "channel": channels[purpose],
        "purpose": purpose,
        "author": ctx.actor,
        "text": text,
        "created_at": ctx.now,
    }
    # Written with a Core insert (nothing reads it back in this transaction): the ORM flush would double the
    # time this command takes to ack.
    session.connection().execute(_INSERT, values)
    row = Announcement(**values)
    audit.record(
        session,
        at=ctx.now,
        actor=ctx.actor,
        action="announcement.posted",
        subject=number,
        after={"purpose": purpose, "channel": row.channel, "text": text},
    )
    _send_card(session, row, ctx, readers=[])
    outbox.republish_homes(session, None, now=ctx.now)  # everyone has one more to read
    return Posted(number=number, purpose=purpose, channel=row.channel)


def acknowledge(session: Session, ctx: Context, number: str) -> int:
    """Record that the actor has read the announcement; returns how many have read it. Reading twice is
    refused with when the first reading was, so a double click changes nothing."""
    reader, now = ctx.actor, ctx.now
    ctx.directory.member(reader)
    row = session.scalars(select(Announcement).where(Announcement.number == number)).one_or_none()
    if row is None:
        raise NotFound("There is no announcement {number}.", quotes={"number": number})
    count = (
        session.scalar(
            select(func.count())
            .select_from(AnnouncementRead)
            .where(AnnouncementRead.announcement_id == row.id)
        )
        or 0
    )
    inserted = insert_ignoring_conflict(
        session, AnnouncementRead, announcement_id=row.id, reader=reader, read_at=now, position=count + 1
    )
    if not inserted:
        earlier = session.get_one(AnnouncementRead, (row.id, reader))
        raise InvalidInput(
            f"You already marked {number} as read ({_when(earlier.read_at, now, ctx.center.calendar.zone)})."
        )
    audit.record(session, at=now, actor=reader, action="announcement.read", subject=number)
    readers = list(
        session.scalars(
            select(AnnouncementRead.reader)
            .where(AnnouncementRead.announcement_id == row.id)
            .order_by(AnnouncementRead.read_at, AnnouncementRead.reader)
        )
    )
    _send_card(session, row, ctx, readers=readers)
    outbox.republish_homes(session, [reader], now=now)
    return len(readers)


def _send_card(session: Session, row: Announcement, ctx: Context, *, readers: list[str]) -> None:
    directory = ctx.directory
    payload: dict[str, Any] = {
        "number": row.number,
        "author": row.author,
        "author_name": directory.name_of(row.author),
        "purpose": row.purpose,
        "text": row.text,
        "posted_at": row.created_at.isoformat(),
        "readers": [directory.name_of(reader) for reader in readers],
    }
    outbox.notify(
        session,
        now=ctx.now,
        to=row.channel,
        kind="announcement.card",
        payload=payload,
        key=f"announcement:{row.number}:card:{len(readers)}",
        message_key=f"announcement:{row.number}",
    )


def _when(at: datetime, now: datetime, zone: tzinfo) -> str:
    minutes = int((now - at).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    return center_time(at, zone)
