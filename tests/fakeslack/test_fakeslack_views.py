"""views.* methods: trigger_ids, validation, stacks, hashes, home tabs."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack

TITLE = {"type": "plain_text", "text": "New case"}
MODAL = {
    "type": "modal",
    "callback_id": "new_case",
    "title": TITLE,
    "submit": {"type": "plain_text", "text": "Open"},
    "blocks": [
        {
            "type": "input",
            "block_id": "summary",
            "label": {"type": "plain_text", "text": "Summary"},
            "element": {"type": "plain_text_input", "action_id": "summary_input", "max_length": 20},
        }
    ],
}


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response["error"]


def trigger(fake: FakeSlack, bot, user: str = "U0DIRECTOR") -> str:
    fake.command(user, "/case")
    return bot.received[-1].form["trigger_id"]


def test_open_push_and_limit(fake: FakeSlack, bot, client: WebClient) -> None:
    opened = client.views_open(trigger_id=trigger(fake, bot), view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["hash"] and opened["callback_id"] == "new_case"
    client.views_push(trigger_id=trigger(fake, bot), view={**MODAL, "callback_id": "second"})
    client.views_push(trigger_id=trigger(fake, bot), view={**MODAL, "callback_id": "third"})
    assert (
        error_of(lambda: client.views_push(trigger_id=trigger(fake, bot), view=MODAL)) == "push_limit_reached"
    )
    stack = fake.open_views("U0DIRECTOR")
    assert [v.callback_id for v in stack] == ["new_case", "second", "third"]
    assert stack[0].blocks[0]["element"]["action_id"] == "summary_input"


def test_trigger_ids(fake: FakeSlack, bot, client: WebClient) -> None:
    assert error_of(lambda: client.views_open(trigger_id="123.456.abc", view=MODAL)) == "invalid_trigger_id"
    used = trigger(fake, bot)
    client.views_open(trigger_id=used, view=MODAL)
    assert error_of(lambda: client.views_open(trigger_id=used, view=MODAL)) == "expired_trigger_id"


def test_trigger_id_expires_after_3_seconds(
    fake: FakeSlack, bot, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = trigger(fake, bot)
    later = time.monotonic() + 3.5
    monkeypatch.setattr("fakeslack.views.time.monotonic", lambda: later)
    assert error_of(lambda: client.views_open(trigger_id=old, view=MODAL)) == "expired_trigger_id"


@pytest.mark.parametrize(
    "view",
    [
        {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}},
        {**MODAL, "submit": None},
        {**MODAL, "blocks": [{"type": "divider"}] * 101},
        {**MODAL, "blocks": [{"type": "input", "label": TITLE, "element": {"type": "bogus_input"}}]},
        {**MODAL, "type": "home"},
    ],
)
def test_invalid_views_are_refused(fake: FakeSlack, bot, client: WebClient, view: dict) -> None:
    with pytest.raises(SlackApiError) as info:
        client.views_open(trigger_id=trigger(fake, bot), view=view)
    assert info.value.response["error"] == "invalid_arguments"
    assert info.value.response["response_metadata"]["messages"]
    assert fake.open_views("U0DIRECTOR") == []


def test_update_by_id_and_external_id_with_hash(fake: FakeSlack, bot, client: WebClient) -> None:
    opened = client.views_open(trigger_id=trigger(fake, bot), view={**MODAL, "external_id": "case-1"})["view"]
    renamed = {**MODAL, "title": {"type": "plain_text", "text": "Edit case"}}
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=renamed)["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert error_of(lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)) == (
        "hash_conflict"
    )
    client.views_update(external_id="case-1", view={**MODAL, "external_id": "case-1"})
    assert fake.open_views("U0DIRECTOR")[0].title == TITLE
    assert error_of(lambda: client.views_update(view_id="VNOPE", view=MODAL)) == "not_found"


def test_publish_home(fake: FakeSlack, client: WebClient) -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Your cases"}}]}
    first = client.views_publish(user_id="U0AGENT", view=home)["view"]
    again = client.views_publish(user_id="U0AGENT", view=home, hash=first["hash"])["view"]
    assert again["id"] == first["id"] and fake.home("U0AGENT").hash == again["hash"]
    assert error_of(lambda: client.views_publish(user_id="U0AGENT", view=home, hash=first["hash"])) == (
        "hash_conflict"
    )
    assert error_of(lambda: client.views_publish(user_id="U0NOBODY", view=home)) == "user_not_found"
    assert error_of(lambda: client.views_publish(user_id="U0AGENT", view=MODAL)) == "invalid_arguments"
    assert fake.home("U0DIRECTOR") is None


def test_closed_view_cannot_be_updated(fake: FakeSlack, bot, client: WebClient) -> None:
    opened = client.views_open(trigger_id=trigger(fake, bot), view=MODAL)["view"]
    fake.close("U0DIRECTOR", fake.open_views("U0DIRECTOR")[0])
    assert error_of(lambda: client.views_update(view_id=opened["id"], view=MODAL)) == "not_found"
