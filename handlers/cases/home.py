"""The cases' sections of the App Home: my cases, and my unit's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.blocks import context, section
from handlers.mrkdwn import Mrkdwn, escape, md
from handlers.wording import Wording
from opsbot.cases.lifecycle import State


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
            due=say.at(item["due"]),
            overdue=" ⚠️ overdue" if item["overdue"] else "",
        )
        for item in items
    ]
    return [
        section(md("*My cases* ({count} waiting for you)\n", count=len(items)) + Mrkdwn("\n").join(lines)),
        context(Mrkdwn("`/case show CASE-…` opens one; `/case list` lists more.")),
    ]


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
            due=say.at(item["due"]),
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


VIEWS = {"cases": cases_section, "team": team_section}
