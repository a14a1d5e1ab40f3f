"""The living case card in the intake channel, its thread lines, and the prompts sent to people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import UserSelectElement

from handlers.blocks import Message, actions, button, context, fields, header, section, sections
from handlers.cases.words import channel_word
from handlers.mrkdwn import Mrkdwn, escape, md, mention
from handlers.wording import Wording
from opsbot.cases.lifecycle import State
from opsbot.errors import InvalidInput
from opsbot.notices import Notice

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


def _buttons(ref: str, payload: Mapping[str, Any]) -> list[Any]:
    """What the case asks for in its state, as buttons (and the user picker): the card shows them all, and a
    prompt those of the act it asks its reader for (`ACT_BUTTONS`)."""
    state = State(payload["state"])
    pick = UserSelectElement(action_id=PICK, placeholder="Assign to…")
    # The promised reply can be kept at any point before the result is told.
    reply = [] if payload["replied"] else [button("Replied to customer…", REPLIED, ref)]
    by_state: dict[State, list[Any]] = {
        State.RETURNED: [button("Supplement received…", SUPPLEMENT, ref, style="primary")],
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
            *reply,
        ],
        State.SECOND_REVIEW: [
            button("Pass review", PASS, ref, style="primary"),
            button("Return…", RETURN, ref),
            *reply,
        ],
        State.FEEDBACK: [button("Customer informed…", INFORMED, ref, style="primary")],
        State.FOLLOW_UP: [button("Record satisfaction…", SATISFACTION, ref, style="primary")],
        State.REJECTED: [] if payload.get("informed") else [button("Customer informed…", INFORMED, ref)],
    }
    return by_state.get(state, [])


# The buttons of each act a prompt asks for (`opsbot.cases.records.Act`), among those its case's state shows.
ACT_BUTTONS = {
    "supplement": {SUPPLEMENT},
    "decide": {ACCEPT, REJECT, JOINT},
    "joint": {AGREE, DISAGREE},
    "handle": {PROGRESS, SUBMIT},
    "review": {PASS, RETURN},
    "inform": {INFORMED},
    "reply": {REPLIED},
    "follow_up": {SATISFACTION},
}


def case_card(payload: Mapping[str, Any], *, say: Wording) -> Message:
    state = State(payload["state"])
    flag = say.term("case.card.overdue") if payload["overdue"] and state.is_open else Mrkdwn("")
    assignee = mention(payload["assignee"]) if payload["assignee"] else say.term("case.card.unassigned")
    words = say.term(state.term.code)
    label = Mrkdwn(words[:1].upper() + words[1:])
    status = (
        md("{label} ({reviewer})", label=label, reviewer=mention(payload["reviewer"]))
        if payload.get("reviewer")
        else label
    )
    to_complete = say.term("case.to_complete")
    blocks = [
        header(f"{payload['number']} · {payload['type']}"),
        section(md("*{summary}*\n{status}{flag}", summary=payload["summary"], status=status, flag=flag)),
        fields(
            (
                "Customer",
                md(
                    "{customer} · {contact} · {channel}",
                    customer=payload["customer"] or to_complete,
                    contact=payload["contact"] or to_complete,
                    channel=channel_word(payload["channel"], say),
                ),
            ),
            ("Handler", md("{assignee} ({unit})", assignee=assignee, unit=payload["unit"])),
            (
                "Reply due",
                say.term("case.card.replied") if payload["replied"] else say.at(payload["reply_due_at"]),
            ),
            ("Resolve by", say.at(payload["resolve_due_at"])),
        ),
    ]
    if payload.get("satisfaction") is not None:
        blocks.append(context(say(Notice.of("case.card.satisfaction", score=payload["satisfaction"]))))
    buttons = _buttons(payload["number"], payload)
    if payload.get("to_complete") and (state.is_open or not payload.get("informed")):
        buttons.insert(0, button("Complete details…", COMPLETE, payload["number"], style="primary"))
    if buttons:
        blocks.append(actions(*buttons, block_id=card_block(payload["number"], payload["version"])))
    thread = Notice.of(
        "case.card.thread_complaint" if payload["complaint"] else "case.card.thread", kind=payload["type"]
    )
    blocks.append(context(say(thread)))
    text = md(
        "{number} {summary} — {state}{flag}",
        number=payload["number"],
        summary=payload["summary"],
        state=say.term(state.term.code),
        flag=flag,
    )
    return Message(text=text, blocks=blocks)


def card_block(number: str, version: int) -> str:
    """The block id of a card's buttons, naming the case (the user picker carries no value of its own)."""
    return f"case:{number}:v{version}"


def case_of_block(block_id: str) -> str:
    """The case a card's button belongs to, from its block id; a block id opsbot did not make names none."""
    kind, _, rest = block_id.partition(":")
    number = rest.partition(":")[0]
    if kind != "case" or not number:
        raise InvalidInput("case.button_not_ours")
    return number


def case_line(payload: Mapping[str, Any], *, say: Wording) -> Message:
    """A line in the card's thread: what the step did, people's words in it shown as written."""
    text = said(payload, say)
    return Message(text=text, blocks=sections(text))


def case_prompt(payload: Mapping[str, Any], *, say: Wording) -> Message:
    """A direct message about a case. One that asks its reader to act carries the buttons for it, the card's
    own; once the act is done or the case has moved on, it is updated: the buttons go, and a line says what
    happened."""
    ref = payload["reference"]
    text = said(payload, say)
    blocks = sections(text)
    act, outcome = payload.get("act"), payload.get("outcome")
    wanted = ACT_BUTTONS.get(act or "", set())
    buttons = [element for element in _buttons(ref, payload) if element.action_id in wanted] if wanted else []
    if buttons:
        blocks.append(actions(*buttons))
    if outcome is not None:
        # A prompt queued before notices says what happened in a sentence of its own.
        happened = say(Notice.load(outcome)) if isinstance(outcome, Mapping) else escape(outcome)
        blocks.append(section(md("✓ {outcome}", outcome=happened)))
        text = md("{text} ✓ {outcome}", text=text, outcome=happened)
    blocks.append(context(say(Notice.of("case.prompt.show", reference=ref))))
    return Message(text=text, blocks=blocks)


def said(payload: Mapping[str, Any], say: Wording) -> Mrkdwn:
    """What a line or a prompt says: its notice, worded; one queued before notices carries opsbot's sentence
    (`text`), shown as written."""
    if "notice" in payload:
        return say(Notice.load(payload["notice"]))
    return escape(payload["text"])


RENDERERS = {
    "case.card": case_card,
    "case.line": case_line,
    "case.prompt": case_prompt,
}
