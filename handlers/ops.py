"""`/ops`: help, who am I, and the subcommands of the shared pieces (announcements)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.announcements import commands as announcements
from handlers.blocks import Message
from handlers.catalogue import CommandHelp, help_message
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, md
from handlers.payloads import Command
from handlers.subcommands import Subcommand, router, split
from opsbot import admin
from opsbot.errors import InvalidInput
from opsbot.notices import Quote

COMMAND = "/ops"
WORDS = {
    "ops.deliveries_usage": "`/ops deliveries` takes nothing or `retry`, not `{typed}`.",
    "action.look_after_deliveries": "look after deliveries",
}

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


def wants_form(body: dict[str, Any]) -> bool:
    """`/ops announce` or `/ops announce <channel>` with no text: the form is opened instead."""
    sub, rest = split(str(body.get("text", "")))
    return sub == "announce" and not rest.partition(" ")[2].strip()


def register(app: App, edge: Edge, catalogue: Iterable[CommandHelp]) -> None:
    guide = help_message(catalogue)

    def announce(command: Command, rest: str) -> Message:
        purpose, _, said = rest.partition(" ")
        text = edge.typed(command, said)
        posted = announcements.post(edge, command, command.user_id, command.typed(purpose), text)
        return announcements.confirmation(posted)

    subcommands: dict[str, Subcommand] = {
        "help": lambda _command, _rest: guide,
        "whoami": lambda command, _rest: whoami(edge, command.user_id),
        "announce": announce,
        "deliveries": lambda command, rest: deliveries(edge, command, rest),
    }

    answer = router(COMMAND, subcommands, empty="help")

    def refuse_or_ack(ack: Ack, body: dict[str, Any]) -> None:
        announcements.check_author(edge, Command.of(body).user_id)
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        command = Command.of(body)
        purpose = command.typed(split(command.text)[1].partition(" ")[0])
        announcements.open_compose(edge, client, command, purpose.lstrip("#").lower() or None)

    # The form needs a Slack call after the ack (a lazy listener); every other `/ops` answers in the ack.
    app.command(COMMAND, matchers=[wants_form])(ack=refuse_or_ack, lazy=[open_form])
    app.command(COMMAND)(answer)
