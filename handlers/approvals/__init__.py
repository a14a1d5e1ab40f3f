"""`/approval` and the approval cards."""

from __future__ import annotations

from slack_bolt import App

from handlers.approvals import actions, card, commands
from handlers.edge import Edge

HELP = commands.HELP
RENDERERS = card.RENDERERS


def register(app: App, edge: Edge) -> None:
    commands.register(app, edge)
    actions.register(app, edge)
