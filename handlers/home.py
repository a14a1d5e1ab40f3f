"""The App Home "My work" tab."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import App

from handlers.announcements.card import read_button
from handlers.approvals import card as approval_card
from handlers.blocks import actions, context, divider, header, section
from handlers.edge import Edge
from handlers.mrkdwn import Mrkdwn, escape, md, slack_time
from handlers.payloads import EventEnvelope, HomeOpened
from handlers.wording import Wording
from opsbot.cases.lifecycle import State
from opsbot.home import open_home

HELP = ()


def register(app: App, edge: Edge) -> None:
    @app.event("app_home_opened")
    def home_opened(body: dict[str, Any]) -> None:
        envelope = EventEnvelope.of(body)
        event = HomeOpened.of(body["event"])
        if event.tab != "home":
            return
        edge.change(
            envelope,
            lambda session, directory: open_home(
                session, directory=directory, slack_id=event.user, now=edge.now(), center=edge.center
            ),
        )


def home_view(payload: Mapping[str, Any], *, say: Wording) -> dict[str, Any]:
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
                role=payload["role"],
                unit=payload["unit"],
                superior=superior,
            )
        ),
    ]
    for part in payload["sections"]:
        blocks.append(divider())
        blocks.extend(SECTION_VIEWS[part["kind"]](part, say))
    blocks.append(divider())
    blocks.append(context(Mrkdwn("Type `/ops help` in any channel to see every opsbot command.")))
    return {"type": "home", "blocks": blocks}


def announcements_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(Mrkdwn("*Announcements*\nYou have read every announcement. ✓"))]
    blocks = [section(md("*Announcements you have not marked as read* ({count})", count=len(items)))]
    for item in items:
        blocks.append(
            section(
                md(
                    "*{number}* from {author} · {at}\n{text}",
                    number=item["number"],
                    author=item["author_name"],
                    at=slack_time(item["posted_at"], say.zone),
                    text=escape(item["text"]).cut(300),
                )
            )
        )
        blocks.append(read_button(item["number"]))
    return blocks


def cases_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(Mrkdwn("*My cases*\nNothing is waiting for you. ✓"))]
    lines = [
        md(
            "• *{reference}* {summary} — {state}, due {due}{overdue}",
            reference=item["reference"],
            summary=escape(item["summary"]).cut(80),
            state=say.term(State(item["state"]).term.code),
            due=slack_time(item["due"], say.zone),
            overdue=" ⚠️ overdue" if item["overdue"] else "",
        )
        for item in items
    ]
    return [
        section(md("*My cases* ({count} waiting for you)\n", count=len(items)) + Mrkdwn("\n").join(lines)),
        context(Mrkdwn("`/case show CASE-…` opens one; `/case list` lists more.")),
    ]


def approvals_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(Mrkdwn("*Approvals*\nNothing waits for your decision. ✓"))]
    blocks = [section(md("*Approvals waiting for your decision* ({count})", count=len(items)))]
    for item in items:
        blocks.append(
            section(
                md(
                    "*{number}* {purpose}{amount}\nfrom {requester} · step: {label}{standing_in}",
                    number=item["number"],
                    purpose=escape(item["purpose"]).cut(200),
                    amount=f" · {item['amount']}" if item["amount"] else "",
                    requester=item["requester_name"],
                    label=approval_card.said(item["label"], say),
                    standing_in=md(" (for {name})", name=item["for"]) if item["for"] else "",
                )
            )
        )
        # Items published before `returnable` was in the payload: Approve and Deny only.
        buttons = approval_card.decision_buttons(item["step"], returnable=item.get("returnable", False))
        blocks.append(actions(*buttons, block_id=f"home:{item['step']}"))
    return blocks


def delegation_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    lines = []
    if part["mine"]:
        lines.append(
            md(
                "*{name}* decides your approvals until {until} (the last day). `/approval delegate off` "
                "ends it now.",
                name=part["mine"]["name"],
                until=part["mine"]["until"],
            )
        )
    lines.extend(
        md("You decide *{name}*'s approvals until {until}.", name=other["name"], until=other["until"])
        for other in part["for_others"]
    )
    return [section(Mrkdwn("*Delegation*\n") + Mrkdwn("\n").join(lines))]


def team_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(md("*{unit}*\nNo case is overdue or waiting to be accepted. ✓", unit=part["unit"]))]
    lines = [
        md(
            "• *{reference}* {summary} — {state}, {who}, due {due}{overdue}",
            reference=item["reference"],
            summary=escape(item["summary"]).cut(80),
            state=say.term(State(item["state"]).term.code),
            who=md("with {name}", name=item["assignee_name"]) if item["assignee_name"] else "no handler yet",
            due=slack_time(item["due"], say.zone),
            overdue=" ⚠️ overdue" if item["overdue"] else "",
        )
        for item in items
    ]
    shown = f"{len(items)} of {part['total']}" if part["total"] > len(items) else str(part["total"])
    return [
        section(
            md("*{unit}: overdue or not yet accepted* ({shown})\n", unit=part["unit"], shown=shown)
            + Mrkdwn("\n").join(lines)
        ),
        context(Mrkdwn("`/case list overdue` and `/case list unit` list them all.")),
    ]


SECTION_VIEWS: dict[str, Callable[[Mapping[str, Any], Wording], list[dict[str, Any]]]] = {
    "announcements": announcements_section,
    "cases": cases_section,
    "approvals": approvals_section,
    "delegation": delegation_section,
    "team": team_section,
}
RENDERERS = {"home": home_view}
