"""The cases' sections of the App Home: my cases, and my unit's."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from handlers.blocks import context, section
from handlers.cases.words import shortened
from handlers.mrkdwn import Mrkdwn
from handlers.wording import Wording
from opsbot.cases.lifecycle import State
from opsbot.notices import Notice, Param, Term, Time

SUMMARY_CUT = 80


def cases_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(say.term("case.home.mine_none"))]
    lines = [say(Notice.of("case.home.mine_line", **_item(item))) for item in items]
    head = say(Notice.of("case.home.mine", count=len(items)))
    return [
        section(head + Mrkdwn("\n") + Mrkdwn("\n").join(lines)),
        context(say.term("case.home.mine_more")),
    ]


def team_section(part: Mapping[str, Any], say: Wording) -> list[dict[str, Any]]:
    items = part["items"]
    if not items:
        return [section(say(Notice.of("case.home.team_none", unit=part["unit"])))]
    lines = [
        say(
            Notice.of(
                "case.home.team_line",
                **_item(item),
                who=Notice.of("case.home.with", name=item["assignee_name"])
                if item["assignee_name"]
                else Term("case.home.no_handler"),
            )
        )
        for item in items
    ]
    total = part["total"]
    shown = Notice.of("case.home.team_some", shown=len(items), total=total) if total > len(items) else total
    head = say(Notice.of("case.home.team", unit=part["unit"], shown=shown))
    return [
        section(head + Mrkdwn("\n") + Mrkdwn("\n").join(lines)),
        context(say.term("case.home.team_more")),
    ]


def _item(item: Mapping[str, Any]) -> dict[str, Param]:
    """What both sections show of a case: its reference, summary, state and when it is next due."""
    return {
        "reference": item["reference"],
        "summary": shortened(item["summary"], SUMMARY_CUT),
        "state": State(item["state"]).term,
        "due": Time(datetime.fromisoformat(item["due"])),
        "overdue": Term("case.home.overdue") if item["overdue"] else None,
    }


VIEWS = {"cases": cases_section, "team": team_section}
