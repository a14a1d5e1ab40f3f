"""Asking for an approval, and what its requester does with it after: withdrawing it before the final
decision, resubmitting it once returned for correction. Deciding is `deciding`; standing in, `delegation`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from opsbot import deadlines
from opsbot.approvals import clocks
from opsbot.approvals.asking import Asked, Asking, asking
from opsbot.approvals.cards import publish
from opsbot.approvals.chains import ChainStep, resolve_chain
from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.permissions import IS_REQUESTER
from opsbot.approvals.policy import ApprovalSettings
from opsbot.approvals.records import SUBJECT, active_delegations, steps_of
from opsbot.changes import Step
from opsbot.context import Context
from opsbot.errors import InvalidInput
from opsbot.numbering import next_number
from opsbot.permissions import require

KIND = "APR"


def request_approval(
    session: Session,
    ctx: Context,
    *,
    kind_key: str,
    purpose: str,
    amount: Decimal | str | None = None,
    fields: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """The actor asks for an approval of `kind_key`: the amount as they wrote it (or a number), the kind's
    fields as the form gives them."""
    ctx.directory.member(ctx.actor)
    settings = ApprovalSettings.of(ctx.center)
    kind = settings.kind(kind_key)
    given = asking(Asked.of(ctx, kind), purpose=purpose, amount=amount, fields=fields or {})
    checked = given.fields_of(kind)  # dates as ISO text, as the JSON column holds
    standing_in = active_delegations(session, ctx.today)
    chain = _chain(ctx, kind.key, ctx.actor, given, standing_in)
    request = ApprovalRequest(
        # Taken after every read and check: the counter's row stays locked from here until the commit.
        number=next_number(session, KIND, ctx.now.astimezone(ctx.center.calendar.zone).year),
        kind_key=kind.key,
        requester=ctx.actor,
        purpose=str(given.purpose),
        amount=given.amount,
        currency=settings.currency if given.amount is not None else None,
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
    after = {"kind": kind.key, "amount": _amount_text(request.amount), "purpose": request.purpose}
    taken = Step(
        "requested",
        after=after | {"chain": _chain_record(chain), **checked},
    )
    clocks.settle(session, request, steps, ctx)
    publish(session, request, ctx, steps=steps, standing_in=standing_in, new=True, step=taken)
    return request


def _chain(
    ctx: Context, kind_key: str, requester: str, given: Asking, standing_in: dict[str, str]
) -> list[ChainStep]:
    return resolve_chain(
        ApprovalSettings.of(ctx.center),
        kind_key,
        requester,
        ctx.directory,
        amount=given.amount,
        target_unit=given.target_unit,
        delegations=standing_in,
    )


def _chain_record(chain: list[ChainStep]) -> list[str]:
    return [f"{step.label}: {step.approver}" for step in chain]


def _add_round(
    session: Session, request: ApprovalRequest, chain: list[ChainStep], *, round_: int, now: datetime
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


def withdraw(session: Session, ctx: Context, number: str) -> ApprovalRequest:
    request = SUBJECT.load(session, number)
    parties = SUBJECT.parties(request, ctx.directory)
    require(IS_REQUESTER, ctx, "approval.withdraw", subject=parties, number=request.number)
    if RequestState(request.state) not in (RequestState.PENDING, RequestState.RETURNED):
        raise InvalidInput(
            "approval.withdraw.closed", number=request.number, state=RequestState(request.state).term
        )
    steps = steps_of(session, request)
    for step in steps:
        if StepState(step.state) in (StepState.PENDING, StepState.WAITING):
            step.state = StepState.CANCELLED
    request.state, request.current_step, request.decided_at = RequestState.WITHDRAWN, None, ctx.now
    clocks.settle(session, request, steps, ctx)
    publish(session, request, ctx, steps=steps, step=Step("withdrawn"))
    return request


def resubmit(
    session: Session,
    ctx: Context,
    number: str,
    *,
    purpose: str | None = None,
    amount: Decimal | str | None = None,
    fields: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """After a return for correction: the same number, a new round of the chain; the earlier rounds stay.
    The requester may correct the purpose, for kinds with an amount the amount, and the kind's other fields
    (`fields` replaces them all, as the Resubmit form gives them; None keeps them). Whatever the request then
    holds is read like a new request's, and the chain is resolved again with it (a new amount may fall in
    another tier)."""
    request = SUBJECT.load(session, number)
    _may_resubmit(request, ctx)
    kind = ApprovalSettings.of(ctx.center).kind(request.kind_key)
    before = {"purpose": request.purpose, "amount": _amount_text(request.amount), **request.fields}
    given = asking(
        Asked.of(ctx, kind),
        purpose=request.purpose if purpose is None else purpose,
        amount=request.amount if amount is None else amount,
        fields=request.fields if fields is None else fields,
    )
    # Resolved before the request changes: nothing invalid is flushed.
    standing_in = active_delegations(session, ctx.today)
    chain = _chain(ctx, request.kind_key, request.requester, given, standing_in)
    returned = steps_of(session, request)
    request.purpose, request.amount, request.fields = str(given.purpose), given.amount, given.fields_of(kind)
    round_ = returned[0].round + 1
    steps = _add_round(session, request, chain, round_=round_, now=ctx.now)
    request.state, request.current_step, request.decided_at = RequestState.PENDING, 1, None
    corrected = {"purpose": request.purpose, "amount": _amount_text(request.amount), **request.fields}
    taken = Step(
        "resubmitted",
        before=before,
        after={"round": round_, **corrected, "chain": _chain_record(chain)},
    )
    clocks.settle(session, request, steps, ctx)
    publish(session, request, ctx, steps=steps, standing_in=standing_in, ended=returned, step=taken)
    return request


def _may_resubmit(request: ApprovalRequest, ctx: Context) -> None:
    """Only its requester resubmits a request, and only once it is returned for correction."""
    parties = SUBJECT.parties(request, ctx.directory)
    require(IS_REQUESTER, ctx, "approval.resubmit", subject=parties, number=request.number)
    if RequestState(request.state) is not RequestState.RETURNED:
        raise InvalidInput(
            "approval.resubmit.not_returned", number=request.number, state=RequestState(request.state).term
        )


def _amount_text(amount: Decimal | None) -> str | None:
    return f"{amount:.2f}" if amount is not None else None
