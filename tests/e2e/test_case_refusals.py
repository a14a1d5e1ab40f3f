"""Wrong person, wrong state, bad input: a clear message, and nothing changes."""

import threading

import pytest
from sqlalchemy import select

from handlers.app import wording
from opsbot.cases.inputs import IntakeForm
from opsbot.cases.models import Case
from opsbot.errors import InvalidInput
from opsbot.inputs import parse
from tests.e2e.test_case_lifecycle import CLERK, HANDLER, LEADER, OTHER, OUTSIDER, Desk

STRANGER = "U0STRANGER"


@pytest.fixture
def desk(running):
    return Desk(running)


def quick_case(desk, summary="Customer asks about opening hours"):
    reply = desk.slack.command(CLERK, "/case", f"new {summary}")
    assert reply.json["text"].startswith("Registered CASE-2026-")
    desk.settle()
    return reply.json["text"].split()[1].rstrip(";")


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        (CLERK, "new", "The summary is empty"),
        (CLERK, "new    ", "The summary is empty"),
        (CLERK, "new " + "x" * 10_000, "The summary holds up to 150 characters; yours has 10,000"),
        (STRANGER, "new Hello", "not in this center's directory"),
        (CLERK, "frobnicate", "I don't know `/case frobnicate`"),
        (CLERK, "nwe Printer jam", "Did you mean `/case new`?"),
    ],
)
def test_bad_commands_are_refused_and_change_nothing(running, user, text, expected):
    before = running.row_counts()
    reply = running.slack.command(user, "/case", text)
    assert reply.status == 200
    assert expected in reply.json["text"]
    running.delivered()
    assert running.row_counts() == before


def test_a_ten_thousand_character_description_is_refused_in_the_form(desk, running):
    desk.slack.command(CLERK, "/case", "")
    (form,) = desk.slack.wait_for(lambda: desk.slack.open_views(CLERK))
    # The form itself caps the field (the Slack client would not let it through); opsbot checks again.
    details = next(b for b in form.blocks if b["block_id"] == "details")
    assert details["element"]["max_length"] == 3000
    before = running.row_counts()
    payload = {
        "customer": "Li Na",
        "contact": "13812345678",
        "channel": "phone",
        "type_key": "enquiry",
        "summary": "Long story",
    }
    reply = desk.slack.submit(CLERK, form, payload | {"details": "y" * 3000})
    assert reply.status == 200
    assert running.row_counts() != before  # 3,000 is accepted
    with pytest.raises(InvalidInput) as raised:
        parse(IntakeForm, payload | {"details": "z" * 10_000})
    assert raised.value.field == "details"
    said = wording(running.bot.center.calendar.zone).plain(raised.value.notice)
    assert "holds up to 3,000 characters; yours has 10,000" in said


def test_the_wrong_person_is_refused(desk, running):
    quick_case(desk)
    with running.db.reading() as session:
        assignee = session.scalars(select(Case.assignee)).one()
    outsider_before = running.row_counts()
    desk.press(OUTSIDER, "case.accept")
    desk.told(OUTSIDER, "or their superiors can accept CASE-2026-000001")
    assert running.row_counts() == outsider_before
    desk.press(OUTSIDER, "case.take")
    desk.told(OUTSIDER, "Only the handlers of Intake and Handling Group or")
    first = desk.press(assignee, "case.accept")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    # A second click from a screen that still shows the old card: a new action on the old message.
    stale = first.payload | {
        "trigger_id": "stale.1",
        "actions": [first.payload["actions"][0] | {"action_ts": "1.5"}],
    }
    assert desk.slack.send_interaction(stale).status == 200
    desk.told(assignee, "You can't accept CASE-2026-000001: it is being handled.")


def test_an_unknown_number(desk, running):
    reply = desk.slack.command(CLERK, "/case", "show CASE-2026-999999")
    assert "There is no case CASE-2026-999999" in reply.json["text"]


def test_two_handlers_take_at_once_one_gets_it(desk, running):
    quick_case(desk)
    card = desk.card()
    start = threading.Barrier(2)
    replies = {}

    def take(user):
        start.wait()
        replies[user] = desk.slack.click(user, card, "case.take")

    threads = [threading.Thread(target=take, args=(user,)) for user in (HANDLER, OTHER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(reply.status == 200 for reply in replies.values())
    with running.db.reading() as session:
        case = session.scalars(select(Case)).one()
    assert case.assignee in (HANDLER, OTHER) and case.assigned_how == "taken"
    loser = OTHER if case.assignee == HANDLER else HANDLER
    told = desk.told(loser, "already has")
    assert running.bot.center and ("Feng Yu" if case.assignee == HANDLER else "Zheng Hao") in told[0].text


def test_the_group_leader_picks_and_others_may_not(desk, running):
    quick_case(desk)
    desk.press(LEADER, "case.pick", selected_user=OTHER)
    desk.slack.wait_for(lambda: f"<@{OTHER}>" in desk.card_text())
    desk.press(HANDLER, "case.pick", selected_user=HANDLER)
    desk.told(HANDLER, "(who hands out the cases of Intake and Handling Group) or their superiors can choose")
    with running.db.reading() as session:
        assert session.scalars(select(Case.assignee)).one() == OTHER
