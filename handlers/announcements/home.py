"""The announcements' section of the App Home."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.announcements.card import read_button
from handlers.blocks import section
from handlers.mrkdwn import Mrkdwn, escape, md
from handlers.wording import Wording


def announcements_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(Mrkdwn("*Announcements*\nYou have read every announcement. ✓"))]
    blocks = [section(md("*Announcements you have not marked as read* ({count})", count=len(items)))]
    for item in items:
        blocks.append(
            section(
                md(
                    "*{number}* from {author} · {at}\n{text}",
                    number=item["number"],
                    author=item["author_name"],
                    at=say.at(item["posted_at"]),
                    text=escape(item["text"]).cut(300),
                )
            )
        )
        blocks.append(read_button(item["number"]))
    return blocks


VIEWS = {"announcements": announcements_section}
