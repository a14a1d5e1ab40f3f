"""People's text that tries to ping, link or format, and the checks that nothing of it reaches Slack live."""

from __future__ import annotations

import json
from typing import Any

HOSTILE = "<!channel> <!here> <!everyone> <!subteam^S0> <@U0X> <#C0X> <https://x.example|y> &lt; *b* _i_ ~s~"
LIVE = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^S0>", "<@U0X>", "<#C0X>", "<https://x.example")
FORMATTED = ("*b*", "_i_", "~s~")
# How the hostile text reads in mrkdwn once escaped: `&lt;` as typed, so `&amp;lt;`.
TYPED_ENTITY = "&amp;lt;"


def mrkdwn_texts(obj: Any) -> list[str]:
    """Every string Slack reads as mrkdwn: text objects of type mrkdwn, and messages' fallback text."""
    found: list[str] = []
    if isinstance(obj, dict):
        if obj.get("type") == "mrkdwn" and isinstance(obj.get("text"), str):
            found.append(obj["text"])
        for value in obj.values():
            found += mrkdwn_texts(value)
    elif isinstance(obj, list):
        for item in obj:
            found += mrkdwn_texts(item)
    return found


def message_texts(message: Any) -> list[str]:
    """A rendered message's (or view's) mrkdwn: its fallback `text` and every mrkdwn text object."""
    if hasattr(message, "blocks"):
        return [str(getattr(message, "text", "") or ""), *mrkdwn_texts(message.blocks)]
    return mrkdwn_texts(message)


def assert_inert(texts: list[str]) -> None:
    """No live token and no formatting from the hostile text in any of `texts`."""
    joined = "\n".join(texts)
    for token in LIVE:
        assert token not in joined, (token, joined)
    for mark in FORMATTED:
        assert mark not in joined, (mark, joined)


def assert_shows_hostile(texts: list[str]) -> None:
    """The hostile text is there, escaped (its typed `&lt;` kept as typed), and inert."""
    assert_inert(texts)
    assert any(TYPED_ENTITY in text for text in texts), json.dumps(texts, ensure_ascii=False)[:2000]
