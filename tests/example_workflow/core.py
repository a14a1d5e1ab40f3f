"""The ticket workflow's core side: its table, its section of the center file, its subject, what its
deadline's steps do, its App Home section, and `/ticket`'s service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import Field
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from opsbot import deadlines
from opsbot.business_hours import add_business_hours
from opsbot.center import Section
from opsbot.changes import Card, Change, Step, record_change
from opsbot.context import Context
from opsbot.db import BigId, UTCDateTime
from opsbot.deadline_hooks import About, Firing, Sweeping
from opsbot.deadlines import Deadline
from opsbot.directory import Directory
from opsbot.home import Viewer
from opsbot.inputs import Input, Words, parse
from opsbot.ladders import LadderStep
from opsbot.numbering import next_number
from opsbot.subjects import Parties, SubjectKind, by_number
from opsbot.workflows import Workflow

KIND, CLOCK, CARD = "ticket", "answer", "ticket.card"


class Base(DeclarativeBase):
    """The ticket's own metadata: the shipped schema (and its migrations) know nothing of it."""


class Ticket(Base):
    __tablename__ = "example_tickets"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TicketSettings(Section):
    KEY: ClassVar[str] = "tickets"

    answer_hours: float = Field(gt=0, le=100)


class Opening(Input):
    title: Annotated[str, Words(200)]


SUBJECT: SubjectKind[Ticket] = SubjectKind(
    kind=KIND,
    prefix="TKT",
    load=by_number(KIND, Ticket.number),
    parties=lambda ticket, _directory: Parties(owner=ticket.owner, unit=None),
)


def open_ticket(session: Session, ctx: Context, title: str) -> str:
    """The actor opens a ticket: numbered, its answer due after the center file's business hours, its card
    in the tickets channel."""
    given = parse(Opening, {"title": title})
    ticket = Ticket(
        number=next_number(session, SUBJECT.prefix, ctx.year),
        title=given.title,
        owner=ctx.actor,
        opened_at=ctx.now,
    )
    session.add(ticket)
    session.flush()
    settings = TicketSettings.of(ctx.center)
    deadlines.none_yet(session, KIND, ticket.id)
    deadlines.start(
        session,
        kind=KIND,
        subject_id=ticket.id,
        clock=CLOCK,
        owner=ticket.owner,
        due=add_business_hours(ctx.now, settings.answer_hours, ctx.center.calendar),
        now=ctx.now,
        ladder=ctx.center.ladder(KIND, CLOCK),
        calendar=ctx.center.calendar,
    )
    card = Card(ctx.center.channels.of("tickets"), CARD, {"number": ticket.number, "title": ticket.title})
    record_change(
        session, ctx, Change(KIND, ticket.number, 1, steps=[Step("opened")], cards=[card], homes=[ctx.actor])
    )
    return ticket.number


class TicketDeadlines:
    def claim(self, session: Session, sweeping: Sweeping, ids: Sequence[int]) -> Mapping[int, Any]:
        rows = session.scalars(select(Ticket).where(Ticket.id.in_(ids)).with_for_update(skip_locked=True))
        return {row.id: row for row in rows}

    def about(self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline) -> About:
        return About(reference=subject.number, summary=subject.title, owner=subject.owner)

    def fire(
        self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline, firing: Firing
    ) -> set[str]:
        return set()  # the digest tells whom the step names


def my_tickets(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    rows = session.scalars(select(Ticket).where(Ticket.owner == viewer.person.slack_id).order_by(Ticket.id))
    return {"kind": "tickets", "items": [{"number": row.number, "title": row.title} for row in rows]}


WORKFLOW = Workflow(
    name="tickets",
    settings=TicketSettings,
    channels=("tickets",),
    subjects=(SUBJECT,),
    deadlines={KIND: TicketDeadlines()},
    ladders={f"{KIND}.{CLOCK}": (LadderStep(after_due=0, do="remind", to=("owner",)),)},
    home=(my_tickets,),
)
