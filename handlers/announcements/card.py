"""The announcement's living card in its channel: the text, who posted it, and who has read it so far."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.blocks import Message, actions, button, context, header, section, sections
from handlers.mrkdwn import escape, md
from handlers.wording import Wording
from opsbot.announcements.service import CARD

MARK_READ = "announcement.read"


def card(payload: Mapping[str, Any], *, say: Wording) -> Message:
    readers = payload["readers"]
    read_line = (
        md("Read by {count}: {names}", count=len(readers), names=", ".join(readers))
        if readers
        else md("No one has marked it as read yet.")
    )
    blocks = [
        header(f"📣 Announcement {payload['number']}"),
        *sections(escape(payload["text"])),
        context(
            md(
                "From *{author}* · {at}",
                author=payload["author_name"],
                at=say.at(payload["posted_at"]),
            )
        ),
        section(read_line, accessory=button("Mark as read", MARK_READ, payload["number"])),
    ]
    text = md(
        "Announcement {number} from {author}: {text}",
        number=payload["number"],
        author=payload["author_name"],
        text=payload["text"],
    )
    return Message(text=text, blocks=blocks)


def read_button(number: str) -> dict[str, Any]:
    return actions(button("Mark as read", MARK_READ, number))


RENDERERS = {CARD: card}
