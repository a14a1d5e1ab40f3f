"""Whose language: `/ops language`, Slack's locale for a person (asked once, and again on `user_change`),
and a person's own rows (their direct messages, their App Home) worded in theirs."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from handlers.app import wording
from handlers.languages import ask_slack_for_locales
from opsbot.audit import AuditEntry
from opsbot.directory import PersonRow, load_directory
from opsbot.notices import Notice, Quote, Term

CLERK = "U0ZHENGHAO"
OTHER = "U0FENGYU"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def person(running, slack_id):
    with running.db.reading() as session:
        row = session.get(PersonRow, slack_id)
        return row.chosen_locale, row.slack_locale


def reads(running, slack_id):
    with running.db.reading() as session:
        return load_directory(session).member(slack_id).locale


def said(locale, code, **params):
    return wording(ZoneInfo("Asia/Shanghai"), locale=locale).plain(Notice.of(code, **params))


def current(locale):
    return said(
        locale, "language.current", language=Term(f"language.name.{locale}"), how=Notice.of("language.how")
    )


def test_a_person_chooses_chinese_and_the_answer_is_already_in_it(running):
    reply = running.slack.command(CLERK, "/ops", "language zh")
    assert reply.status == 200
    assert reply.json["text"] == said("zh_CN", "language.chosen", language=Term("language.name.zh_CN"))
    assert CHINESE.search(reply.json["text"])
    assert person(running, CLERK) == ("zh_CN", None)
    assert reads(running, CLERK) == "zh_CN"
    shown = running.slack.command(CLERK, "/ops", "language")  # the next answer is in Chinese too
    assert shown.json["text"] == current("zh_CN")
    with running.db.reading() as session:
        actions = [(e.actor, e.action, e.subject) for e in session.scalars(select(AuditEntry))]
    assert (CLERK, "language_chosen", f"person:{CLERK}") in actions


def test_auto_goes_back_to_slack_s_language_or_the_center_s(running):
    running.slack.command(CLERK, "/ops", "language zh")
    reply = running.slack.command(CLERK, "/ops", "language auto")
    assert person(running, CLERK) == (None, None)
    assert reads(running, CLERK) is None  # the center's
    assert reply.json["text"] == said("en", "language.following", language=Term("language.name.en"))


@pytest.mark.parametrize("typed", ["klingon", "<@U0FENGYU>", "zh en"])
def test_a_language_opsbot_does_not_speak_is_refused_and_changes_nothing(running, typed):
    before = running.row_counts()
    reply = running.slack.command(CLERK, "/ops", f"language {typed}")
    assert reply.status == 200
    assert "`/ops language zh`" in reply.json["text"]
    assert "<@" not in reply.json["text"]  # the typed words never ping anyone
    assert running.row_counts() == before


def test_slack_is_asked_once_for_each_person_s_locale(running):
    running.slack.set_locale(OTHER, "zh-CN")
    kept = ask_slack_for_locales(running.bot.deliverer.client, running.db, running.bot.clock)
    assert kept == len(running.bot.center.people)
    calls = running.slack.calls_to("users.info")
    assert {call.args["user"] for call in calls} == {p.slack_id for p in running.bot.center.people}
    assert all(str(call.args["include_locale"]).lower() in ("true", "1") for call in calls)
    assert person(running, OTHER) == (None, "zh-CN") and reads(running, OTHER) == "zh_CN"
    assert person(running, CLERK) == (None, "en-US") and reads(running, CLERK) == "en"
    assert ask_slack_for_locales(running.bot.deliverer.client, running.db, running.bot.clock) == 0
    assert len(running.slack.calls_to("users.info")) == len(calls)  # asked about once


def test_an_outage_stops_the_asking_and_leaves_the_rest_for_later(running):
    running.slack.fail_next("users.info", status=500, times=10)
    assert ask_slack_for_locales(running.bot.deliverer.client, running.db, running.bot.clock) == 0
    assert len(running.slack.calls_to("users.info")) == 1  # one call, not one per person
    assert person(running, CLERK) == (None, None)


def test_a_changed_profile_is_asked_about_again(running):
    ask_slack_for_locales(running.bot.deliverer.client, running.db, running.bot.clock)
    running.slack.set_locale(CLERK, "zh-CN")
    reply = running.slack.event({"type": "user_change", "user": {"id": CLERK, "name": "zheng.hao"}})
    assert reply.status == 200
    running.delivered()
    assert person(running, CLERK) == (None, "zh-CN")
    assert reads(running, CLERK) == "zh_CN"
    answer = running.slack.command(CLERK, "/ops", "language")
    assert answer.json["text"] == current("zh_CN")


def test_a_user_change_that_is_not_a_person_is_ignored(running):
    before = running.row_counts()
    reply = running.slack.event({"type": "user_change", "user": {"name": "no id"}})
    assert reply.status == 200
    running.delivered()
    assert running.row_counts() == before
    assert not running.slack.calls_to("users.info")


def test_a_refusal_is_in_the_language_of_whoever_is_refused(running):
    running.slack.command(CLERK, "/ops", "language zh")
    refused = running.slack.command(CLERK, "/ops", "language klingon").json["text"]
    assert refused == said("zh_CN", "language.unknown", typed=Quote("klingon"))
    assert CHINESE.search(refused.replace("中文", ""))
    other = running.slack.command(OTHER, "/ops", "language klingon").json["text"]
    assert other == said("en", "language.unknown", typed=Quote("klingon"))
    card_refusal = running.slack.command(CLERK, "/case", "show CASE-2026-999999").json["text"]
    assert card_refusal == said("zh_CN", "case.not_found", number="CASE-2026-999999")


def test_slack_out_of_reach_leaves_the_asking_for_later_without_a_traceback(running, caplog):
    running.slack.go_down()
    try:
        assert ask_slack_for_locales(running.bot.deliverer.client, running.db, running.bot.clock) == 0
    finally:
        running.slack.come_back()
    assert "could not be asked" in caplog.text and "Traceback" not in caplog.text
    assert person(running, CLERK) == (None, None)
