"""Requests to the bot: signed payload shapes, and acks applied the way Slack applies them."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from slack_sdk import WebClient

from fakeslack import FakeSlack

BUTTONS = [
    {"type": "section", "block_id": "case", "text": {"type": "mrkdwn", "text": "Case 42"}},
    {
        "type": "actions",
        "block_id": "decide",
        "elements": [
            {
                "type": "button",
                "action_id": "approve",
                "value": "42",
                "text": {"type": "plain_text", "text": "OK"},
            },
            {"type": "users_select", "action_id": "assign"},
            {
                "type": "static_select",
                "action_id": "priority",
                "options": [
                    {"text": {"type": "plain_text", "text": "High"}, "value": "high"},
                    {"text": {"type": "plain_text", "text": "Low"}, "value": "low"},
                ],
            },
        ],
    },
]
LABEL = {"type": "plain_text", "text": "Label"}
MODAL = {
    "type": "modal",
    "callback_id": "new_case",
    "title": {"type": "plain_text", "text": "New case"},
    "submit": {"type": "plain_text", "text": "Open"},
    "notify_on_close": True,
    "private_metadata": "C0INTAKE",
    "blocks": [
        {
            "type": "input",
            "block_id": "summary",
            "label": LABEL,
            "element": {"type": "plain_text_input", "action_id": "summary_input", "max_length": 20},
        },
        {
            "type": "input",
            "block_id": "owner",
            "label": LABEL,
            "optional": True,
            "element": {"type": "users_select", "action_id": "owner_input"},
        },
        {
            "type": "input",
            "block_id": "severity",
            "label": LABEL,
            "element": {
                "type": "radio_buttons",
                "action_id": "severity_input",
                "options": [{"text": LABEL, "value": "s1"}, {"text": LABEL, "value": "s2"}],
            },
        },
        {
            "type": "input",
            "block_id": "due",
            "label": LABEL,
            "optional": True,
            "element": {"type": "datepicker", "action_id": "due_input"},
        },
    ],
}


def open_modal(fake: FakeSlack, bot, client: WebClient, view: dict = MODAL) -> None:
    fake.command("U0DIRECTOR", "/case")
    client.views_open(trigger_id=bot.received[-1].form["trigger_id"], view=view)


def test_command_form_and_ephemeral_ack(fake: FakeSlack, bot) -> None:
    bot.answer = lambda r: (200, "Got it", "text/plain")
    reply = fake.command("U0DIRECTOR", "/case", "new printer jam", channel="C0ALERTS")
    got = bot.received[-1]
    assert got.verified and reply.status == 200 and not reply.late
    form = got.form
    assert (
        form["command"] == "/case" and form["text"] == "new printer jam" and form["user_id"] == "U0DIRECTOR"
    )
    assert (
        form["channel_id"] == "C0ALERTS"
        and form["channel_name"] == "ops-alerts"
        and form["team_id"] == "T0OPS"
    )
    assert form["response_url"].startswith(fake.base_url + "response/") and form["trigger_id"]
    assert [m.text for m in fake.ephemerals("U0DIRECTOR")] == ["Got it"]
    assert fake.messages("C0ALERTS") == []


def test_command_in_channel_ack_and_bad_blocks(fake: FakeSlack, bot) -> None:
    bot.reply_json({"response_type": "in_channel", "text": "Case opened"})
    fake.command("U0DIRECTOR", "/case")
    assert [m.text for m in fake.messages("C0INTAKE")] == ["Case opened"]
    bot.reply_json({"text": "x", "blocks": [{"type": "sektion"}]})
    fake.command("U0DIRECTOR", "/case")
    assert fake.ephemerals("U0DIRECTOR") == [] and "invalid_blocks" in fake.errors[0]


def test_response_url_posts_and_limits(fake: FakeSlack, bot) -> None:
    fake.command("U0AGENT", "/case")
    url = bot.received[-1].form["response_url"]

    def post(body: dict) -> int:
        request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert post({"text": "working on it"}) == 200
    assert post({"response_type": "in_channel", "text": "done"}) == 200
    assert [m.text for m in fake.ephemerals("U0AGENT")] == ["working on it"]
    assert [m.text for m in fake.messages("C0INTAKE")] == ["done"]
    assert [post({"text": "more"}) for _ in range(4)] == [200, 200, 200, 404]


def test_signature_overrides_are_rejected_by_bot(fake: FakeSlack, bot) -> None:
    assert fake.command("U0DIRECTOR", "/case", signature="v0=" + "0" * 64).status == 401
    assert fake.command("U0DIRECTOR", "/case", timestamp=int(time.time()) - 600).status == 401
    assert fake.command("U0DIRECTOR", "/case", sign=False).status == 401
    assert not any(r.verified for r in bot.received)
    assert len(fake.errors) == 3  # each would show the user "dispatch_failed"


def test_click_button_payload_and_redelivery(fake: FakeSlack, bot, client: WebClient) -> None:
    client.chat_postMessage(channel="C0INTAKE", text="Case 42", blocks=BUTTONS)
    [msg] = fake.messages("C0INTAKE")
    reply = fake.click("U0DIRECTOR", msg, "approve")
    payload = bot.received[-1].payload
    assert payload == reply.payload and payload["type"] == "block_actions"
    assert payload["container"] == {
        "type": "message",
        "message_ts": msg.ts,
        "channel_id": "C0INTAKE",
        "is_ephemeral": False,
    }
    assert payload["message"]["ts"] == msg.ts and payload["channel"]["id"] == "C0INTAKE"
    [action] = payload["actions"]
    assert (action["action_id"], action["block_id"], action["value"], action["type"]) == (
        "approve",
        "decide",
        "42",
        "button",
    )
    assert payload["trigger_id"] and payload["response_url"] and payload["user"]["id"] == "U0DIRECTOR"
    assert fake.send_interaction(reply.payload).status == 200
    assert bot.received[-1].payload == payload


def test_click_selects(fake: FakeSlack, bot, client: WebClient) -> None:
    client.chat_postMessage(channel="C0INTAKE", text="Case 42", blocks=BUTTONS)
    [msg] = fake.messages("C0INTAKE")
    fake.click("U0DIRECTOR", msg, "assign", selected_user="U0AGENT")
    assert bot.received[-1].payload["actions"][0]["selected_user"] == "U0AGENT"
    fake.click("U0DIRECTOR", msg, "priority", selected_option="low")
    payload = bot.received[-1].payload
    assert payload["actions"][0]["selected_option"]["value"] == "low"
    assert payload["state"]["values"]["decide"]["priority"]["selected_option"]["value"] == "low"
    with pytest.raises(ValueError, match="not one of the options"):
        fake.click("U0DIRECTOR", msg, "priority", selected_option="urgent")


def test_click_missing_action_id_raises(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C0INTAKE", text="Case 42", blocks=BUTTONS)
    with pytest.raises(LookupError, match="reject"):
        fake.click("U0DIRECTOR", fake.messages("C0INTAKE")[0], "reject")


def test_click_response_url_replaces_original(fake: FakeSlack, bot, client: WebClient) -> None:
    client.chat_postMessage(channel="C0INTAKE", text="Case 42", blocks=BUTTONS)
    fake.click("U0DIRECTOR", fake.messages("C0INTAKE")[0], "approve")
    url = bot.received[-1].payload["response_url"]
    body = json.dumps({"replace_original": True, "text": "Approved"}).encode()
    urllib.request.urlopen(urllib.request.Request(url, body, {"Content-Type": "application/json"}), timeout=2)
    [msg] = fake.messages("C0INTAKE")
    assert (msg.text, msg.blocks, msg.edits) == ("Approved", [], 1)


def test_submit_payload_and_empty_ack_closes(fake: FakeSlack, bot, client: WebClient) -> None:
    open_modal(fake, bot, client)
    [view] = fake.open_views("U0DIRECTOR")
    reply = fake.submit(
        "U0DIRECTOR",
        view,
        {
            "summary_input": "Printer jam",
            "owner": "U0AGENT",
            "severity_input": "s2",
            "due_input": "2024-05-01",
        },
    )
    payload = bot.received[-1].payload
    assert payload == reply.payload and payload["type"] == "view_submission"
    assert payload["view"]["id"] == view.id and payload["view"]["private_metadata"] == "C0INTAKE"
    values = payload["view"]["state"]["values"]
    assert values["summary"]["summary_input"] == {"type": "plain_text_input", "value": "Printer jam"}
    assert values["owner"]["owner_input"]["selected_user"] == "U0AGENT"
    assert values["severity"]["severity_input"]["selected_option"]["value"] == "s2"
    assert values["due"]["due_input"]["selected_date"] == "2024-05-01"
    assert fake.open_views("U0DIRECTOR") == [] and fake.errors == []


def test_submit_refuses_what_the_client_would(fake: FakeSlack, bot, client: WebClient) -> None:
    open_modal(fake, bot, client)
    [view] = fake.open_views("U0DIRECTOR")
    with pytest.raises(ValueError, match="summary"):
        fake.submit("U0DIRECTOR", view, {"severity_input": "s1"})
    with pytest.raises(ValueError, match="max_length"):
        fake.submit("U0DIRECTOR", view, {"summary_input": "x" * 21, "severity_input": "s1"})
    with pytest.raises(ValueError, match="options"):
        fake.submit("U0DIRECTOR", view, {"summary_input": "x", "severity_input": "s9"})
    with pytest.raises(ValueError, match="no input"):
        fake.submit("U0DIRECTOR", view, {"summary_input": "x", "severity_input": "s1", "typo": 1})


def test_submit_errors_ack_keeps_view(fake: FakeSlack, bot, client: WebClient) -> None:
    open_modal(fake, bot, client)
    [view] = fake.open_views("U0DIRECTOR")
    bot.reply_json({"response_action": "errors", "errors": {"summary": "Too vague"}})
    fake.submit("U0DIRECTOR", view, {"summary_input": "stuff", "severity_input": "s1"})
    [still] = fake.open_views("U0DIRECTOR")
    assert still.errors == {"summary": "Too vague"} and fake.errors == []
    bot.reply_json({"response_action": "errors", "errors": {"not_a_block": "x"}})
    fake.submit("U0DIRECTOR", still, {"summary_input": "stuff", "severity_input": "s1"})
    assert "not_a_block" in fake.errors[0] and len(fake.open_views("U0DIRECTOR")) == 1


def test_submit_update_push_clear_acks(fake: FakeSlack, bot, client: WebClient) -> None:
    open_modal(fake, bot, client)
    done = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Done"},
        "submit": {"type": "plain_text", "text": "OK"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Opened"}}],
    }
    bot.reply_json({"response_action": "push", "view": done})
    fake.submit("U0DIRECTOR", _top(fake), {"summary_input": "x", "severity_input": "s1"})
    assert [v.title["text"] for v in fake.open_views("U0DIRECTOR")] == ["New case", "Done"]
    pushed = _top(fake)
    bot.reply_json(
        {"response_action": "update", "view": {**done, "title": {"type": "plain_text", "text": "Upd"}}}
    )
    fake.submit("U0DIRECTOR", pushed, {})
    assert (_top(fake).id, _top(fake).title["text"]) == (pushed.id, "Upd") and _top(fake).hash != pushed.hash
    bot.reply_json({"response_action": "update", "view": {**done, "blocks": [{"type": "nope"}]}})
    fake.submit("U0DIRECTOR", _top(fake), {})
    assert "invalid view" in fake.errors[0] and _top(fake).title["text"] == "Upd"
    bot.reply_json({"response_action": "clear"})
    fake.submit("U0DIRECTOR", _top(fake), {})
    assert fake.open_views("U0DIRECTOR") == []


def _top(fake: FakeSlack):
    return fake.open_views("U0DIRECTOR")[-1]


def test_close_sends_view_closed(fake: FakeSlack, bot, client: WebClient) -> None:
    open_modal(fake, bot, client)
    reply = fake.close("U0DIRECTOR", _top(fake))
    assert reply is not None and bot.received[-1].payload["type"] == "view_closed"
    assert bot.received[-1].payload["is_cleared"] is False and fake.open_views("U0DIRECTOR") == []


def test_click_in_modal_keeps_state(fake: FakeSlack, bot, client: WebClient) -> None:
    open_modal(fake, bot, client)
    fake.click("U0DIRECTOR", _top(fake), "severity_input", selected_option="s2")
    payload = bot.received[-1].payload
    assert payload["container"] == {"type": "view", "view_id": _top(fake).id} and "message" not in payload
    fake.submit("U0DIRECTOR", _top(fake), {"summary_input": "x"})
    assert (
        bot.received[-1].payload["view"]["state"]["values"]["severity"]["severity_input"]["selected_option"][
            "value"
        ]
        == "s2"
    )


def test_event_envelope_and_retry_headers(fake: FakeSlack, bot) -> None:
    event = {"type": "app_home_opened", "user": "U0AGENT", "tab": "home", "event_ts": "1.000001"}
    fake.event(event, event_id="Ev0001", retry_num=1)
    got = bot.received[-1]
    assert got.verified and got.json["type"] == "event_callback" and got.json["event"] == event
    assert got.json["event_id"] == "Ev0001" and got.json["authorizations"][0]["user_id"] == "U0OPSBOT"
    assert got.headers["X-Slack-Retry-Num"] == "1" and got.headers["X-Slack-Retry-Reason"] == "http_timeout"
    fake.event(event)
    assert (
        bot.received[-1].json["event_id"].startswith("Ev")
        and "X-Slack-Retry-Num" not in bot.received[-1].headers
    )


def test_late_ack_is_an_error(fake: FakeSlack, bot, monkeypatch: pytest.MonkeyPatch) -> None:
    import fakeslack.driver

    real = fakeslack.driver.deliver
    monkeypatch.setattr(fakeslack.driver, "deliver", lambda *a, **k: (*real(*a, **k)[:3], 3.2))
    bot.answer = lambda r: (200, "too late", "text/plain")
    assert fake.command("U0DIRECTOR", "/case").late
    assert fake.ephemerals("U0DIRECTOR") == [] and "operation_timeout" in fake.errors[0]


def test_click_on_ephemeral(fake: FakeSlack, bot, client: WebClient) -> None:
    client.chat_postEphemeral(channel="C0INTAKE", user="U0AGENT", text="choose", blocks=BUTTONS)
    [eph] = fake.ephemerals("U0AGENT")
    fake.click("U0AGENT", eph, "approve")
    payload = bot.received[-1].payload
    assert payload["container"]["is_ephemeral"] is True and "message" not in payload
    with pytest.raises(LookupError):
        fake.click("U0DIRECTOR", eph, "approve")  # not visible to anyone else
