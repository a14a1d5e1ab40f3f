"""What `/approval list` and `/approval show` read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from opsbot import audit
from opsbot.approvals.cards import DELEGATED, REMINDED
from opsbot.approvals.lifecycle import HISTORY_WORDS, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.policy import ApprovalKind, ApprovalSettings
from opsbot.approvals.records import active_delegations, decides_another_step, load, on_behalf, steps_of
from opsbot.audit import SYSTEM, AuditEntry
from opsbot.context import Context
from opsbot.errors import NotAllowed
from opsbot.roles import Role

SHOWN = 15
DECISIONS = ("approval.approve", "approval.deny", "approval.return")


@dataclass(frozen=True)
class Listing:
    waiting: list[tuple[ApprovalRequest, ApprovalStep]]  # steps I may decide: mine, stood in for, escalated
    mine: list[ApprovalRequest]  # my own requests, newest first


def listing(session: Session, ctx: Context) -> Listing:
    me = ctx.directory.member(ctx.actor).slack_id
    return Listing(waiting=waiting_for(session, me, today=ctx.today), mine=_requested_by(session, me))


def waiting_for(session: Session, me: str, *, today: date) -> list[tuple[ApprovalRequest, ApprovalStep]]:
    """The steps waiting for a decision the person may take: as approver, standing in for the approver, or
    as the superior the step was escalated to. Standing in for an approver of my own request, or of a step
    when I have a part in another step of the chain, does not make it mine to decide."""
    standing_in_for = [who for who, delegate in active_delegations(session, today).items() if delegate == me]
    rows = session.execute(
        select(ApprovalRequest, ApprovalStep)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(
            ApprovalStep.state == StepState.PENDING,
            ApprovalRequest.requester != me,
            or_(
                ApprovalStep.approver == me,
                ApprovalStep.escalated_to == me,
                ApprovalStep.approver.in_(standing_in_for),
            ),
        )
        .order_by(ApprovalStep.waiting_since)
        .limit(SHOWN)
    ).all()
    return [
        (request, step)
        for request, step in rows
        if step.approver == me or not decides_another_step(me, step, steps_of(session, request))
    ]


def _requested_by(session: Session, me: str) -> list[ApprovalRequest]:
    return list(
        session.scalars(
            select(ApprovalRequest)
            .where(ApprovalRequest.requester == me)
            .order_by(ApprovalRequest.id.desc())
            .limit(SHOWN)
        ).all()
    )


def kind_of(session: Session, settings: ApprovalSettings, number: str) -> ApprovalKind:
    """The kind of a request (which never changes once asked)."""
    return settings.kind(load(session, number, for_change=False).kind_key)


@dataclass(frozen=True)
class Event:
    """One entry of a request's history as `/approval show` reads it: `what` is opsbot's words, `reason` the
    people's."""

    at: datetime
    who: str
    what: str
    reason: str | None = None


@dataclass(frozen=True)
class Shown:
    request: ApprovalRequest
    steps: list[ApprovalStep]
    history: list[Event]
    standing_in: dict[str, str]


def show(session: Session, ctx: Context, number: str) -> Shown:
    """The requester, everyone with a part in the chain (its approvers, who decided, the superiors steps
    were escalated to, whoever stands in for a waiting step), QC inspectors and managers and above may
    look."""
    request = load(session, number, for_change=False)
    person = ctx.directory.member(ctx.actor)
    if (
        person.slack_id not in involved(session, ctx, request)
        and person.role is not Role.QC_INSPECTOR
        and person.role.rank < Role.MANAGER.rank
    ):
        raise NotAllowed(
            f"{request.number} is visible to its requester, the people who decide it, QC and managers."
        )
    names = ctx.directory.name_of
    return Shown(
        request=request,
        steps=steps_of(session, request),
        history=[event(entry, names) for entry in audit.history(session, request.number)],
        standing_in=active_delegations(session, ctx.today),
    )


def event(entry: AuditEntry, names: Callable[[str], str]) -> Event:
    """An audit row of the request in the history's one vocabulary: "approved at step 2 for Shi Hong",
    "escalated step 1 from Wu Fang to Zhou Jie", "delegated step 1 to Feng Yu"."""
    after = entry.after or {}
    words = HISTORY_WORDS.get(entry.action, entry.action.removeprefix("approval."))
    who = "opsbot" if entry.actor == SYSTEM else names(entry.actor)
    step = f"step {after.get('step')}"
    if entry.action in DECISIONS:
        behalf = after.get("acting_for")
        what = f"{words} at {step}" + (
            on_behalf(names(behalf), as_superior=bool(after.get("as_superior"))) if behalf else ""
        )
        return Event(entry.at, who, what, after.get("reason"))
    if entry.action == "approval.escalated":
        return Event(entry.at, who, f"{words} {step} from {names(after['from'])} to {names(after['to'])}")
    if entry.action == DELEGATED:
        return Event(entry.at, who, f"{words} {step} to {names(after['delegate'])}")
    if entry.action == REMINDED:
        return Event(entry.at, who, f"{words} {' and '.join(names(p) for p in after['to'])} of {step}")
    return Event(entry.at, who, words)


def involved(session: Session, ctx: Context, request: ApprovalRequest) -> set[str]:
    """Who has a part in the request, over every round."""
    every_step = session.scalars(select(ApprovalStep).where(ApprovalStep.request_id == request.id)).all()
    delegations = active_delegations(session, ctx.today)
    standing_in = {
        delegations[s.approver]
        for s in every_step
        if StepState(s.state) is StepState.PENDING and s.approver in delegations
    }
    people = {request.requester, *standing_in}
    for step in every_step:
        people.update(p for p in (step.approver, step.decided_by, step.escalated_to) if p)
    return people
