"""Approve, deny and return on an approver's card and prompts; Resubmit… on the requester's."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from handlers.approvals import card
from handlers.approvals.request_form import resubmit_form
from handlers.blocks import text_input
from handlers.edge import Edge
from handlers.forms import Form, button_acts, button_opens, text_value
from handlers.routes import Routes
from opsbot.approvals.deciding import MAX_REASON, decide
from opsbot.approvals.lifecycle import Decision
from opsbot.context import Context


def _decide(decision: Decision) -> Any:
    """The button's value names the step: `APR-2026-000045:<round>:<position>`."""

    def run(session: Session, who: Context, ref: str, values: dict[str, Any] | None = None) -> object:
        number, round_, position = card.step_of(ref)
        return decide(
            session,
            who,
            number,
            round_=round_,
            position=position,
            decision=decision,
            reason=text_value(values or {}, "reason"),
        )

    return run


def _reason(label: str) -> Any:
    return lambda _session, _ref, say: [
        text_input("reason", say.term(label), multiline=True, max_length=MAX_REASON)
    ]


# Deny… and Return for correction…: the reason, worded for whoever opens the form.
REASON_FORMS = (
    Form(
        card.DENY,
        "approval.form.deny",
        "approval.form.deny.submit",
        _reason("approval.form.deny.reason"),
        _decide(Decision.DENY),
    ),
    Form(
        card.RETURN,
        "approval.form.return",
        "approval.form.return.submit",
        _reason("approval.form.return.reason"),
        _decide(Decision.RETURN),
    ),
)


def register(routes: Routes, edge: Edge) -> None:
    button_acts(routes, edge, card.APPROVE, _decide(Decision.APPROVE))
    for form in (*REASON_FORMS, resubmit_form(edge)):
        button_opens(routes, edge, form)
