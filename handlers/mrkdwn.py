"""Slack's mrkdwn, built so that people's text can never become markup.

`Mrkdwn` is text that may go into a message, a block or a fallback `text` as it is: opsbot's own words, or
people's words after `escape`. Everything that sends text to Slack takes `Mrkdwn` (`Message`, the block
builders), and `md` fills a template of opsbot's with values, escaping each one that is a plain `str`. So a
summary, a reason or a purpose is escaped wherever it goes, in the blocks and in the `text` that
notifications show alike, without any view having to remember it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import SupportsIndex

# Slack opens *bold*, _italics_ and ~strike~ only with a mark at the start of a word. Each mark of a run
# there gets a zero-width space on each side, so it is at no word's start whether Slack counts that space
# as a space or not (followed by a space, a mark opens nothing either); marks inside words (snake_case,
# w***@example.com) are left as typed. Backticks open code anywhere, so every one is broken up.
_ZWSP = "\u200b"
_MARKS = re.compile(r"(?<![\w*_~])[*_~]+|`")
# A line starting with `>` is a quote; `@here` and `@channel` typed as words are parsed where text objects
# are not verbatim (an address, sun.li@example.com, is left alone).
_LINE_QUOTE = re.compile(r"^(&gt;)", re.MULTILINE)
_AT = re.compile(r"(?:^|(?<=[\s(\[{\"'“‘]))@(?=\w)", re.MULTILINE)
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,40}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,40}$")


class Mrkdwn(str):
    """Text that is safe in mrkdwn as it is."""

    __slots__ = ()

    def __add__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(self, other if isinstance(other, Mrkdwn) else escape(other)))

    def join(self, parts: Iterable[str]) -> Mrkdwn:
        return Mrkdwn(str.join(self, (part if isinstance(part, Mrkdwn) else escape(part) for part in parts)))

    def cut(self, limit: SupportsIndex) -> Mrkdwn:
        """At most `limit` characters, never ending inside an entity or a token."""
        return cut(self, int(limit))


def escape(text: str) -> Mrkdwn:
    """People's words as mrkdwn that shows them as typed: `&`, `<` and `>` as entities (no mention,
    broadcast or link; `&lt;` typed stays `&lt;`), and no formatting mark that Slack would act on."""
    if isinstance(text, Mrkdwn):
        return text
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKS.sub(lambda run: "".join(f"{_ZWSP}{mark}{_ZWSP}" for mark in run.group(0)), text)
    text = _LINE_QUOTE.sub(rf"{_ZWSP}\1", text)
    return Mrkdwn(_AT.sub(f"@{_ZWSP}", text))


def md(template: str, /, **values: object) -> Mrkdwn:
    """opsbot's template (mrkdwn) with `{name}` filled in: a `Mrkdwn` value as it is, anything else as
    people's text, escaped."""
    return Mrkdwn(
        template.format(**{k: v if isinstance(v, Mrkdwn) else escape(str(v)) for k, v in values.items()})
    )


def mention(slack_id: str) -> Mrkdwn:
    """A person opsbot itself names (an assignee, an approver, someone picked in a form)."""
    if not _USER_ID.match(slack_id):
        return escape(slack_id)
    return Mrkdwn(f"<@{slack_id}>")


def channel_link(channel_id: str) -> Mrkdwn:
    if not _CHANNEL_ID.match(channel_id):
        return escape(channel_id)
    return Mrkdwn(f"<#{channel_id}>")


def slack_time(moment: datetime, fallback: str) -> Mrkdwn:
    """A time Slack shows in each reader's own time zone; `fallback` is what old clients, notifications and
    the console show instead (the center's clock, saying so)."""
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{escape(fallback)}>")


CUT_NOTE = "…"
_OPEN_TAIL = re.compile(r"(&[a-z]{0,4}|<[^>]*)$")


def cut(text: Mrkdwn, limit: int, note: str = CUT_NOTE) -> Mrkdwn:
    """`text` within `limit` characters with `note` at the end if it had to be cut; an entity or a token
    cut in half is dropped whole."""
    if len(text) <= limit:
        return text
    head = _OPEN_TAIL.sub("", str(text)[: max(0, limit - len(note))])
    return Mrkdwn(head + note)
