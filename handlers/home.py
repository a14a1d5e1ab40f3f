"""The App Home "My work" tab: its frame (who the person is), and each registered workflow's sections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import App

from handlers.blocks import context, divider, header, section
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, md
from handlers.payloads import EventEnvelope, HomeOpened
from handlers.wording import Wording
from handlers.workflows import SectionView
from opsbot.home import HomeSettings, open_home

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
            header("My work"),
            section(
                md(
                    "You are not in this center's directory yet, so there is no work to show. Ask an admin "
                    "to add you to the center file (your Slack id is `{slack_id}`).",
                    slack_id=payload["slack_id"],
                )
            ),
        ]
        return {"type": "home", "blocks": blocks}
    superior = md(" · reports to {name}", name=payload["superior"]) if payload["superior"] else ""
    blocks = [
        header("My work"),
        context(
            md(
                "*{name}* · {role} · {unit}{superior}",
                name=payload["name"],
                role=say.term(f"role.{payload['role']}"),
                unit=payload["unit"],
                superior=superior,
            )
        ),
    ]
    for part in payload["sections"]:
        blocks.append(divider())
        blocks.extend(sections[part["kind"]](part, say))
    blocks.append(divider())
    blocks.append(context(Mrkdwn("Type `/ops help` in any channel to see every opsbot command.")))
    return {"type": "home", "blocks": blocks}
