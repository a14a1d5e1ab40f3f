"""`/approval` and the approval cards."""

from __future__ import annotations

from slack_bolt import App

from handlers.approvals import actions, card, commands, words
from handlers.edge import Edge
from handlers.routes import Routes

HELP = commands.HELP
RENDERERS = card.RENDERERS
WORDS = words.WORDS


def register(app: App, routes: Routes, edge: Edge) -> None:
    commands.register(app, routes, edge)
    actions.register(routes, edge)
