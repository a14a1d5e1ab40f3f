"""Posting an announcement and acknowledging it: each one transaction, its audit row and its card."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from opsbot.announcements.models import INSERT, Announcement, AnnouncementRead
from opsbot.changes import Card, Change, Step, record_change
from opsbot.context import Context
from opsbot.db import insert_ignoring_conflict
from opsbot.errors import InvalidInput
from opsbot.inputs import Input, Words, parse
from opsbot.notices import Quote, Time
from opsbot.numbering import next_number
from opsbot.permissions import at_least, require
from opsbot.roles import Role
from opsbot.subjects import Parties, SubjectKind, by_number

KIND = "ANN"
CARD = "announcement.card"
# One Block Kit section holds 3,000 characters; the card keeps the text in one section.
MAX_TEXT = 3000


SUBJECT: SubjectKind[Announcement] = SubjectKind(
    kind="announcement",
    prefix=KIND,
    load=by_number("announcement", Announcement.number),
    parties=lambda row, _directory: Parties(owner=row.author, unit=None, parties=frozenset({row.author})),
)


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
    posted = Step("posted", after={"purpose": row.purpose, "channel": row.channel, "text": row.text})
    # Everyone has one more to read: every Home changes.
    record_change(session, ctx, _change(row, ctx, posted, readers=[], homes=None))
    return Posted(number=number, purpose=row.purpose, channel=row.channel)


def acknowledge(session: Session, ctx: Context, number: str) -> int:
    """Record that the actor has read the announcement; returns how many have read it. Reading twice is
    refused with when the first reading was, so a double click changes nothing."""
    reader, now = ctx.actor, ctx.now
    ctx.directory.member(reader)
    row = SUBJECT.load(session, number, for_change=False)
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
    readers = list(
        session.scalars(
            select(AnnouncementRead.reader)
            .where(AnnouncementRead.announcement_id == row.id)
            .order_by(AnnouncementRead.read_at, AnnouncementRead.reader)
        )
    )
    record_change(session, ctx, _change(row, ctx, Step("read"), readers=readers, homes=[reader]))
    return len(readers)


def _change(
    row: Announcement, ctx: Context, step: Step, *, readers: list[str], homes: list[str] | None
) -> Change:
    """The announcement's card as it now is: the text, who posted it, who has read it so far."""
    payload: dict[str, Any] = {
        "number": row.number,
        "author": row.author,
        "author_name": ctx.directory.name_of(row.author),
        "purpose": row.purpose,
        "text": row.text,
        "posted_at": row.created_at.isoformat(),
        "readers": [ctx.directory.name_of(reader) for reader in readers],
    }
    card = Card(to=row.channel, kind=CARD, payload=payload)
    return Change(SUBJECT.kind, row.number, len(readers), steps=[step], cards=[card], homes=homes)
