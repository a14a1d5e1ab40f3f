"""`/case` and the case card: intake, the card's buttons and forms, and the queries."""

from __future__ import annotations

from slack_bolt import App

from handlers.cases import actions, card, commands, queries, words
from handlers.edge import Edge
from handlers.routes import Routes

HELP = commands.HELP + queries.HELP
RENDERERS = card.RENDERERS
WORDS = words.WORDS


def register(app: App, routes: Routes, edge: Edge) -> None:
    commands.register(app, routes, edge, queries.SUBCOMMANDS)
    actions.register(routes, edge)
    queries.register(routes, edge)
    commands.redraws_on_type(
        routes,
        edge,
        {
            commands.INTAKE_FORM: commands.redraw_intake,
            actions.complete_form(edge).callback_id: actions.redraw_details,
        },
    )
