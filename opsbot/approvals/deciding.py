"""Deciding a step: approving, denying, returning for correction.

Every decision locks its request row first, so a double click, two approvers clicking at once or Slack
retrying a click produce exactly one decision: the second finds the step already decided and is told by whom.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from sqlalchemy.orm import Session

from opsbot.approvals import clocks, phrases
from opsbot.approvals.cards import publish
from opsbot.approvals.lifecycle import DONE, Decision, RequestState, StepState, after_decision
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.permissions import DECIDES_STEP, on_step
from opsbot.approvals.policy import ApprovalSettings
from opsbot.approvals.records import SUBJECT, active_delegations, steps_of
from opsbot.changes import Step
from opsbot.context import Context
from opsbot.errors import InvalidInput, NotFound
from opsbot.inputs import Input, Words, parse
from opsbot.notices import Time
from opsbot.permissions import require

MAX_REASON = 2000


class Deciding(Input):
    """Why a step is denied or returned: the requester reads it."""

    terms: ClassVar[str] = "approval.field"

    reason: Annotated[str, Words(MAX_REASON)]


def decide(
    session: Session,
    ctx: Context,
    number: str,
    *,
    round_: int,
    position: int,
    decision: Decision,
    reason: str = "",
) -> ApprovalRequest:
    request = SUBJECT.load(session, number)
    steps = steps_of(session, request)
    step = _waiting_step(session, request, steps, round_, position, ctx)
    delegations = active_delegations(session, ctx.today)
    require(
        DECIDES_STEP,
        ctx,
        "approval.decide",
        subject=on_step(request, step, steps, ctx.directory, delegations),
        number=request.number,
        position=position,
        label=phrases.label(step.label),
    )
    if decision is Decision.RETURN and not ApprovalSettings.of(ctx.center).kind(request.kind_key).returnable:
        kind = ApprovalSettings.of(ctx.center).kind(request.kind_key).name
        raise InvalidInput("approval.not_returnable", kind=kind)
    why = None if decision is Decision.APPROVE else str(parse(Deciding, {"reason": reason}).reason)
    step.state = DONE[decision]
    step.decided_by, step.decided_at, step.reason = ctx.actor, ctx.now, why
    outcome = after_decision([s.position for s in steps], position, decision)
    request.state, request.current_step = outcome.request, outcome.next_position
    if outcome.request.is_final:
        request.decided_at = ctx.now
        for later in steps:
            if later.position > position:
                later.state = StepState.CANCELLED
    elif outcome.next_position is not None:
        following = next(s for s in steps if s.position == outcome.next_position)
        following.state, following.waiting_since = StepState.PENDING, ctx.now
    acting_for = step.approver if ctx.actor != step.approver else None
    taken = Step(
        f"{decision.value}",
        after={
            "round": round_,
            "step": position,
            "label": step.label,
            "reason": why,
            "acting_for": acting_for,
            # In the approver's place as the superior the step was escalated to, or as their delegate.
            "as_superior": acting_for is not None and ctx.actor == step.escalated_to,
        },
    )
    clocks.settle(session, request, steps, ctx)
    # Once the round ends, the requester is told its outcome.
    publish(session, request, ctx, steps=steps, standing_in=delegations, step=taken)
    return request


def _waiting_step(
    session: Session,
    request: ApprovalRequest,
    steps: list[ApprovalStep],
    round_: int,
    position: int,
    ctx: Context,
) -> ApprovalStep:
    """The step a button names, if it still waits for a decision; otherwise say what became of it. A card
    from before a resubmission names a step of an earlier round, which is answered like any decided step."""
    step = next((s for s in steps if s.position == position and s.round == round_), None)
    if step is None:
        earlier = session.get(ApprovalStep, (request.id, round_, position))
        if earlier is None:
            raise NotFound("approval.no_such_step", number=request.number)
        raise _already(earlier, request, ctx, resubmitted=True)
    if StepState(step.state) is not StepState.PENDING:
        raise _already(step, request, ctx)
    return step


def _already(
    step: ApprovalStep, request: ApprovalRequest, ctx: Context, *, resubmitted: bool = False
) -> InvalidInput:
    """What became of a step that no longer waits: who decided it and when, or that the request moved on."""
    number, position = request.number, step.position
    if step.decided_by:
        return InvalidInput(
            "approval.already_decided.resubmitted" if resubmitted else "approval.already_decided",
            number=number,
            position=position,
            state=StepState(step.state).term,
            who=ctx.directory.name_of(step.decided_by),
            at=Time(step.decided_at) if step.decided_at else None,
        )
    if resubmitted:
        return InvalidInput("approval.no_longer_waiting.resubmitted", number=number, position=position)
    state = RequestState(request.state).term
    return InvalidInput("approval.no_longer_waiting", number=number, position=position, state=state)
