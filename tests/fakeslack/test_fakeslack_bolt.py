"""A real slack_bolt App served over HTTP accepts the fake's requests and its acks are applied."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from fakeslack import FakeSlack

LABEL = {"type": "plain_text", "text": "Summary"}
MODAL = {
    "type": "modal",
    "callback_id": "new_case",
    "title": LABEL,
    "submit": LABEL,
    "blocks": [
        {
            "type": "input",
            "block_id": "s",
            "label": LABEL,
            "element": {"type": "plain_text_input", "action_id": "si"},
        }
    ],
}
TAKE = [
    {"type": "actions", "elements": [{"type": "button", "action_id": "take", "text": LABEL, "value": "1"}]}
]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def bolt_fake() -> Iterator[FakeSlack]:
    with FakeSlack(
        signing_secret="s", channels={"C0INTAKE": "ops-intake"}, users={"U0DIRECTOR": "Wang Wei"}
    ) as fake:
        app = App(signing_secret="s", client=WebClient(token="xoxb-test-token", base_url=fake.api_url))

        @app.command("/case")
        def case(ack, body, client):
            ack("opening")
            client.views_open(trigger_id=body["trigger_id"], view=MODAL)

        @app.view("new_case")
        def submitted(ack, view, client):
            summary = view["state"]["values"]["s"]["si"]["value"]
            if summary == "bad":
                ack(response_action="errors", errors={"s": "Too vague"})
                return
            ack()
            client.chat_postMessage(channel="C0INTAKE", text=f"case: {summary}", blocks=TAKE)

        @app.action("take")
        def take(ack, respond, body):
            ack()
            respond(replace_original=True, text="taken by " + body["user"]["id"])

        server = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
        fake.bot_url = f"http://127.0.0.1:{server.server_port}/slack/events"
        yield fake
        server.shutdown()
        server.server_close()


def test_bolt_round_trip(bolt_fake: FakeSlack) -> None:
    fake = bolt_fake
    assert fake.command("U0DIRECTOR", "/case").status == 200
    assert [m.text for m in fake.ephemerals("U0DIRECTOR")] == ["opening"]
    view = fake.wait_for(lambda: fake.open_views("U0DIRECTOR"))[0]
    fake.submit("U0DIRECTOR", view, {"si": "bad"})
    assert fake.open_views("U0DIRECTOR")[0].errors == {"s": "Too vague"}
    fake.submit("U0DIRECTOR", view, {"si": "printer jam"})
    assert fake.open_views("U0DIRECTOR") == []
    msg = fake.wait_for(lambda: fake.messages("C0INTAKE"))[0]
    fake.click("U0DIRECTOR", msg, "take")
    edited = fake.wait_for(lambda: [m for m in fake.messages("C0INTAKE") if m.edits])
    assert edited[0].text == "taken by U0DIRECTOR" and fake.errors == []
