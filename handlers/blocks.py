"""Small Block Kit builders shared by every view.

Blocks are built with slack_sdk's models, whose `to_dict()` checks Block Kit's limits, so a view that would
break a limit fails in our tests rather than at Slack. Text goes in as `Mrkdwn` (see `handlers.mrkdwn`);
what would not fit a block is split across sections (`sections`) or cut with a visible mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from handlers.mrkdwn import Mrkdwn, cut, md


@dataclass(frozen=True)
class Message:
    """A message as opsbot sends it: fallback text for notifications, and blocks. The text is `Mrkdwn`, so
    people's words in it are escaped like those in the blocks."""

    text: Mrkdwn
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.text, Mrkdwn):
            raise TypeError("a message's text must be Mrkdwn: build it with md() or escape()")


def _mrkdwn(text: Mrkdwn, limit: int) -> MarkdownTextObject:
    if not isinstance(text, Mrkdwn):
        raise TypeError("block text must be Mrkdwn: build it with md() or escape()")
    # Verbatim: Slack links nothing by itself; opsbot's own mentions and links are explicit tokens.
    return MarkdownTextObject(text=cut(text, limit), verbatim=True)


def section(text: Mrkdwn, *, accessory: ButtonElement | None = None) -> dict[str, Any]:
    return SectionBlock(text=_mrkdwn(text, SectionBlock.text_max_length), accessory=accessory).to_dict()


def sections(text: Mrkdwn, *, limit: int = SectionBlock.text_max_length) -> list[dict[str, Any]]:
    """Long text as as many sections as it needs, split between lines where it can be."""
    parts: list[dict[str, Any]] = []
    rest = str(text)
    while rest:
        if len(rest) <= limit:
            head, rest = rest, ""
        else:
            split = rest.rfind("\n", 0, limit)
            split = split if split > limit // 2 else _safe_split(rest, limit)
            head, rest = rest[:split], rest[split:].lstrip("\n")
        parts.append(section(Mrkdwn(head)))
    return parts


def _safe_split(text: str, limit: int) -> int:
    """A split at or before `limit` that does not fall inside an entity or a token."""
    head = text[:limit]
    opened = max(head.rfind("&"), head.rfind("<"))
    if opened != -1 and not any(end in head[opened:] for end in (";", ">")):
        return opened or limit
    return limit


def fields(*pairs: tuple[str, Mrkdwn]) -> dict[str, Any]:
    items = [_mrkdwn(md("*{label}*\n", label=label) + value, 2000) for label, value in pairs]
    return SectionBlock(fields=items[: SectionBlock.fields_max_length]).to_dict()


def header(text: str) -> dict[str, Any]:
    """A header is plain text: whatever it holds is shown as it is."""
    return HeaderBlock(text=PlainTextObject(text=_plain_cut(text, HeaderBlock.text_max_length))).to_dict()


def _plain_cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def context(text: Mrkdwn) -> dict[str, Any]:
    return ContextBlock(elements=[_mrkdwn(text, 3000)]).to_dict()


def divider() -> dict[str, Any]:
    return DividerBlock().to_dict()


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=text, action_id=action_id, value=value, style=style)


def actions(*elements: ButtonElement, block_id: str | None = None) -> dict[str, Any]:
    return ActionsBlock(elements=list(elements), block_id=block_id).to_dict()


def text_input(
    block_id: str,
    label: str,
    *,
    multiline: bool = False,
    max_length: int | None = None,
    placeholder: str = "",
    initial: str | None = None,
) -> dict[str, Any]:
    element = PlainTextInputElement(
        action_id=block_id,
        multiline=multiline,
        max_length=max_length,
        placeholder=placeholder or None,
        initial_value=initial,
    )
    return InputBlock(block_id=block_id, label=label, element=element).to_dict()


def select_input(
    block_id: str, label: str, options: list[tuple[str, str]], *, initial: str | None = None
) -> dict[str, Any]:
    choices = [Option(value=value, text=text) for value, text in options]
    chosen = next((option for option in choices if option.value == initial), None)
    element = StaticSelectElement(action_id=block_id, options=choices, initial_option=chosen)
    return InputBlock(block_id=block_id, label=label, element=element).to_dict()


def modal(
    title: str,
    blocks: list[dict[str, Any]],
    *,
    callback_id: str | None = None,
    submit: str | None = None,
    close: str | None = None,
    private_metadata: str | None = None,
) -> dict[str, Any]:
    """A modal view, built by slack_sdk so that Slack's limits (a title, submit and close of 24 characters
    at most, 1 to 100 blocks, private metadata up to 3,000) are checked here rather than refused by Slack.
    Its words are the reader's: without `close`, Slack shows its own close button, in the reader's Slack
    language."""
    view = View(
        type="modal",
        title=title,
        blocks=blocks,
        callback_id=callback_id,
        submit=submit,
        close=close,
        private_metadata=private_metadata,
    )
    return view.to_dict()


def notice_view(message: Mrkdwn, *, close: str | None = None) -> dict[str, Any]:
    """A modal that only tells the person something, with a button to close it (`close`: its label in the
    reader's words; Slack's own without)."""
    return modal("opsbot", [section(message)], close=close)
