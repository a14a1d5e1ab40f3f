"""`/ops announce`, its form, and the button that marks an announcement as read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from handlers.announcements.card import MARK_READ
from handlers.blocks import (
    Message,
    modal,
    select_input,
    text_input,
)
from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from handlers.mrkdwn import channel_link
from handlers.payloads import Click, Command, Payload, Submission
from handlers.routes import Routes
from handlers.subcommands import Subcommand, split
from handlers.wording import Wording
from opsbot.announcements import service as announcements
from opsbot.announcements.service import ANNOUNCE, MAY_ANNOUNCE
from opsbot.errors import OpsError
from opsbot.notices import Notice
from opsbot.permissions import require

COMPOSE = "announcement.compose"
PURPOSE = "purpose"
TEXT = "text"

HELP = (CommandHelp("/ops announce [<channel> <text>]", "help.ops.announce"),)


def post(edge: Edge, request: Payload, author: str, purpose: str, text: str) -> announcements.Posted:
    """Post the announcement in one transaction (from the command or the form)."""
    return edge.change(
        request,
        lambda session, directory: announcements.announce(
            session, edge.context(directory, author), purpose=purpose, text=text
        ),
    )


def confirmation(posted: announcements.Posted, say: Wording) -> Message:
    """What the author is told, in their words."""
    said = Notice.of("announcements.posted", number=posted.number, channel=channel_link(posted.channel))
    return Message(text=say(said))


def check_author(edge: Edge, user: str) -> None:
    """Refuse before the form opens, not after it is filled in."""
    edge.read(lambda _session, directory: require(MAY_ANNOUNCE, edge.context(directory, user), ANNOUNCE))


def open_compose(edge: Edge, client: WebClient, command: Command, purpose: str | None) -> None:
    """Open the form; called after the ack (a lazy listener), within the trigger_id's 3 seconds. The ack
    has already told a person who may not announce why."""
    try:
        check_author(edge, command.user_id)
    except OpsError:
        return
    view = compose_view(edge.channels, purpose, edge.say_to(command.user_id))
    client.views_open(trigger_id=command.trigger_id, view=view)


def compose_view(channels: Mapping[str, str], purpose: str | None, say: Wording) -> dict[str, Any]:
    """The form, in the words of `say`, the person who opens it."""
    options = [(name, f"#{name}") for name in sorted(channels)]
    blocks = [
        select_input(PURPOSE, say.term("announcements.form.channel"), options, initial=purpose),
        text_input(
            TEXT,
            say.term("announcements.form.text"),
            multiline=True,
            max_length=announcements.MAX_TEXT,
            placeholder=say.term("announcements.form.placeholder"),
        ),
    ]
    return modal(
        say.term("announcements.form.title"),
        blocks,
        callback_id=COMPOSE,
        submit=say.term("announcements.form.post"),
        close=say.term("form.cancel"),
    )


def wants_form(body: dict[str, Any]) -> bool:
    """`/ops announce` or `/ops announce <channel>` with no text: the form is opened instead."""
    sub, rest = split(str(body.get("text", "")))
    return sub == "announce" and not rest.partition(" ")[2].strip()


def announce(edge: Edge) -> Subcommand:
    """`/ops announce <channel> <text>`: posted at once."""

    def posted(command: Command, rest: str) -> Message:
        purpose, _, said = rest.partition(" ")
        text = edge.typed(command, said)
        posted = post(edge, command, command.user_id, command.typed(purpose), text)
        return confirmation(posted, edge.say_to(command.user_id))

    return posted


def register(app: App, routes: Routes, edge: Edge) -> None:
    def refuse_or_ack(ack: Ack, body: dict[str, Any]) -> None:
        check_author(edge, Command.of(body).user_id)
        ack()

    def open_form(client: WebClient, body: dict[str, Any]) -> None:
        command = Command.of(body)
        purpose = command.typed(split(command.text)[1].partition(" ")[0])
        open_compose(edge, client, command, purpose.lstrip("#").lower() or None)

    # `/ops announce` without text opens the form, which needs a Slack call after the ack (a lazy listener);
    # registered before `/ops` itself, which answers every other `/ops` in the ack.
    app.command("/ops", matchers=[wants_form])(ack=refuse_or_ack, lazy=[open_form])

    @routes.view(COMPOSE)
    def submit_announcement(ack: Ack, body: dict[str, Any]) -> None:
        submission = Submission.of(body)
        values = submission.fields()
        purpose, text = values.get(PURPOSE) or "", values.get(TEXT) or ""
        post(edge, submission, submission.user.id, str(purpose), str(text))
        ack()

    @routes.action(MARK_READ)
    def mark_read(ack: Ack, body: dict[str, Any]) -> None:
        click = Click.of(body)
        number, user = click.action.value, click.user.id

        def read(session: Any, directory: Any) -> None:
            # Reading it changes the reader's Home, which the core republishes wherever it was pressed.
            announcements.acknowledge(session, edge.context(directory, user), number)

        edge.change(click, read)
        ack()
