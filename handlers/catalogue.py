"""The list of every command opsbot has, gathered from the handler modules, for `/ops help` and for the
check that the Slack manifest declares them all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from handlers.blocks import Message, context, header, section


@dataclass(frozen=True)
class CommandHelp:
    usage: str
    summary: str

    @property
    def command(self) -> str:
        return self.usage.split()[0]


def help_message(entries: Iterable[CommandHelp]) -> Message:
    entries = list(entries)
    by_command: dict[str, list[CommandHelp]] = {}
    for entry in entries:
        by_command.setdefault(entry.command, []).append(entry)
    blocks: list[dict[str, Any]] = [header("opsbot commands")]
    for items in by_command.values():
        blocks.append(section("\n".join(f"`{item.usage}`  {item.summary}" for item in items)))
    blocks.append(context("Words in [brackets] are optional. Only you can see this message."))
    text = "opsbot commands: " + ", ".join(f"{entry.usage}" for entry in entries)
    return Message(text=text, blocks=blocks)
