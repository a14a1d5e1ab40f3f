"""`/case` and the case card: intake, the card's buttons and forms, and the queries."""

from __future__ import annotations

from pathlib import Path

from slack_bolt import App

from handlers.cases import actions, card, commands, home, queries, words
from handlers.edge import Edge
from handlers.forms import form_id
from handlers.routes import Routes
from handlers.wording import Domain
from handlers.workflows import SlackWorkflow


def register(app: App, routes: Routes, edge: Edge) -> None:
    commands.register(app, routes, edge, queries.SUBCOMMANDS)
    actions.register(routes, edge)
    queries.register(routes, edge)
    commands.redraws_on_type(
        routes,
        edge,
        {
            commands.INTAKE_FORM: commands.redraw_intake,
            form_id(card.COMPLETE): actions.redraw_details,
        },
    )


WORKFLOW = SlackWorkflow(
    name="cases",
    register=register,
    renderers=card.RENDERERS,
    words=Domain("cases", Path(__file__).parent, words.WORDS),
    help=(*commands.HELP, *queries.HELP),
    home=home.VIEWS,
)
