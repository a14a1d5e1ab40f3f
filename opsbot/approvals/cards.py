"""The approval cards: one payload, sent to the requester, the approvals channel and each approver (plus
whoever stands in for them or was escalated to), each a living message updated in place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot import outbox
from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.policy import FIELD_LABELS
from opsbot.approvals.records import Clerk, active_delegations, load, stand_in, steps_of

CARD = "approval.card"
NOTICE = "approval.notice"


def publish(session: Session, request: ApprovalRequest, clerk: Clerk) -> None:
    """Update the three cards in place: the requester's, the approvals channel's, and the current approver's
    (with the buttons), plus the cards of approvers who already decided."""
    request.version += 1
    session.flush()
    steps = steps_of(session, request)
    payload = card_payload(request, steps, clerk)
    targets = [(request.requester, "requester"), (clerk.center.channels.approvals, "channel")]
    standing_in = active_delegations(session, clerk.today)
    for step in steps:
        state = StepState(step.state)
        # A step that never had its turn has no card; one cancelled while pending (withdrawn) has one, whose
        # buttons must go.
        if state is StepState.WAITING or step.waiting_since is None:
            continue
        targets.append((step.approver, f"step:{step.round}:{step.position}"))
        if step.escalated_to:
            targets.append((step.escalated_to, f"step:{step.round}:{step.position}:escalated"))
        # The delegate's copy: while the step waits (or was just cancelled), and once they decided it.
        stood_in = step.decided_by not in (None, step.approver, step.escalated_to)
        delegate = step.decided_by if stood_in else stand_in(step, steps, request.requester, standing_in)
        if delegate:
            targets.append((delegate, delegate_role(step, delegate)))
    for to, role in targets:
        _send_card(session, request, clerk, payload, to=to, role=role)
    # What waits for the approvers' decision changed; the requester's Home lists no requests of their own.
    outbox.republish_homes(session, [to for to, role in targets if role.startswith("step:")], now=clerk.now)


def delegate_role(step: ApprovalStep, delegate: str) -> str:
    """The audience of a delegate's copy. It names the delegate: each delegate has a message of their own, so
    a new delegate's card is posted to them rather than updating the one an earlier delegate got."""
    return f"step:{step.round}:{step.position}:delegate:{delegate}"


def hand_over_waiting_steps(session: Session, clerk: Clerk, *, delegator: str, delegate: str) -> int:
    """Send a new delegate the cards of the steps already waiting for the delegator, so they can decide them
    without waiting for the next request; returns how many were sent. Each request is locked as a decision
    locks it, so the card sent is its latest; in the order of their ids, so two delegations made at once
    cannot each hold a request the other waits for."""
    rows = session.execute(
        select(ApprovalRequest.id, ApprovalRequest.number)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(ApprovalStep.approver == delegator, ApprovalStep.state == StepState.PENDING)
        .order_by(ApprovalRequest.id)
        .distinct()
    ).all()
    sent = 0
    for _id, number in rows:
        request = load(session, number)
        steps = steps_of(session, request)
        for step in steps:
            waiting = StepState(step.state) is StepState.PENDING and step.approver == delegator
            if waiting and stand_in(step, steps, request.requester, {delegator: delegate}) == delegate:
                payload = card_payload(request, steps, clerk)
                sent += _send_card(
                    session, request, clerk, payload, to=delegate, role=delegate_role(step, delegate)
                )
    return sent


def _send_card(
    session: Session, request: ApprovalRequest, clerk: Clerk, payload: dict[str, Any], *, to: str, role: str
) -> bool:
    return outbox.notify(
        session,
        now=clerk.now,
        to=to,
        kind=CARD,
        payload=payload | {"audience": role},
        key=f"approval:{request.number}:{role}:v{request.version}",
        message_key=f"approval:{request.number}:{role}",
    )


def card_payload(request: ApprovalRequest, steps: list[ApprovalStep], clerk: Clerk) -> dict[str, Any]:
    kind = clerk.center.approvals.kind(request.kind_key)
    names = clerk.directory.name_of
    return {
        "number": request.number,
        "kind": kind.name,
        "requester": request.requester,
        "requester_name": names(request.requester),
        "purpose": request.purpose,
        "amount": f"{request.amount:,.2f} {request.currency}" if request.amount is not None else None,
        "fields": dict(request.fields),  # stored as JSON already (dates as ISO text)
        "facts": facts(request, clerk),
        "state": request.state,
        "returnable": kind.returnable,
        "steps": [
            {
                "round": s.round,
                "position": s.position,
                "label": s.label,
                "approver": s.approver,
                "approver_name": names(s.approver),
                "state": s.state,
                "decided_by_name": names(s.decided_by) if s.decided_by else None,
                "decided_at": s.decided_at.isoformat() if s.decided_at else None,
                "reason": s.reason,
            }
            for s in steps
        ],
    }


def facts(request: ApprovalRequest, clerk: Clerk) -> list[tuple[str, str]]:
    """The request's fields other than the amount, as (label, text) in the order its kind lists them: dates
    as ISO dates, the receiving unit by its name."""
    kind = clerk.center.approvals.kind(request.kind_key)
    found: list[tuple[str, str]] = []
    for name in kind.fields:
        value = request.fields.get(name)
        if name == "amount" or value in (None, ""):
            continue
        if name == "target_unit":
            unit = clerk.directory.units.get(str(value))
            value = unit.name if unit else value
        found.append((FIELD_LABELS[name], str(value)))
    return found


def tell(
    session: Session,
    request: ApprovalRequest,
    clerk: Clerk,
    *,
    to: str,
    why: str,
    text: str,
    quote: str | None = None,
) -> None:
    """A direct message: `text` is opsbot's sentence in plain words (no markup: the names in it come from
    the center file); `quote` is people's words (a reason, a purpose), kept apart and shown as typed."""
    outbox.notify(
        session,
        now=clerk.now,
        to=to,
        kind=NOTICE,
        payload={"text": text, "quote": quote},
        key=f"approval:{request.number}:{why}:v{request.version}:{to}",
    )
