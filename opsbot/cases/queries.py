"""Reading cases: who may see which, the paged lists (`mine`, `open`, `overdue`, `unit`) filtered and paged in
SQL, and one case with its timeline from the audit log. Plain values out; the Slack side renders them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from opsbot.audit import AuditEntry
from opsbot.cases import clocks, rules
from opsbot.cases.clocks import Clocks
from opsbot.cases.lifecycle import State
from opsbot.cases.models import TO_COMPLETE, Case, JointReview
from opsbot.cases.permissions import MAY_SEE_CASE, SEES_CONTACT, SEES_EVERY_CASE, on_case, require_on
from opsbot.cases.records import load, reference
from opsbot.context import Context
from opsbot.directory import Directory, Member
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Quote
from opsbot.permissions import grants

PAGE_SIZE = 10
SCOPES = ("mine", "open", "overdue", "unit")
DEFAULT_SCOPE = "mine"
CLOSED_STATES = (State.CLOSED.value, State.REJECTED.value)
OPEN_STATES = tuple(state.value for state in State if state.is_open)


# ------------------------------------------------------------------------------------------ who sees what


def unit_subtree(unit: str, directory: Directory) -> list[str]:
    """The unit and every unit under it."""
    return sorted(
        key for key in directory.units if any(info.key == unit for info in directory.unit_path(key))
    )


def subordinates(person: str, directory: Directory) -> list[str]:
    """Everyone whose superior chain includes `person`."""
    return sorted(
        member.slack_id
        for member in directory.people.values()
        if any(boss.slack_id == person for boss in directory.superior_chain(member.slack_id))
    )


def visible(person: Member, directory: Directory) -> ColumnElement[bool] | None:
    """`MAY_SEE_CASE` as a WHERE clause (None: everything is visible)."""
    if grants(SEES_EVERY_CASE, person, directory):
        return None
    me = person.slack_id
    return or_(
        Case.unit_key.in_(unit_subtree(person.unit, directory)),
        Case.assignee.in_([me, *subordinates(me, directory)]),
        Case.registered_by == me,
        Case.first_reviewer == me,
        Case.second_reviewer == me,
        Case.follow_up_owner == me,
    )


def is_open() -> ColumnElement[bool]:
    return Case.state.in_(OPEN_STATES)


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """A reply or a result still owed past its due time (its clock runs on past due)."""
    return clocks.overdue_clause(now)


# The handler's own steps: accept (or reject, or ask for a joint review), then handle.
HANDLER_STATES = (State.ASSIGNED.value, State.IN_PROGRESS.value)


def mine_clause(person: str) -> ColumnElement[bool]:
    """What waits for the person (`/case list mine` and the App Home alike): cases to accept and handle, to
    review (jointly or at their level), to tell the customer about (the handler; customer service for a
    complaint's result; a rejection until it is told), to follow up, or to get a supplement in. Each term
    can use an index ((assignee, state) or (state, unit_key, assignee)): the OR stays off a full scan."""
    latest = aliased(JointReview)
    joint_reviews = select(JointReview.case_id).where(
        JointReview.reviewer == person,
        JointReview.agreed.is_(None),
        JointReview.round
        == select(func.max(latest.round)).where(latest.case_id == JointReview.case_id).scalar_subquery(),
    )
    return or_(
        and_(Case.assignee == person, Case.state.in_(HANDLER_STATES)),
        and_(Case.state == State.JOINT_REVIEW.value, Case.id.in_(joint_reviews)),
        and_(Case.state == State.FIRST_REVIEW.value, Case.first_reviewer == person),
        and_(Case.state == State.SECOND_REVIEW.value, Case.second_reviewer == person),
        and_(Case.state == State.FEEDBACK.value, Case.assignee == person, Case.complaint.is_(False)),
        and_(Case.state == State.FEEDBACK.value, Case.registered_by == person, Case.complaint.is_(True)),
        and_(Case.state == State.REJECTED.value, Case.assignee == person, Case.informed_at.is_(None)),
        and_(Case.state == State.FOLLOW_UP.value, Case.follow_up_owner == person),
        and_(Case.state == State.RETURNED.value, Case.registered_by == person),
    )


# ---------------------------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class ListRequest:
    scope: str = DEFAULT_SCOPE
    page: int = 1


def parse_list(text: str) -> ListRequest:
    """`` → mine, page 1; `open page 2`; `page 3`; `overdue 2`."""
    words = text.lower().split()
    scope, page = DEFAULT_SCOPE, 1
    if words and words[0] in SCOPES:
        scope = words.pop(0)
    if words and words[0] == "page":
        words.pop(0)
        if not words:
            raise InvalidInput("case.list_which_page")
    if words and words[0].isdigit() and len(words) == 1:
        page = int(words.pop())
        if page < 1:
            raise InvalidInput("case.list_pages_from_one")
    if words:
        raise InvalidInput("case.list_unreadable", typed=Quote(text.strip()))
    return ListRequest(scope=scope, page=page)


@dataclass(frozen=True)
class ListLine:
    reference: str
    summary: str
    state: State
    complaint: bool
    assignee: str | None
    assignee_name: str | None
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class CasePage:
    scope: str
    page: int
    pages: int
    total: int
    lines: tuple[ListLine, ...]


def list_filter(scope: str, person: Member, directory: Directory, now: datetime) -> ColumnElement[bool]:
    if scope not in SCOPES:
        raise InvalidInput("case.list_unknown", scope=Quote(scope))
    seen = visible(person, directory)
    if scope == "mine":
        return mine_clause(person.slack_id)  # the viewer works on all of these, so they may see them
    if scope == "unit":
        wanted: ColumnElement[bool] = and_(is_open(), Case.unit_key.in_(unit_subtree(person.unit, directory)))
    elif scope == "overdue":
        wanted = overdue_clause(now)
    else:
        wanted = is_open()
    return wanted if seen is None else and_(wanted, seen)


def list_cases(
    session: Session, directory: Directory, viewer: str, request: ListRequest, now: datetime
) -> CasePage:
    """One page of a list, newest first (by intake order), counted and paged in SQL."""
    person = directory.member(viewer)
    where = list_filter(request.scope, person, directory, now)
    total = int(session.scalar(select(func.count()).select_from(Case).where(where)) or 0)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if request.page > pages:
        raise InvalidInput(
            "case.list_no_page",
            page=request.page,
            scope=request.scope,
            cases=Notice.of("case.count.cases", count=total),
            pages=Notice.of("case.count.pages", count=pages),
        )
    rows = (
        ()
        if total == 0
        else session.scalars(
            select(Case)
            .where(where)
            .order_by(Case.id.desc())
            .offset((request.page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
    )
    times = clocks.clocks_of(session, rows)
    lines = tuple(
        ListLine(
            reference=reference(case),
            summary=case.summary,
            state=State(case.state),
            complaint=case.complaint,
            assignee=case.assignee,
            assignee_name=directory.name_of(case.assignee) if case.assignee else None,
            due_at=times[case.id].next_due(case),
            overdue=times[case.id].overdue(now),
        )
        for case in rows
    )
    return CasePage(scope=request.scope, page=request.page, pages=pages, total=total, lines=lines)


# ---------------------------------------------------------------------------------------------- one case


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    actor_name: str
    action: str  # the audit action without its `case.` (`review_returned`)
    facts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CaseDetails:
    case: Case  # detached once the reading session ends: read its plain columns only
    clocks: Clocks
    contact: str
    contact_shown: bool
    timeline: tuple[TimelineEntry, ...]


# The after-JSON facts worth showing, in this order; each one's label is the catalogue's `case.fact.<key>`.
FACTS = (
    "reason",
    "result",
    "note",
    "how",
    "score",
    "objection",
    "comment",
    "level",
    "assignee",
    "assigned_how",
    "reviewers",
    "missing",
    "still_missing",
    "number",
)


def facts_of(after: dict[str, Any] | None, directory: Directory) -> tuple[tuple[str, str], ...]:
    """A step's facts worth showing, each by its key: the people in them by name, lists as one text."""
    found: list[tuple[str, str]] = []
    for key in FACTS:
        value = (after or {}).get(key)
        if value in (None, "", [], False):
            continue
        if key == "assignee":
            value = directory.name_of(str(value))
        elif key == "reviewers" and isinstance(value, list):
            value = ", ".join(directory.name_of(str(r)) for r in value)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        found.append((key, str(value)))
    return tuple(found)


def case_details(session: Session, ctx: Context, ref: str) -> CaseDetails:
    """A case for `/case show`: refused to people who may not see it; the contact masked for those not
    working it; the timeline from the audit log, before and after registration."""
    directory = ctx.directory
    person = directory.member(ctx.actor)
    case = load(session, ref, for_change=False)
    require_on(MAY_SEE_CASE, ctx, "case.show", case)
    shown = grants(SEES_CONTACT, person, directory, on_case(case, directory))
    subjects = [f"INTAKE-{case.id}"] + ([case.number] if case.number else [])
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.subject.in_(subjects)).order_by(AuditEntry.id)
    ).all()
    timeline = tuple(
        TimelineEntry(
            at=row.at,
            actor=row.actor,
            actor_name=directory.name_of(row.actor),
            action=row.action.removeprefix("case."),
            facts=facts_of(row.after, directory),
        )
        for row in rows
    )
    return CaseDetails(
        case=case,
        clocks=clocks.clocks(session, case),
        contact=case.contact if shown or case.contact == TO_COMPLETE else rules.mask_contact(case.contact),
        contact_shown=shown,
        timeline=timeline,
    )
