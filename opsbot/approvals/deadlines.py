"""What a waiting step's deadline does when its ladder's steps fall: a reminder reminds the approver (and
whoever stands in for them), each reminder carrying the buttons; an escalation lets the first superior with
no other part in the chain decide the step too, and gives them their own copy of the card.

The request is locked as a decision locks it (`SKIP LOCKED`: one a decision holds right now is left for the
next run), so a reminder never goes out for a step decided in the same instant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot.approvals.cards import REMINDED, publish
from opsbot.approvals.clocks import part_of
from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.records import active_delegations, others_in_chain, stand_in, steps_of
from opsbot.audit import SYSTEM
from opsbot.changes import Step
from opsbot.context import Context
from opsbot.deadline_sweep import About, Firing, Sweeping
from opsbot.deadlines import Deadline


class ApprovalDeadlines:
    def claim(self, session: Session, sweeping: Sweeping, ids: Sequence[int]) -> Mapping[int, Any]:
        requests = session.scalars(
            select(ApprovalRequest)
            .where(ApprovalRequest.id.in_(ids))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return {request.id: request for request in requests}

    def about(self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline) -> About:
        request: ApprovalRequest = subject
        steps = steps_of(session, request)
        step = _step(steps, deadline)
        return About(
            reference=request.number,
            summary=request.purpose[:80],
            owner=step.approver if step else None,
            parties=others_in_chain(request, step, steps) if step else frozenset({request.requester}),
        )

    def fire(
        self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline, firing: Firing
    ) -> set[str]:
        request: ApprovalRequest = subject
        steps = steps_of(session, request)
        step = _step(steps, deadline)
        if step is None or StepState(step.state) is not StepState.PENDING:
            return set()  # decided meanwhile: the clock ends with the change that decided it
        ctx = Context(center=sweeping.center, directory=sweeping.directory, now=sweeping.now, actor=SYSTEM)
        if firing.step.do == "escalate":
            superior = next((p for p, word in firing.people if word in ("superior", "next_level")), None)
            if superior is None:
                return set()
            _escalate(session, ctx, request, step, steps, superior)
            return {superior}
        if firing.step.do == "remind":
            return _remind(session, ctx, request, step, steps)
        return set()


def _step(steps: list[ApprovalStep], deadline: Deadline) -> ApprovalStep | None:
    return next((s for s in steps if part_of(s) == deadline.part), None)


def _escalate(
    session: Session,
    ctx: Context,
    request: ApprovalRequest,
    step: ApprovalStep,
    steps: list[ApprovalStep],
    to: str,
) -> None:
    step.escalated_to = to
    taken = Step(
        "escalated",
        after={
            "round": step.round,
            "step": step.position,
            "label": step.label,
            "from": step.approver,
            "to": to,
        },
    )
    publish(
        session, request, ctx, steps=steps, step=taken
    )  # the superior's copy says why, and carries the buttons


def _remind(
    session: Session, ctx: Context, request: ApprovalRequest, step: ApprovalStep, steps: list[ApprovalStep]
) -> set[str]:
    """Remind the approver and, when someone stands in for them, the delegate too: either may decide. Each
    reminder carries the buttons; only the reminders are sent, the cards have not changed."""
    delegate = stand_in(step, steps, request.requester, active_delegations(session, ctx.today))
    reminded = [step.approver, *([delegate] if delegate else [])]
    taken = Step(
        REMINDED.removeprefix("approval."),
        after={"round": step.round, "step": step.position, "label": step.label, "to": reminded},
    )
    reminders = f"step:{step.round}:{step.position}:reminded:"
    publish(
        session, request, ctx, steps=steps, only=lambda copy: copy.audience.startswith(reminders), step=taken
    )
    return set(reminded)
