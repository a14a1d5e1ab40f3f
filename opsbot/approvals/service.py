"""Requesting, deciding, delegating, withdrawing and resubmitting approvals.

Every decision locks its request row first, so a double click, two approvers clicking at once or Slack
retrying a click produce exactly one decision: the second finds the step already decided and is told by whom.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from opsbot import audit, deadlines, outbox
from opsbot.approvals import clocks
from opsbot.approvals.cards import publish, republish_waiting_for
from opsbot.approvals.chains import resolve_chain
from opsbot.approvals.lifecycle import DONE, Decision, RequestState, StepState, after_decision
from opsbot.approvals.models import ApprovalRequest, ApprovalStep, Delegation, checked_fields
from opsbot.approvals.records import (
    active_delegations,
    decides_another_step,
    delegations_in_force,
    load,
    steps_of,
)
from opsbot.clock import center_time
from opsbot.context import Context
from opsbot.errors import InvalidInput, NotAllowed, NotFound
from opsbot.numbering import next_number

KIND = "APR"
MAX_PURPOSE = 2000
MAX_REASON = 2000


def request_approval(
    session: Session,
    ctx: Context,
    *,
    kind_key: str,
    purpose: str,
    amount: Decimal | None = None,
    fields: dict[str, Any] | None = None,
) -> ApprovalRequest:
    ctx.directory.member(ctx.actor)
    settings = ctx.center.approvals
    kind = settings.kind(kind_key)
    purpose = _text(purpose, "purpose", MAX_PURPOSE)
    checked = checked_fields(kind, fields or {}, ctx.today)  # dates as ISO text, as the JSON column holds
    standing_in = active_delegations(session, ctx.today)
    chain = resolve_chain(
        settings,
        kind.key,
        ctx.actor,
        ctx.directory,
        amount=amount,
        target_unit=checked.get("target_unit"),
        delegations=standing_in,
    )
    request = ApprovalRequest(
        # Taken after every read and check: the counter's row stays locked from here until the commit.
        number=next_number(session, KIND, ctx.now.astimezone(ctx.center.calendar.zone).year),
        kind_key=kind.key,
        requester=ctx.actor,
        purpose=purpose,
        amount=amount,
        currency=settings.currency if amount is not None else None,
        fields=checked,
        state=RequestState.PENDING,
        current_step=1,
        created_at=ctx.now,
        version=1,
    )
    session.add(request)
    session.flush()
    deadlines.none_yet(session, clocks.KIND, request.id)
    steps = _add_round(session, request, chain, round_=1, now=ctx.now)
    audit.record(
        session,
        at=ctx.now,
        actor=ctx.actor,
        action="approval.requested",
        subject=request.number,
        after={
            "kind": kind.key,
            "amount": _amount_text(amount),
            "purpose": purpose,
            "chain": [f"{step.label}: {step.approver}" for step in chain],
            **checked,
        },
    )
    clocks.settle(session, request, steps, ctx)
    publish(session, request, ctx, steps=steps, standing_in=standing_in, new=True)
    return request


def _add_round(
    session: Session, request: ApprovalRequest, chain: list[Any], *, round_: int, now: datetime
) -> list[ApprovalStep]:
    """The steps of a new round of the chain, its first waiting."""
    steps = [
        ApprovalStep(
            request_id=request.id,
            round=round_,
            position=position,
            label=step.label,
            approver=step.approver,
            state=StepState.PENDING if position == 1 else StepState.WAITING,
            waiting_since=now if position == 1 else None,
        )
        for position, step in enumerate(chain, start=1)
    ]
    session.add_all(steps)
    session.flush()
    return steps


def may_decide(step: ApprovalStep, person: str, delegations: dict[str, str]) -> bool:
    """The approver, whoever stands in for them, or the superior the step was escalated to."""
    return person in (step.approver, delegations.get(step.approver), step.escalated_to)


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
    request = load(session, number)
    steps = steps_of(session, request)
    step = _waiting_step(session, request, steps, round_, position, ctx)
    if ctx.actor == request.requester:
        raise NotAllowed(f"You asked for {request.number}, so you can't decide it.")
    delegations = active_delegations(session, ctx.today)
    if not may_decide(step, ctx.actor, delegations):
        raise NotAllowed(
            f"Step {step.position} of {request.number} ({step.label}) is "
            f"{ctx.directory.name_of(step.approver)}'s to decide"
            + (
                f" (or {ctx.directory.name_of(delegations[step.approver])}'s, standing in)."
                if step.approver in delegations
                else "."
            )
        )
    # Only the step's own approver is exempt: a delegate, or a superior it was escalated to, who approves or
    # decided another step would decide two steps of one chain.
    if ctx.actor != step.approver and decides_another_step(ctx.actor, step, steps):
        raise NotAllowed(
            f"You decide another step of {request.number}, so you can't also decide step {step.position} "
            f"({step.label}, {ctx.directory.name_of(step.approver)}'s): no one decides two steps of one "
            "chain."
        )
    if decision is Decision.RETURN and not ctx.center.approvals.kind(request.kind_key).returnable:
        raise InvalidInput(
            f"A {ctx.center.approvals.kind(request.kind_key).name.lower()} can't be returned for "
            "correction: approve or deny it."
        )
    if decision is not Decision.APPROVE:
        reason = _text(reason, "reason", MAX_REASON)
    step.state = DONE[decision]
    step.decided_by, step.decided_at, step.reason = ctx.actor, ctx.now, reason or None
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
    audit.record(
        session,
        at=ctx.now,
        actor=ctx.actor,
        action=f"approval.{decision.value}",
        subject=request.number,
        after={
            "round": round_,
            "step": position,
            "label": step.label,
            "reason": reason or None,
            "acting_for": acting_for,
            # In the approver's place as the superior the step was escalated to, or as their delegate.
            "as_superior": acting_for is not None and ctx.actor == step.escalated_to,
        },
    )
    clocks.settle(session, request, steps, ctx)
    # Once the round ends, the requester is told its outcome.
    publish(session, request, ctx, steps=steps, standing_in=delegations)
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
            raise NotFound(f"{request.number} has no such step; open the latest card.")
        raise InvalidInput(_already(earlier, request, ctx, resubmitted=True))
    if StepState(step.state) is not StepState.PENDING:
        raise InvalidInput(_already(step, request, ctx))
    return step


def _already(step: ApprovalStep, request: ApprovalRequest, ctx: Context, *, resubmitted: bool = False) -> str:
    since = f" {request.number} was resubmitted since; open its latest card." if resubmitted else ""
    if step.decided_by:
        when = center_time(step.decided_at, ctx.center.calendar.zone) if step.decided_at else None
        return (
            f"Step {step.position} of {request.number} was already {StepState(step.state).words} by "
            f"{ctx.directory.name_of(step.decided_by)}" + (f" at {when}." if when else ".") + since
        )
    if resubmitted:
        return f"Step {step.position} of {request.number} is no longer waiting for a decision.{since}"
    return (
        f"{request.number} is {RequestState(request.state).words}; step {step.position} is no longer waiting "
        "for a decision."
    )


def withdraw(session: Session, ctx: Context, number: str) -> ApprovalRequest:
    request = load(session, number)
    if request.requester != ctx.actor:
        raise NotAllowed(
            f"Only {ctx.directory.name_of(request.requester)}, who asked, can withdraw {request.number}."
        )
    if RequestState(request.state) not in (RequestState.PENDING, RequestState.RETURNED):
        raise InvalidInput(
            f"{request.number} is already {RequestState(request.state).words}; it can't be withdrawn."
        )
    steps = steps_of(session, request)
    for step in steps:
        if StepState(step.state) in (StepState.PENDING, StepState.WAITING):
            step.state = StepState.CANCELLED
    request.state, request.current_step, request.decided_at = RequestState.WITHDRAWN, None, ctx.now
    audit.record(session, at=ctx.now, actor=ctx.actor, action="approval.withdrawn", subject=request.number)
    clocks.settle(session, request, steps, ctx)
    publish(session, request, ctx, steps=steps)
    return request


def resubmit(
    session: Session,
    ctx: Context,
    number: str,
    *,
    purpose: str | None = None,
    amount: Decimal | None = None,
    fields: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """After a return for correction: the same number, a new round of the chain; the earlier rounds stay.
    The requester may correct the purpose, for kinds with an amount the amount, and the kind's other fields
    (`fields` replaces them all, as the Resubmit form gives them; None keeps them). Whatever the request then
    holds is checked like a new request's, and the chain is resolved again with it (a new amount may fall in
    another tier)."""
    request = load(session, number)
    if request.requester != ctx.actor:
        raise NotAllowed(f"Only {ctx.directory.name_of(request.requester)} can resubmit {request.number}.")
    if RequestState(request.state) is not RequestState.RETURNED:
        raise InvalidInput(
            f"{request.number} is {RequestState(request.state).words}; only a request returned for "
            "correction is resubmitted."
        )
    kind = ctx.center.approvals.kind(request.kind_key)
    before = {"purpose": request.purpose, "amount": _amount_text(request.amount), **request.fields}
    corrected_purpose = _text(purpose, "purpose", MAX_PURPOSE) if purpose is not None else request.purpose
    corrected_amount = amount if amount is not None else request.amount
    corrected_fields = checked_fields(kind, request.fields if fields is None else fields, ctx.today)
    # Resolved before the request changes: nothing invalid is flushed (PostgreSQL would refuse an amount too
    # large for its column with a database error instead of this refusal).
    standing_in = active_delegations(session, ctx.today)
    chain = resolve_chain(
        ctx.center.approvals,
        request.kind_key,
        request.requester,
        ctx.directory,
        amount=corrected_amount,
        target_unit=corrected_fields.get("target_unit"),
        delegations=standing_in,
    )
    returned = steps_of(session, request)
    request.purpose, request.amount, request.fields = corrected_purpose, corrected_amount, corrected_fields
    round_ = returned[0].round + 1
    steps = _add_round(session, request, chain, round_=round_, now=ctx.now)
    request.state, request.current_step, request.decided_at = RequestState.PENDING, 1, None
    audit.record(
        session,
        at=ctx.now,
        actor=ctx.actor,
        action="approval.resubmitted",
        subject=request.number,
        before=before,
        after={
            "round": round_,
            "purpose": request.purpose,
            "amount": _amount_text(request.amount),
            **corrected_fields,
            "chain": [f"{step.label}: {step.approver}" for step in chain],
        },
    )
    clocks.settle(session, request, steps, ctx)
    publish(session, request, ctx, steps=steps, standing_in=standing_in, ended=returned)
    return request


def delegate(session: Session, ctx: Context, *, to: str, until: date) -> Delegation:
    """While the person is away, `to` may decide their steps: those of new requests, and those already waiting
    for them, whose cards are sent to `to` now."""
    me = ctx.directory.member(ctx.actor)
    standing_in = ctx.directory.get(to)
    if standing_in is None:
        raise InvalidInput("That person is not in the center's directory, so they can't decide for you.")
    if to == me.slack_id:
        raise InvalidInput("Choose someone else to decide for you while you are away.")
    if until < ctx.today:
        raise InvalidInput(f"{until:%Y-%m-%d} is already past; give the last day you are away.")
    for row in session.scalars(
        select(Delegation).where(Delegation.delegator == me.slack_id, Delegation.ended_at.is_(None))
    ):
        row.ended_at = ctx.now  # one delegation at a time: the new one replaces the old
    row = Delegation(delegator=me.slack_id, delegate=to, until=until, created_at=ctx.now)
    session.add(row)
    audit.record(
        session,
        at=ctx.now,
        actor=ctx.actor,
        action="approval.delegated",
        subject=f"person:{me.slack_id}",
        after={"delegate": to, "until": until.isoformat()},
    )
    session.flush()
    republish_waiting_for(session, ctx, me.slack_id)  # the steps already waiting go to the delegate
    _republish_homes(session, ctx, me.slack_id)
    return row


def delegations_of(session: Session, ctx: Context) -> tuple[Delegation | None, list[Delegation]]:
    """The person's own delegation in force (who decides for them), and those in which they decide for
    others."""
    return delegations_in_force(session, ctx.directory.member(ctx.actor).slack_id, ctx.today)


def end_delegation(session: Session, ctx: Context) -> Delegation:
    """End the person's delegation now: from here on their steps wait for them again."""
    me = ctx.directory.member(ctx.actor)
    rows = list(
        session.scalars(
            select(Delegation)
            .where(Delegation.delegator == me.slack_id, Delegation.ended_at.is_(None))
            .where(Delegation.until >= ctx.today)
            .with_for_update()
        )
    )
    if not rows:
        raise InvalidInput("No one decides for you at the moment, so there is nothing to end.")
    for row in rows:
        row.ended_at = ctx.now
        audit.record(
            session,
            at=ctx.now,
            actor=ctx.actor,
            action="approval.delegation_ended",
            subject=f"person:{me.slack_id}",
            before={"delegate": row.delegate, "until": row.until.isoformat()},
        )
    session.flush()
    republish_waiting_for(session, ctx, me.slack_id)  # the delegate's buttons go
    _republish_homes(session, ctx, me.slack_id)
    return rows[-1]


def _republish_homes(session: Session, ctx: Context, delegator: str) -> None:
    """A delegation set or ended shows on the Homes of the delegator and of their delegates, new and old."""
    outbox.republish_homes(
        session, [delegator], now=ctx.now, including=_DELEGATES, params={"delegator": delegator}
    )


_DELEGATES = select(Delegation.delegate).where(Delegation.delegator == bindparam("delegator"))


def _amount_text(amount: Decimal | None) -> str | None:
    return f"{amount:.2f}" if amount is not None else None


def _text(text: str, what: str, limit: int) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(f"The {what} is required.", field=what)
    if len(text) > limit:
        raise InvalidInput(
            f"The {what} holds up to {limit:,} characters; yours has {len(text):,}.", field=what
        )
    return text
