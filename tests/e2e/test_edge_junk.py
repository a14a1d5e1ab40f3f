"""What reaches the HTTP endpoint that is not what Slack sends: unsigned junk, signed junk, and payloads of
the right kind but the wrong shape. Each is answered (401, 400, or a clear message) with no traceback in the
log and no row changed."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote, urlencode

import pytest

from handlers.app import wording
from tests.e2e.conftest import STRANGER

CLERK = "U0ZHENGHAO"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def quiet(log) -> None:
    """Nothing was logged as an error, and no traceback at all."""
    loud = [r for r in log.records if r.levelno >= logging.ERROR or r.exc_info]
    assert loud == [], [r.getMessage() for r in loud]


def nothing_happened(running, before) -> None:
    """Once everything set off has been delivered: no message went out, and no row changed."""
    running.delivered()
    assert running.row_counts() == before
    assert [call.method for call in running.slack.calls if call.method != "auth.test"] == []


JUNK = [
    b"payload=\xce\xff\xfe",
    b"payload=false",
    b"payload=[]",
    b"payload=null",
    b"payload=%7B%22type%22%3A",  # cut JSON
    b'{"type": "event_callback", "event": ',
    b"[1, 2, 3]",
    b"",
    b"\xff\xfe\x00\x00",
    b"text=hello",
]


@pytest.mark.parametrize("body", JUNK)
@pytest.mark.parametrize("signed", ["forged", "unsigned", "abc timestamp"])
def test_junk_that_is_not_signed_right_is_refused_before_it_is_read(running, log, body, signed):
    before = running.row_counts()
    tamper = {
        "forged": {"signature": "v0=" + "0" * 64},
        "unsigned": {"sign": False},
        "abc timestamp": {"timestamp": "abc"},
    }[signed]
    reply = running.slack.send_signed(body, FORM, **tamper)
    assert reply.status == 401
    quiet(log)
    nothing_happened(running, before)


@pytest.mark.parametrize("body", [b for b in JUNK if b])
def test_signed_junk_is_a_bad_request(running, log, body):
    before = running.row_counts()
    reply = running.slack.send_signed(body, FORM)
    assert reply.status == 400
    assert reply.body == "opsbot could not read this request"
    quiet(log)
    nothing_happened(running, before)


def test_a_timestamp_that_is_no_number_is_unauthorized_for_a_real_command(running, log):
    before = running.row_counts()
    reply = running.slack.command(CLERK, "/case", "new Printer jam", timestamp="abc")
    assert reply.status == 401
    quiet(log)
    nothing_happened(running, before)


def interaction(running, payload):
    return running.slack.send_signed(b"payload=" + quote(json.dumps(payload)).encode(), FORM)


def modal(callback_id, **extra):
    return {"id": "V0JUNK", "hash": "1.x", "type": "modal", "callback_id": callback_id, **extra}


# Each of these raised inside a listener before (KeyError, ValueError, TypeError, IndexError).
MISSHAPEN = {
    "intake form without state": (
        {"type": "view_submission", "user": {"id": CLERK}, "view": modal("case.intake")},
        "update",
    ),
    "reason form without state": (
        {
            "type": "view_submission",
            "user": {"id": CLERK},
            "view": modal("case.reject.form", private_metadata="CASE-2026-000001"),
        },
        "update",
    ),
    "approval form without kind": (
        {"type": "view_submission", "user": {"id": CLERK}, "view": modal("approval.request")},
        "update",
    ),
    "decision button with a value opsbot never made": (
        {
            "type": "block_actions",
            "user": {"id": CLERK},
            "actions": [{"action_id": "approval.approve", "value": "APR-2026-000001", "action_ts": "1.1"}],
        },
        "told",
    ),
    "user picker on a block that is not a card": (
        {
            "type": "block_actions",
            "user": {"id": CLERK},
            "actions": [
                {"action_id": "case.pick", "block_id": "x", "selected_user": CLERK, "action_ts": "1.2"}
            ],
        },
        "told",
    ),
    "button without its user": (
        {"type": "block_actions", "user": None, "actions": [{"action_id": "case.take", "value": "CASE-1"}]},
        "ignored",
    ),
    "button with no actions": ({"type": "block_actions", "user": {"id": CLERK}, "actions": []}, "ignored"),
    "button whose actions are not a list": (
        {"type": "block_actions", "user": {"id": CLERK}, "actions": {"action_id": "case.take"}},
        "ignored",
    ),
    "submission with a view that is not an object": (
        {"type": "view_submission", "user": {"id": CLERK}, "view": "case.intake"},
        "update",
    ),
}


@pytest.mark.parametrize("name", MISSHAPEN)
def test_signed_payloads_of_the_wrong_shape_are_answered_and_change_nothing(running, log, name):
    payload, answer = MISSHAPEN[name]
    before = running.row_counts()
    reply = interaction(running, payload)
    assert reply.status == 200
    if answer == "update":  # the form shows why; nothing is changed
        assert reply.json["response_action"] in ("update", "errors")
    elif answer == "told":  # Slack shows no answer to a click: the person is told by direct message
        (told,) = running.slack.wait_for(lambda: running.slack.dm(CLERK))
        assert "not one opsbot made" in told.text
    quiet(log)
    with running.db.reading():
        assert running.row_counts() == before


@pytest.mark.parametrize("user", ["", None, 42, "not-a-slack-id"])
def test_a_home_opened_without_a_user_is_ignored(running, log, user):
    before = running.row_counts()
    reply = running.slack.send_signed(
        json.dumps(
            {
                "type": "event_callback",
                "event_id": "Ev0NOUSER",
                "event": {"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0HOME"},
            }
        ).encode(),
        "application/json",
    )
    assert reply.status == 200
    quiet(log)
    nothing_happened(running, before)


@pytest.mark.parametrize("fields", [{"user_id": ""}, {"user_id": "nobody"}, {"text": None}])
def test_a_command_that_does_not_fit_is_answered_plainly(running, log, fields):
    form = {
        "command": "/case",
        "text": "new Printer jam",
        "user_id": CLERK,
        "trigger_id": running.slack.store.mint_trigger(CLERK),
    }
    form.update({k: v for k, v in fields.items() if v is not None})
    if fields.get("text", "") is None:
        form.pop("text")
    before = running.row_counts()
    reply = running.slack.send_signed(urlencode(form).encode(), FORM)
    assert reply.status == 200
    if "user_id" in fields:
        assert reply.json == {
            "response_type": "ephemeral",
            "text": wording(running.bot.center.calendar.zone).term("edge.not_read"),
        }
        nothing_happened(running, before)
    else:  # `/case` with no text at all: the intake form, opened after the ack
        running.delivered()
        assert [view.callback_id for view in running.slack.open_views(CLERK)] == ["case.intake"]
    quiet(log)


def test_a_command_whose_text_holds_the_word_payload_is_read_whole(running):
    # Bolt's own body parser drops such a command as an empty body.
    reply = running.slack.command(CLERK, "/case", "new The payload scanner is stuck")
    assert reply.status == 200
    assert reply.json["text"].startswith("Registered CASE-")


def test_a_stranger_still_gets_the_directory_answer(running):
    reply = running.slack.command(STRANGER, "/case", "list")
    assert "not in this center's directory" in reply.json["text"]
