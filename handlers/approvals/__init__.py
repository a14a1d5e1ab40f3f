"""`/approval` and the approval cards."""

from __future__ import annotations

from pathlib import Path

from slack_bolt import App

from handlers.approvals import actions, card, commands, home, words
from handlers.edge import Edge
from handlers.routes import Routes
from handlers.wording import Domain
from handlers.workflows import SlackWorkflow


def register(app: App, routes: Routes, edge: Edge) -> None:
    commands.register(app, routes, edge)
    actions.register(routes, edge)


WORKFLOW = SlackWorkflow(
    name="approvals",
    register=register,
    renderers=card.RENDERERS,
    words=Domain("approvals", Path(__file__).parent, words.WORDS),
    help=commands.HELP,
    home=home.VIEWS,
)
