"""`/ops`: help, who am I, the admins' deliveries, and the subcommands the workflows add (`announce`)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from slack_bolt import App

from handlers.blocks import Message
from handlers.catalogue import CommandHelp, help_message
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn
from handlers.payloads import Command
from handlers.subcommands import Subcommand, router
from handlers.wording import Wording, w, wn, words
from opsbot import admin
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Param, Quote, Term

COMMAND = "/ops"
WORDS = words(
    # `/ops`'s subcommands as each language types them (`subcommands.spoken`).
    w("word.ops.help", "help"),
    w("word.ops.whoami", "whoami"),
    w("word.ops.announce", "announce"),
    w("word.ops.deliveries", "deliveries"),
    w("word.ops.language", "language"),
    w("ops.deliveries_usage", "`/ops deliveries` takes nothing or `retry`, not `{typed}`."),
    w("action.look_after_deliveries", "look after deliveries"),
    w("help.ops.help", "List every opsbot command (this list)."),
    w("help.ops.whoami", "Show your place in the center: role, unit and whom you report to."),
    w("help.ops.deliveries", "(admins) Show messages opsbot could not deliver; `retry` sends them again."),
    w("ops.whoami", "You are *{name}*, {role} in {unit}. You report to {superior} ({superior_role})."),
    w("ops.whoami.top", "You are *{name}*, {role} in {unit}. You lead the center."),
    wn(
        "ops.deliveries.requeued",
        "{count} failed message queued to be sent again.",
        "{count} failed messages queued to be sent again.",
    ),
    w("ops.deliveries.none_failed", "Nothing had failed."),
    w("ops.outbox", "Outbox: {pending} pending, {sending} sending, {sent} sent, {failed} failed."),
    wn(
        "ops.outbox.failure",
        "• #{id} to {channel} ({kind}, {count} attempt): {error}",
        "• #{id} to {channel} ({kind}, {count} attempts): {error}",
    ),
    w(
        "ops.outbox.fix",
        "Fix the cause (e.g. invite opsbot to the channel), then type `/ops deliveries retry`.",
    ),
)

HELP = (
    CommandHelp("/ops help", "help.ops.help"),
    CommandHelp("/ops whoami", "help.ops.whoami"),
    CommandHelp("/ops deliveries [retry]", "help.ops.deliveries"),
)


def whoami(edge: Edge, user: str) -> Message:
    def describe(_session: Any, directory: Any) -> Message:
        person = directory.member(user)
        unit = directory.units.get(person.unit)
        superior = directory.get(person.reports_to) if person.reports_to else None
        said: dict[str, Param] = {
            "name": person.name,
            "role": Term(f"role.{person.role.value}"),
            "unit": unit.name if unit else person.unit,
        }
        if superior is None:
            return Message(text=edge.say_to(user)(Notice("ops.whoami.top", said)))
        said |= {"superior": superior.name, "superior_role": Term(f"role.{superior.role.value}")}
        return Message(text=edge.say_to(user)(Notice("ops.whoami", said)))

    return edge.read(describe)


def deliveries(edge: Edge, command: Command, rest: str) -> Message:
    user = command.user_id
    if rest.strip().lower() == "retry":
        count = edge.change(
            command,
            lambda session, directory: admin.retry_failed_deliveries(session, edge.context(directory, user)),
        )
        done = (
            Notice.of("ops.deliveries.requeued", count=count)
            if count
            else Notice("ops.deliveries.none_failed")
        )
        return Message(text=edge.say_to(user)(done))
    if rest.strip():
        raise InvalidInput("ops.deliveries_usage", typed=Quote(command.typed(rest)))
    backlog, failures = edge.read(
        lambda session, directory: admin.delivery_report(session, edge.context(directory, user))
    )
    say = edge.say_to(user)
    statuses = ("pending", "sending", "sent", "failed")
    lines = [say(Notice("ops.outbox", {status: backlog.get(status, 0) for status in statuses}))]
    lines += [
        say(
            Notice.of(
                "ops.outbox.failure",
                id=str(f.id),
                channel=f.channel,
                kind=f.kind,
                count=f.attempts,
                error=f.error,
            )
        )
        for f in failures
    ]
    if failures:
        lines.append(say.term("ops.outbox.fix"))
    return Message(text=Mrkdwn("\n").join(lines))


def reader(edge: Edge, user: str) -> Wording:
    """The wording of `user`, from the directory that knows their language: read here, as the help itself
    reads nothing (a process's first request finds no directory read yet)."""
    return edge.read(lambda _session, _directory: edge.say_to(user))


def register(app: App, edge: Edge, catalogue: Iterable[CommandHelp], more: Mapping[str, Subcommand]) -> None:
    """`/ops` and its subcommands, with those the workflows add (`more`); registered after the workflows'
    own listeners, which may take some `/ops` first (a form to open)."""
    guide = functools.cache(functools.partial(help_message, list(catalogue)))  # made once per locale
    subcommands: dict[str, Subcommand] = {
        "help": lambda command, _rest: guide(reader(edge, command.user_id)),
        "whoami": lambda command, _rest: whoami(edge, command.user_id),
        "deliveries": lambda command, rest: deliveries(edge, command, rest),
        **more,
    }
    app.command(COMMAND)(router(COMMAND, subcommands, edge.wordings, edge.say_to, empty="help"))
