"""Each person reads what they alone see in their own language, and a channel reads the center's: two people
of an English-speaking center read opsbot in Chinese (the center file says so for them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from opsbot.center import Center
from opsbot.clock import ShiftedClock
from opsbot.languages import CHINESE
from tests.e2e.conftest import Running, run_bot

READER, MANAGER, COLLEAGUE = "U0ZHENGHAO", "U0SUNLI", "U0WUFANG"


@pytest.fixture
def bilingual(slack, database_url, center: Center, clock) -> Iterator[Running]:
    people = tuple(
        person.model_copy(update={"locale": CHINESE}) if person.slack_id in (READER, MANAGER) else person
        for person in center.people
    )
    shifted = ShiftedClock(start=clock.now())
    yield from run_bot(slack, database_url, center.model_copy(update={"people": people}), clock=shifted)


def test_the_help_and_whoami_answer_each_person_in_their_language(bilingual):
    # The process's first request: the reader's language is known before anything else is read.
    helped = bilingual.slack.command(READER, "/ops", "help").json
    assert helped["blocks"][0]["text"]["text"] == "opsbot命令" and helped["text"].startswith("opsbot命令：")
    english = bilingual.slack.command(COLLEAGUE, "/ops", "help").json
    assert english["blocks"][0]["text"]["text"] == "opsbot commands"
    assert bilingual.slack.command(READER, "/ops", "whoami").json["text"] == (
        "您是 *Zheng Hao* ，Intake and Handling Group专员。您的上级是Wu Fang（组长）。"
    )
    assert bilingual.slack.command(COLLEAGUE, "/ops", "whoami").json["text"].startswith("You are *Wu Fang*")


def test_an_announcement_is_confirmed_in_the_author_s_words_and_carded_in_the_center_s(bilingual):
    posted = bilingual.slack.command(MANAGER, "/ops", "announce intake 周五下午三点消防演练").json["text"]
    assert posted.startswith("已将ANN-2026-000001发布到<#C0INTAKE>。")
    card = bilingual.slack.wait_for(lambda: bilingual.slack.messages("C0INTAKE"))[0]
    assert card.blocks[0]["text"]["text"] == "📣 Announcement ANN-2026-000001"
    bilingual.slack.command(MANAGER, "/ops", "announce")
    form = bilingual.slack.wait_for(lambda: bilingual.slack.open_views(MANAGER))[-1]
    assert (form.title["text"], form.raw["submit"]["text"], form.raw["close"]["text"]) == (
        "发布公告",
        "发布",
        "取消",
    )
