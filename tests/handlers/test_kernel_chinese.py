"""The kernel's and the announcements' words in Simplified Chinese: `/ops help`, the App Home, the
announcement card, form and confirmation, and the deadline digest, rendered with the zh_CN wording, read in
Chinese and keep within Slack's limits; and every Chinese entry keeps its English one's placeholders and the
spacing Slack's markup needs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from handlers.announcements.commands import compose_view, confirmation
from handlers.app import command_help, renderers, wording
from handlers.blocks import section
from handlers.catalogue import help_message
from handlers.deadlines import digest
from handlers.forms import Form, form_view
from handlers.home import home_view
from handlers.mrkdwn import Mrkdwn, escape
from handlers.registry import SLACK_WORKFLOWS
from handlers.wording import KERNEL_DOMAIN, placeholders
from opsbot.announcements import service
from opsbot.announcements.service import CARD
from opsbot.context import Context
from opsbot.directory import load_directory
from opsbot.home import my_work
from opsbot.languages import CHINESE
from opsbot.outbox import Notification
from opsbot.registry import WORKFLOWS
from tests.handlers.chinese import assert_chinese, assert_within_limits, texts_of
from tests.hostile import message_texts

MANAGER, CLERK = "U0SUNLI", "U0ZHENGHAO"
NAMES = ("Sun Li", "Zheng Hao", "Wu Fang")  # people's names: their own words
NOTICE = "周五下午三点进行消防演练，请各部门做好准备。"
ZH = wording(UTC, locale=CHINESE)
MINE = ("opsbot", "announcements")  # the domains these words belong to


def test_the_help_lists_the_commands_in_chinese():
    message = help_message(command_help(), ZH)
    header, ops, *_workflows, footer = message.blocks
    assert header["text"]["text"] == "opsbot命令"
    # `/ops` and the subcommands the workflows add to it (`announce`), each with its summary.
    lines = ops["text"]["text"].split("\n")
    assert len(lines) == 5 and lines[0].startswith("`/ops help`  列出")
    assert_chinese([*lines, footer["elements"][0]["text"]])
    assert_chinese([message.text], kept=[escape(entry.usage) for entry in command_help()])
    assert_within_limits(message.blocks)


def _announced(db: Any, center: Any, clock: Any, *, read: bool) -> service.Posted:
    with db.transaction() as session:
        directory = load_directory(session)
        posted = service.announce(
            session, Context(center, directory, clock.now(), MANAGER), purpose="intake", text=NOTICE
        )
        if read:
            service.acknowledge(session, Context(center, directory, clock.now(), CLERK), posted.number)
    return posted


def test_the_announcement_card_its_form_and_confirmation_in_chinese(loaded, center, clock):
    posted = _announced(loaded, center, clock, read=True)
    render = renderers(ZH)[CARD]
    with loaded.reading() as session:
        payloads = list(session.scalars(select(Notification.payload).where(Notification.kind == CARD)))
    unread, read = (render(payload) for payload in payloads)
    for shown in (unread, read):
        assert_chinese(message_texts(shown), kept=NAMES)
        assert_within_limits(shown.blocks)
    assert unread.blocks[0]["text"]["text"] == f"📣 公告{posted.number}"
    assert "尚无人标记为已读。" in str(unread.blocks) and "已读（1人）：Zheng Hao" in str(read.blocks)
    assert [button["text"]["text"] for button in _buttons(read.blocks)] == ["标记为已读"]
    form = compose_view(center.channels.by_purpose(), "intake", ZH)
    assert (form["title"]["text"], form["submit"]["text"], form["close"]["text"]) == (
        "发布公告",
        "发布",
        "取消",
    )
    channels = [f"#{purpose}" for purpose in sorted(center.channels.by_purpose())]
    assert [text for text in texts_of(form["blocks"]) if text in channels] == ["#intake", *channels]
    assert_chinese([text for text in texts_of(form["blocks"]) if text not in channels])
    assert_within_limits(form)
    assert_chinese([confirmation(posted, ZH).text])


def _buttons(blocks: Any) -> list[dict[str, Any]]:
    found = [block.get("accessory") for block in blocks if block.get("accessory")]
    return found + [
        element for block in blocks for element in block.get("elements", []) if "action_id" in element
    ]


def test_the_app_home_frame_and_announcements_in_chinese(loaded, center, clock):
    _announced(loaded, center, clock, read=False)
    settings = WORKFLOWS.home_settings(center)
    with loaded.reading() as session:
        directory = load_directory(session)
        payload = my_work(session, directory, CLERK, clock.now(), settings, WORKFLOWS.home)
        stranger = my_work(session, directory, "U0NOBODY", clock.now(), settings, WORKFLOWS.home)
    # The workflows' own sections are theirs to word: here, the frame and the announcements'.
    mine = {**payload, "sections": [part for part in payload["sections"] if part["kind"] == "announcements"]}
    view = home_view(mine, say=ZH, sections=SLACK_WORKFLOWS.home)
    assert view["blocks"][0]["text"]["text"] == "我的待办"
    assert "*Zheng Hao* · 专员 · " in str(view["blocks"][1]) and "上级：Wu Fang" in str(view["blocks"][1])
    units = [unit.name for unit, _parent in center.all_units()]
    assert_chinese(list(texts_of(view["blocks"])), kept=[*NAMES, *units])
    assert [button["text"]["text"] for button in _buttons(view["blocks"])] == ["标记为已读"]
    assert_within_limits(view)
    outside = home_view(stranger, say=ZH, sections=SLACK_WORKFLOWS.home)
    assert_chinese(list(texts_of(outside["blocks"])))


def _line(code: str, **extra: Any) -> dict[str, Any]:
    due = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    return {
        "code": code,
        "kind": "case",
        "clock": "reply",
        "subject": "CASE-2026-000001",
        "summary": "包裹丢失",
        "owner": CLERK,
        "due": due.isoformat(),
        "late": False,
        "falls": (due + timedelta(hours=1)).isoformat(),
        **extra,
    }


@pytest.mark.parametrize(
    "lines",
    [
        [_line("deadline.overdue", to="owner")],
        [_line("deadline.overdue", to="unit"), _line("deadline.overdue", owner=None, clock="resolution")],
        [_line("deadline.remind", late=True), _line("deadline.escalate"), _line("deadline.top_of_chain")],
    ],
    ids=["overdue for the owner", "overdue for others", "reminded late, escalated, at the top"],
)
def test_the_deadline_digest_in_chinese(lines):
    shown = digest({"notices": lines}, say=ZH)
    # The clocks and the command that shows a case are the case workflow's words.
    theirs = [ZH.term(f"deadline.clock.{clock}") for clock in ("reply", "resolution")]
    theirs.append(ZH.term("deadline.look_up.case"))
    assert_chinese(message_texts(shown), kept=theirs)
    assert_within_limits(shown.blocks)
    head = shown.blocks[0]["text"]["text"]
    many = f"{len(lines)}项" if len(lines) > 1 else "1项"
    assert head.startswith("⚠️ " if lines[0]["code"] == "deadline.overdue" else "⏰ ") and many in head
    assert "；" in shown.text if len(lines) > 1 else "；" not in shown.text


def test_a_form_of_a_card_opens_in_the_reader_s_words():
    form = Form(
        "announcement.x",
        "announcements.form.title",
        "announcements.form.post",
        lambda *_: [],
        lambda *_: None,
    )
    view = form_view(form, "ANN-2026-000001", [section(Mrkdwn("……"))], ZH)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "发布公告",
        "发布",
        "取消",
    )


# ------------------------------------------------------------------------------------- the entries

CATALOGUE = ZH.catalogue
ENTRIES = [
    (domain.name, code, entry)
    for domain in CATALOGUE.domains
    if domain.name in MINE
    for code, entry in domain.words.items()
]
_CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
# A code span or a bold run of opsbot's own markup (not a `{placeholder}` that may hold one).
_MARKED = re.compile(r"`[^`\n]+`|(?<![A-Za-z0-9_*])\*[^*\n]+\*(?![A-Za-z0-9_*])")


# Entries that read the same in Chinese: a name, layout around what others word.
SAME = {"permission.owner", "home.who"}


def _chinese(code: str) -> str:
    """The Chinese template (a plural entry's one form)."""
    return CATALOGUE.template(code, CHINESE, count=2) or ""


@pytest.mark.parametrize(("domain", "code", "entry"), ENTRIES, ids=[code for _d, code, _e in ENTRIES])
def test_each_chinese_entry_keeps_the_english_placeholders(domain, code, entry):
    english, chinese = entry.plural or entry.text, _chinese(code)
    assert chinese != english or code in SAME, (domain, code)
    assert placeholders(chinese) == placeholders(english), (domain, code)


@pytest.mark.parametrize(("domain", "code", "entry"), ENTRIES, ids=[code for _d, code, _e in ENTRIES])
def test_slack_markup_in_chinese_has_a_space_on_its_outer_side(domain, code, entry):
    """Slack shows `code` and *bold* as marks, not formatting, when a Chinese character or a full-width mark
    touches them from outside (docs/glossary.md)."""
    chinese = _chinese(code)
    for marked in _MARKED.finditer(chinese):
        before, after = chinese[: marked.start()][-1:], chinese[marked.end() :][:1]
        assert not re.fullmatch(_CJK, before) and not re.fullmatch(_CJK, after), (code, marked.group())


def test_the_kernel_s_special_entries():
    assert ZH.time(datetime(2026, 12, 1, 10, 0, tzinfo=UTC)) == "2026年12月1日 10:00 UTC"
    assert CATALOGUE.template("list.separator", CHINESE) == "、"
    assert {domain.name for domain in CATALOGUE.domains} >= {KERNEL_DOMAIN, "announcements"}
