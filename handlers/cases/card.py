"""The living case card in the intake channel, its thread lines, and the prompts sent to people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.models.blocks import UserSelectElement

from handlers.blocks import Message, actions, button, context, fields, header, section, sections
from handlers.cases.words import channel_word
from handlers.mrkdwn import Mrkdwn, escape, md
from handlers.wording import Wording
from opsbot.cases.lifecycle import State
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Person, Term

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


def _buttons(ref: str, payload: Mapping[str, Any], say: Wording) -> list[Any]:
    """What the case asks for in its state, as buttons (and the user picker): the card shows them all, and a
    prompt those of the act it asks its reader for (`ACT_BUTTONS`)."""
    state = State(payload["state"])
    pick = UserSelectElement(action_id=PICK, placeholder=say.term("case.button.assign_to"))
    # The promised reply can be kept at any point before the result is told.
    reply = [] if payload["replied"] else [button(say.term("case.button.replied"), REPLIED, ref)]
    informed = button(say.term("case.button.informed"), INFORMED, ref, style="primary")
    review = [
        button(say.term("case.button.pass"), PASS, ref, style="primary"),
        button(say.term("case.button.return"), RETURN, ref),
        *reply,
    ]
    by_state: dict[State, list[Any]] = {
        State.RETURNED: [button(say.term("case.button.supplement"), SUPPLEMENT, ref, style="primary")],
        State.REGISTERED: [button(say.term("case.button.take"), TAKE, ref, style="primary"), pick],
        State.ASSIGNED: [
            button(say.term("case.button.accept"), ACCEPT, ref, style="primary"),
            button(say.term("case.button.reject"), REJECT, ref, style="danger"),
            button(say.term("case.button.joint"), JOINT, ref),
            button(say.term("case.button.take"), TAKE, ref),
            *reply,
            pick,
        ],
        State.JOINT_REVIEW: [
            button(say.term("case.button.agree"), AGREE, ref, style="primary"),
            button(say.term("case.button.disagree"), DISAGREE, ref),
            *reply,  # the promised reply does not wait for the reviewers
        ],
        State.IN_PROGRESS: [
            button(say.term("case.button.progress"), PROGRESS, ref),
            button(
                say.term("case.button.return_result" if payload["complaint"] else "case.button.submit"),
                SUBMIT,
                ref,
                style="primary",
            ),
            *reply,
            pick,
        ],
        State.FIRST_REVIEW: review,
        State.SECOND_REVIEW: review,
        State.FEEDBACK: [informed],
        State.FOLLOW_UP: [button(say.term("case.button.satisfaction"), SATISFACTION, ref, style="primary")],
        State.REJECTED: []
        if payload.get("informed")
        else [button(say.term("case.button.informed"), INFORMED, ref)],
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
    overdue = payload["overdue"] and state.is_open
    to_complete = say.term("case.to_complete")
    blocks = [
        header(say.plain(Notice.of("case.card.header", number=payload["number"], kind=payload["type"]))),
        section(
            md(
                "*{summary}*\n{status}{flag}",
                summary=payload["summary"],
                status=_status(payload, say),
                flag=say.term("case.card.overdue") if overdue else Mrkdwn(""),
            )
        ),
        fields(
            (
                say.term("case.label.customer"),
                md(
                    "{customer} · {contact} · {channel}",
                    customer=payload["customer"] or to_complete,
                    contact=payload["contact"] or to_complete,
                    channel=channel_word(payload["channel"], say),
                ),
            ),
            (say.term("case.label.handler"), say(_handler(payload))),
            (
                say.term("case.label.reply_due"),
                say.term("case.card.replied") if payload["replied"] else say.at(payload["reply_due_at"]),
            ),
            (say.term("case.label.resolve_by"), say.at(payload["resolve_due_at"])),
        ),
    ]
    if payload.get("satisfaction") is not None:
        blocks.append(context(say(Notice.of("case.card.satisfaction", score=payload["satisfaction"]))))
    buttons = _buttons(payload["number"], payload, say)
    if payload.get("to_complete") and (state.is_open or not payload.get("informed")):
        complete = button(say.term("case.button.complete"), COMPLETE, payload["number"], style="primary")
        buttons.insert(0, complete)
    if buttons:
        blocks.append(actions(*buttons, block_id=card_block(payload["number"], payload["version"])))
    thread = Notice.of(
        "case.card.thread_complaint" if payload["complaint"] else "case.card.thread", kind=payload["type"]
    )
    blocks.append(context(say(thread)))
    text = Notice.of(
        "case.card.text",
        number=payload["number"],
        summary=payload["summary"],
        state=state.term,
        flag=Term("case.card.overdue") if overdue else None,
    )
    return Message(text=say(text), blocks=blocks)


def _status(payload: Mapping[str, Any], say: Wording) -> Mrkdwn:
    """The case's state, and who reviews it at this level; the state's words begin the card's line, so
    the first letter is a capital."""
    state = State(payload["state"]).term
    reviewer = payload.get("reviewer")
    shown = (
        say(Notice.of("case.card.status_reviewer", state=state, reviewer=Person(reviewer, "")))
        if reviewer
        else say.term(state.code)
    )
    return Mrkdwn(shown[:1].upper() + shown[1:])


def _handler(payload: Mapping[str, Any]) -> Notice:
    assignee = payload["assignee"]
    who = Person(assignee, payload.get("assignee_name") or "") if assignee else Term("case.card.unassigned")
    return Notice.of("case.card.handler", assignee=who, unit=payload["unit"])


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
    buttons = (
        [element for element in _buttons(ref, payload, say) if element.action_id in wanted] if wanted else []
    )
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
