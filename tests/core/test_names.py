"""Names in the center file, in one language or in each: the center's own is what opsbot keeps, and each
reader sees theirs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from handlers.app import wording
from opsbot.center_file import CenterFileError
from opsbot.directory import load_directory, sync_directory
from opsbot.notices import Money, Name, Notice
from opsbot.registry import load_center, parse_center
from opsbot.settings import EXAMPLE_CENTER
from tests.core.test_center_file import broken

BUSINESS = "    name: Business Processing Department\n"
BOTH = "    name: {en: Business Processing Department, zh: 业务处理部}\n"


def business(center):
    return next(unit for unit, _parent in center.all_units() if unit.key == "business")


def test_a_name_in_each_language_keeps_the_center_s_and_gives_each_reader_theirs():
    center = parse_center(broken(("name: Riverside", "locale: zh_CN\nname: Riverside"), (BUSINESS, BOTH)))
    name = business(center).name
    assert name == "业务处理部" and isinstance(name, Name)
    assert name.in_("en") == "Business Processing Department" and name.in_("zh_CN") == "业务处理部"
    english = parse_center(broken((BUSINESS, BOTH)))
    assert business(english).name == "Business Processing Department"


def test_a_plain_name_is_the_center_s_for_every_reader():
    center = parse_center(broken())
    assert business(center).name.in_("zh_CN") == "Business Processing Department"


@pytest.mark.parametrize(
    ("locale", "given", "expected"),
    [
        ("zh_CN", "{en: Business}", "no name in zh_CN, the center's language (given: en)"),
        ("en", "{zh: 业务处理部}", "no name in en, the center's language (given: zh_CN)"),
        ("en", "{en: Business, fr: Affaires}", "'fr' is not a language opsbot speaks"),
        ("en", "{en: ''}", "the en name must be text of 1 to 80 characters"),
        ("en", "{}", "give a name, or a name in each language"),
    ],
)
def test_config_check_names_a_name_missing_in_the_center_s_language(locale, given, expected):
    text = broken(
        ("name: Riverside", f"locale: {locale}\nname: Riverside"), (BUSINESS, f"    name: {given}\n")
    )
    with pytest.raises(CenterFileError) as found:
        parse_center(text)
    assert any("units" in problem and expected in problem for problem in found.value.problems), (
        found.value.problems
    )


def test_a_name_reaches_each_reader_in_their_language_and_survives_the_outbox():
    name = Name("业务处理部", {"zh_CN": "业务处理部", "en": "Business Processing Department"})
    notice = Notice.load(json.loads(json.dumps(Notice.of("permission.unit", unit=name).dump())))
    zone = ZoneInfo("Asia/Shanghai")
    assert (
        wording(zone).plain(notice) == "the people of Business Processing Department and of the units over it"
    )
    assert "业务处理部" in wording(zone, locale="zh_CN").plain(notice)


def test_the_directory_keeps_each_language_of_a_unit_s_name(db, clock):
    center = parse_center(broken((BUSINESS, BOTH)))
    with db.transaction() as session:
        sync_directory(session, center, now=clock.now())
    with db.reading() as session:
        unit = load_directory(session).units["business"]
    assert unit.name == "Business Processing Department" and unit.name.in_("zh_CN") == "业务处理部"


@pytest.mark.parametrize(("locale", "shown"), [("zh_CN", "¥48,000.00"), ("en", "CN¥48,000.00")])
def test_money_is_written_as_the_reader_s_locale_writes_the_currency(locale, shown):
    notice = Notice.load(json.loads(json.dumps(Notice.of("t", amount=Money(Decimal("48000"), "CNY")).dump())))
    assert notice.params["amount"] == Money(Decimal("48000"), "CNY")
    assert wording(ZoneInfo("Asia/Shanghai"), locale=locale).money(notice.params["amount"]) == shown


def test_the_chinese_example_center_speaks_chinese_on_the_chinese_calendar():
    center = load_center(EXAMPLE_CENTER.with_name("center.zh.yaml"))
    assert center.locale == "zh_CN"
    assert business(center).name == "业务处理部"
    assert center.calendar.holidays_from == "CN"
    assert len(center.calendar.windows) == 2  # a lunch break


@pytest.mark.parametrize(
    ("zone", "locale", "shown"),
    [
        ("Asia/Shanghai", "en", "2026-12-01 14:30 CST"),
        ("Asia/Shanghai", "zh_CN", "2026年12月1日 14:30 北京时间"),
        ("Europe/Berlin", "zh_CN", "2026年12月1日 07:30 CET"),  # a zone the catalogue does not name
    ],
)
def test_the_center_s_clock_is_written_and_named_as_the_reader_writes_it(zone, locale, shown):
    moment = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
    assert wording(ZoneInfo(zone), locale=locale).time(moment) == shown
    assert wording(ZoneInfo(zone), locale=locale).day(moment.date()) == shown.split()[0]
