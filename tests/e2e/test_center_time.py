"""One time convention: every time opsbot shows is Slack's date token (each reader sees their own zone), whose
fallback reads the center's clock and says so."""

from __future__ import annotations

import json
import re
from zoneinfo import ZoneInfo

from sqlalchemy import select

from opsbot.cases.clocks import REPLY
from opsbot.cases.models import Case
from tests.e2e.clocks import due

CLERK = "U0ZHENGHAO"
SHANGHAI = ZoneInfo("Asia/Shanghai")
TOKEN = re.compile(r"<!date\^(\d+)\^[^|]*\|([^>]*)>")


def fallbacks(text: str) -> dict[int, str]:
    return {int(stamp): fallback for stamp, fallback in TOKEN.findall(text)}


def test_cards_lists_show_and_home_read_the_centers_clock(running):
    slack = running.slack
    slack.command(CLERK, "/case", "new Printer jam")
    card = slack.wait_for(lambda: slack.messages("C0INTAKE"))[0]
    with running.db.reading() as session:
        case = session.scalars(select(Case)).one()
    reply_due = due(running.db, REPLY)
    assert reply_due is not None
    due_here = reply_due.astimezone(SHANGHAI)
    expected = f"{due_here:%Y-%m-%d %H:%M} CST"
    shown = json.dumps(card.blocks, ensure_ascii=False)
    assert fallbacks(shown)[int(due_here.timestamp())] == expected
    assert "UTC" not in shown
    listed = slack.command(case.assignee, "/case", "list").json
    assert expected in fallbacks(json.dumps(listed["blocks"], ensure_ascii=False)).values()
    detail = slack.command(CLERK, "/case", f"show {case.number}").json
    assert expected in fallbacks(json.dumps(detail["blocks"], ensure_ascii=False)).values()
    slack.event({"type": "app_home_opened", "user": case.assignee, "tab": "home", "channel": "D0T"})
    home = slack.wait_for(lambda: slack.home(case.assignee))
    assert expected in fallbacks(json.dumps(home.blocks, ensure_ascii=False)).values()
