"""The App Home "My work" tab: what a person has to do, gathered from every workflow.

Each workflow contributes a section of plain data; the Slack side renders it. The tab is published through
the outbox: when the person opens it, and again whenever a change alters what they have to do (the changes
call `outbox.republish_homes` with the people concerned). Its payload is composed when the outbox row is
claimed, not when the change is made: a change costs one statement however many tabs it touches (an
announcement touches everyone's), and many changes in a row make one publish with the latest state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from opsbot import deliveries, outbox
from opsbot.announcements.models import Announcement, AnnouncementRead
from opsbot.approvals.phrases import label
from opsbot.approvals.policy import ApprovalSettings
from opsbot.approvals.queries import waiting_for
from opsbot.approvals.records import delegations_in_force
from opsbot.cases import rules
from opsbot.cases.clocks import RESOLUTION, clocks_of, due_column
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case
from opsbot.cases.queries import list_filter, mine_clause, overdue_clause
from opsbot.cases.records import reference
from opsbot.center import Center
from opsbot.directory import Directory, Member, load_directory

# How many unread announcements the tab lists.
UNREAD_SHOWN = 5


@dataclass(frozen=True)
class HomeSettings:
    """What of the center file the tab is composed with. It is kept with the person's viewer row, taken when
    they open their Home: the tab is composed on delivery, by whichever process delivers it, from the
    database alone."""

    timezone: str
    returnable: tuple[str, ...]  # the approval kinds that may be returned for correction

    @classmethod
    def of(cls, center: Center) -> HomeSettings:
        kinds = ApprovalSettings.of(center).kinds
        return cls(timezone=center.calendar.timezone, returnable=tuple(k.key for k in kinds if k.returnable))

    @classmethod
    def read(cls, stored: dict[str, Any]) -> HomeSettings:
        return cls(timezone=stored["timezone"], returnable=tuple(stored["returnable"]))


@dataclass(frozen=True)
class Viewer:
    """Whose tab it is, and what the sections read besides the database."""

    person: Member
    now: datetime  # in the center's time zone, so `now.date()` is the center's date
    settings: HomeSettings

    @property
    def today(self) -> date:
        return self.now.date()


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
    resolve_due = due_column(RESOLUTION)
    rows = session.scalars(
        select(Case).where(waiting).order_by(resolve_due.is_(None), resolve_due).limit(CASES_SHOWN)
    ).all()
    times = clocks_of(session, rows)
    return {
        "kind": "cases",
        "items": [
            {
                "reference": reference(case),
                "summary": case.summary,
                "state": case.state,
                "due": times[case.id].next_due(case).isoformat(),
                "overdue": times[case.id].overdue(viewer.now),
            }
            for case in rows
        ],
    }


APPROVALS_SHOWN = 10


def approvals_waiting(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    """Approval steps waiting for the person's decision: as approver, standing in, or escalated to them."""
    me = viewer.person.slack_id
    rows = waiting_for(session, me, today=viewer.today)[:APPROVALS_SHOWN]
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
                "label": label(step.label).dump(),
                "for": directory.name_of(step.approver) if step.approver != me else None,
                "returnable": request.kind_key in viewer.settings.returnable,
            }
            for request, step in rows
        ],
    }


def delegation(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    """Who decides the person's approvals while they are away, and for whom they decide, while in force."""
    mine, for_others = delegations_in_force(session, viewer.person.slack_id, viewer.today)
    if mine is None and not for_others:
        return None
    return {
        "kind": "delegation",
        "mine": {"name": directory.name_of(mine.delegate), "until": mine.until.isoformat()} if mine else None,
        "for_others": [
            {"name": directory.name_of(row.delegator), "until": row.until.isoformat()} for row in for_others
        ],
    }


# Not yet accepted: waiting for a handler, or for the handler to accept it.
NOT_ACCEPTED = (State.REGISTERED.value, State.ASSIGNED.value)
TEAM_SHOWN = 10


def team_cases(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    """For group leaders and above: their unit's open cases (and those of the units under it, as `/case list
    unit` has them) that are overdue or not yet accepted, with who has them; the overdue first."""
    person = viewer.person
    if not rules.oversees(person):
        return None
    wanted = and_(
        list_filter("unit", person, directory, viewer.now),
        or_(overdue_clause(viewer.now), Case.state.in_(NOT_ACCEPTED)),
    )
    total = session.scalar(select(func.count()).select_from(Case).where(wanted)) or 0
    rows = session.scalars(
        select(Case)
        .where(wanted)
        .order_by(overdue_clause(viewer.now).desc(), due_column(RESOLUTION), Case.id)
        .limit(TEAM_SHOWN)
    ).all()
    times = clocks_of(session, rows)
    items = [
        {
            "reference": reference(case),
            "summary": case.summary,
            "state": case.state,
            "assignee_name": directory.name_of(case.assignee) if case.assignee else None,
            "due": times[case.id].next_due(case).isoformat(),
            "overdue": times[case.id].overdue(viewer.now),
        }
        for case in rows
    ]
    unit = directory.units.get(person.unit)
    return {
        "kind": "team",
        "unit": unit.name if unit else person.unit,
        "total": total,
        "items": items,
    }


# Each workflow adds its section here.
SECTIONS: tuple[Section, ...] = (approvals_waiting, delegation, my_cases, team_cases, unread_announcements)


def my_work(
    session: Session, directory: Directory, slack_id: str, now: datetime, settings: HomeSettings | None
) -> dict[str, Any]:
    """The tab's payload; a person outside the directory (or not registered as a viewer) is told how to get
    in."""
    person = directory.get(slack_id)
    if person is None or settings is None:
        return {"known": False, "slack_id": slack_id}
    viewer = Viewer(person=person, now=now.astimezone(ZoneInfo(settings.timezone)), settings=settings)
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


def open_home(
    session: Session, *, directory: Directory, slack_id: str, now: datetime, center: Center
) -> None:
    """The person opened their Home: queue it, and keep it up to date from now on if they are in the
    directory."""
    settings = asdict(HomeSettings.of(center)) if directory.get(slack_id) else None
    outbox.home_opened(session, slack_id, now=now, settings=settings)


def compose(session: Session, slack_id: str, now: datetime) -> dict[str, Any]:
    """The tab as it is now: the outbox composes a Home row with this when it claims the row."""
    viewer = session.get(outbox.HomeViewer, slack_id)
    settings = HomeSettings.read(viewer.settings) if viewer else None
    return my_work(session, load_directory(session), slack_id, now, settings)


deliveries.compose_on_delivery(outbox.HOME_KIND, compose)
