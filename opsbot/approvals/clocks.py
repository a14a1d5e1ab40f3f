"""An approval's clock on the deadline engine: the step waiting for a decision. Each step's turn is a cycle
of the request's `step` clock, for that step (`round.position`), from when it began to wait; it ends when the
step is decided, or the request withdrawn or resubmitted. Every change of a request passes through
`settle`, which keeps the clock on the step that waits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from opsbot import deadlines
from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.context import Context

KIND = "approval"
STEP = "step"


def part_of(step: ApprovalStep) -> str:
    return f"{step.round}.{step.position}"


def settle(session: Session, request: ApprovalRequest, steps: list[ApprovalStep], ctx: Context) -> None:
    waiting = next((s for s in steps if StepState(s.state) is StepState.PENDING), None)
    running = deadlines.open_clocks(session, KIND, request.id).get(STEP)
    if running is not None and (waiting is None or running.part != part_of(waiting)):
        deadlines.end(running, ctx.now, how=deadlines.DONE)
        running = None
    if waiting is not None and running is None:
        deadlines.start(
            session,
            kind=KIND,
            subject_id=request.id,
            clock=STEP,
            part=part_of(waiting),
            owner=waiting.approver,
            due=None,
            now=ctx.now,
            started=waiting.waiting_since or ctx.now,
            ladder=ctx.center.ladder(KIND, STEP),
            calendar=ctx.center.calendar,
        )
