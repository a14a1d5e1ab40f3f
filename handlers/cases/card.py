"""The living case card in the intake channel, its thread lines, and the prompts sent to people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import UserSelectElement

from handlers.blocks import (
    Message,
    actions,
    button,
    context,
    escape,
    fields,
    fit,
    header,
    section,
    slack_time,
)
from opsbot.cases.lifecycle import State

TAKE = "case.take"
PICK = "case.pick"
ACCEPT = "case.accept"
REJECT = "case.reject"
JOINT = "case.joint"
AGREE = "case.joint.agree"
DISAGREE = "case.joint.disagree"
PROGRESS = "case.progress"
SUBMIT = "case.submit"
REPLIED = "case.replied"
PASS = "case.review.pass"
RETURN = "case.review.return"
INFORMED = "case.informed"
SATISFACTION = "case.satisfaction"
SUPPLEMENT = "case.supplement"
COMPLETE = "case.complete"


def _buttons(payload: Mapping[str, Any]) -> list[Any]:
    ref = payload["number"]
    state = State(payload["state"])
    pick = UserSelectElement(action_id=PICK, placeholder="Assign to…")
    # The promised reply can be kept at any point before the result is told.
    reply = [] if payload["replied"] else [button("Replied to customer…", REPLIED, ref)]
    by_state: dict[State, list[Any]] = {
        State.REGISTERED: [button("Take", TAKE, ref, style="primary"), pick],
        State.ASSIGNED: [
            button("Accept", ACCEPT, ref, style="primary"),
            button("Reject…", REJECT, ref, style="danger"),
            button("Joint review…", JOINT, ref),
            button("Take", TAKE, ref),
            *reply,
            pick,
        ],
        State.JOINT_REVIEW: [
            button("Agree", AGREE, ref, style="primary"),
            button("Disagree…", DISAGREE, ref),
            *reply,  # the promised reply does not wait for the reviewers
        ],
        State.IN_PROGRESS: [
            button("Add progress…", PROGRESS, ref),
            button(
                "Return result…" if payload["complaint"] else "Submit for review…",
                SUBMIT,
                ref,
                style="primary",
            ),
            *reply,
            pick,
        ],
        State.FIRST_REVIEW: [
            button("Pass review", PASS, ref, style="primary"),
            button("Return…", RETURN, ref),
        ],
        State.SECOND_REVIEW: [
            button("Pass review", PASS, ref, style="primary"),
            button("Return…", RETURN, ref),
        ],
        State.FEEDBACK: [button("Customer informed…", INFORMED, ref, style="primary")],
        State.FOLLOW_UP: [button("Record satisfaction…", SATISFACTION, ref, style="primary")],
        State.REJECTED: [] if payload.get("informed") else [button("Customer informed…", INFORMED, ref)],
    }
    return by_state.get(state, [])


def case_card(payload: Mapping[str, Any]) -> Message:
    state = State(payload["state"])
    flag = " ⚠️ OVERDUE" if payload["overdue"] and state.is_open else ""
    kind = f"{payload['type']}{' (complaint)' if payload['complaint'] else ''}"
    assignee = f"<@{payload['assignee']}>" if payload["assignee"] else "not assigned yet"
    status = state.label + (f" (<@{payload['reviewer']}>)" if payload.get("reviewer") else "")
    blocks = [
        header(f"{payload['number']} · {payload['type']}"),
        # Only the first letter: a mention after it must keep its case.
        section(f"*{escape(payload['summary'])}*\n{status[:1].upper()}{status[1:]}{flag}"),
        fields(
            (
                "Customer",
                f"{escape(payload['customer'])} · {escape(payload['contact'])} · {payload['channel']}",
            ),
            ("Handler", f"{assignee} ({escape(payload['unit'])})"),
            ("Reply due", "replied ✓" if payload["replied"] else slack_time(payload["reply_due_at"])),
            ("Resolve by", slack_time(payload["resolve_due_at"])),
        ),
    ]
    if payload.get("satisfaction") is not None:
        blocks.append(context(f"Satisfaction: {payload['satisfaction']}/5"))
    buttons = _buttons(payload)
    if payload.get("to_complete") and (state.is_open or not payload.get("informed")):
        buttons.insert(0, button("Complete details…", COMPLETE, payload["number"], style="primary"))
    if buttons:
        blocks.append(actions(*buttons, block_id=f"case:{payload['number']}:v{payload['version']}"))
    blocks.append(context(f"{kind} · the thread below holds every step"))
    text = f"{payload['number']} {payload['summary']} — {state.label}{flag}"
    return Message(text=text, blocks=blocks)


def case_line(payload: Mapping[str, Any]) -> Message:
    return Message(text=payload["text"], blocks=[section(escape(payload["text"]))])


def case_prompt(payload: Mapping[str, Any]) -> Message:
    """A direct message asking someone to act; the card in the intake channel has the buttons, except for a
    case returned for supplement, which has no card yet."""
    blocks = [section(escape(payload["text"]))]
    if payload["state"] == State.RETURNED:
        blocks.append(
            actions(button("Supplement received…", SUPPLEMENT, payload["reference"], style="primary"))
        )
    else:
        blocks.append(context(f"`/case show {payload['reference']}` shows it in full."))
    return Message(text=payload["text"].replace("*", ""), blocks=blocks)


def overdue_notice(payload: Mapping[str, Any]) -> Message:
    """The cases that fell overdue in one sweep, for their handler or the handler's superior."""
    lines = payload["lines"]
    head = "⚠️ A deadline has passed:" if len(lines) == 1 else f"⚠️ {len(lines)} deadlines have passed:"
    blocks = [section(head)]
    chunk: list[str] = []
    for line in lines:  # as few sections as fit Slack's limits (3,000 characters each, 50 blocks)
        if chunk and len("\n".join([*chunk, line])) > 2900:
            blocks.append(section(escape("\n".join(chunk))))
            chunk = []
        chunk.append(f"• {line}")
    blocks.append(section(escape("\n".join(chunk))))
    blocks.append(context("`/case list overdue` lists them; `/case show CASE-…` shows one."))
    text = f"{head} " + "; ".join(line.replace("*", "") for line in lines)
    return Message(text=escape(fit(text, 3000)), blocks=blocks[:50])


RENDERERS = {
    "case.card": case_card,
    "case.line": case_line,
    "case.prompt": case_prompt,
    "case.overdue": overdue_notice,
}
