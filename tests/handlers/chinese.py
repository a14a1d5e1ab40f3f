"""Checks that a rendered message or view reads in Chinese and keeps within Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

# What stays Latin in a Chinese text: code spans (commands as typed), mentions, channel links and dates,
# record numbers, slash commands with their words, and opsbot's and Slack's own names.
_LATIN_KEPT = re.compile(
    r"`[^`]*`|<[@#!][^>]*>|(?<![A-Za-z])(?:[A-Z]{2,5}-\d{4}-[\d…]+|opsbot|Slack)(?![A-Za-z])"
    r"|/[a-z]+(?: \[?[a-z]+\]?)*"
)
_WORD = re.compile(r"[A-Za-z]{4,}")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def english_words(text: str, kept: Iterable[str] = ()) -> list[str]:
    """The Latin words of four letters or more in `text`, outside what a Chinese text keeps as it is and
    outside `kept` (people's own words, and the words of domains still to be translated)."""
    for words in sorted(kept, key=len, reverse=True):
        text = text.replace(words, " ")
    return _WORD.findall(_LATIN_KEPT.sub(" ", text))


def assert_chinese(texts: Iterable[str], kept: Iterable[str] = ()) -> None:
    texts, kept = list(texts), list(kept)
    assert texts and all(_HAN.search(text) for text in texts), texts
    found = {text: english_words(text, kept) for text in texts}
    assert {text: words for text, words in found.items() if words} == {}


def texts_of(obj: Any) -> Iterator[str]:
    """Every text object's text in blocks or a view (plain and mrkdwn alike)."""
    if isinstance(obj, dict):
        if obj.get("type") in ("plain_text", "mrkdwn") and isinstance(obj.get("text"), str):
            yield obj["text"]
        for value in obj.values():
            yield from texts_of(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from texts_of(item)


# Slack's limits on the text of each kind of element (Block Kit reference).
_LIMITS = {"header": 150, "button": 75, "section": 3000, "context": 3000, "input": 2000}
_MODAL = 24
_PLACEHOLDER, _OPTION = 150, 75


def assert_within_limits(obj: Any) -> None:
    """Every text within the limit Slack sets for where it is: a modal's title, submit and close, headers,
    buttons, options, labels and placeholders, sections and contexts."""
    if isinstance(obj, dict):
        for key in ("title", "submit", "close"):
            if obj.get("type") == "modal" and key in obj:
                assert len(obj[key]["text"]) <= _MODAL, obj[key]
        kind = obj.get("type")
        if kind in ("header", "button") and isinstance(obj.get("text"), dict):
            assert len(obj["text"]["text"]) <= _LIMITS[kind], obj
        if kind == "input":
            assert len(obj["label"]["text"]) <= _LIMITS["input"], obj
        if "placeholder" in obj and isinstance(obj["placeholder"], dict):
            assert len(obj["placeholder"]["text"]) <= _PLACEHOLDER, obj
        for option in obj.get("options", []):
            assert len(option["text"]["text"]) <= _OPTION, option
        if kind in ("section", "context"):
            assert all(len(text) <= _LIMITS[kind] for text in texts_of(obj)), obj
        for value in obj.values():
            assert_within_limits(value)
    elif isinstance(obj, list):
        for item in obj:
            assert_within_limits(item)
