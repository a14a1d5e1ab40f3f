"""The ticket workflow's Slack side: `/ticket <title>`, the card, the App Home section, its words and help."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App

from handlers.blocks import Message, header, section
from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn
from handlers.payloads import Command
from handlers.routes import Routes
from handlers.wording import Domain, Wording, w, words
from handlers.workflows import SlackWorkflow
from opsbot.notices import Notice, Quote
from tests.example_workflow.core import CARD, open_ticket

WORDS = words(
    w("ticket.opened", "Opened {number}: {title}."),
    w("ticket.card", "🎫 {number}: {title}"),
    w("ticket.mine", "*My tickets*: {numbers}"),
    w("ticket.not_found", "There is no ticket {number}."),
    w("field.title", "title"),
    w("deadline.clock.answer", "answer"),
)


def register(app: App, routes: Routes, edge: Edge) -> None:
    @app.command("/ticket")
    def ticket(ack: Ack, body: dict[str, Any]) -> None:
        command = Command.of(body)
        title = edge.typed(command, command.text)
        number = edge.change(
            command,
            lambda session, directory: open_ticket(session, edge.context(directory, command.user_id), title),
        )
        said = edge.say(Notice.of("ticket.opened", number=number, title=Quote(title)))
        ack(text=said, response_type="ephemeral")


def card(payload: Mapping[str, Any], *, say: Wording) -> Message:
    text = say(Notice.of("ticket.card", number=payload["number"], title=Quote(payload["title"])))
    return Message(text=text, blocks=[header(f"Ticket {payload['number']}"), section(text)])


def tickets_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    numbers = [item["number"] for item in part["items"]]
    return [section(Mrkdwn(say(Notice.of("ticket.mine", numbers=numbers))))]


WORKFLOW = SlackWorkflow(
    name="tickets",
    register=register,
    renderers={CARD: card},
    words=Domain("tickets", Path(__file__).parent, WORDS),
    help=(CommandHelp("/ticket <title>", "Open a ticket; its answer is due within the center's hours."),),
    home={"tickets": tickets_section},
)
