"""opsbot in two languages through the fake Slack: people who chose Chinese read every word opsbot sends
them in Chinese (their answers, forms, direct messages and App Home), the shared channel's cards stay in the
center's language, and an English reader in the same chain reads English."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import pytest
from sqlalchemy import select

from handlers.app import words_catalogue
from handlers.wording import placeholders
from opsbot.approvals.models import ApprovalRequest
from opsbot.cases.models import Case
from tests.e2e.test_approvals import approver_card, chain

CLERK = "U0CHENJING"  # intake specialist
HANDLER = "U0FENGYU"  # intake specialist
LEADER = "U0WUFANG"  # group leader of intake: first review
DEPUTY = "U0ZHOUJIE"  # deputy manager of business processing: second review
REQUESTER = "U0ZHENGHAO"  # intake specialist
PURPOSE = "客户培训课程费用"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# What is not opsbot's sentence inside a text: mentions, dates, links, code spans, emoji names.
_NOT_WORDS = re.compile(r"<[^>]*>|`[^`]*`|:[a-z_]+:")


def english_sentences() -> set[str]:
    """Every run of four or more English words in the English catalogue, between its placeholders."""
    found: set[str] = set()
    for text in words_catalogue().english.values():
        for piece in re.split(r"\{[^}]*\}|[*_`]", text):
            for run in re.findall(r"[A-Za-z][A-Za-z']*(?:[ ,;:.-]+[A-Za-z][A-Za-z']*){3,}", piece):
                found.add(run.strip(" ,;:.-"))
    return {run for run in found if len(run) >= 14}


ENGLISH = english_sentences()


def texts(value: Any) -> Iterable[str]:
    """Every string in a Block Kit structure (or a message's fallback text)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in (
                "action_id",
                "block_id",
                "callback_id",
                "value",
                "type",
                "style",
                "private_metadata",
            ):
                yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


def what_they_read(slack: Any, user: str) -> list[str]:
    read: list[str] = []
    for message in [*slack.ephemerals(user), *slack.dm(user)]:
        read += [message.text, *texts(message.blocks)]
    for view in slack.open_views(user):
        read += list(texts(view.raw))
    home = slack.home(user)
    if home is not None:
        read += list(texts(home.blocks))
    return read


def assert_chinese(slack: Any, user: str) -> None:
    read = what_they_read(slack, user)
    assert read, f"{user} was sent nothing"
    english = sorted({run for text in read for run in ENGLISH if run in _NOT_WORDS.sub(" ", text)})
    assert english == [], f"{user} read English: {english}"
    assert any(CHINESE.search(text) for text in read)


def assert_english(slack: Any, user: str, *typed: str) -> None:
    """Only English from opsbot: the Chinese left is what people typed (`typed`)."""
    read = [text for text in what_they_read(slack, user) if text.strip()]
    for words in typed:
        read = [text.replace(words, "") for text in read]
    assert read and [text for text in read if CHINESE.search(_NOT_WORDS.sub(" ", text))] == []


def choose_chinese(running: Any, *people: str) -> None:
    for person in people:
        reply = running.slack.command(person, "/ops", "language zh")
        assert CHINESE.search(reply.json["text"]), reply.json["text"]


@pytest.fixture
def chinese_desk(running):
    choose_chinese(running, CLERK, HANDLER, LEADER, DEPUTY)
    for person in (CLERK, HANDLER, LEADER, DEPUTY):
        running.slack.event(
            {"type": "app_home_opened", "user": person, "channel": f"D0{person}", "tab": "home"}
        )
    running.delivered()
    return running


def dm_with(running: Any, user: str, action_id: str) -> Any:
    return running.slack.wait_for(
        lambda: [m for m in running.slack.dm(user) if action_id in json.dumps(m.blocks)]
    )[-1]


def press(running: Any, user: str, where: Any, action_id: str) -> None:
    assert running.slack.click(user, where, action_id).status == 200
    running.delivered()


def fill(running: Any, user: str, where: Any, action_id: str, values: dict[str, Any]) -> None:
    slack = running.slack
    assert slack.click(user, where, action_id).status == 200
    (form,) = slack.wait_for(
        lambda: [v for v in slack.open_views(user) if v.callback_id == f"{action_id}.form"]
    )
    assert_chinese(slack, user)  # the form as it opened, in their language
    reply = slack.submit(user, form, values)
    assert reply.status == 200 and "errors" not in (reply.json or {}), reply.body
    running.delivered()


def card(running: Any) -> Any:
    (found,) = running.slack.wait_for(lambda: running.slack.messages("C0INTAKE"))
    return found


def case_state(running: Any) -> str:
    with running.db.reading() as session:
        return str(session.scalars(select(Case.state)).one())


def test_a_whole_case_life_in_chinese_with_the_channel_card_in_the_center_s_language(chinese_desk):
    running, slack = chinese_desk, chinese_desk.slack
    slack.command(CLERK, "/case", "")
    (form,) = slack.wait_for(lambda: slack.open_views(CLERK))
    slack.click(CLERK, form, "type_key", selected_option="account_change")
    (form,) = slack.wait_for(lambda: [v for v in slack.open_views(CLERK) if v.hash != form.hash])
    assert_chinese(slack, CLERK)
    values = {
        "customer": "李娜",
        "contact": "13812345678",
        "channel": "walk_in",
        "summary": "变更账户地址",
        "details": "十月已搬至浦东。",
        "provided_items": ["Application form"],
    }
    assert slack.submit(CLERK, form, values).status == 200
    running.delivered()
    (done,) = slack.open_views(CLERK)
    slack.close(CLERK, done)
    fill(
        running, CLERK, dm_with(running, CLERK, "case.supplement"), "case.supplement", {"items": ["ID proof"]}
    )
    with running.db.reading() as session:
        handler = session.scalars(select(Case.assignee)).one()
    assert case_state(running) == "assigned"

    press(running, handler, card(running), "case.accept")
    fill(running, handler, card(running), "case.submit", {"result": "已在系统中变更地址。"})
    reviewer = LEADER
    press(running, reviewer, card(running), "case.review.pass")
    press(running, DEPUTY, card(running), "case.review.pass")
    assert case_state(running) == "feedback"
    fill(running, handler, card(running), "case.informed", {"how": "15:10电话告知，客户确认。"})
    fill(running, CLERK, card(running), "case.satisfaction", {"score": "5", "comment": "办理迅速。"})
    assert case_state(running) == "closed"

    for person in {CLERK, handler, LEADER, DEPUTY}:
        assert_chinese(slack, person)
    shown = " ".join(texts(card(running).blocks))
    assert not CHINESE.search(_NOT_WORDS.sub(" ", shown).replace("变更账户地址", "").replace("李娜", ""))
    thread = [m.text for m in slack.replies("C0INTAKE", card(running).ts)]
    assert thread and all(
        not CHINESE.search(
            line.replace("已在系统中变更地址。", "")
            .replace("15:10电话告知，客户确认。", "")
            .replace("办理迅速。", "")
        )
        for line in thread
    )
    assert slack.errors == []


def test_an_approval_chain_in_chinese_with_an_english_approver(running):
    slack = running.slack
    choose_chinese(running, REQUESTER)
    reply = slack.command(REQUESTER, "/approval", f"request expense 4.8万 {PURPOSE}")
    assert CHINESE.search(reply.json["text"]) and "APR-2026-000001" in reply.json["text"]
    number = "APR-2026-000001"
    request, steps = chain(running, number)
    assert request.amount == 48000
    first, second = steps[0].approver, steps[1].approver
    choose_chinese(running, first)  # the first approver reads Chinese; the second keeps English
    running.delivered()
    assert running.slack.click(first, approver_card(running, first, number), "approval.approve").status == 200
    running.delivered()
    slack.click(second, approver_card(running, second, number), "approval.deny")
    (form,) = slack.wait_for(lambda: slack.open_views(second))
    slack.submit(second, form, {"reason": "Over this quarter's training budget."})
    running.delivered()
    with running.db.reading() as session:
        assert session.scalars(select(ApprovalRequest.state)).one() == "denied"
    assert_chinese(slack, REQUESTER)
    assert_chinese(slack, first)
    assert_english(slack, second, PURPOSE)
    told = [m.text for m in slack.dm(REQUESTER) if "Over this quarter" in m.text]
    assert told and CHINESE.search(told[-1])  # the reason as typed, inside a Chinese sentence


def test_choosing_english_again_switches_at_once(running):
    slack = running.slack
    choose_chinese(running, CLERK)
    slack.event({"type": "app_home_opened", "user": CLERK, "channel": f"D0{CLERK}", "tab": "home"})
    running.delivered()
    assert CHINESE.search(" ".join(texts(slack.home(CLERK).blocks)))
    reply = slack.command(CLERK, "/ops", "language en")
    assert not CHINESE.search(reply.json["text"].replace("中文", ""))
    running.delivered()
    assert not CHINESE.search(_NOT_WORDS.sub(" ", " ".join(texts(slack.home(CLERK).blocks))))
    slack.command(CLERK, "/case", "new 打印机卡纸")
    running.delivered()
    with running.db.reading() as session:
        assert session.scalars(select(Case.summary)).one() == "打印机卡纸"


def test_the_longest_words_are_english_sentences_found(running):
    assert len(ENGLISH) > 100 and all(not placeholders(run) for run in ENGLISH)


def test_a_language_chosen_again_words_the_next_direct_message_in_it(running):
    slack = running.slack
    first = "U0WUFANG"  # the direct superior: the first approver of the specialist's expense
    choose_chinese(running, first)
    slack.command(REQUESTER, "/approval", "request expense 480 Taxi to the client")
    running.delivered()
    chinese = approver_card(running, first, "APR-2026-000001")
    assert CHINESE.search(" ".join(texts(chinese.blocks)))
    slack.command(first, "/ops", "language en")
    slack.command(REQUESTER, "/approval", "request expense 520 Taxi back")
    running.delivered()
    english = approver_card(running, first, "APR-2026-000002")
    assert not CHINESE.search(_NOT_WORDS.sub(" ", " ".join(texts(english.blocks))))
