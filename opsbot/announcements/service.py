"""Posting an announcement and acknowledging it: each one transaction, its audit row and its card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opsbot import audit, outbox
from opsbot.announcements.models import INSERT, Announcement, AnnouncementRead
from opsbot.context import Context
from opsbot.db import insert_ignoring_conflict
from opsbot.errors import InvalidInput, NotFound
from opsbot.inputs import Input, Words, parse
from opsbot.notices import Quote, Time
from opsbot.numbering import next_number
from opsbot.permissions import at_least, require
from opsbot.roles import Role

KIND = "ANN"
CARD = "announcement.card"
# One Block Kit section holds 3,000 characters; the card keeps the text in one section.
MAX_TEXT = 3000


@dataclass(frozen=True)
class Posted:
    number: str
    purpose: str
    channel: str


class Announcing(Input):
    """What the author gave: the channel's purpose (`#intake` or `intake`) and the text."""

    purpose: Annotated[str, Words(40)]
    text: Annotated[str, Words(MAX_TEXT)]

    @field_validator("purpose")
    @classmethod
    def _purpose(cls, purpose: str) -> str:
        return Quote(purpose.lstrip("#").lower())


MAY_ANNOUNCE = at_least(Role.SUPERVISOR)
ANNOUNCE = "announce"


def announce(session: Session, ctx: Context, *, purpose: str, text: str) -> Posted:
    """The actor posts `text` to the center's channel for `purpose`."""
    require(MAY_ANNOUNCE, ctx, ANNOUNCE)
    given = parse(Announcing, {"purpose": purpose, "text": text})
    channels = ctx.center.channels.by_purpose()
    if given.purpose not in channels:
        raise InvalidInput(
            "announcements.no_channel", field="purpose", channel=Quote(given.purpose), known=sorted(channels)
        )
    number = next_number(session, KIND, ctx.year)
    values = {
        "number": number,
        "channel": channels[given.purpose],
        "purpose": given.purpose,
        "author": ctx.actor,
        "text": str(given.text),
        "created_at": ctx.now,
    }
    session.connection().execute(INSERT, values)
    row = Announcement(**values)
    audit.record(
        session,
        at=ctx.now,
        actor=ctx.actor,
        action="announcement.posted",
        subject=number,
        after={"purpose": row.purpose, "channel": row.channel, "text": row.text},
    )
    _send_card(session, row, ctx, readers=[])
    outbox.republish_homes(session, None, now=ctx.now)  # everyone has one more to read
    return Posted(number=number, purpose=row.purpose, channel=row.channel)


def acknowledge(session: Session, ctx: Context, number: str) -> int:
    """Record that the actor has read the announcement; returns how many have read it. Reading twice is
    refused with when the first reading was, so a double click changes nothing."""
    reader, now = ctx.actor, ctx.now
    ctx.directory.member(reader)
    row = session.scalars(select(Announcement).where(Announcement.number == number)).one_or_none()
    if row is None:
        raise NotFound("announcements.not_found", number=Quote(number))
    count = session.scalar(
        select(func.count()).select_from(AnnouncementRead).where(AnnouncementRead.announcement_id == row.id)
    )
    inserted = insert_ignoring_conflict(
        session,
        AnnouncementRead,
        announcement_id=row.id,
        reader=reader,
        read_at=now,
        position=(count or 0) + 1,
    )
    if not inserted:
        earlier = session.get_one(AnnouncementRead, (row.id, reader))
        raise InvalidInput("announcements.read_already", number=number, at=Time(earlier.read_at))
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
        kind=CARD,
        payload=payload,
        key=f"announcement:{row.number}:card:{len(readers)}",
        message_key=f"announcement:{row.number}",
    )
