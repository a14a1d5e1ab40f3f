"""`/ops announce`: a write command end to end — the modal, the living card, Mark as read, redelivery."""

import json

import pytest
from sqlalchemy import select

from opsbot.announcements.models import AnnouncementRead
from opsbot.audit import AuditEntry

LEADER = "U0SUNLI"  # manager of business processing
CLERK = "U0ZHENGHAO"
OTHER = "U0FENGYU"


def card_of(running, channel="C0LEADERS"):
    (card,) = running.slack.wait_for(lambda: running.slack.messages(channel))
    return card


def audit_actions(running):
    with running.db.reading() as session:
        return [
            (e.actor, e.action, e.subject)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if not e.action.startswith("directory.")
        ]


def test_a_manager_announces_and_the_card_appears(running):
    reply = running.slack.command(
        LEADER, "/ops", "announce #leadership Weekly meeting moves to 15:00 <!channel>"
    )
    assert reply.status == 200
    assert reply.json["text"] == (
        "Posted ANN-2026-000001 to <#C0LEADERS>. Staff can mark it as read on the card."
    )
    card = card_of(running)
    shown = json.dumps(card.blocks)
    assert "Announcement ANN-2026-000001" in shown
    # The broadcast Slack made of `@channel` is shown as the word, and pings no one.
    assert "Weekly meeting moves to 15:00 @\\u200bchannel" in shown and "<!channel>" not in shown
    assert "Sun Li" in shown
    assert card.metadata["event_type"] == "opsbot_outbox"
    assert audit_actions(running) == [(LEADER, "announcement.posted", "ANN-2026-000001")]


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        (CLERK, "announce leadership Hello", "Only supervisors, group leaders and above"),
        (LEADER, "announce canteen Lunch is late", "There is no `canteen` channel"),
        (LEADER, "announce leadership " + "x" * 10_000, "holds up to 3,000 characters; yours has 10,000"),
        ("U0STRANGER", "announce leadership Hi", "not in this center's directory"),
    ],
)
def test_refusals_change_nothing(running, user, text, expected):
    before = running.row_counts()
    reply = running.slack.command(user, "/ops", text)
    assert reply.status == 200
    assert expected in reply.json["text"]
    running.delivered()
    assert running.row_counts() == before
    assert running.slack.calls_to("chat.postMessage") == []


def test_without_text_the_form_opens_and_posts(running):
    reply = running.slack.command(LEADER, "/ops", "announce")
    assert reply.status == 200 and not reply.body
    (form,) = running.slack.wait_for(lambda: running.slack.open_views(LEADER))
    assert form.callback_id == "announcement.compose"
    submitted = running.slack.submit(
        LEADER, form, {"purpose": "announcements", "text": "Fire drill on Friday"}
    )
    assert submitted.status == 200
    assert running.slack.open_views(LEADER) == []
    assert "Fire drill on Friday" in json.dumps(card_of(running, "C0ANNOUNCE").blocks)


def test_the_form_is_not_offered_to_someone_who_may_not_announce(running):
    reply = running.slack.command(CLERK, "/ops", "announce")
    assert "Only supervisors" in reply.json["text"]
    running.delivered()
    assert running.slack.calls_to("views.open") == []


def test_mark_as_read_updates_the_card_once_even_when_slack_redelivers(running):
    running.slack.command(LEADER, "/ops", "announce leadership Quarterly review on Monday")
    card = card_of(running)
    click = running.slack.click(CLERK, card, "announcement.read")
    assert click.status == 200
    running.slack.wait_for(lambda: card_of(running).edits == 1)
    assert "Read by 1: Zheng Hao" in json.dumps(card_of(running).blocks)

    again = running.slack.send_interaction(click.payload)  # Slack redelivers the same payload
    assert again.status == 200
    running.delivered()
    with running.db.reading() as session:
        assert len(session.scalars(select(AnnouncementRead)).all()) == 1
    assert card_of(running).edits == 1
    assert [a for a in audit_actions(running) if a[1] == "announcement.read"] == [
        (CLERK, "announcement.read", "ANN-2026-000001")
    ]


def test_a_second_click_is_told_it_was_already_done(running):
    running.slack.command(LEADER, "/ops", "announce leadership Quarterly review on Monday")
    running.slack.click(CLERK, card_of(running), "announcement.read")
    running.slack.wait_for(lambda: card_of(running).edits == 1)
    running.slack.click(CLERK, card_of(running), "announcement.read")
    told = running.slack.wait_for(
        lambda: [m for m in running.slack.ephemerals(CLERK) if "already marked" in m.text]
    )
    assert "ANN-2026-000001" in told[0].text
    running.slack.click(OTHER, card_of(running), "announcement.read")
    running.slack.wait_for(lambda: "Read by 2: Zheng Hao, Feng Yu" in json.dumps(card_of(running).blocks))
    assert card_of(running).edits == 2


def test_marking_as_read_from_the_home_tab_refreshes_it(running):
    running.slack.command(LEADER, "/ops", "announce leadership Quarterly review on Monday")
    card_of(running)
    running.slack.event({"type": "app_home_opened", "user": CLERK, "channel": "D0HOME", "tab": "home"})
    home = running.slack.wait_for(lambda: running.slack.home(CLERK))
    assert "ANN-2026-000001" in json.dumps(home.blocks)
    running.slack.click(CLERK, home, "announcement.read")
    running.slack.wait_for(
        lambda: "You have read every announcement" in json.dumps(running.slack.home(CLERK).blocks)
    )
