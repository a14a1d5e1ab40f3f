"""Commands in both languages: each subcommand and its words typed in Chinese beside English, and a word no
command knows answered with the nearest one in the reader's language."""

from __future__ import annotations

import re

from sqlalchemy import select

from opsbot.approvals.models import ApprovalRequest
from opsbot.cases.models import Case

CLERK = "U0ZHENGHAO"
OTHER = "U0FENGYU"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_a_case_is_registered_and_listed_with_chinese_words(running):
    running.slack.command(CLERK, "/ops", "语言 zh")  # `/ops language zh`
    registered = running.slack.command(CLERK, "/case", "新建 打印机卡纸").json["text"]
    assert "CASE-2026-000001" in registered and CHINESE.search(registered)
    with running.db.reading() as session:
        assert session.scalars(select(Case.summary)).one() == "打印机卡纸"
    english = running.slack.command(CLERK, "/case", "list open").json["text"]
    assert running.slack.command(CLERK, "/case", "列表 未办结").json["text"] == english
    assert (
        running.slack.command(CLERK, "/case", "列表 我的 页 1").json["text"]
        == running.slack.command(CLERK, "/case", "list mine page 1").json["text"]
    )


def test_an_expense_is_asked_for_in_chinese_words_and_amounts(running):
    reply = running.slack.command(CLERK, "/approval", "申请 报销 4.8万 打车").json["text"]
    assert reply.startswith("Asked for APR-2026-000001"), reply
    with running.db.reading() as session:
        request = session.scalars(select(ApprovalRequest)).one()
    assert (request.kind_key, request.amount, request.purpose) == ("expense", 48000, "打车")
    listed = running.slack.command(CLERK, "/approval", "列表").json["text"]
    assert listed == running.slack.command(CLERK, "/approval", "list").json["text"]
    assert "APR-2026-000001" in listed


def test_an_unknown_word_is_answered_with_the_nearest_in_the_reader_s_language(running):
    running.slack.command(CLERK, "/ops", "language zh")
    chinese = running.slack.command(CLERK, "/case", "新键 打印机").json["text"]
    assert "`/case 新建`" in chinese and "`/case new`" not in chinese
    english = running.slack.command(OTHER, "/case", "lsit").json["text"]
    assert "Did you mean `/case list`?" in english
    across = running.slack.command(OTHER, "/case", "列").json["text"]  # a Chinese word, an English reader
    assert "Did you mean `/case list`?" in across


def test_the_help_is_all_in_the_reader_s_language(running):
    running.slack.command(CLERK, "/ops", "language zh")
    help_text = running.slack.command(CLERK, "/ops", "help").json["text"]
    shown = " ".join(
        element.get("text", "") if isinstance(element, dict) else ""
        for block in running.slack.ephemerals(CLERK)[-1].blocks
        for element in [block.get("text") or {}]
    )
    summaries = [line.split("`  ", 1)[1] for line in shown.split("\n") if "`  " in line]
    assert len(summaries) >= 15 and help_text
    assert all(CHINESE.search(summary) for summary in summaries), summaries
