"""The approval forms: asking (`/approval`, the kind first, then its fields) and resubmitting after a return
(**Resubmit…**, pre-filled from the request). One set of inputs for both, and one reading of what they
give; every rule on the values (how an amount is written, amounts in range, dates ahead) is the core's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import DatePickerElement, InputBlock, NumberInputElement
from sqlalchemy.orm import Session

from handlers.approvals.card import RESUBMIT
from handlers.blocks import modal, section, select_input, text_input
from handlers.edge import Edge
from handlers.forms import Form
from handlers.mrkdwn import md
from opsbot.approvals import service
from opsbot.approvals.chains import MAX_AMOUNT, amount_of
from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import DATES, MAX_DETAILS, ApprovalRequest
from opsbot.approvals.policy import FIELD_LABELS, ApprovalKind
from opsbot.approvals.records import decider, load, steps_of
from opsbot.center import Center
from opsbot.context import Context
from opsbot.errors import InvalidInput

FORM = "approval.request"


def field_blocks(center: Center, kind: ApprovalKind, initial: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The purpose and the kind's fields, each filled in from `initial` where it has a value."""
    settings = center.approvals
    blocks = [
        text_input(
            "purpose",
            "Purpose",
            multiline=True,
            max_length=service.MAX_PURPOSE,
            initial=initial.get("purpose") or None,
        )
    ]
    for name in kind.fields:
        value = initial.get(name)
        if name == "amount":
            element = NumberInputElement(
                action_id="amount",
                is_decimal_allowed=True,
                min_value="0.01",
                max_value=str(MAX_AMOUNT),
                initial_value=f"{value:.2f}" if value is not None else None,
            )
            blocks.append(
                InputBlock(
                    block_id="amount", label=f"Amount ({settings.currency})", element=element
                ).to_dict()
            )
        elif name in DATES:
            day = DatePickerElement(action_id=name, initial_date=str(value) if value else None)
            blocks.append(InputBlock(block_id=name, label=FIELD_LABELS[name], element=day).to_dict())
        elif name == "target_unit":
            units = [(unit.key, unit.name) for unit, _parent in center.all_units()]
            blocks.append(select_input("target_unit", FIELD_LABELS[name], units, initial=value))
        elif name == "details":
            details = text_input(
                "details", FIELD_LABELS[name], multiline=True, max_length=MAX_DETAILS, initial=value or None
            )
            blocks.append({**details, "optional": True})
    return blocks


def request_view(center: Center, kind_key: str | None = None) -> dict[str, Any]:
    settings = center.approvals
    kind = settings.kind(kind_key) if kind_key else settings.kinds[0]
    choice = select_input("kind", "Kind", [(k.key, k.name) for k in settings.kinds], initial=kind.key)
    blocks = [{**choice, "dispatch_action": True}, *field_blocks(center, kind, {})]
    return modal("Ask for approval", blocks, callback_id=FORM, submit="Submit")


def form_values(values: Mapping[str, Any]) -> tuple[str, Decimal | None, dict[str, Any]]:
    """The purpose, the amount and the kind's other fields from a submitted form (`Submission.fields`)."""
    found = dict(values)
    found.pop("kind", None)
    purpose = found.pop("purpose", None) or ""
    amount = found.pop("amount", None)
    return purpose, amount_of(amount) if amount else None, {k: v for k, v in found.items() if v}


def form_request(values: Mapping[str, Any]) -> dict[str, Any]:
    """The request form's values as `service.request_approval` takes them."""
    kind = values.get("kind")
    if not kind:
        raise InvalidInput("Choose the kind of request.", field="kind")
    purpose, amount, fields = form_values(values)
    return {"kind_key": kind, "purpose": purpose, "amount": amount, "fields": fields}


def resubmit_form(edge: Edge) -> Form:
    """**Resubmit…**: the request's purpose, amount and fields, as it holds them, to correct."""

    def blocks(session: Session, number: str) -> list[dict[str, Any]]:
        request = load(session, number, for_change=False)
        kind = edge.center.approvals.kind(request.kind_key)
        initial = {"purpose": request.purpose, "amount": request.amount, **request.fields}
        why = _why_returned(session, request, edge.directory(session).name_of)
        return [*why, *field_blocks(edge.center, kind, initial)]

    def run(session: Session, ctx: Context, number: str, values: dict[str, Any]) -> object:
        purpose, amount, fields = form_values(values)
        return service.resubmit(session, ctx, number, purpose=purpose, amount=amount, fields=fields)

    return Form(RESUBMIT, "Resubmit for approval", "Resubmit", blocks, run)


def _why_returned(
    session: Session, request: ApprovalRequest, names: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Who returned the request and what they asked to correct, above the inputs."""
    steps = steps_of(session, request)
    returned = next((s for s in steps if StepState(s.state) is StepState.RETURNED), None)
    if returned is None:
        return []
    return [
        section(
            md(
                "*{number}* was returned for correction by {who}: “{reason}”",
                number=request.number,
                who=decider(returned, names) or "",
                reason=returned.reason or "",
            )
        )
    ]
