"""The approvals in Simplified Chinese: every card and prompt the core queued for requests that were
reminded, escalated, decided by a stand-in, returned, resubmitted, denied, approved and withdrawn, the App
Home's sections, and the forms, rendered with the zh_CN wording. What opsbot says reads in Chinese (no
English word is left but the center file's names, commands in backticks, mentions and times), and stays
within Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import pytest

import bot
from handlers.app import renderers, wording, wordings
from handlers.approvals import home
from handlers.approvals.actions import REASON_FORMS
from handlers.approvals.delegation import delegation_report
from handlers.approvals.reading import listing, showing
from handlers.approvals.request_form import request_view, resubmit_form
from handlers.blocks import Message
from handlers.edge import Edge
from handlers.forms import form_view
from handlers.wording import Wording
from opsbot.approvals import delegation, service
from opsbot.approvals.cards import CARD, PROMPT
from opsbot.approvals.deciding import decide
from opsbot.approvals.lifecycle import Decision
from opsbot.center import Center
from opsbot.clock import FrozenClock
from opsbot.db import Database
from opsbot.directory import load_directory
from opsbot.home import my_work
from opsbot.registry import WORKFLOWS
from opsbot.sweeps import run_due_sweeps
from tests.handlers.test_approvals_renderers import CHENJING, SPECIALIST, WUFANG, _as, queued

SUNLI = "U0SUNLI"
# Commands in backticks, mentions, links and times (`<…>`), and record numbers stay as they are.
KEPT = re.compile(r"`[^`]*`|<[^>]*>|\bAPR-\d{4}-\d{6}\b")
ENGLISH_WORD = re.compile(r"[A-Za-z]{4,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Slack's limits on what a person reads: a button's, an option's, a header's text; a modal's title, submit
# and close.
LIMITS = {"button": 75, "option": 75, "header": 150}
VIEW_LIMIT = 24


def zh(center: Center) -> Wording:
    return wording(center.calendar.zone, locale="zh_CN")


def zh_edge(db: Database, center: Center, clock: FrozenClock) -> Edge:
    """The edge of a center whose language is Chinese: what each person reads is worded in it."""
    return Edge(db=db, clock=clock, center=center, wordings=wordings(center.calendar.zone, "zh_CN"))


def names_in(center: Center) -> list[str]:
    """What the center file names (people, units, kinds, functions, the currency): shown as written."""
    settings = center.approvals
    return [
        "opsbot",
        settings.currency,
        *(person.name for person in center.people),
        *(unit.name for unit, _parent in center.all_units()),
        *(kind.name for kind in settings.kinds),
        *(function.label for function in settings.functions.values()),
    ]


def english_in(text: str, names: Iterable[str]) -> list[str]:
    text = KEPT.sub("", text)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    return ENGLISH_WORD.findall(text)


def texts(shown: Any) -> list[str]:
    """Every text a person reads in a message or a view: its fallback, mrkdwn and plain text."""
    if isinstance(shown, Message):
        return [shown.text, *texts(shown.blocks)]
    found: list[str] = []
    if isinstance(shown, dict):
        if shown.get("type") in ("plain_text", "mrkdwn") and isinstance(shown.get("text"), str):
            found.append(shown["text"])
        for value in shown.values():
            found += texts(value)
    elif isinstance(shown, list):
        for item in shown:
            found += texts(item)
    return found


def over_limits(shown: Any) -> list[str]:
    """The texts longer than Slack takes where they are."""
    found: list[str] = []
    if isinstance(shown, Message):
        return over_limits(shown.blocks)
    if isinstance(shown, dict):
        limit = LIMITS.get(str(shown.get("type")))
        if limit is not None and len(shown["text"]["text"]) > limit:
            found.append(shown["text"]["text"])
        for value in shown.values():
            found += over_limits(value)
    elif isinstance(shown, list):
        for item in shown:
            found += over_limits(item)
    return found


def assert_chinese(shown: Any, center: Center) -> None:
    # A modal's Cancel is `handlers.blocks.modal`'s, which words no form of its own.
    shown = (
        {key: value for key, value in shown.items() if key != "close"} if isinstance(shown, dict) else shown
    )
    read = [text for text in texts(shown) if text]
    assert any(CHINESE.search(text) for text in read), read
    left = [word for text in read for word in english_in(text, names_in(center))]
    assert left == [], (left, read)
    assert over_limits(shown) == []


def chinese_requests(db: Database, center: Center, clock: FrozenClock) -> dict[str, str]:
    """Zheng Hao's requests, in people's words of Chinese: an expense that Wu Fang, away with Chen Jing
    standing in, is reminded of, has escalated, returns, and denies once resubmitted; another returned and
    left so; a leave approved at both steps; a collaboration withdrawn; and one waiting for Wu Fang."""

    def asked(kind: str, purpose: str, amount: str | None = None, **fields: str) -> str:
        return _as(
            db,
            center,
            clock,
            SPECIALIST,
            lambda s, c: service.request_approval(
                s, c, kind_key=kind, purpose=purpose, amount=amount, fields=fields
            ),
        ).number

    def decided(who: str, number: str, position: int, decision: Decision, reason: str = "", round_: int = 1):
        _as(
            db,
            center,
            clock,
            who,
            lambda s, c: decide(
                s, c, number, round_=round_, position=position, decision=decision, reason=reason
            ),
        )

    _as(db, center, clock, WUFANG, lambda s, c: delegation.delegate(s, c, to=CHENJING, until="2099-12-31"))
    expense = asked("expense", "打车拜访客户", "480", details="往返出租车费")
    sweeps = bot.sweeps_for(center)
    for advance in (timedelta(hours=4, minutes=5), timedelta(hours=4)):  # reminded, then escalated
        clock.advance(advance)
        run_due_sweeps(db, sweeps, clock)
    decided(WUFANG, expense, 1, Decision.RETURN, "请附上发票")
    _as(db, center, clock, SPECIALIST, lambda s, c: service.resubmit(s, c, expense, purpose="打车（附发票）"))
    decided(WUFANG, expense, 1, Decision.DENY, "超出报销标准", round_=2)
    returned = asked("expense", "购买打印纸", "300")
    decided(CHENJING, returned, 1, Decision.RETURN, "请注明用途")
    leave = asked("leave", "家中有事", start_date="2026-11-30", end_date="2026-12-01")
    decided(WUFANG, leave, 1, Decision.APPROVE)
    decided(SUNLI, leave, 2, Decision.APPROVE)
    collaboration = asked("collaboration", "系统对接", target_unit="tech", deadline="2026-12-01")
    _as(db, center, clock, SPECIALIST, lambda s, c: service.withdraw(s, c, collaboration))
    waiting = asked("expense", "购买文具", "200")
    return {
        "expense": expense,
        "returned": returned,
        "leave": leave,
        "collaboration": collaboration,
        "waiting": waiting,
    }


@pytest.fixture
def requests(loaded: Database, center: Center, clock: FrozenClock) -> dict[str, str]:
    return chinese_requests(loaded, center, clock)


def rendered(db: Database, center: Center, kind: str) -> list[Message]:
    render = renderers(zh(center))[kind]
    return [render(payload) for payload in queued(db, kind)]


def test_every_card_and_prompt_reads_in_chinese(loaded, center, requests):
    cards, prompts = rendered(loaded, center, CARD), rendered(loaded, center, PROMPT)
    assert len(cards) > 20 and len(prompts) >= 5
    for message in cards + prompts:
        assert_chinese(message, center)


def test_the_chinese_cards_and_prompts_say_what_happened(loaded, center, requests):
    cards = ["\n".join(texts(message)) for message in rendered(loaded, center, CARD)]
    prompts = ["\n".join(texts(message)) for message in rendered(loaded, center, PROMPT)]
    assert any("您作为其上级可以审批" in text for text in cards)  # the escalated copy
    assert any("Wu Fang外出：您可以代其审批" in text for text in cards)  # Chen Jing's copy
    assert any(
        "——现等待Zhou Jie（已上报）" in text and "Chen Jing（受托）或Wu Fang审批" in text for text in cards
    )
    assert any("Wu Fang不同意" in text and "“超出报销标准”" in text for text in cards)
    assert any("状态： *已批准*" in text for text in cards)
    assert any("请点击 *重新提交…* 进行更正" in text and "[amount=…] [新事由]" in text for text in cards)
    assert any("⏰" in text and "待您审批：打车拜访客户" in text for text in prompts)
    assert any("Wu Fang已退回更正。理由：“请附上发票”" in text for text in prompts)
    assert any("您已重新提交" in text and "审批流程已重新开始" in text for text in prompts)
    assert any("您的申请" in text and "Sun Li已同意。" in text for text in prompts)
    assert any(requests["collaboration"] in text and "状态： *已撤回*" in text for text in cards)
    buttons = {text for message in rendered(loaded, center, CARD) for text in _buttons(message.blocks)}
    assert {"同意", "不同意…", "退回更正…", "重新提交…"} <= buttons


def _buttons(blocks: Any) -> list[str]:
    if isinstance(blocks, dict):
        own = [blocks["text"]["text"]] if blocks.get("type") == "button" else []
        return own + [text for value in blocks.values() for text in _buttons(value)]
    if isinstance(blocks, list):
        return [text for item in blocks for text in _buttons(item)]
    return []


def test_the_app_home_sections_read_in_chinese(loaded, center, clock, requests):
    settings = WORKFLOWS.home_settings(center)
    with loaded.reading() as session:
        directory = load_directory(session)
        homes = {
            who: my_work(session, directory, who, clock.now(), settings, WORKFLOWS.home)
            for who in (WUFANG, CHENJING, SUNLI)
        }
    say = zh(center)
    shown = {
        who: [home.VIEWS[part["kind"]](part, say) for part in page["sections"] if part["kind"] in home.VIEWS]
        for who, page in homes.items()
    }
    for blocks in shown.values():
        assert blocks
        assert_chinese(blocks, center)
    wu_fang, chen_jing = "\n".join(texts(shown[WUFANG])), "\n".join(texts(shown[CHENJING]))
    assert "*待您审批* （1项）" in wu_fang and f"*{requests['waiting']}* 购买文具 · ¥200.00" in wu_fang
    assert "申请人：Zheng Hao · 审批环节：直接上级" in wu_fang
    assert "*委托审批*" in wu_fang and "代您审批至2099-12-31（含当日）" in wu_fang
    assert "审批环节：直接上级（代Wu Fang审批）" in chen_jing
    assert "您代 *Wu Fang* 审批至2099-12-31。" in chen_jing
    assert "*审批*\n没有待您审批的事项。✓" in "\n".join(texts(shown[SUNLI]))


def test_the_forms_read_in_chinese_within_slacks_limits(loaded, center, clock, requests):
    say, resubmit = zh(center), resubmit_form(zh_edge(loaded, center, clock))
    views = [request_view(center, say, kind.key) for kind in center.approvals.kinds]
    views += [form_view(form, requests["expense"], form.blocks(None, "", say), say) for form in REASON_FORMS]
    with loaded.reading() as session:
        views.append(
            form_view(
                resubmit, requests["returned"], resubmit.blocks(session, requests["returned"], say), say
            )
        )
    for view in views:
        assert_chinese(view, center)
        assert all(
            len(view[part]["text"]) <= VIEW_LIMIT for part in ("title", "submit", "close") if part in view
        )
    assert views[0]["title"]["text"] == "提交审批申请" and views[0]["submit"]["text"] == "提交"
    assert (views[-1]["title"]["text"], views[-1]["submit"]["text"]) == ("重新提交审批申请", "重新提交")
    labels = {text for view in views for text in texts(view)}
    assert {
        "审批类型",
        "事由",
        "金额（CNY）",
        "详细说明",
        "开始日期",
        "结束日期（最后一天）",
        "接收部门",
    } <= labels
    assert {"不同意", "退回更正", "理由（申请人可见）", "需更正的内容"} <= labels
    assert any("已被Chen Jing（代Wu Fang审批）退回更正：“请注明用途”" in text for text in labels)


def test_what_approval_list_show_and_delegate_answer_reads_in_chinese(loaded, center, clock, requests):
    edge = zh_edge(loaded, center, clock)
    answers = {
        "waiting": listing(edge, WUFANG),
        "mine": listing(edge, SPECIALIST),
        "show": showing(edge, SPECIALIST, requests["expense"]),
        "delegated": delegation_report(edge, WUFANG),
        "standing in": delegation_report(edge, CHENJING),
        "none": delegation_report(edge, SUNLI),
    }
    for answer in answers.values():
        assert_chinese(answer, center)
    assert "*待您审批*\n• *" in answers["waiting"].text and "——第1个审批环节（直接上级），自<!date^" in (
        answers["waiting"].text
    )
    assert "*您的申请*" in answers["mine"].text and "购买打印纸——已退回更正" in answers["mine"].text
    shown = answers["show"].text
    assert f"*{requests['expense']}* Zheng Hao的费用报销：打车（附发票）（¥480.00）—— *未批准*" in shown
    assert "*详细说明* ：往返出租车费" in shown and "\n*审批记录*\n" in shown
    assert "· 第1个审批环节：退回更正——“请附上发票”" in shown and "· 就第1个审批环节提醒" in shown
    assert "将第1个审批环节由Wu Fang上报至Zhou Jie" in shown and "将第1个审批环节委托Chen Jing审批" in shown
    assert answers["delegated"].text.startswith("<@U0CHENJING>代您审批至2099-12-31。")
    none, standing_in = answers["standing in"].text.split("\n")
    assert none == "目前没有人代您审批。输入 `/approval delegate @姓名 until 2026-12-24` 可委托他人审批。"
    assert standing_in == "您代<@U0WUFANG>审批至2099-12-31。"
    assert answers["none"].text.startswith("目前没有人代您审批。")
