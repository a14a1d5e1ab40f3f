"""The deadline sweep's digest: everything one person (or channel) is told by one run — overdue marks,
reminders, escalations, the top of a chain — as one message, a line each."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from handlers.blocks import Message, context, section, sections
from handlers.catalogue import CommandHelp
from handlers.mrkdwn import Mrkdwn, md, mention, slack_time
from handlers.wording import Wording

HELP: list[CommandHelp] = []
# What each clock is called in a line.
CLOCKS = {"reply": "reply", "resolution": "resolution", "follow_up": "follow-up", "step": "approval step"}
# Where the reader can see the subject in full.
LOOK_UP = {"case": "`/case show {subject}`", "approval": "`/approval show {subject}`"}


def digest(payload: Mapping[str, Any], *, say: Wording) -> Message:
    notices = payload["notices"]
    lines = [_line(notice, say.zone) for notice in notices]
    overdue = all(notice["code"] == "deadline.overdue" for notice in notices)
    if overdue:
        head = "⚠️ A deadline has passed:" if len(lines) == 1 else f"⚠️ {len(lines)} deadlines have passed:"
    else:
        head = "⏰ A deadline needs you:" if len(lines) == 1 else f"⏰ {len(lines)} deadlines need you:"
    listed = Mrkdwn("\n").join(Mrkdwn("• ") + line for line in lines)
    blocks = [section(Mrkdwn(head)), *sections(listed)][:49]
    kinds = sorted({notice["kind"] for notice in notices if notice["kind"] in LOOK_UP})
    if kinds:
        look = " or ".join(LOOK_UP[kind].format(subject="…") for kind in kinds)
        blocks.append(context(md("{look} shows one.", look=Mrkdwn(look))))
    text = (Mrkdwn(head) + Mrkdwn(" ") + Mrkdwn("; ").join(lines)).cut(3000)
    return Message(text=text, blocks=blocks)


def _line(notice: Mapping[str, Any], zone: tzinfo) -> Mrkdwn:
    clock = CLOCKS.get(notice["clock"], notice["clock"])
    values = {"subject": notice["subject"], "summary": notice["summary"], "clock": clock}
    due = slack_time(datetime.fromisoformat(notice["due"]), zone)
    owner = mention(notice["owner"]) if notice.get("owner") else Mrkdwn("no one")
    code, to = notice["code"], notice.get("to")
    if code == "deadline.overdue":
        line = (
            md("{subject} ({summary}): the {clock} is overdue.", **values)
            if to == "owner"
            else md(
                "{subject} ({summary}), handled by {owner}: its {clock} is overdue.", owner=owner, **values
            )
        )
    elif code == "deadline.remind":
        line = md("{subject} ({summary}): the {clock} is due {due}.", due=due, **values)
    elif code == "deadline.escalate":
        line = md(
            "{subject} ({summary}), with {owner}: its {clock} is escalated to you.", owner=owner, **values
        )
    else:  # deadline.top_of_chain
        line = md(
            "{subject} ({summary}), with {owner}: its {clock} has gone as far up as it can — no one above is "
            "free to take it.",
            owner=owner,
            **values,
        )
    if notice.get("late") and notice.get("falls"):
        line = line + md(
            " (late: this was due {falls})", falls=slack_time(datetime.fromisoformat(notice["falls"]), zone)
        )
    return line


RENDERERS = {"deadline.digest": digest}
