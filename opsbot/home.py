"""The App Home "My work" tab: what a person has to do, gathered from every workflow.

Each workflow contributes a section of plain data; the Slack side renders it. The tab is published through
the outbox like any other message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from opsbot import outbox
from opsbot.announcements import Announcement, AnnouncementRead
from opsbot.approvals.queries import waiting_for
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case, JointReview
from opsbot.cases.queries import is_overdue
from opsbot.cases.records import reference
from opsbot.center import Center
from opsbot.directory import Directory, Member

# How many unread announcements the tab lists.
UNREAD_SHOWN = 5

HANDLER_STATES = (State.ASSIGNED, State.IN_PROGRESS)


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
    """Cases waiting for the person: as handler, as a joint or the current reviewer, to tell the customer
    (the handler; customer service for a complaint), to follow up, or to get a supplement in."""
    me = viewer.person.slack_id
    latest = aliased(JointReview)
    my_joint_reviews = select(JointReview.case_id).where(
        JointReview.reviewer == me,
        JointReview.agreed.is_(None),
        JointReview.round
        == select(func.max(latest.round)).where(latest.case_id == JointReview.case_id).scalar_subquery(),
    )
    tells_customer = (
        (Case.state == State.FEEDBACK) & (Case.assignee == me) & Case.complaint.is_(False)
        | (Case.state == State.FEEDBACK) & (Case.registered_by == me) & Case.complaint.is_(True)
        | (Case.state == State.REJECTED) & (Case.assignee == me) & Case.informed_at.is_(None)
    )
    waiting = or_(
        (Case.assignee == me) & Case.state.in_(HANDLER_STATES),
        (Case.state == State.JOINT_REVIEW) & Case.id.in_(my_joint_reviews),
        (Case.first_reviewer == me) & (Case.state == State.FIRST_REVIEW),
        (Case.second_reviewer == me) & (Case.state == State.SECOND_REVIEW),
        tells_customer,
        (Case.follow_up_owner == me) & (Case.state == State.FOLLOW_UP),
        (Case.registered_by == me) & (Case.state == State.RETURNED),
    )
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


def next_due(case: Case) -> datetime:
    """What the case waits for next: the follow-up, the promised reply, or the result."""
    if case.state == State.FOLLOW_UP and case.follow_up_due_at:
        return case.follow_up_due_at
    if case.replied_at is None and case.reply_due_at:
        return case.reply_due_at
    return case.resolve_due_at or case.received_at


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
