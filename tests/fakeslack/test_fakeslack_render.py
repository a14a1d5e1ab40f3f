"""What the fake Slack shows a person: messages and views rendered as text, and typed answers read back."""

import pytest

from fakeslack.render import parse_answer, render_message, render_view
from fakeslack.state import Message, View

USERS = {"U1": "Sun Li", "U2": "Zheng Hao"}
CHANNELS = {"C1": "leadership"}


def plain(text):
    return {"type": "plain_text", "text": text}


def test_render_message_covers_the_blocks_opsbot_uses():
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Announcement"}},
        {
            "type": "section",
            "block_id": "s1",
            "text": {
                "type": "mrkdwn",
                "text": "Hi <@U1>, see <#C1> at <!date^1700000000^{date}|2023-11-14> &lt;b&gt; &amp; <https://x.io|x>",
            },
            "accessory": {"type": "button", "action_id": "read", "text": plain("Read")},
        },
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Owner*\n<@U2>"}]},
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": "From <@U9|someone>"},
                {"type": "image", "image_url": "https://x.io/a.png", "alt_text": "pic"},
            ],
        },
        {"type": "divider"},
        {"type": "image", "image_url": "https://x.io/b.png", "alt_text": "chart"},
        {
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [{"type": "text", "text": "ping "}, {"type": "user", "user_id": "U2"}],
                }
            ],
        },
        {
            "type": "actions",
            "block_id": "a1",
            "elements": [
                {"type": "button", "action_id": "ok", "text": plain("OK")},
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "placeholder": plain("Pick"),
                    "options": [{"text": plain("One"), "value": "1"}],
                },
            ],
        },
    ]
    message = Message(channel="C1", ts="1.0", user="U0BOT", text="fallback", blocks=blocks)
    shown = render_message(message, USERS, CHANNELS, start=3)
    assert shown.text.splitlines()[:2] == ["Announcement", "============"]
    assert "Hi @Sun Li, see #leadership at 2023-11-14 <b> & x (https://x.io)" in shown.text
    assert "[3] Read" in shown.text and "[4] OK" in shown.text and "[5] Pick ▾" in shown.text
    assert "options: One" in shown.text
    assert "@Zheng Hao" in shown.text and "(From @someone · [image: pic])" in shown.text
    assert "[image: chart]" in shown.text and "ping @Zheng Hao" in shown.text
    assert [(c.number, c.action_id, c.block_id) for c in shown.controls] == [
        (3, "read", "s1"),
        (4, "ok", "a1"),
        (5, "pick", "a1"),
    ]
    assert render_message({"text": "plain <@U2>", "blocks": []}, USERS).text == "plain @Zheng Hao"


def test_render_view_shows_inputs_values_and_errors():
    blocks = [
        {
            "type": "input",
            "block_id": "text",
            "label": {"type": "plain_text", "text": "Text"},
            "element": {"type": "plain_text_input", "action_id": "text", "initial_value": "draft"},
        },
        {
            "type": "input",
            "block_id": "who",
            "optional": True,
            "label": {"type": "plain_text", "text": "Who"},
            "element": {"type": "users_select", "action_id": "who"},
        },
    ]
    raw = {"type": "modal", "submit": {"type": "plain_text", "text": "Send"}}
    view = View(
        id="V1",
        hash="h",
        type="modal",
        callback_id="cb",
        private_metadata="",
        title={"type": "plain_text", "text": "Form"},
        blocks=blocks,
        external_id=None,
        errors={"text": "Too short"},
        raw=raw,
    )
    shown = render_view(view, USERS).text
    assert shown.splitlines()[0] == "┌ Form"
    assert "Text: [plain_text_input] draft" in shown and "! Too short" in shown
    assert "Who (optional): [users_select]" in shown and "Send (:fill)" in shown


@pytest.mark.parametrize(
    ("element", "answer", "value"),
    [
        ({"type": "static_select", "options": [{"text": {"text": "#risk"}, "value": "risk"}]}, "1", "risk"),
        (
            {"type": "static_select", "options": [{"text": {"text": "#risk"}, "value": "risk"}]},
            "#Risk",
            "risk",
        ),
        ({"type": "users_select"}, "zheng hao", "U2"),
        ({"type": "multi_users_select"}, "U1, Zheng Hao", ["U1", "U2"]),
        ({"type": "plain_text_input"}, "as typed", "as typed"),
        ({"type": "plain_text_input"}, "  ", None),
    ],
)
def test_parse_answer(element, answer, value):
    assert parse_answer(element, answer, USERS, CHANNELS) == value
