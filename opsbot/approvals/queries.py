"""What `/approval list` and `/approval show` read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.records import Clerk, active_delegations, load, steps_of
from opsbot.audit import AuditEntry
from opsbot.errors import NotAllowed
from opsbot.roles import Role

SHOWN = 15


@dataclass(frozen=True)
class Listing:
    waiting: list[tuple[ApprovalRequest, ApprovalStep]]  # steps waiting for me (or for whom I stand in)
    mine: list[ApprovalRequest]  # my own requests, newest first


def listing(session: Session, clerk: Clerk) -> Listing:
    me = clerk.directory.member(clerk.actor).slack_id
    standing_in_for = [
        who for who, delegate in active_delegations(session, clerk.today).items() if delegate == me
    ]
    waiting = session.execute(
        select(ApprovalRequest, ApprovalStep)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(
            ApprovalStep.state == StepState.PENDING,
            # Standing in for an approver of my own request does not make it mine to decide.
            ApprovalRequest.requester != me,
            or_(ApprovalStep.approver == me, ApprovalStep.approver.in_(standing_in_for)),
        )
        .order_by(ApprovalStep.waiting_since)
        .limit(SHOWN)
    ).all()
    mine = session.scalars(
        select(ApprovalRequest)
        .where(ApprovalRequest.requester == me)
        .order_by(ApprovalRequest.id.desc())
        .limit(SHOWN)
    ).all()
    return Listing(waiting=[(request, step) for request, step in waiting], mine=list(mine))


@dataclass(frozen=True)
class Shown:
    request: ApprovalRequest
    steps: list[ApprovalStep]
    history: list[AuditEntry]


def show(session: Session, clerk: Clerk, number: str) -> Shown:
    """The requester, the chain's approvers, QC inspectors and managers and above may look."""
    request = load(session, number, for_change=False)
    person = clerk.directory.member(clerk.actor)
    every_step = session.scalars(select(ApprovalStep).where(ApprovalStep.request_id == request.id)).all()
    involved = {request.requester, *(s.approver for s in every_step), *(s.decided_by for s in every_step)}
    if (
        person.slack_id not in involved
        and person.role is not Role.QC_INSPECTOR
        and person.role.rank < Role.MANAGER.rank
    ):
        raise NotAllowed(f"{request.number} is visible to its requester, its approvers, QC and managers.")
    history = session.scalars(
        select(AuditEntry).where(AuditEntry.subject == request.number).order_by(AuditEntry.id)
    ).all()
    return Shown(request=request, steps=steps_of(session, request), history=list(history))
