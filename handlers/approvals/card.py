"""The approval card and prompts: one payload, rendered for each audience — the requester, the approvals
channel, each person who may decide a step — and as short prompts (a reminder, the outcome). A copy that asks
its reader to act carries the buttons while they may: the decision buttons while the step waits for them,
**Resubmit…** while the request is returned for correction; once that is over, a prompt says what became of
it instead."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from slack_sdk.models.blocks import ButtonElement

from handlers.blocks import Message, actions, button, context, fields, header, section, sections
from handlers.mrkdwn import Mrkdwn, escape, md, slack_time
from handlers.wording import Wording
from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.policy import FIELD_LABELS
from opsbot.errors import InvalidInput

APPROVE = "approval.approve"
DENY = "approval.deny"
RETURN = "approval.return"
RESUBMIT = "approval.resubmit"
STEP_AUDIENCE = re.compile(r"^step:(\d+):(\d+)(?::|$)")
OUTCOME_AUDIENCE = re.compile(r"^outcome:(\d+)$")


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
        if step.get("waits_for"):
            line += md(" — now waits for {who}", who=step["waits_for"])
        if step["decided_by_name"]:
            line += md(
                " — {state} by {who} {at}",
                state=state.words,
                who=step.get("decider") or step["decided_by_name"],
                at=slack_time(step["decided_at"], zone),
            )
        if step["reason"]:
            line += md("\n      “{reason}”", reason=step["reason"])
        lines.append(line)
    return Mrkdwn("\n").join(lines)


def approval_card(payload: Mapping[str, Any], *, say: Wording) -> Message:
    state = RequestState(payload["state"])
    title = f"{payload['number']} · {payload['kind']}"
    facts = [("Requested by", escape(payload["requester_name"]))]
    if payload["amount"]:
        facts.append(("Amount", escape(payload["amount"])))
    facts += [(label, escape(value)) for label, value in request_facts(payload)]
    banner = _banner(payload)
    blocks = [
        header(title),
        *([section(banner)] if banner else []),
        section(md("*{purpose}*\nStatus: *{state}*", purpose=payload["purpose"], state=state.words)),
        fields(*facts),
        *sections(chain_lines(payload["steps"], say.zone)),
        *_acting(payload),
    ]
    acting = _may_decide(payload) is not None
    text = (
        banner
        if banner and acting
        else md("{title}: {purpose} — {state}", title=title, purpose=payload["purpose"], state=state.words)
    )
    return Message(text=text, blocks=blocks)


def approval_prompt(payload: Mapping[str, Any], *, say: Wording) -> Message:
    """A short message asking its reader to act (a reminder, the outcome of a return): opsbot's sentence, the
    people's words it quotes, and the buttons while the reader may act."""
    text = _banner(payload) or escape(payload["number"])
    return Message(text=text, blocks=[*sections(text), *_acting(payload)])


def _banner(payload: Mapping[str, Any]) -> Mrkdwn | None:
    if not payload.get("banner"):
        return None
    quote = payload.get("quote")
    return escape(payload["banner"]) + (md(" {quote}", quote=quote) if quote else "")


def _acting(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The buttons the reader may press now, or, on a copy that asked them to act, what became of it."""
    step = _may_decide(payload)
    if step is not None:
        value = f"{payload['number']}:{step['round']}:{step['position']}"
        return [actions(*decision_buttons(value, returnable=payload["returnable"]), block_id=value)]
    if _may_resubmit(payload):
        corrections = "[amount=…] [new purpose]" if payload["amount"] else "[new purpose]"
        return [
            context(
                md(
                    "Correct it with *Resubmit…* or type `/approval resubmit {number} {corrections}`.",
                    number=payload["number"],
                    corrections=corrections,
                )
            ),
            actions(button("Resubmit…", RESUBMIT, payload["number"], style="primary")),
        ]
    closing = _closing(payload) if payload.get("banner") else None
    return [context(closing)] if closing else []


def _audience_step(payload: Mapping[str, Any]) -> Mapping[str, Any] | None:
    found = STEP_AUDIENCE.match(payload.get("audience", ""))
    if found is None:
        return None
    round_, position = int(found.group(1)), int(found.group(2))
    return next((s for s in payload["steps"] if s["round"] == round_ and s["position"] == position), None)


def _may_decide(payload: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The step whose buttons the copy carries: while the request and the step wait, for a reader who may
    decide it (its approver, its delegate, the superior it was escalated to). Copies recorded before they
    named their reader are their approver's."""
    step = _audience_step(payload)
    if step is None or RequestState(payload["state"]) is not RequestState.PENDING:
        return None
    if StepState(step["state"]) is not StepState.PENDING:
        return None
    reader = payload.get("reader")
    deciders = (step["approver"], step.get("delegate"), step.get("escalated_to"))
    return step if reader is None or reader in deciders else None


def _may_resubmit(payload: Mapping[str, Any]) -> bool:
    """The requester's card and the outcome of the latest round, while the request is returned."""
    if RequestState(payload["state"]) is not RequestState.RETURNED:
        return False
    audience = payload.get("audience", "")
    told = OUTCOME_AUDIENCE.match(audience)
    latest = payload["steps"][0]["round"] if payload["steps"] else None
    return audience == "requester" or (told is not None and int(told.group(1)) == latest)


def _closing(payload: Mapping[str, Any]) -> Mrkdwn | None:
    """What became of what the copy asked its reader to do."""
    state = RequestState(payload["state"])
    number = payload["number"]
    told = OUTCOME_AUDIENCE.match(payload.get("audience", ""))
    if told is not None:
        latest = payload["steps"][0]["round"] if payload["steps"] else None
        if int(told.group(1)) != latest:
            return md("You resubmitted {number}; its chain started again.", number=number)
        return md("You withdrew {number}.", number=number) if state is RequestState.WITHDRAWN else None
    step = _audience_step(payload)
    if step is None:
        return None
    if StepState(step["state"]) in (StepState.APPROVED, StepState.DENIED, StepState.RETURNED):
        return md(
            "Step {position} was {state} by {who}.",
            position=step["position"],
            state=StepState(step["state"]).words,
            who=step.get("decider") or step["decided_by_name"],
        )
    if state is not RequestState.PENDING:
        return md("{number} is {state}: nothing waits for a decision.", number=number, state=state.words)
    return md("Step {position} no longer waits for you.", position=step["position"])


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


def approval_notice(payload: Mapping[str, Any], *, say: Wording) -> Message:
    """opsbot's sentence followed by people's words (a reason, a purpose), both shown as written: notices
    queued before the prompts replaced them."""
    text = escape(payload["text"]) + (md(" {quote}", quote=payload["quote"]) if payload.get("quote") else "")
    return Message(text=text, blocks=sections(text))


RENDERERS = {
    "approval.card": approval_card,
    "approval.prompt": approval_prompt,
    "approval.notice": approval_notice,
}
