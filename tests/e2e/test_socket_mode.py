"""Socket Mode delivers the same payloads over a WebSocket; Bolt's own Socket Mode adapter turns each
envelope into a request. A retried envelope (`retry_attempt`) must not act twice."""

import json
import time

from slack_bolt.adapter.socket_mode.internals import run_bolt_app
from slack_sdk.socket_mode.request import SocketModeRequest
from sqlalchemy import select

from opsbot.announcements.models import AnnouncementRead


def envelope(kind: str, payload: dict, attempt: int | None) -> SocketModeRequest:
    return SocketModeRequest(
        type=kind,
        envelope_id=f"env-{attempt}",
        payload=payload,
        retry_attempt=attempt,
        retry_reason="timeout" if attempt else None,
    )


def test_a_retried_events_envelope_acts_once(running):
    payload = {
        "type": "event_callback",
        "team_id": "T0OPS",
        "api_app_id": "A0OPS",
        "event_id": "Ev0SOCKET1",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": "U0ZHENGHAO", "channel": "D0X", "tab": "home"},
    }
    for attempt in (None, 1, 2):
        assert run_bolt_app(running.bot.app, envelope("events_api", payload, attempt)).status == 200
    running.slack.wait_for(lambda: running.slack.home("U0ZHENGHAO"))
    running.delivered()
    assert len(running.slack.calls_to("views.publish")) == 1


def test_the_same_interactive_envelope_twice_acts_once(running):
    running.slack.command("U0SUNLI", "/ops", "announce leadership Socket mode check")
    (card,) = running.slack.wait_for(lambda: running.slack.messages("C0LEADERS"))
    click = running.slack.click("U0FENGYU", card, "announcement.read")  # the payload Slack would send
    again = envelope("interactive", click.payload, None)
    assert run_bolt_app(running.bot.app, again).status == 200
    running.delivered()
    with running.db.reading() as session:
        assert [row.reader for row in session.scalars(select(AnnouncementRead))] == ["U0FENGYU"]
    assert "Read by 1: Feng Yu" in json.dumps(running.slack.messages("C0LEADERS")[0].blocks)
