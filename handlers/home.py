"""The App Home "My work" tab: its frame (who the person is), and each registered workflow's sections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import App

from handlers.blocks import context, divider, header, section
from handlers.edge import Edge
from handlers.payloads import EventEnvelope, HomeOpened
from handlers.wording import Wording
from handlers.workflows import SectionView
from opsbot.home import HomeSettings, open_home
from opsbot.notices import Notice, Param, Term

HELP = ()


def register(app: App, edge: Edge, settings: HomeSettings) -> None:
    """`settings`: what of the center file the registered workflows' sections are composed with."""

    @app.event("app_home_opened")
    def home_opened(body: dict[str, Any]) -> None:
        envelope = EventEnvelope.of(body)
        event = HomeOpened.of(body["event"])
        if event.tab != "home":
            return
        edge.change(
            envelope,
            lambda session, directory: open_home(
                session, directory=directory, slack_id=event.user, now=edge.now(), settings=settings
            ),
        )


def home_view(
    payload: Mapping[str, Any], *, say: Wording, sections: Mapping[str, SectionView]
) -> dict[str, Any]:
    """The tab: who the person is, then each registered workflow's sections (`sections`: their views, by
    kind)."""
    if not payload["known"]:
        blocks = [
            header(say.term("home.header")),
            section(say(Notice.of("home.not_in", slack_id=payload["slack_id"]))),
        ]
        return {"type": "home", "blocks": blocks}
    who: dict[str, Param] = {
        "name": payload["name"],
        "role": Term(f"role.{payload['role']}"),
        "unit": payload["unit"],
    }
    if payload["superior"]:
        frame = say(Notice("home.who.reports_to", {**who, "superior": payload["superior"]}))
    else:
        frame = say(Notice("home.who", who))
    blocks = [header(say.term("home.header")), context(frame)]
    for part in payload["sections"]:
        blocks.append(divider())
        blocks.extend(sections[part["kind"]](part, say))
    blocks.append(divider())
    blocks.append(context(say.term("home.footer")))
    return {"type": "home", "blocks": blocks}
