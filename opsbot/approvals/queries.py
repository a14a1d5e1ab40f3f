"""What `/approval list` and `/approval show` read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from opsbot import audit
from opsbot.approvals.cards import DELEGATED, REMINDED
from opsbot.approvals.lifecycle import HISTORY, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.permissions import MAY_SEE_REQUEST
from opsbot.approvals.records import SUBJECT, active_delegations, decides_another_step, steps_of
from opsbot.audit import SYSTEM, AuditEntry
from opsbot.context import Context
from opsbot.notices import Notice, Param, Quote, Term, Time
from opsbot.permissions import require
from opsbot.subjects import Parties

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


@dataclass(frozen=True)
class Shown:
    request: ApprovalRequest
    steps: list[ApprovalStep]
    history: list[Notice]  # a line for each entry, oldest first
    standing_in: dict[str, str]


def show(session: Session, ctx: Context, number: str) -> Shown:
    """The requester, everyone with a part in the chain (its approvers, who decided, the superiors steps
    were escalated to, whoever stands in for a waiting step), QC inspectors and managers and above may
    look."""
    request = SUBJECT.load(session, number, for_change=False)
    ctx.directory.member(ctx.actor)  # only people in the directory look, even one who had a part in it
    owner = SUBJECT.parties(request, ctx.directory).owner
    parties = Parties(owner=owner, unit=None, parties=frozenset(involved(session, ctx, request)))
    require(MAY_SEE_REQUEST, ctx, "approval.show", subject=parties, number=request.number)
    names = ctx.directory.name_of
    return Shown(
        request=request,
        steps=steps_of(session, request),
        history=[history_line(entry, names) for entry in audit.history(session, request.number)],
        standing_in=active_delegations(session, ctx.today),
    )


def history_line(entry: AuditEntry, names: Callable[[str], str]) -> Notice:
    """An audit row of the request as a line of its history: when, who (a name, or opsbot), what in the
    history's one vocabulary ("approved at step 2 for Shi Hong", "escalated step 1 from Wu Fang to Zhou Jie",
    "delegated step 1 to Feng Yu"), and the reason they gave."""
    after = entry.after or {}
    line: dict[str, Param] = {
        "at": Time(entry.at),
        "who": Term("approval.history.opsbot") if entry.actor == SYSTEM else names(entry.actor),
        "what": _what(entry, names),
    }
    reason = after.get("reason") if entry.action in DECISIONS else None
    if reason:
        return Notice.of("approval.history.line.reason", **line, reason=Quote(reason))
    return Notice.of("approval.history.line", **line)


def _what(entry: AuditEntry, names: Callable[[str], str]) -> Param:
    after = entry.after or {}
    step = after.get("step")
    if entry.action in DECISIONS:
        what = _history(entry.action)
        behalf = after.get("acting_for")
        if not behalf:
            return Notice.of("approval.history.decided", what=what, step=step)
        return Notice.of(
            "approval.history.decided.as_superior"
            if after.get("as_superior")
            else "approval.history.decided.for",
            what=what,
            step=step,
            approver=names(behalf),
        )
    if entry.action == "approval.escalated":
        return Notice.of(
            "approval.history.escalated_step",
            step=step,
            approver=names(after["from"]),
            superior=names(after["to"]),
        )
    if entry.action == DELEGATED:
        return Notice.of("approval.history.delegated_step", step=step, delegate=names(after["delegate"]))
    if entry.action == REMINDED:
        return _reminded([names(p) for p in after["to"]], step)
    return _history(entry.action)


def _reminded(people: list[str], step: Param) -> Notice:
    """Whom a reminder reached: "reminded Wu Fang of step 1", "reminded Wu Fang and Chen Jing of step 1"."""
    *others, last = people
    if not others:
        return Notice.of("approval.history.reminded_step", people=last, step=step)
    return Notice.of("approval.history.reminded_step.and", people=others, last=last, step=step)


def _history(action: str) -> Param:
    """An action in the history's words; one opsbot has no word for reads as it was recorded."""
    name = action.removeprefix("approval.")
    return Term(f"approval.history.{name}") if action in HISTORY else name


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
