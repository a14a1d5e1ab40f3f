"""Steps waiting too long: the approver is reminded after the policy's business hours, and after a longer
wait the step is escalated to the approver's superior, who may then decide it too."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot.approvals.cards import publish, tell
from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.records import Clerk, steps_of
from opsbot.business_hours import business_time_between
from opsbot.center import Center
from opsbot.directory import load_directory
from opsbot.sweeps import Sweep


def chase_waiting_steps(session: Session, now: datetime, center: Center) -> int:
    settings = center.approvals
    clerk = Clerk(center=center, directory=load_directory(session), now=now, actor="system")
    rows = session.execute(
        select(ApprovalStep, ApprovalRequest)
        .join(ApprovalRequest, ApprovalRequest.id == ApprovalStep.request_id)
        .where(ApprovalStep.state == StepState.PENDING, ApprovalStep.escalated_to.is_(None))
        .order_by(ApprovalStep.waiting_since)
        .with_for_update(of=ApprovalStep, skip_locked=True)
    ).all()
    acted = 0
    for step, request in rows:
        assert step.waiting_since is not None
        waited = business_time_between(step.waiting_since, now, center.calendar)
        name = clerk.directory.name_of(step.approver)
        if waited >= timedelta(hours=settings.escalate_after_hours):
            # Segregation of duties holds for escalation too: not the requester, not another step's approver.
            others = {request.requester} | {s.approver for s in steps_of(session, request) if s is not step}
            chain = clerk.directory.superior_chain(step.approver)
            superior = next((p for p in chain if p.slack_id not in others), None)
            if superior is None:
                continue
            step.escalated_to = superior.slack_id
            tell(
                session,
                request,
                clerk,
                to=superior.slack_id,
                why="escalated",
                text=f"⚠️ *{request.number}* has waited for {name} (step {step.position}, {step.label}) for "
                f"{settings.escalate_after_hours:g} business hours. As their superior you may decide it: "
                f"`/approval show {request.number}`.",
            )
            publish(session, request, clerk)  # the superior's copy of the card carries the buttons
            acted += 1
        elif not step.reminded and waited >= timedelta(hours=settings.remind_after_hours):
            step.reminded = True
            tell(
                session,
                request,
                clerk,
                to=step.approver,
                why="reminded",
                text=f"⏰ *{request.number}* ({request.purpose[:80]}) waits for your decision.",
            )
            acted += 1
    return acted


def approval_sweeps(center: Center) -> tuple[Sweep, ...]:
    return (
        Sweep(
            "chase_waiting_approvals",
            timedelta(minutes=5),
            lambda session, now: chase_waiting_steps(session, now, center),
        ),
    )
