"""The list of every command opsbot has, gathered from the handler modules, for `/ops help` and for the
check that the Slack manifest declares them all."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from handlers.blocks import Message, context, header, section
from handlers.mrkdwn import Mrkdwn, md
from handlers.wording import Wording, w, words
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Quote, Term


@dataclass(frozen=True)
class CommandHelp:
    """A command as it is typed (its words are opsbot's to read, never translated) and the code of its
    summary in the catalogue."""

    usage: str
    summary: str

    @property
    def command(self) -> str:
        return self.usage.split()[0]


def help_message(entries: Iterable[CommandHelp], say: Wording) -> Message:
    """`/ops help` in the words of `say`, its reader."""
    entries = list(entries)
    by_command: dict[str, list[CommandHelp]] = {}
    for entry in entries:
        by_command.setdefault(entry.command, []).append(entry)
    blocks: list[dict[str, Any]] = [header(say.term("help.header"))]
    for items in by_command.values():
        lines = (
            md("`{usage}`  {summary}", usage=item.usage, summary=say.term(item.summary)) for item in items
        )
        blocks.append(section(Mrkdwn("\n").join(lines)))
    blocks.append(context(say.term("help.footer")))
    text = say(Notice.of("help.text", usages=[entry.usage for entry in entries]))
    return Message(text=text, blocks=blocks)


def unknown_subcommand(
    command: str, sub: str, known: Iterable[str], *, guess: str | None = None, also: str | None = None
) -> InvalidInput:
    """What a command answers to a word it doesn't know: the nearest one it does (`guess`, else the nearest
    of `known`), and all of them, as its reader types them. `also` names a term that tells what else the
    command does."""
    known = sorted(known)
    guess = guess or next(iter(difflib.get_close_matches(sub.lower(), known, n=1)), None)
    return InvalidInput(
        "subcommand.unknown_near" if guess else "subcommand.unknown",
        command=command,
        typed=Quote(sub),
        guess=guess,
        known=known,
        also=Term(also) if also else None,
    )


WORDS = words(
    # `/ops help`: the commands as typed, each with its summary (the workflows word theirs).
    w("help.header", "opsbot commands"),
    w("help.footer", "Words in [brackets] are optional. Only you can see this message."),
    w("help.text", "opsbot commands: {usages}"),
    w(
        "subcommand.unknown",
        "I don't know `{command} {typed}`. {also}`/ops help` lists every command "
        "(`{command}` understands: {known}).",
    ),
    w(
        "subcommand.unknown_near",
        "I don't know `{command} {typed}`. Did you mean `{command} {guess}`? {also}"
        "`/ops help` lists every command (`{command}` understands: {known}).",
    ),
)
