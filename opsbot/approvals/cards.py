"""The approval cards: one payload, sent to the requester, the approvals channel and each approver (plus
whoever stands in for them or was escalated to), each a living message updated in place."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from opsbot import outbox
from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.records import Clerk, active_delegations, steps_of

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
        delegate = step.decided_by if stood_in else standing_in.get(step.approver)
        if delegate and (stood_in or delegate not in {request.requester, *(s.approver for s in steps)}):
            targets.append((delegate, f"step:{step.round}:{step.position}:delegate"))
    for to, role in targets:
        outbox.notify(
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


def tell(session: Session, request: ApprovalRequest, clerk: Clerk, *, to: str, why: str, text: str) -> None:
    outbox.notify(
        session,
        now=clerk.now,
        to=to,
        kind="approval.notice",
        payload={"text": text},
        key=f"approval:{request.number}:{why}:v{request.version}:{to}",
    )
