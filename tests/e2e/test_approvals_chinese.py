"""Approvals in a center whose language is Chinese, through the fake Slack: what `/approval` answers each
person is in their own language (the center's, or English for Wu Fang, whom the center file gives English),
and the cards in the approvals channel are in the center's."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsbot.center import Center
from opsbot.registry import load_center
from opsbot.settings import EXAMPLE_CENTER

SPECIALIST, WUFANG = "U0ZHENGHAO", "U0WUFANG"


@pytest.fixture
def center(tmp_path: Path) -> Center:
    """The example center speaking Chinese, but to Wu Fang, who reads English."""
    text = EXAMPLE_CENTER.read_text()
    text = text.replace(
        "name: Riverside Operations Center\n", "name: Riverside Operations Center\nlocale: zh_CN\n"
    )
    text = text.replace(
        "{slack_id: U0WUFANG, name: Wu Fang,", "{slack_id: U0WUFANG, name: Wu Fang, locale: en,"
    )
    path = tmp_path / "center.yaml"
    path.write_text(text)
    return load_center(path)


def test_each_person_is_answered_in_their_language_and_the_channel_in_the_centers(running):
    slack = running.slack
    asked = slack.command(SPECIALIST, "/approval", "request expense 480 打车拜访客户").json["text"]
    assert asked.startswith("已提交APR-2026-") and asked.endswith("，其卡片已发至您的私信，显示审批流程。")
    number = asked.removeprefix("已提交").split("，")[0]
    waiting = slack.command(WUFANG, "/approval", "list").json["text"]
    assert waiting.startswith("*Waiting for your decision*\n• *") and "打车拜访客户" in waiting
    mine = slack.command(SPECIALIST, "/approval", "list").json["text"]
    assert mine.startswith("*待您审批*\n无。✓\n*您的申请*\n") and f"*{number}* 打车拜访客户——审批中" in mine
    shown = slack.command(SPECIALIST, "/approval", f"show {number}").json["text"]
    assert "—— *审批中*" in shown and "\n*审批记录*\n" in shown and "提交申请" in shown
    (card,) = slack.wait_for(lambda: [m for m in slack.messages("C0APPROVALS") if number in m.text])
    assert "审批中" in card.text
    assert slack.command(SPECIALIST, "/approval", "delegate").json["text"].startswith("目前没有人代您审批。")
    assert slack.command(SPECIALIST, "/approval", f"withdraw {number}").json["text"] == f"{number}已撤回。"


def test_the_request_form_opens_in_the_askers_language(running):
    slack = running.slack
    assert slack.command(SPECIALIST, "/approval").status == 200
    (form,) = slack.wait_for(lambda: slack.open_views(SPECIALIST))
    assert (form.title["text"], form.raw["submit"]["text"]) == ("提交审批申请", "提交")
    assert slack.command(WUFANG, "/approval").status == 200
    (form,) = slack.wait_for(lambda: slack.open_views(WUFANG))
    assert (form.title["text"], form.raw["submit"]["text"]) == ("Ask for approval", "Submit")
