"""The App Home "My work" tab."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import App

from handlers.announcements import read_button
from handlers.approvals import card as approval_card
from handlers.blocks import actions, context, divider, escape, fit, header, section, slack_time
from handlers.edge import Edge
from opsbot.home import publish_home

HELP = ()


def register(app: App, edge: Edge) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        user = event["user"]
        edge.change(
            body,
            lambda session, directory: publish_home(
                session,
                directory=directory,
                slack_id=user,
                now=edge.now(),
                center=edge.center,
                key=body.get("event_id", "opened"),
            ),
        )


def home_view(payload: Mapping[str, Any]) -> dict[str, Any]:
    if not payload["known"]:
        blocks = [
            header("My work"),
            section(
                "You are not in this center's directory yet, so there is no work to show. "
                f"Ask an admin to add you to the center file (your Slack id is `{payload['slack_id']}`)."
            ),
        ]
        return {"type": "home", "blocks": blocks}
    superior = f" · reports to {escape(payload['superior'])}" if payload["superior"] else ""
    blocks = [
        header("My work"),
        context(f"*{escape(payload['name'])}* · {payload['role']} · {escape(payload['unit'])}{superior}"),
    ]
    for part in payload["sections"]:
        blocks.append(divider())
        blocks.extend(SECTION_VIEWS[part["kind"]](part))
    blocks.append(divider())
    blocks.append(context("Type `/ops help` in any channel to see every opsbot command."))
    return {"type": "home", "blocks": blocks}


def announcements_section(part: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section("*Announcements*\nYou have read every announcement. ✓")]
    blocks = [section(f"*Announcements you have not marked as read* ({len(items)})")]
    for item in items:
        blocks.append(
            section(
                f"*{item['number']}* from {escape(item['author_name'])} · {slack_time(item['posted_at'])}\n"
                f"{escape(fit(item['text'], 300))}"
            )
        )
        blocks.append(read_button(item["number"]))
    return blocks


def cases_section(part: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section("*My cases*\nNothing is waiting for you. ✓")]
    lines = [
        f"• *{item['reference']}* {escape(fit(item['summary'], 80))} — {item['state']}, "
        f"due {slack_time(item['due'])}" + (" ⚠️ overdue" if item["overdue"] else "")
        for item in items
    ]
    return [
        section(f"*My cases* ({len(items)} waiting for you)\n" + "\n".join(lines)),
        context("`/case show CASE-…` opens one; `/case list` lists more."),
    ]


def approvals_section(part: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section("*Approvals*\nNothing waits for your decision. ✓")]
    blocks = [section(f"*Approvals waiting for your decision* ({len(items)})")]
    for item in items:
        amount = f" · {item['amount']}" if item["amount"] else ""
        standing_in = f" (for {escape(item['for'])})" if item["for"] else ""
        blocks.append(
            section(
                f"*{item['number']}* {escape(fit(item['purpose'], 200))}{amount}\n"
                f"from {escape(item['requester_name'])} · step: {escape(item['label'])}{standing_in}"
            )
        )
        # Items published before `returnable` was in the payload: Approve and Deny only.
        buttons = approval_card.decision_buttons(item["step"], returnable=item.get("returnable", False))
        blocks.append(actions(*buttons, block_id=f"home:{item['step']}"))
    return blocks


SECTION_VIEWS: dict[str, Callable[[Mapping[str, Any]], list[dict[str, Any]]]] = {
    "announcements": announcements_section,
    "cases": cases_section,
    "approvals": approvals_section,
}
RENDERERS = {"home": home_view}
