"""Small Block Kit builders shared by every view.

Blocks are built with slack_sdk's models, whose `to_dict()` checks Block Kit's limits, so a view that would
break a limit fails in our tests rather than at Slack. Text that comes from people is cut to the models'
own limits with a visible note, never sent over them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
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

TRUNCATED = "… (cut to fit; see the full text with opsbot)"


@dataclass(frozen=True)
class Message:
    """A message as opsbot sends it: fallback text for notifications, and blocks."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def slack_time(moment: datetime | str | None, zone: tzinfo = UTC) -> str:
    """A time Slack shows in each reader's own time zone; the fallback (old clients, notifications) is in
    `zone`."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(zone)
    label = "UTC" if zone is UTC else ""
    fallback = f"{local:%Y-%m-%d %H:%M} {label}".rstrip()
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(TRUNCATED)] + TRUNCATED


def escape(text: str) -> str:
    """Make people's text safe inside mrkdwn: no accidental links, mentions or broadcasts."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str, *, accessory: ButtonElement | None = None) -> dict[str, Any]:
    return SectionBlock(
        text=MarkdownTextObject(text=fit(text, SectionBlock.text_max_length)), accessory=accessory
    ).to_dict()


def fields(*pairs: tuple[str, str]) -> dict[str, Any]:
    items = [MarkdownTextObject(text=fit(f"*{label}*\n{value}", 2000)) for label, value in pairs]
    return SectionBlock(fields=items[: SectionBlock.fields_max_length]).to_dict()


def header(text: str) -> dict[str, Any]:
    return HeaderBlock(text=PlainTextObject(text=fit(text, HeaderBlock.text_max_length))).to_dict()


def context(text: str) -> dict[str, Any]:
    return ContextBlock(elements=[MarkdownTextObject(text=fit(text, 3000))]).to_dict()


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
