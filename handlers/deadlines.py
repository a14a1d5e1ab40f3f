"""The deadline sweep's digest: everything one person (or channel) is told by one run — overdue marks,
reminders, escalations, the top of a chain — as one message, a line each, worded from the catalogue."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from handlers.blocks import Message, context, section, sections
from handlers.catalogue import CommandHelp
from handlers.mrkdwn import Mrkdwn
from handlers.wording import Wording, w, wn, words
from opsbot.notices import Notice, Param, Person, Quote, Term, Time

HELP: list[CommandHelp] = []
WORDS = words(
    w("deadline.overdue.owner", "{subject} ({summary}): the {clock} is overdue."),
    w("deadline.overdue", "{subject} ({summary}), handled by {owner}: its {clock} is overdue."),
    w("deadline.remind", "{subject} ({summary}): the {clock} is due {due}."),
    w("deadline.escalate", "{subject} ({summary}), with {owner}: its {clock} is escalated to you."),
    w(
        "deadline.top_of_chain",
        "{subject} ({summary}), with {owner}: its {clock} has gone as far up as it "
        "can — no one above is free to take it.",
    ),
    w("deadline.late", "{line} (late: this was due {falls})"),
    wn("deadline.head.overdue", "⚠️ A deadline has passed:", "⚠️ {count} deadlines have passed:"),
    wn("deadline.head.due", "⏰ A deadline needs you:", "⏰ {count} deadlines need you:"),
    # The digest's fallback text (notifications): the head, then the lines one after another.
    w("deadline.text", "{head} {lines}"),
    w("deadline.separator", "; "),
    w("deadline.look_up", "{commands} shows one."),
    # Between the commands that look up what the digest names: each a `command` (a code span).
    w("deadline.commands.separator", ", "),
    w("deadline.no_one", "no one"),
)
# Each workflow words its clocks (`deadline.clock.<clock>`) and, where a command shows its subjects, that
# command (`deadline.look_up.<kind>`).


def digest(payload: Mapping[str, Any], *, say: Wording) -> Message:
    notices = payload["notices"]
    lines = [say(line(notice)) for notice in notices]
    overdue = all(notice["code"] == "deadline.overdue" for notice in notices)
    head = say(Notice.of("deadline.head.overdue" if overdue else "deadline.head.due", count=len(lines)))
    listed = Mrkdwn("\n").join(Mrkdwn("• ") + line for line in lines)
    blocks = [section(head), *sections(listed)][:49]
    kinds = dict.fromkeys(notice["kind"] for notice in notices)
    commands = [say.term(code) for kind in kinds if say.has(code := f"deadline.look_up.{kind}")]
    if commands:
        listed_commands = say.term("deadline.commands.separator").join(commands)
        blocks.append(context(say(Notice.of("deadline.look_up", commands=listed_commands))))
    text = say(Notice.of("deadline.text", head=head, lines=say.term("deadline.separator").join(lines)))
    return Message(text=text.cut(3000), blocks=blocks)


def line(notice: Mapping[str, Any]) -> Notice:
    """A line of the sweep (a plain record of what fired) as a notice."""
    code = notice["code"]
    if code == "deadline.overdue" and notice.get("to") == "owner":
        code = "deadline.overdue.owner"
    owner = notice.get("owner")
    params: dict[str, Param] = {
        "subject": notice["subject"],
        "summary": Quote(notice["summary"]),
        "clock": Term(f"deadline.clock.{notice['clock']}"),
        "owner": Person(owner, owner) if owner else Term("deadline.no_one"),
        "due": Time(datetime.fromisoformat(notice["due"])),
    }
    said = Notice(code, params)
    if notice.get("late") and notice.get("falls"):
        return Notice.of("deadline.late", line=said, falls=Time(datetime.fromisoformat(notice["falls"])))
    return said


RENDERERS = {"deadline.digest": digest}
