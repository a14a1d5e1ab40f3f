"""The case workflow in Simplified Chinese: the card, its thread lines and prompts, the App Home's sections,
`/case list`, `/case show` and `/case stats`, the forms and `/case`'s help, rendered with the zh_CN wording
from what the real core queued or read. What they say reads as Chinese: no English word is left outside the
commands, Slack's tokens (mentions, times), case numbers, and the words of the people and of the (English)
example center file; and everything fits Slack's limits. Each Chinese entry keeps its English's placeholders,
commands and emoji."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from handlers.app import wording, wordings
from handlers.blocks import Message
from handlers.cases import actions, card, commands, home, queries
from handlers.cases.words import WORDS
from handlers.edge import Edge
from handlers.forms import form_view
from handlers.wording import Wording, placeholders
from opsbot.cases import queries as case_queries
from opsbot.cases.records import load
from opsbot.cases.settings import CaseSettings
from opsbot.cases.stats import period_stats
from opsbot.center import Center
from opsbot.context import Context
from opsbot.directory import load_directory
from opsbot.home import my_work
from opsbot.registry import WORKFLOWS
from tests.handlers.chinese import texts_of
from tests.handlers.test_cases_renderers import CLERK, QC, Desk, hostile_payloads

ZH = "zh_CN"
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
# What a Chinese text may hold in Latin letters: commands in backticks, Slack's tokens (mentions, times),
# entities, case numbers and e-mail addresses.
NOT_WORDS = re.compile(r"`[^`]*`|<[^>]*>|&[a-z]+;|(?:CASE|INTAKE)-[\d…-]*|[\w.+-]+@[\w.-]+")
# The words of the hostile text people typed (`tests.hostile`), and opsbot's own name.
THEIRS = {"channel", "here", "everyone", "subteam", "https", "example", "opsbot"}
SLACK_LIMITS = {"button": 75, "option": 75, "header": 150, "placeholder": 150, "label": 2000, "modal": 24}


@pytest.fixture
def zh(center: Center) -> Wording:
    return wording(center.calendar.zone, locale=ZH)


def center_names(center: Center) -> list[str]:
    """The center file's own words (English in the example), longest first: they are shown as written."""
    kinds = CaseSettings.of(center).types
    names = [unit.name for unit, _parent in center.all_units()] + [person.name for person in center.people]
    names += [kind.name for kind in kinds] + [item for kind in kinds for item in kind.required_items]
    return sorted({*names, center.calendar.timezone}, key=len, reverse=True)


def english_left(texts: list[str], center: Center) -> list[str]:
    found, names = [], center_names(center)
    for text in texts:
        for name in names:
            text = text.replace(name, " ")
        found += [word for word in LATIN_WORD.findall(NOT_WORDS.sub(" ", text)) if word not in THEIRS]
    return found


def shown_texts(obj: Any) -> Iterator[str]:
    """Every text a person reads in a message or a view: its fallback text, and each text object's."""
    if isinstance(obj, Message):
        yield str(obj.text)
        obj = obj.blocks
    yield from texts_of(obj)


def too_long(obj: Any) -> Iterator[tuple[str, str]]:
    """Each text over the limit Slack sets for where it is: a button, an option, a header, an input's label
    or placeholder, a modal's title, submit or close."""
    if isinstance(obj, Message):
        yield from too_long(obj.blocks)
    elif isinstance(obj, dict):
        kind = obj.get("type")
        texts = [(kind, obj["text"]["text"])] if kind in ("button", "header") else []
        if kind == "modal":
            texts += [("modal", obj[key]["text"]) for key in ("title", "submit", "close") if key in obj]
        if kind == "input":
            texts.append(("label", obj["label"]["text"]))
        texts += [("placeholder", obj["placeholder"]["text"])] if "placeholder" in obj else []
        texts += [("option", option["text"]["text"]) for option in obj.get("options", [])]
        yield from ((where, text) for where, text in texts if len(text) > SLACK_LIMITS[where])
        for value in obj.values():
            yield from too_long(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from too_long(item)


def assert_chinese(shown: Any, center: Center) -> None:
    texts = list(shown_texts(shown))
    assert texts
    assert english_left(texts, center) == [], texts
    assert list(too_long(shown)) == []


def test_the_check_finds_english_and_only_that(center):
    shown = "Case figures: 本周 · Wu Fang · `/case list` · CASE-2026-000001 · <@U0WUFANG> · li.na@example.com"
    assert english_left([shown], center) == ["Case", "figures"]


def test_the_card_its_lines_and_the_prompts_read_as_chinese(db, center, clock, zh):
    found = hostile_payloads(db, center, clock)
    assert all(found.values())
    for kind, payloads in found.items():
        for payload in payloads:
            assert_chinese(card.RENDERERS[kind](payload, say=zh), center)


def _edge(db: Any, center: Center, clock: Any) -> Edge:
    return Edge(db=db, clock=clock, center=center, wordings=wordings(center.calendar.zone, ZH))


def test_the_app_home_sections_read_as_chinese(db, center, clock, zh):
    hostile_payloads(db, center, clock)
    settings = WORKFLOWS.home_settings(center)
    with db.reading() as session:
        directory = load_directory(session)
        homes = [
            my_work(session, directory, person.slack_id, clock.now(), settings, WORKFLOWS.home)
            for person in center.people
        ]
    parts = [part for tab in homes for part in tab["sections"] if part["kind"] in home.VIEWS]
    assert {part["kind"] for part in parts} == set(home.VIEWS)
    assert any(part["items"] for part in parts) and any(not part["items"] for part in parts)
    for part in parts:
        assert_chinese(home.VIEWS[part["kind"]](part, zh), center)


def test_case_list_show_and_stats_answer_in_chinese(db, center, clock, zh):
    hostile_payloads(db, center, clock)
    edge = _edge(db, center, clock)
    with db.reading() as session:
        directory = load_directory(session)
        ctx = Context(center, directory, clock.now(), QC)
        pages = [
            case_queries.list_cases(session, directory, QC, case_queries.parse_list(scope), clock.now())
            for scope in ("open", "overdue", "mine")
        ]
        shown = [
            queries.render_case(case_queries.case_details(session, ctx, line.reference), directory, edge, zh)
            for line in pages[0].lines
        ]
        figures = period_stats(session, clock.now(), "week", center.calendar)
    assert pages[0].lines and not pages[2].lines
    for answer in [*(queries.render_list(page, zh) for page in pages), *shown]:
        assert_chinese(answer, center)
    assert_chinese(queries.render_stats(figures, edge, zh), center)


def test_the_forms_read_as_chinese(db, center, clock, zh):
    hostile_payloads(db, center, clock)
    edge, desk = _edge(db, center, clock), Desk(db, center, clock)
    returned = desk.new(CLERK, type_key="account_change", customer="李娜", contact="13812345678")
    quick = desk.new(CLERK)
    kinds = CaseSettings.of(center).types
    views = [commands.intake_view(edge, zh, kind.key) for kind in kinds]
    with db.reading() as session:
        views += [form_view(f, returned, f.blocks(session, returned, zh), zh) for f in actions.FORMS]
        case = load(session, quick, for_change=False)
        for chosen in (None, "complaint", "refund"):
            views.append(
                form_view(
                    actions.complete_form(edge), quick, actions.details_blocks(edge, zh, case, chosen), zh
                )
            )
        told = [commands.registered(load(session, ref, for_change=False), zh) for ref in (returned, quick)]
    assert len(views) == len(kinds) + len(actions.FORMS) + 3
    assert all(len(view["close"]["text"]) <= SLACK_LIMITS["modal"] for view in views)
    # A form's close button is the kernel's word (`handlers.blocks.modal`), not the cases'.
    for shown in [*({k: v for k, v in view.items() if k != "close"} for view in views), *told]:
        assert_chinese(shown, center)


def test_the_help_of_case_s_commands_is_chinese(zh, center):
    summaries = [zh.term(entry.summary) for entry in (*commands.HELP, *queries.HELP)]
    assert len(summaries) == 5
    assert english_left(summaries, center) == []


CHINESE = wording(ZoneInfo("UTC"), locale=ZH)
COMMAND = re.compile(r"`[^`]*`")
EMOJI = re.compile(r"[⚠⏰📞✓•‹›]")
# Slack's marks around a span: code, bold, italics.
MARKED = re.compile(r"`[^`\n]*`|\*[^*\n]+\*|(?<![\w{])_[^_\n]+_(?![\w}])")
# Chinese characters and full-width punctuation, next to which Slack does not see a mark.
WIDE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”…—]")


def cramped_marks(template: str) -> list[str]:
    """The marked spans of a template with a Chinese character or full-width mark right outside them."""
    return [
        found.group(0)
        for found in MARKED.finditer(template)
        if WIDE.match(template[found.start() - 1 : found.start()] or " ")
        or WIDE.match(template[found.end() : found.end() + 1] or " ")
    ]


@pytest.mark.parametrize("code", sorted(WORDS))
def test_each_chinese_entry_keeps_what_its_english_has(code, center):
    entry = WORDS[code]
    chinese = CHINESE.catalogue.template(code, ZH, 2) or ""
    assert CHINESE.catalogue.template(code, ZH, 1) == chinese  # Chinese has one form
    assert placeholders(chinese) == placeholders(entry.text)
    assert COMMAND.findall(chinese) == COMMAND.findall(entry.text)
    assert sorted(EMOJI.findall(chinese)) == sorted(EMOJI.findall(entry.text))
    assert (chinese.count("*"), chinese.count("_")) == (entry.text.count("*"), entry.text.count("_"))
    assert english_left([re.sub(r"\{\w+\}", " ", chinese)], center) == []
    assert cramped_marks(chinese) == []
