"""`/ops`: help, who am I, and the subcommands of the shared pieces (announcements)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers import announcements
from handlers.blocks import Message
from handlers.catalogue import CommandHelp, help_message, unknown_subcommand
from handlers.edge import Edge
from opsbot import admin
from opsbot.errors import InvalidInput

COMMAND = "/ops"
HELP = (
    CommandHelp("/ops help", "List every opsbot command (this list)."),
    CommandHelp("/ops whoami", "Show your place in the center: role, unit and whom you report to."),
    CommandHelp(
        "/ops deliveries [retry]",
        "(admins) Show messages opsbot could not deliver; `retry` sends them again.",
    ),
)


def split(text: str) -> tuple[str, str]:
    """`announce leadership  Meeting at 3` → ("announce", "leadership  Meeting at 3")."""
    head, _, rest = text.strip().partition(" ")
    return head.lower(), rest.strip()


def whoami(edge: Edge, user: str) -> Message:
    def describe(_session: Any, directory: Any) -> Message:
        person = directory.member(user)
        unit = directory.units.get(person.unit)
        superior = directory.get(person.reports_to) if person.reports_to else None
        line = f"You are *{person.name}*, {person.role.title} in {unit.name if unit else person.unit}."
        line += (
            f" You report to {superior.name} ({superior.role.title})."
            if superior
            else " You lead the center."
        )
        return Message(text=line)

    return edge.read(describe)


def deliveries(edge: Edge, body: dict[str, Any], rest: str) -> Message:
    user = body["user_id"]
    if rest.strip().lower() == "retry":
        count = edge.change(
            body,
            lambda session, _d: admin.retry_failed_deliveries(
                session, center=edge.center, slack_id=user, now=edge.now()
            ),
        )
        return Message(
            text=f"{count} failed message(s) queued to be sent again." if count else "Nothing had failed."
        )
    if rest.strip():
        raise InvalidInput(f"`/ops deliveries` takes nothing or `retry`, not `{rest.strip()}`.")
    backlog, failures = edge.read(
        lambda session, _d: admin.delivery_report(session, center=edge.center, slack_id=user)
    )
    counts = ", ".join(
        f"{backlog.get(status, 0)} {status}" for status in ("pending", "sending", "sent", "failed")
    )
    lines = [f"Outbox: {counts}."]
    lines += [f"• #{f.id} to {f.channel} ({f.kind}, {f.attempts} attempts): {f.error}" for f in failures]
    if failures:
        lines.append("Fix the cause (e.g. invite opsbot to the channel), then type `/ops deliveries retry`.")
    return Message(text="\n".join(lines))


def wants_form(body: dict[str, Any]) -> bool:
    """`/ops announce` or `/ops announce <channel>` with no text: the form is opened instead."""
    sub, rest = split(body.get("text", ""))
    return sub == "announce" and not rest.partition(" ")[2].strip()


def register(app: App, edge: Edge, catalogue: Iterable[CommandHelp]) -> None:
    guide = help_message(catalogue)

    def unknown(sub: str) -> Message:
        raise unknown_subcommand("/ops", sub, SUBCOMMANDS)

    def announce(body: dict[str, Any], rest: str) -> Message:
        purpose, _, text = rest.partition(" ")
        return announcements.confirmation(announcements.post(edge, body, body["user_id"], purpose, text))

    SUBCOMMANDS: dict[str, Callable[[dict[str, Any], str], Message]] = {
        "help": lambda _body, _rest: guide,
        "whoami": lambda body, _rest: whoami(edge, body["user_id"]),
        "announce": announce,
        "deliveries": lambda body, rest: deliveries(edge, body, rest),
    }

    def answer(ack: Ack, body: dict[str, Any]) -> None:
        sub, rest = split(body.get("text", ""))
        handler = SUBCOMMANDS.get(sub or "help") or (lambda _body, _rest: unknown(sub))
        reply = handler(body, rest)
        ack(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral")

    def refuse_or_ack(ack: Ack, body: dict[str, Any]) -> None:
        announcements.check_author(edge, body["user_id"])
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        purpose = split(body.get("text", ""))[1].partition(" ")[0]
        announcements.open_compose(edge, client, body, purpose.lstrip("#").lower() or None)

    # The form needs a Slack call after the ack (a lazy listener); every other `/ops` answers in the ack.
    app.command(COMMAND, matchers=[wants_form])(ack=refuse_or_ack, lazy=[open_form])
    app.command(COMMAND)(answer)
