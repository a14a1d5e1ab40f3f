"""Buttons reach their callbacks through one listener per kind of interaction: an id the app knows is
routed to its own callback, and one it does not know (however close to a known one) is left unanswered by
any of them, as Slack's unknown requests are, and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from opsbot import audit
from opsbot.cases.models import Case

CLERK, HANDLER = "U0CHENJING", "U0FENGYU"


def click(running, user, action_id, value):
    """A button press with exactly this action id and value, on no message in particular."""
    slack = running.slack
    payload = slack.payloads.interaction(
        "block_actions",
        user,
        trigger_id=slack.store.mint_trigger(user),
        container={"type": "message", "message_ts": "1790000000.000100", "channel_id": "D0ROUTES"},
        channel={"id": "D0ROUTES", "name": "directmessage"},
        state={"values": {}},
        actions=[{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                  "action_ts": "1790000000.000200"}],
    )  # fmt: skip
    return slack.click(user, None, action_id, retry_payload=payload)


def case_of(running, number):
    with running.db.reading() as session:
        case = session.scalars(select(Case).where(Case.number == number)).one()
        return case, len(audit.history(session, number))


@pytest.mark.parametrize("action_id", ["case.take.more", "xcase.take", "case.tak", "case.take\n", "case."])
def test_an_id_the_app_does_not_know_reaches_no_callback(running, action_id):
    number = running.slack.command(CLERK, "/case", "new Opening hours?").json["text"].split()[1].rstrip(";")
    case, entries = case_of(running, number)
    assert click(running, HANDLER, action_id, number).status == 404
    after, entries_after = case_of(running, number)
    assert (after.version, after.assignee, entries_after) == (case.version, case.assignee, entries)


def test_a_known_id_reaches_its_own_callback(running):
    number = running.slack.command(CLERK, "/case", "new Opening hours?").json["text"].split()[1].rstrip(";")
    assert click(running, HANDLER, "case.take", number).status == 200
    case, _entries = case_of(running, number)
    assert (case.assignee, case.assigned_how) == (HANDLER, "taken")
