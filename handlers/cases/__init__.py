"""`/case` and the case card: intake, the card's buttons and forms, and the queries."""

from __future__ import annotations

from slack_bolt import App

from handlers.cases import actions, card, commands, queries
from handlers.edge import Edge

HELP = commands.HELP + queries.HELP
RENDERERS = card.RENDERERS


def register(app: App, edge: Edge) -> None:
    commands.register(app, edge, queries.SUBCOMMANDS)
    actions.register(app, edge)
    queries.register(app, edge)
    commands.redraws_on_type(
        app,
        edge,
        {
            commands.INTAKE_FORM: commands.redraw_intake,
            actions.complete_form(edge).callback_id: actions.redraw_details,
        },
    )
