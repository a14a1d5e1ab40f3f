"""The App Home "My work" tab: what a person has to do, gathered from every workflow.

Each workflow contributes a section of plain data; the Slack side renders it. The tab is published through
the outbox like any other message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot import outbox
from opsbot.announcements import Announcement, AnnouncementRead
from opsbot.approvals.queries import waiting_for
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case
from opsbot.cases.queries import is_overdue, mine_clause, next_due
from opsbot.cases.records import reference
from opsbot.center import Center
from opsbot.directory import Directory, Member

# How many unread announcements the tab lists.
UNREAD_SHOWN = 5


@dataclass(frozen=True)
class Viewer:
    """Whose tab it is, and what the sections read besides the database."""

    person: Member
    now: datetime  # in the center's time zone, so `now.date()` is the center's date
    center: Center


Section = Callable[[Session, Directory, Viewer], dict[str, Any] | None]


def unread_announcements(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    read = select(AnnouncementRead.announcement_id).where(AnnouncementRead.reader == viewer.person.slack_id)
    rows = session.scalars(
        select(Announcement)
        .where(Announcement.id.not_in(read))
        .order_by(Announcement.id.desc())
        .limit(UNREAD_SHOWN)
    ).all()
    return {
        "kind": "announcements",
        "items": [
            {
                "number": row.number,
                "author_name": directory.name_of(row.author),
                "text": row.text,
                "purpose": row.purpose,
                "posted_at": row.created_at.isoformat(),
            }
            for row in rows
        ],
    }


# How many of a person's cases the tab lists (the most urgent first).
CASES_SHOWN = 10


def my_cases(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    """The cases waiting for the person, the most urgent first."""
    waiting = mine_clause(viewer.person.slack_id)
    rows = session.scalars(
        select(Case)
        .where(waiting)
        .order_by(Case.resolve_due_at.is_(None), Case.resolve_due_at)
        .limit(CASES_SHOWN)
    ).all()
    return {
        "kind": "cases",
        "items": [
            {
                "reference": reference(case),
                "summary": case.summary,
                "state": State(case.state).label,
                "due": next_due(case).isoformat(),
                "overdue": is_overdue(case, viewer.now),
            }
            for case in rows
        ],
    }


APPROVALS_SHOWN = 10


def approvals_waiting(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    """Approval steps waiting for the person's decision: as approver, standing in, or escalated to them."""
    me = viewer.person.slack_id
    rows = waiting_for(session, me, today=viewer.now.date())[:APPROVALS_SHOWN]
    kinds = viewer.center.approvals
    return {
        "kind": "approvals",
        "items": [
            {
                "number": request.number,
                "kind": request.kind_key,
                "purpose": request.purpose,
                "requester_name": directory.name_of(request.requester),
                "amount": f"{request.amount:,.2f} {request.currency}" if request.amount is not None else None,
                "step": f"{request.number}:{step.round}:{step.position}",
                "label": step.label,
                "for": directory.name_of(step.approver) if step.approver != me else None,
                "returnable": kinds.kind(request.kind_key).returnable,
            }
            for request, step in rows
        ],
    }


# Each workflow adds its section here.
SECTIONS: tuple[Section, ...] = (approvals_waiting, my_cases, unread_announcements)


def my_work(
    session: Session, directory: Directory, slack_id: str, now: datetime, center: Center
) -> dict[str, Any]:
    person = directory.get(slack_id)
    if person is None:
        return {"known": False, "slack_id": slack_id}
    viewer = Viewer(person=person, now=now.astimezone(center.calendar.zone), center=center)
    superior = directory.get(person.reports_to) if person.reports_to else None
    unit = directory.units.get(person.unit)
    return {
        "known": True,
        "slack_id": slack_id,
        "name": person.name,
        "role": person.role.title,
        "unit": unit.name if unit else person.unit,
        "superior": superior.name if superior else None,
        "sections": [found for section in SECTIONS if (found := section(session, directory, viewer))],
    }


def publish_home(
    session: Session, *, directory: Directory, slack_id: str, now: datetime, center: Center, key: str
) -> None:
    """Queue a fresh "My work" tab for the person; `key` makes the same request publish once."""
    outbox.notify(
        session,
        now=now,
        to=slack_id,
        kind="home",
        payload=my_work(session, directory, slack_id, now, center),
        key=f"home:{slack_id}:{key}",
        method=outbox.Method.HOME,
    )
