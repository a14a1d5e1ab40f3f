"""A clerk who reads Chinese at a center that works in English: what `/case` answers them and the intake form
they open (drawn again for the type they choose) are in Chinese, while the card in the intake channel, which
everyone there reads, stays in the center's English; a colleague's answers stay in English too."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from opsbot.cases.models import Case
from opsbot.directory import PersonRow

CLERK = "U0CHENJING"  # intake specialist, reading Chinese here
OTHER = "U0FENGYU"  # intake specialist, reading the center's English
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def reads_chinese(running, slack_id):
    with running.db.transaction() as session:
        row = session.get(PersonRow, slack_id)
        assert row is not None
        row.chosen_locale = "zh_CN"


def answer(running, user, text):
    reply = running.slack.command(user, "/case", text)
    assert reply.status == 200 and reply.json["response_type"] == "ephemeral"
    return reply.json


def test_a_chinese_reader_is_answered_in_chinese_and_the_card_stays_english(running):
    reads_chinese(running, CLERK)
    registered = answer(running, CLERK, "new 客户询问营业时间")
    assert registered["text"].startswith("已登记CASE-2026-000001，")
    running.delivered()
    (card,) = running.slack.messages("C0INTAKE")
    shown = json.dumps(card.blocks)
    assert "Customer" in shown and not CHINESE.search(shown.replace("客户询问营业时间", ""))

    mine = answer(running, CLERK, "list")
    assert mine["text"].startswith("您的业务：1项业务，第1页，共1页。")
    case = answer(running, CLERK, "show CASE-2026-000001")
    assert case["blocks"][0]["text"]["text"].startswith("CASE-2026-000001 · ")
    assert "*办理记录* （" in json.dumps(case["blocks"], ensure_ascii=False)
    assert answer(running, OTHER, "list open")["text"].startswith("Open cases: 1 case, page 1 of 1.")


def test_the_intake_form_opens_and_redraws_in_the_reader_s_language(running):
    reads_chinese(running, CLERK)
    running.slack.command(CLERK, "/case")
    (form,) = running.slack.wait_for(lambda: running.slack.open_views(CLERK))
    assert (form.title["text"], form.raw["submit"]["text"]) == ("业务受理", "登记")
    running.slack.click(CLERK, form, "type_key", selected_option="complaint")
    (form,) = running.slack.wait_for(
        lambda: [v for v in running.slack.open_views(CLERK) if v.hash != form.hash]
    )
    labels = {b["block_id"]: b["label"]["text"] for b in form.blocks if b["type"] == "input"}
    assert labels["responsible_unit"] == "转交部门" and labels["customer"] == "客户"
    with running.db.reading() as session:
        assert session.scalars(select(Case)).all() == []
