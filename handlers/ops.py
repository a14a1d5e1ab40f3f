"""`/ops`: help, who am I, the admins' deliveries, and the subcommands the workflows add (`announce`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from slack_bolt import App

from handlers.blocks import Message
from handlers.catalogue import CommandHelp, help_message
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, md
from handlers.payloads import Command
from handlers.subcommands import Subcommand, router
from handlers.wording import w, words
from opsbot import admin
from opsbot.errors import InvalidInput
from opsbot.notices import Quote

COMMAND = "/ops"
WORDS = words(
    w("ops.deliveries_usage", "`/ops deliveries` takes nothing or `retry`, not `{typed}`."),
    w("action.look_after_deliveries", "look after deliveries"),
)

HELP = (
    CommandHelp("/ops help", "List every opsbot command (this list)."),
    CommandHelp("/ops whoami", "Show your place in the center: role, unit and whom you report to."),
    CommandHelp(
        "/ops deliveries [retry]",
        "(admins) Show messages opsbot could not deliver; `retry` sends them again.",
    ),
)


def whoami(edge: Edge, user: str) -> Message:
    def describe(_session: Any, directory: Any) -> Message:
        person = directory.member(user)
        unit = directory.units.get(person.unit)
        superior = directory.get(person.reports_to) if person.reports_to else None
        line = md(
            "You are *{name}*, {role} in {unit}.",
            name=person.name,
            role=person.role.title,
            unit=unit.name if unit else person.unit,
        )
        line += (
            md(" You report to {name} ({role}).", name=superior.name, role=superior.role.title)
            if superior
            else md(" You lead the center.")
        )
        return Message(text=line)

    return edge.read(describe)


def deliveries(edge: Edge, command: Command, rest: str) -> Message:
    user = command.user_id
    if rest.strip().lower() == "retry":
        count = edge.change(
            command,
            lambda session, directory: admin.retry_failed_deliveries(session, edge.context(directory, user)),
        )
        return Message(
            text=md("{count} failed message(s) queued to be sent again.", count=count)
            if count
            else md("Nothing had failed.")
        )
    if rest.strip():
        raise InvalidInput("ops.deliveries_usage", typed=Quote(command.typed(rest)))
    backlog, failures = edge.read(
        lambda session, directory: admin.delivery_report(session, edge.context(directory, user))
    )
    counts = ", ".join(
        f"{backlog.get(status, 0)} {status}" for status in ("pending", "sending", "sent", "failed")
    )
    lines = [md("Outbox: {counts}.", counts=counts)]
    lines += [
        md(
            "• #{id} to {channel} ({kind}, {attempts} attempts): {error}",
            id=f.id,
            channel=f.channel,
            kind=f.kind,
            attempts=f.attempts,
            error=f.error,
        )
        for f in failures
    ]
    if failures:
        lines.append(
            md("Fix the cause (e.g. invite opsbot to the channel), then type `/ops deliveries retry`.")
        )
    return Message(text=Mrkdwn("\n").join(lines))


def register(app: App, edge: Edge, catalogue: Iterable[CommandHelp], more: Mapping[str, Subcommand]) -> None:
    """`/ops` and its subcommands, with those the workflows add (`more`); registered after the workflows'
    own listeners, which may take some `/ops` first (a form to open)."""
    guide = help_message(catalogue)
    subcommands: dict[str, Subcommand] = {
        "help": lambda _command, _rest: guide,
        "whoami": lambda command, _rest: whoami(edge, command.user_id),
        "deliveries": lambda command, rest: deliveries(edge, command, rest),
        **more,
    }
    app.command(COMMAND)(router(COMMAND, subcommands, empty="help"))
