"""The announcements' section of the App Home."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.announcements.card import posted_at, read_button
from handlers.blocks import section
from handlers.mrkdwn import escape
from handlers.wording import Wording
from opsbot.notices import Notice


def announcements_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(say.term("announcements.home.all_read"))]
    blocks = [section(say(Notice.of("announcements.home.unread", count=len(items))))]
    for item in items:
        shown = Notice.of(
            "announcements.home.item",
            number=item["number"],
            author=item["author_name"],
            at=posted_at(item),
            text=escape(item["text"]).cut(300),  # escaped before it is cut, so no entity is cut in half
        )
        blocks.append(section(say(shown)))
        blocks.append(read_button(item["number"], say))
    return blocks


VIEWS = {"announcements": announcements_section}
