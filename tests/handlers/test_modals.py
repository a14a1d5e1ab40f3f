"""Modals are built by slack_sdk, so what Slack would refuse is refused before it is sent."""

from zoneinfo import ZoneInfo

import pytest
from slack_sdk.errors import SlackObjectFormationError

from handlers.app import wording
from handlers.blocks import modal, notice_view, section
from handlers.forms import Form, form_view
from handlers.mrkdwn import Mrkdwn

BLOCK = section(Mrkdwn("A line."))


def test_a_modal_is_what_slack_takes():
    view = modal(
        "New case",
        [BLOCK],
        callback_id="case.intake",
        submit="Register",
        close="Cancel",
        private_metadata="CASE-1",
    )
    assert view["type"] == "modal" and view["callback_id"] == "case.intake"
    assert (view["title"]["text"], view["submit"]["text"], view["close"]["text"]) == (
        "New case",
        "Register",
        "Cancel",
    )
    assert view["private_metadata"] == "CASE-1" and view["blocks"] == [BLOCK]
    # Without its words for the close button, a modal has Slack's own, in the reader's Slack language.
    assert "close" not in modal("New case", [BLOCK]) and "close" not in notice_view(Mrkdwn("Done."))
    assert "submit" not in notice_view(Mrkdwn("Done.")) and (
        notice_view(Mrkdwn("Done."), close="Close")["close"]["text"] == "Close"
    )


@pytest.mark.parametrize(
    "shape",
    [
        {"title": "A title longer than Slack's 24"},
        {"submit": "A submit longer than Slack's 24"},
        {"close": "A close longer than Slack's twenty-four"},
        {"blocks": []},
        {"blocks": [BLOCK] * 101},
        {"private_metadata": "x" * 3001},
    ],
)
def test_what_slack_would_refuse_is_refused_here(shape):
    args = {"title": "New case", "blocks": [BLOCK]} | shape
    with pytest.raises(SlackObjectFormationError):
        modal(args.pop("title"), args.pop("blocks"), **args)


def test_a_cards_form_is_checked_too():
    form = Form(
        "case.reject", "Reject the case with a reason", "Reject", lambda _s, _r, _w: [], lambda *_a: None
    )
    with pytest.raises(SlackObjectFormationError):
        form_view(form, "CASE-1", [BLOCK], wording(ZoneInfo("UTC")))
