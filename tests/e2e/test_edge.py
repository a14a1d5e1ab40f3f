"""The Slack edge as Slack sees it: signed requests in, answers and Web API calls out."""

import json
import time
import urllib.request

import pytest

from tests.e2e.conftest import STRANGER

CLERK = "U0ZHENGHAO"  # a specialist in the intake group


def test_ops_help_answers_in_the_ack_with_every_command(running):
    reply = running.slack.command(CLERK, "/ops", "help")
    assert reply.status == 200
    assert reply.json["response_type"] == "ephemeral"
    listed = json.dumps(reply.json["blocks"])
    # Angle brackets escaped: in mrkdwn `<channel>` would be read as a link.
    for usage in ("/ops help", "/ops whoami", "/ops announce [&lt;channel&gt; &lt;text&gt;]"):
        assert usage in listed
    (shown,) = running.slack.ephemerals(CLERK)
    assert "opsbot commands" in shown.text
    assert running.slack.errors == []


def test_ops_with_no_text_is_help(running):
    assert "/ops whoami" in running.slack.command(CLERK, "/ops", "").json["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frobnicate", "I don't know `/ops frobnicate`."),
        ("anounce leadership hi", "Did you mean `/ops announce`?"),
        ("WHOAMI", "You are *Zheng Hao*"),
    ],
)
def test_unknown_subcommands_say_what_to_type(running, text, expected):
    reply = running.slack.command(CLERK, "/ops", text)
    assert reply.status == 200
    assert expected in reply.json["text"]
    if "know" in expected:
        assert "/ops help" in reply.json["text"]


def test_whoami_and_the_stranger(running):
    reply = running.slack.command(CLERK, "/ops", "whoami")
    assert reply.json["text"] == (
        "You are *Zheng Hao*, specialist in Intake and Handling Group. You report to Wu Fang (group leader)."
    )
    stranger = running.slack.command(STRANGER, "/ops", "whoami")
    assert stranger.status == 200
    assert "not in this center's directory" in stranger.json["text"]
    assert STRANGER in stranger.json["text"]


@pytest.mark.parametrize(
    "tamper",
    [
        {"signature": "v0=" + "0" * 64},
        {"timestamp": str(int(time.time()) - 6 * 60)},
        {"sign": False},
    ],
    ids=["forged signature", "stale timestamp", "missing headers"],
)
def test_unsigned_or_stale_requests_are_refused_and_change_nothing(running, tamper):
    before = running.row_counts()
    reply = running.slack.command("U0SUNLI", "/ops", "announce leadership Meeting at 3", **tamper)
    assert reply.status == 401
    running.delivered()
    assert running.row_counts() == before
    assert running.slack.messages("C0LEADERS") == []


def test_healthz_reports_the_database(running):
    with urllib.request.urlopen(f"http://127.0.0.1:{running.server.port}/healthz", timeout=5) as answer:
        body = json.loads(answer.read())
    assert answer.status == 200
    assert body["status"] == "ok" and body["database"] == "ok"


def test_home_tab_is_published_once_for_a_redelivered_event(running):
    event = {"type": "app_home_opened", "user": CLERK, "channel": "D0HOME", "tab": "home"}
    first = running.slack.event(event, event_id="Ev0HOME1")
    retry = running.slack.event(event, event_id="Ev0HOME1", retry_num=1)
    assert first.status == retry.status == 200
    home = running.slack.wait_for(lambda: running.slack.home(CLERK))
    assert "My work" in json.dumps(home.blocks)
    running.delivered()
    assert len(running.slack.calls_to("views.publish")) == 1


def test_the_stranger_home_says_how_to_get_in(running):
    running.slack.event({"type": "app_home_opened", "user": STRANGER, "channel": "D0HOME2", "tab": "home"})
    home = running.slack.wait_for(lambda: running.slack.home(STRANGER))
    assert "not in this center's directory" in json.dumps(home.blocks)


def test_admins_see_failed_deliveries_and_send_them_again(running):
    from opsbot import outbox

    with running.db.transaction() as session:
        outbox.notify(
            session,
            now=running.bot.clock.now(),
            to="C0GONE",
            kind="announcement.card",
            key="lost",
            payload={
                "number": "ANN-2026-000009",
                "author": "U0SUNLI",
                "author_name": "Sun Li",
                "purpose": "intake",
                "text": "x",
                "posted_at": "2026-11-23T02:00:00+00:00",
                "readers": [],
            },
        )
    running.bot.delivery.wake()
    admin = "U0XUKAI"
    report = running.slack.wait_for(
        lambda: (
            (r := running.slack.command(admin, "/ops", "deliveries")) and "1 failed" in r.json["text"] and r
        )
    )
    assert "to C0GONE" in report.json["text"] and "channel_not_found" in report.json["text"]
    refused = running.slack.command(CLERK, "/ops", "deliveries")
    assert "Only opsbot's admins" in refused.json["text"]
    again = running.slack.command(admin, "/ops", "deliveries retry")
    assert again.json["text"] == "1 failed message queued to be sent again."
    running.slack.wait_for(
        lambda: "1 failed" in running.slack.command(admin, "/ops", "deliveries").json["text"]
    )
    assert (
        "takes nothing or `retry`" in running.slack.command(admin, "/ops", "deliveries nonsense").json["text"]
    )
    with running.db.reading() as session:
        from opsbot.audit import AuditEntry

        assert session.query(AuditEntry).filter_by(action="outbox.requeued", actor=admin).count() == 1
