"""The one router of a slash command's words: `/case list mine` runs the `list` subcommand with `mine`, and
a word the command doesn't know is answered with the nearest one it does."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack

from handlers.blocks import Message
from handlers.catalogue import unknown_subcommand
from handlers.payloads import Command
from handlers.wording import Wording, Wordings
from opsbot.languages import LOCALES

# A subcommand: the command as sent, and the words after the subcommand's own (stripped).
Subcommand = Callable[[Command, str], Message]


def split(text: str) -> tuple[str, str]:
    """`announce leadership  Meeting at 3` → ("announce", "leadership  Meeting at 3")."""
    head, _, rest = text.strip().partition(" ")
    return head.lower(), rest.strip()


@functools.cache  # the catalogue is fixed for the process: each command's table is made once
def spoken(wordings: Wordings, prefix: str, known: tuple[str, ...]) -> dict[str, str]:
    """What people may type for each of the `known` words (as the code knows them, in English): the word,
    and its translation in every locale (the catalogue's `<prefix>.<word>`: `word.case.new` is 新建)."""
    aliases = {word: word for word in known}
    for word in known:
        code = f"{prefix}.{word}"
        for locale in LOCALES:
            say = wordings(locale)
            if say.has(code):
                aliases[say.term(code).lower()] = word
    return aliases


def in_words_of(say: Wording, prefix: str, word: str) -> str:
    """A known word as its reader types it."""
    code = f"{prefix}.{word}"
    return say.term(code) if say.has(code) else word


def translated(text: str, aliases: Mapping[str, str]) -> str:
    """Each word of `text` that is a known word in another language, as the code knows it."""
    return " ".join(aliases.get(word.lower(), word) for word in text.split())


def router(
    command: str,
    subcommands: Mapping[str, Subcommand],
    wordings: Wordings,
    say_to: Callable[[str], Wording],
    *,
    empty: str | None = None,
    also: str | None = None,
) -> Callable[[Ack, dict[str, Any]], None]:
    """The listener that answers `command <word> …` ephemerally with what the word's subcommand says, the
    word typed in any of opsbot's languages (`/case 新建 …` is `/case new …`); `empty` is the subcommand run
    when no word is typed. `also` names the term that an answer to an unknown word adds."""
    prefix = f"word.{command.lstrip('/')}"
    aliases = spoken(wordings, prefix, tuple(subcommands))

    def answer(ack: Ack, body: dict[str, Any]) -> None:
        sent = Command.of(body)
        typed, rest = split(sent.text)
        run = subcommands.get(aliases.get(typed, typed) or empty or "")
        if run is None:
            say = say_to(sent.user_id)
            guess = aliases.get(nearest(typed, aliases) or "")
            raise unknown_subcommand(
                command,
                sent.typed(typed),
                [in_words_of(say, prefix, word) for word in subcommands],
                guess=in_words_of(say, prefix, guess) if guess else None,
                also=also,
            )
        reply = run(sent, rest)
        ack(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")

    return answer


def nearest(typed: str, aliases: Mapping[str, str]) -> str | None:
    """The known word (in any language) nearest to a word no command knows."""
    found = difflib.get_close_matches(typed.lower(), list(aliases), n=1, cutoff=0.5)
    return found[0] if found else None
