"""What every approval step shares: who is acting and when, the delegations in force, loading a request
with its latest round of steps, and the segregation-of-duties rules on those steps."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from opsbot.approvals.models import ApprovalRequest, ApprovalStep, Delegation
from opsbot.directory import Directory
from opsbot.notices import Money
from opsbot.subjects import Parties, SubjectKind, by_number


def active_delegations(session: Session, today: date) -> dict[str, str]:
    return {delegator: delegate for delegator, delegate in session.execute(_ACTIVE, {"today": today})}


# The statements every decision runs, built once.
_ACTIVE = (
    select(Delegation.delegator, Delegation.delegate)
    .where(Delegation.until >= bindparam("today"), Delegation.ended_at.is_(None))
    .order_by(Delegation.id)
)


def delegations_in_force(
    session: Session, person: str, today: date
) -> tuple[Delegation | None, list[Delegation]]:
    """The person's own delegation in force (who decides for them), and those in which they decide for
    others."""
    in_force = (Delegation.ended_at.is_(None)) & (Delegation.until >= today)
    mine = session.scalars(
        select(Delegation).where(Delegation.delegator == person, in_force).order_by(Delegation.id.desc())
    ).first()
    for_others = list(
        session.scalars(
            select(Delegation).where(Delegation.delegate == person, in_force).order_by(Delegation.id)
        )
    )
    return mine, for_others


def _parties(request: ApprovalRequest, _directory: Directory) -> Parties:
    """A request is its requester's (its steps' approvers are read with its steps, where one is decided)."""
    return Parties(owner=request.requester, unit=None, parties=frozenset({request.requester}))


SUBJECT: SubjectKind[ApprovalRequest] = SubjectKind(
    kind="approval", prefix="APR", load=by_number("approval", ApprovalRequest.number), parties=_parties
)


def steps_of(session: Session, request: ApprovalRequest) -> list[ApprovalStep]:
    """The steps of the request's latest round, in order."""
    rows = session.scalars(_STEPS, {"request_id": request.id}).all()
    latest = rows[0].round if rows else 0
    return [row for row in rows if row.round == latest]


_STEPS = (
    select(ApprovalStep)
    .where(ApprovalStep.request_id == bindparam("request_id"))
    .order_by(ApprovalStep.round.desc(), ApprovalStep.position)
)


def on_other_steps(step: ApprovalStep, steps: list[ApprovalStep]) -> frozenset[str]:
    """Everyone who approves, decided, or was escalated a step of the chain other than `step`."""
    return frozenset(
        person
        for other in steps
        if other is not step
        for person in (other.approver, other.decided_by, other.escalated_to)
        if person
    )


def decides_another_step(person: str, step: ApprovalStep, steps: list[ApprovalStep]) -> bool:
    """Whether the person has a part in a step of the chain other than `step`: no one decides two steps of
    one chain (segregation of incompatible duties)."""
    return person in on_other_steps(step, steps)


def others_in_chain(
    request: ApprovalRequest, step: ApprovalStep, steps: list[ApprovalStep]
) -> frozenset[str]:
    """Whom an escalation of `step` passes over: the requester, and everyone with a part in another step of
    the chain (no one decides two steps of one chain)."""
    return frozenset({request.requester, *on_other_steps(step, steps)})


def stand_in(
    step: ApprovalStep, steps: list[ApprovalStep], requester: str, delegations: Mapping[str, str]
) -> str | None:
    """Who may decide the step in its approver's place under an active delegation: None when there is no
    delegation, or when the delegate is the requester or has a part in another step of the chain."""
    delegate = delegations.get(step.approver)
    if delegate is None or delegate in (requester, step.approver):
        return None
    return None if decides_another_step(delegate, step, steps) else delegate


def money_of(request: ApprovalRequest) -> Money | None:
    """The request's amount in its currency, or None."""
    if request.amount is None or request.currency is None:
        return None
    return Money(request.amount, request.currency)
