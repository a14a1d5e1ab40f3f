"""The approval card: one payload, three audiences — the requester, the approvals channel, and each approver
(whose copy carries the buttons while their step waits)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from slack_sdk.models.blocks import ButtonElement

from handlers.blocks import Message, actions, button, context, fields, header, section, sections
from handlers.mrkdwn import Mrkdwn, escape, md, slack_time
from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.policy import FIELD_LABELS
from opsbot.errors import InvalidInput

APPROVE = "approval.approve"
DENY = "approval.deny"
RETURN = "approval.return"


def chain_lines(steps: list[Mapping[str, Any]], zone: tzinfo) -> Mrkdwn:
    lines = []
    for step in steps:
        state = StepState(step["state"])
        line = md(
            "{mark} {position}. {label}: {approver}",
            mark=state.mark,
            position=step["position"],
            label=step["label"],
            approver=step["approver_name"],
        )
        if step["decided_by_name"]:
            line += md(
                " — {state} by {who} {at}",
                state=state.value,
                who=step["decided_by_name"],
                at=slack_time(step["decided_at"], zone),
            )
        if step["reason"]:
            line += md("\n      “{reason}”", reason=step["reason"])
        lines.append(line)
    return Mrkdwn("\n").join(lines)


def approval_card(payload: Mapping[str, Any], *, zone: tzinfo) -> Message:
    state = RequestState(payload["state"])
    title = f"{payload['number']} · {payload['kind']}"
    facts = [("Requested by", escape(payload["requester_name"]))]
    if payload["amount"]:
        facts.append(("Amount", escape(payload["amount"])))
    facts += [(label, escape(value)) for label, value in request_facts(payload)]
    blocks = [
        header(title),
        section(md("*{purpose}*\nStatus: *{state}*", purpose=payload["purpose"], state=state.value)),
        fields(*facts),
        *sections(chain_lines(payload["steps"], zone)),
    ]
    audience = payload["audience"]
    if audience.startswith("step:") and state is RequestState.PENDING:
        round_, position = audience.split(":")[1:3]
        step = next(
            s for s in payload["steps"] if str(s["position"]) == position and str(s["round"]) == round_
        )
        if StepState(step["state"]) is StepState.PENDING:
            value = f"{payload['number']}:{round_}:{position}"
            blocks.append(actions(*decision_buttons(value, returnable=payload["returnable"]), block_id=value))
    elif audience == "requester" and state is RequestState.RETURNED:
        corrections = "[amount=…] [new purpose]" if payload["amount"] else "[new purpose]"
        blocks.append(
            context(
                md(
                    "Correct it and type `/approval resubmit {number} {corrections}`.",
                    number=payload["number"],
                    corrections=corrections,
                )
            )
        )
    text = md("{title}: {purpose} — {state}", title=title, purpose=payload["purpose"], state=state.value)
    return Message(text=text, blocks=blocks)


STEP_VALUE = re.compile(r"^(APR-\d{4}-\d{1,12}):(\d{1,4}):(\d{1,4})$")


def step_of(value: str) -> tuple[str, int, int]:
    """The step a decision button names (`APR-2026-000045:<round>:<position>`); a value opsbot did not make
    names none."""
    found = STEP_VALUE.match(value)
    if found is None:
        raise InvalidInput("This button is not one opsbot made, so nothing was decided.")
    return found.group(1), int(found.group(2)), int(found.group(3))


def decision_buttons(step: str, *, returnable: bool) -> list[ButtonElement]:
    """What an approver may press for a step (`APR-…:<round>:<position>`), on the card or the App Home."""
    buttons = [
        button("Approve", APPROVE, step, style="primary"),
        button("Deny…", DENY, step, style="danger"),
    ]
    if returnable:
        buttons.append(button("Return for correction…", RETURN, step))
    return buttons


def request_facts(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The request's fields as (label, text), unescaped. Cards recorded before `facts` was in the payload
    carry only the raw fields."""
    if "facts" in payload:
        return [(str(label), str(value)) for label, value in payload["facts"]]
    return [(FIELD_LABELS.get(k, k), str(v)) for k, v in payload["fields"].items() if v]


def approval_notice(payload: Mapping[str, Any], *, zone: tzinfo) -> Message:
    """opsbot's sentence followed by people's words (a reason, a purpose), both shown as written."""
    text = escape(payload["text"]) + (md(" {quote}", quote=payload["quote"]) if payload.get("quote") else "")
    return Message(text=text, blocks=sections(text))


RENDERERS = {"approval.card": approval_card, "approval.notice": approval_notice}
