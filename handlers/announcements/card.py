"""The announcement's living card in its channel: the text, who posted it, and who has read it so far."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from handlers.blocks import Message, actions, button, context, header, section, sections
from handlers.mrkdwn import escape
from handlers.wording import Wording
from opsbot.announcements.service import CARD
from opsbot.notices import Notice, Quote, Time

MARK_READ = "announcement.read"


def card(payload: Mapping[str, Any], *, say: Wording) -> Message:
    readers = payload["readers"]
    read_line = (
        say(Notice.of("announcement.card.read_by", count=len(readers), names=list(readers)))
        if readers
        else say.term("announcement.card.unread")
    )
    number, author = payload["number"], payload["author_name"]
    blocks = [
        header(say.plain(Notice.of("announcement.card.header", number=number))),
        *sections(escape(payload["text"])),
        context(say(Notice.of("announcement.card.from", author=author, at=posted_at(payload)))),
        section(read_line, accessory=button(say.term("announcement.mark_read"), MARK_READ, number)),
    ]
    text = say(Notice.of("announcement.card.text", number=number, author=author, text=Quote(payload["text"])))
    return Message(text=text, blocks=blocks)


def posted_at(item: Mapping[str, Any]) -> Time:
    return Time(datetime.fromisoformat(item["posted_at"]))


def read_button(number: str, say: Wording) -> dict[str, Any]:
    return actions(button(say.term("announcement.mark_read"), MARK_READ, number))


RENDERERS = {CARD: card}
