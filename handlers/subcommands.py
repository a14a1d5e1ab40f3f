"""The one router of a slash command's words: `/case list mine` runs the `list` subcommand with `mine`, and
a word the command doesn't know is answered with the nearest one it does."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack

from handlers.blocks import Message
from handlers.catalogue import unknown_subcommand
from handlers.payloads import Command

# A subcommand: the command as sent, and the words after the subcommand's own (stripped).
Subcommand = Callable[[Command, str], Message]


def split(text: str) -> tuple[str, str]:
    """`announce leadership  Meeting at 3` → ("announce", "leadership  Meeting at 3")."""
    head, _, rest = text.strip().partition(" ")
    return head.lower(), rest.strip()


def router(
    command: str, subcommands: Mapping[str, Subcommand], *, empty: str | None = None, also: str | None = None
) -> Callable[[Ack, dict[str, Any]], None]:
    """The listener that answers `command <word> …` ephemerally with what the word's subcommand says;
    `empty` is the subcommand run when no word is typed. `also` names the term that an answer to an unknown
    word adds."""

    def answer(ack: Ack, body: dict[str, Any]) -> None:
        sent = Command.of(body)
        sub, rest = split(sent.text)
        run = subcommands.get(sub or empty or "")
        if run is None:
            raise unknown_subcommand(command, sent.typed(sub), subcommands, also=also)
        reply = run(sent, rest)
        ack(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")

    return answer
