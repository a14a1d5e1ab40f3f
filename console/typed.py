"""What the console's person types, turned into what Slack's client would send or do."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from fakeslack.render import MULTI
from handlers.wording import Wording
from opsbot.center import Person
from opsbot.notices import Notice

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yaml"
UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def slash_commands(manifest: Path = MANIFEST) -> dict[str, bool]:
    """The app's slash commands, each with whether Slack escapes its text (the manifest's `should_escape`:
    @mentions arrive as user ids). Empty when installed without the source tree."""
    if not manifest.is_file():
        return {}
    commands = yaml.safe_load(manifest.read_text(encoding="utf-8"))["features"]["slash_commands"]
    return {command["command"]: bool(command.get("should_escape")) for command in commands}


SLASH_COMMANDS = slash_commands()
ESCAPED_COMMANDS = frozenset(command for command, escaped in SLASH_COMMANDS.items() if escaped)


def with_mentions(text: str, people: Iterable[Person]) -> str:
    """What Slack's client sends for `@Zhou Jie` (or `@U0ZHOUJIE`) picked from its suggestions, in a command
    the app asks to have escaped: `<@U0ZHOUJIE|zhou.jie>`. Longer names first, so `@Li Na` is not `@Li`."""
    for person in sorted(people, key=lambda p: -len(p.name)):
        mention = f"<@{person.slack_id}|{person.name.lower().replace(' ', '.')}>"
        for typed in (person.name, person.slack_id):
            text = re.sub(rf"(?<!<)@{re.escape(typed)}\b", mention, text, flags=re.IGNORECASE)
    return text


def as_slack_sends(command: str, typed: str, people: Iterable[Person] = ()) -> str:
    """A command's text as Slack sends what a person typed: `&`, `<` and `>` as entities, and, in a command
    the app asks to have escaped, `@channel`, `@here` and `@everyone` as broadcasts and `@Name` as a
    mention."""
    text = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if command not in ESCAPED_COMMANDS:
        return text
    text = re.sub(r"(?<![\w<])@(channel|here|everyone)\b", r"<!\1>", text)
    return with_mentions(text, people)


def duration(text: str) -> timedelta | None:
    """`3d`, `5h`, `30m` as a time span; None for anything else."""
    match = re.fullmatch(r"(\d+)\s*([dhm])", text.strip().lower())
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))}) if match else None


def answer_hint(element: Mapping[str, Any], say: Wording) -> str:
    """How to type a value for an element the console asks about (a time as the center's clock reads)."""
    kind = str(element.get("type", ""))
    code = {"datepicker": "console.hint.date", "datetimepicker": "console.hint.datetime"}.get(kind)
    code = code or ("console.hint.person" if "user" in kind else None)
    hint = say.plain(Notice.of(code, zone=str(say.zone))) if code else ""
    return hint + (say.term("console.hint.several") if kind.startswith(MULTI) else "")
