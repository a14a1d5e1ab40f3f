"""The approval card and prompts: one payload, rendered for each audience — the requester, the approvals
channel, each person who may decide a step — and as short prompts (a reminder, the outcome). A copy that asks
its reader to act carries the buttons while they may: the decision buttons while the step waits for them,
**Resubmit…** while the request is returned for correction; once that is over, a prompt says what became of
it instead."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, get_args

from slack_sdk.models.blocks import ButtonElement

from handlers.blocks import Message, actions, button, context, fields, header, section, sections
from handlers.mrkdwn import Mrkdwn, escape, md
from handlers.wording import Wording
from opsbot.approvals.cards import CARD, PROMPT
from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.policy import FieldName
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Param, Quote, load_param

APPROVE = "approval.approve"
DENY = "approval.deny"
RETURN = "approval.return"
RESUBMIT = "approval.resubmit"
STEP_AUDIENCE = re.compile(r"^step:(\d+):(\d+)(?::|$)")
OUTCOME_AUDIENCE = re.compile(r"^outcome:(\d+)$")
MARKS = {
    StepState.WAITING: "⏳",
    StepState.PENDING: "⏳",
    StepState.APPROVED: "✓",
    StepState.DENIED: "✗",
    StepState.RETURNED: "↩",
    StepState.CANCELLED: "–",
}
FIELD_NAMES = get_args(FieldName)


def said(value: object, say: Wording) -> Mrkdwn | None:
    """A phrase the payload holds as a notice, worded; as a payload queued before notices held it (a label,
    who decided, whom a step waits for), the text escaped whole."""
    if isinstance(value, Mapping):
        return say(Notice.load(value))
    return escape(str(value)) if value else None


def chain_lines(steps: list[Mapping[str, Any]], say: Wording) -> Mrkdwn:
    return Mrkdwn("\n").join(_chain_line(step, say) for step in steps)


def _chain_line(step: Mapping[str, Any], say: Wording) -> Mrkdwn:
    """A step on its line: who decided it and when, or whom it waits for besides its approver; the reason
    they gave on a line below."""
    state = StepState(step["state"])
    where: dict[str, Param] = {
        "mark": MARKS[state],
        "position": step["position"],
        "label": said(step["label"], say) or Mrkdwn(""),
        "approver": step["approver_name"],
    }
    waits = said(step.get("waits_for"), say)
    if step["decided_by_name"]:
        who = said(step.get("decider"), say) or escape(step["decided_by_name"])
        line = say(
            Notice.of(
                "approval.chain.step.decided",
                **where,
                state=state.term,
                who=who,
                at=say.at(step["decided_at"]),
            )
        )
    elif waits:
        line = say(Notice.of("approval.chain.step.waits", **where, who=waits))
    else:
        line = say(Notice.of("approval.chain.step", **where))
    if step["reason"]:
        line += Mrkdwn("\n") + say(Notice.of("approval.chain.reason", reason=Quote(step["reason"])))
    return line


def approval_card(payload: Mapping[str, Any], *, say: Wording) -> Message:
    state = RequestState(payload["state"])
    title = say.plain(Notice.of("approval.card.title", number=payload["number"], kind=payload["kind"]))
    facts: list[tuple[str, Mrkdwn]] = [
        (say.term("approval.card.requested_by"), escape(payload["requester_name"]))
    ]
    if payload["amount"]:
        facts.append((say.term("approval.field_label.amount"), say.value(load_param(payload["amount"]))))
    facts += [(label, escape(value)) for label, value in request_facts(payload, say)]
    banner = _banner(payload, say)
    purpose = Quote(payload["purpose"])
    blocks = [
        header(title),
        *([section(banner)] if banner else []),
        section(say(Notice.of("approval.card.status", purpose=purpose, state=state.term))),
        fields(*facts),
        *sections(chain_lines(payload["steps"], say)),
        *_acting(payload, say),
    ]
    acting = _may_decide(payload) is not None
    text = (
        banner
        if banner and acting
        else say(Notice.of("approval.card.text", title=title, purpose=purpose, state=state.term))
    )
    return Message(text=text, blocks=blocks)


def approval_prompt(payload: Mapping[str, Any], *, say: Wording) -> Message:
    """A short message asking its reader to act (a reminder, the outcome of a return): opsbot's sentence, the
    people's words it quotes, and the buttons while the reader may act."""
    text = _banner(payload, say) or escape(payload["number"])
    return Message(text=text, blocks=[*sections(text), *_acting(payload, say)])


def _banner(payload: Mapping[str, Any], say: Wording) -> Mrkdwn | None:
    """What the copy tells its reader on top; a copy queued before notices holds opsbot's sentence and the
    people's words it quoted, each escaped."""
    if payload.get("notice"):
        return say(Notice.load(payload["notice"]))
    if not payload.get("banner"):
        return None
    quote = payload.get("quote")
    return escape(payload["banner"]) + (md(" {quote}", quote=quote) if quote else "")


def _told(payload: Mapping[str, Any]) -> bool:
    """Whether the copy told its reader something on top (it asked them to act)."""
    return bool(payload.get("notice") or payload.get("banner"))


def _acting(payload: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    """The buttons the reader may press now, or, on a copy that asked them to act, what became of it."""
    step = _may_decide(payload)
    if step is not None:
        value = f"{payload['number']}:{step['round']}:{step['position']}"
        buttons = decision_buttons(value, returnable=payload["returnable"], say=say)
        return [actions(*buttons, block_id=value)]
    if _may_resubmit(payload):
        # The command corrects the amount too of a kind that has one.
        correct = Notice.of(
            "approval.card.correct.amount" if payload["amount"] else "approval.card.correct",
            number=payload["number"],
        )
        resubmit = button(say.term("approval.button.resubmit"), RESUBMIT, payload["number"], style="primary")
        return [context(say(correct)), actions(resubmit)]
    closing = _closing(payload, say) if _told(payload) else None
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


def _closing(payload: Mapping[str, Any], say: Wording) -> Mrkdwn | None:
    """What became of what the copy asked its reader to do."""
    state = RequestState(payload["state"])
    number = payload["number"]
    told = OUTCOME_AUDIENCE.match(payload.get("audience", ""))
    if told is not None:
        latest = payload["steps"][0]["round"] if payload["steps"] else None
        if int(told.group(1)) != latest:
            return say(Notice.of("approval.closing.resubmitted", number=number))
        withdrawn = state is RequestState.WITHDRAWN
        return say(Notice.of("approval.closing.withdrawn", number=number)) if withdrawn else None
    step = _audience_step(payload)
    if step is None:
        return None
    step_state = StepState(step["state"])
    if step_state in (StepState.APPROVED, StepState.DENIED, StepState.RETURNED):
        who = said(step.get("decider"), say) or escape(step["decided_by_name"])
        return say(
            Notice.of("approval.closing.decided", position=step["position"], state=step_state.term, who=who)
        )
    if state is not RequestState.PENDING:
        return say(Notice.of("approval.closing.closed", number=number, state=state.term))
    return say(Notice.of("approval.closing.not_yours", position=step["position"]))


STEP_VALUE = re.compile(r"^(APR-\d{4}-\d{1,12}):(\d{1,4}):(\d{1,4})$")


def step_of(value: str) -> tuple[str, int, int]:
    """The step a decision button names (`APR-2026-000045:<round>:<position>`); a value opsbot did not make
    names none."""
    found = STEP_VALUE.match(value)
    if found is None:
        raise InvalidInput("approval.button_unknown")
    return found.group(1), int(found.group(2)), int(found.group(3))


def decision_buttons(step: str, *, returnable: bool, say: Wording) -> list[ButtonElement]:
    """What an approver may press for a step (`APR-…:<round>:<position>`), on the card or the App Home."""
    buttons = [
        button(say.term("approval.button.approve"), APPROVE, step, style="primary"),
        button(say.term("approval.button.deny"), DENY, step, style="danger"),
    ]
    if returnable:
        buttons.append(button(say.term("approval.button.return"), RETURN, step))
    return buttons


def request_facts(payload: Mapping[str, Any], say: Wording) -> list[tuple[Mrkdwn, str]]:
    """The request's fields as (label, text), the text unescaped. Cards recorded before `facts` was in the
    payload carry only the raw fields; those recorded before notices name each fact by its label."""
    found = payload["facts"] if "facts" in payload else [(k, v) for k, v in payload["fields"].items() if v]
    return [(field_label(str(name), say), str(value)) for name, value in found]


def field_label(name: str, say: Wording) -> Mrkdwn:
    """How a field reads on the form, the card and `/approval show`."""
    return say.term(f"approval.field_label.{name}") if name in FIELD_NAMES else escape(name)


def approval_notice(payload: Mapping[str, Any], *, say: Wording) -> Message:
    """opsbot's sentence followed by people's words (a reason, a purpose), both shown as written: notices
    queued before the prompts replaced them."""
    text = escape(payload["text"]) + (md(" {quote}", quote=payload["quote"]) if payload.get("quote") else "")
    return Message(text=text, blocks=sections(text))


RENDERERS = {
    CARD: approval_card,
    PROMPT: approval_prompt,
    "approval.notice": approval_notice,
}
