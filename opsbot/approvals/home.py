"""The approvals' sections of the App Home: the steps waiting for the person's decision, and their
delegation in force."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from opsbot.approvals.phrases import label
from opsbot.approvals.policy import ApprovalSettings
from opsbot.approvals.queries import waiting_for
from opsbot.approvals.records import delegations_in_force, money_of
from opsbot.directory import Directory
from opsbot.home import Viewer
from opsbot.notices import dump_param


def home_settings(settings: ApprovalSettings) -> dict[str, Any]:
    """What the sections need of the center file when the Home is composed on delivery: the kinds that may be
    returned for correction (their steps get a Return button)."""
    return {"returnable": [kind.key for kind in settings.kinds if kind.returnable]}


APPROVALS_SHOWN = 10


def approvals_waiting(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    """Approval steps waiting for the person's decision: as approver, standing in, or escalated to them."""
    me = viewer.person.slack_id
    rows = waiting_for(session, me, today=viewer.today)[:APPROVALS_SHOWN]
    return {
        "kind": "approvals",
        "items": [
            {
                "number": request.number,
                "kind": request.kind_key,
                "purpose": request.purpose,
                "requester_name": directory.name_of(request.requester),
                "amount": dump_param(money_of(request)),
                "step": f"{request.number}:{step.round}:{step.position}",
                "label": label(step.label).dump(),
                "for": directory.name_of(step.approver) if step.approver != me else None,
                "returnable": request.kind_key in viewer.settings_of("approvals").get("returnable", ()),
            }
            for request, step in rows
        ],
    }


def delegation(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    """Who decides the person's approvals while they are away, and for whom they decide, while in force."""
    mine, for_others = delegations_in_force(session, viewer.person.slack_id, viewer.today)
    if mine is None and not for_others:
        return None
    return {
        "kind": "delegation",
        "mine": {"name": directory.name_of(mine.delegate), "until": mine.until.isoformat()} if mine else None,
        "for_others": [
            {"name": directory.name_of(row.delegator), "until": row.until.isoformat()} for row in for_others
        ],
    }
