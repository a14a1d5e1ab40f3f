"""Steps waiting too long: the approver (and whoever stands in for them) is reminded after the policy's
business hours, and after a longer wait the step is escalated to the approver's superior, who may then
decide it too.

Locks are taken in the order every decision takes them, the request first: the steps are read without a
lock, and each step that needs chasing has its request locked (`SKIP LOCKED`: a request another process or a
decision holds is chased on a later tick) and is read again, as a decision may have moved it meanwhile."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot import audit
from opsbot.approvals.cards import REMINDED, publish
from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.records import Clerk, active_delegations, decides_another_step, stand_in, steps_of
from opsbot.audit import SYSTEM
from opsbot.business_hours import business_time_between
from opsbot.center import Center
from opsbot.directory import Member, load_directory
from opsbot.sweeps import Sweep


class Chase(Enum):
    REMIND = "remind"
    ESCALATE = "escalate"


def chase_waiting_steps(session: Session, now: datetime, center: Center) -> int:
    clerk = Clerk(center=center, directory=load_directory(session), now=now, actor="system")
    acted = 0
    for key, chase in _steps_to_chase(session, clerk):
        claimed = _claim(session, *key)
        if claimed is None:
            continue
        request, step = claimed
        if chase is Chase.ESCALATE and _escalate(session, clerk, request, step):
            acted += 1
        elif not step.reminded:
            # Also a step due for escalation with no one free above its approver: it is at least reminded.
            _remind(session, clerk, request, step)
            acted += 1
    return acted


def _steps_to_chase(session: Session, clerk: Clerk) -> list[tuple[tuple[int, int, int], Chase]]:
    """The waiting steps due for a reminder or an escalation, read without a lock (by key, not as rows, so
    that the step is read afresh once its request is locked)."""
    settings = clerk.center.approvals
    rows = session.execute(
        select(
            ApprovalStep.request_id,
            ApprovalStep.round,
            ApprovalStep.position,
            ApprovalStep.waiting_since,
            ApprovalStep.reminded,
        )
        .where(ApprovalStep.state == StepState.PENDING, ApprovalStep.escalated_to.is_(None))
        .order_by(ApprovalStep.waiting_since)
    ).all()
    due: list[tuple[tuple[int, int, int], Chase]] = []
    for request_id, round_, position, waiting_since, reminded in rows:
        assert waiting_since is not None
        waited = business_time_between(waiting_since, clerk.now, clerk.center.calendar)
        if waited >= timedelta(hours=settings.escalate_after_hours):
            due.append(((request_id, round_, position), Chase.ESCALATE))
        elif not reminded and waited >= timedelta(hours=settings.remind_after_hours):
            due.append(((request_id, round_, position), Chase.REMIND))
    return due


def _claim(
    session: Session, request_id: int, round_: int, position: int
) -> tuple[ApprovalRequest, ApprovalStep] | None:
    """Lock the request, as a decision does, then read the step again: None when someone else holds the
    request or the step no longer waits unescalated. Every change to a step locks its request first, so the
    request's lock also guards the step."""
    request = session.scalars(
        select(ApprovalRequest)
        .where(ApprovalRequest.id == request_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if request is None:
        return None
    step = session.scalars(
        select(ApprovalStep)
        .where(
            ApprovalStep.request_id == request_id,
            ApprovalStep.round == round_,
            ApprovalStep.position == position,
        )
        .execution_options(populate_existing=True)
    ).one()
    if StepState(step.state) is not StepState.PENDING or step.escalated_to is not None:
        return None
    return request, step


def escalation_target(
    clerk: Clerk, request: ApprovalRequest, step: ApprovalStep, steps: list[ApprovalStep]
) -> Member | None:
    """The first of the approver's superiors with no part in the rest of the chain: not the requester, and
    not anyone who approves, decided or was escalated another step of it (no one decides two steps of one
    chain). None when no one up there is free."""
    return next(
        (
            p
            for p in clerk.directory.superior_chain(step.approver)
            if p.slack_id != request.requester and not decides_another_step(p.slack_id, step, steps)
        ),
        None,
    )


def _escalate(session: Session, clerk: Clerk, request: ApprovalRequest, step: ApprovalStep) -> bool:
    superior = escalation_target(clerk, request, step, steps_of(session, request))
    if superior is None:
        return False
    step.escalated_to = superior.slack_id
    audit.record(
        session,
        at=clerk.now,
        actor=SYSTEM,
        action="approval.escalated",
        subject=request.number,
        after={
            "round": step.round,
            "step": step.position,
            "label": step.label,
            "from": step.approver,
            "to": superior.slack_id,
        },
    )
    publish(session, request, clerk)  # the superior's copy of the card says why, and carries the buttons
    return True


def _remind(session: Session, clerk: Clerk, request: ApprovalRequest, step: ApprovalStep) -> None:
    """Remind the approver and, when someone stands in for them, the delegate too: either may decide. Each
    reminder carries the buttons; only the reminders are sent, the cards have not changed."""
    step.reminded = True
    delegate = stand_in(
        step, steps_of(session, request), request.requester, active_delegations(session, clerk.today)
    )
    audit.record(
        session,
        at=clerk.now,
        actor=SYSTEM,
        action=REMINDED,
        subject=request.number,
        after={
            "round": step.round,
            "step": step.position,
            "label": step.label,
            "to": [step.approver, *([delegate] if delegate else [])],
        },
    )
    reminders = f"step:{step.round}:{step.position}:reminded:"
    publish(session, request, clerk, only=lambda copy: copy.audience.startswith(reminders))


def approval_sweeps(center: Center) -> tuple[Sweep, ...]:
    return (
        Sweep(
            "chase_waiting_approvals",
            timedelta(minutes=5),
            lambda session, now: chase_waiting_steps(session, now, center),
        ),
    )
