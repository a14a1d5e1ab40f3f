"""A case's whole life through the fake Slack: one card, updated at every step, and every step audited."""

import json

import pytest
from sqlalchemy import select

from opsbot.audit import AuditEntry
from opsbot.cases.models import Case

CLERK = "U0CHENJING"  # intake specialist
HANDLER = "U0FENGYU"  # intake specialist
OTHER = "U0ZHENGHAO"  # intake specialist
LEADER = "U0WUFANG"  # group leader of intake: first review
DEPUTY = "U0ZHOUJIE"  # deputy manager of business processing: second review
OUTSIDER = "U0ZHULIN"  # customer service specialist


class Desk:
    """Drives opsbot the way people do: slash commands, buttons on the card, forms."""

    def __init__(self, running):
        self.running = running
        self.slack = running.slack

    def card(self):
        (card,) = self.slack.wait_for(lambda: self.slack.messages("C0INTAKE"))
        return card

    def card_text(self) -> str:
        return json.dumps(self.card().blocks, ensure_ascii=False)

    def settle(self):
        """The card as it is once everything the steps so far sent has been delivered."""
        self.delivered()
        return self.card()

    def press(self, user, action_id, where=None, **extra):
        reply = self.slack.click(user, where or self.card(), action_id, **extra)
        assert reply.status == 200
        return reply

    def fill(self, user, action_id, values, where=None):
        self.press(user, action_id, where)
        (form,) = self.slack.wait_for(
            lambda: [v for v in self.slack.open_views(user) if v.callback_id == f"{action_id}.form"]
        )
        reply = self.slack.submit(user, form, values)
        assert reply.status == 200
        return reply

    def intake_form(self, user, type_key=None):
        """Open the intake form; choosing a type redraws it with that type's items (as Slack would)."""
        self.slack.command(user, "/case", "")
        (form,) = self.slack.wait_for(lambda: self.slack.open_views(user))
        if type_key:
            self.slack.click(user, form, "type_key", selected_option=type_key)
            (form,) = self.slack.wait_for(
                lambda: [v for v in self.slack.open_views(user) if v.hash != form.hash]
            )
        return form

    def delivered(self):
        self.running.delivered()

    def told(self, user, words):
        return self.slack.wait_for(
            lambda: [m for m in self.slack.ephemerals(user) + self.slack.dm(user) if words in m.text]
        )


@pytest.fixture
def desk(running):
    return Desk(running)


def intake_with_missing_item(desk):
    form = desk.intake_form(CLERK, "account_change")
    assert "Account change: 4 business hours" in json.dumps(form.blocks)
    reply = desk.slack.submit(
        CLERK,
        form,
        {
            "customer": "Li Na",
            "contact": "13812345678",
            "channel": "walk_in",
            "summary": "Change the account holder's address",
            "details": "Moved to Pudong in October.",
            "provided_items": ["Application form"],
        },
    )
    assert reply.status == 200
    (done,) = desk.slack.open_views(CLERK)  # the form became its confirmation
    assert "is recorded and returned for supplement: missing ID proof" in json.dumps(done.blocks)
    desk.slack.close(CLERK, done)


def test_a_case_from_intake_to_closed(desk, running):
    intake_with_missing_item(desk)
    (prompt,) = desk.told(CLERK, "returned for supplement")
    assert "ID proof" in prompt.text
    assert desk.slack.messages("C0INTAKE") == []  # no number, no card, until it is complete

    desk.fill(CLERK, "case.supplement", {"items": ["ID proof"]}, where=prompt)
    desk.settle()
    assert "CASE-2026-000001" in desk.card_text()
    with running.db.reading() as session:
        case = session.scalars(select(Case)).one()
    first_handler = case.assignee
    assert first_handler in (CLERK, HANDLER, OTHER)  # least loaded in the intake group
    assert "13812345678" not in desk.card_text() and "138****5678" in desk.card_text()

    desk.press(HANDLER, "case.take")
    desk.slack.wait_for(lambda: f"<@{HANDLER}>" in desk.card_text())
    accepted = desk.press(HANDLER, "case.accept")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    desk.fill(HANDLER, "case.progress", {"note": "Checked the ID against the register."})
    desk.slack.wait_for(
        lambda: (
            "Checked the ID" in json.dumps([m.text for m in desk.slack.replies("C0INTAKE", desk.card().ts)])
        )
    )
    desk.fill(HANDLER, "case.submit", {"result": "Address changed in the system."})
    desk.slack.wait_for(lambda: f"first-level review (<@{LEADER}>)" in desk.card_text())

    desk.fill(LEADER, "case.review.return", {"reason": "Attach the signed form scan first."})
    desk.told(HANDLER, "Attach the signed form scan first.")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    desk.fill(HANDLER, "case.submit", {"result": "Address changed; signed form attached."})
    desk.slack.wait_for(lambda: "first-level review" in desk.card_text())
    desk.press(LEADER, "case.review.pass")
    desk.slack.wait_for(lambda: "second-level review" in desk.card_text())
    desk.press(DEPUTY, "case.review.pass")
    desk.told(HANDLER, "passed both reviews")
    desk.slack.wait_for(lambda: "To be told to the customer" in desk.card_text())
    desk.fill(HANDLER, "case.informed", {"how": "Phone call at 15:10, customer confirmed."})
    desk.slack.wait_for(lambda: "satisfaction follow-up" in desk.card_text())
    desk.fill(CLERK, "case.satisfaction", {"score": "4", "comment": "Quick and friendly."})
    desk.slack.wait_for(lambda: "Closed" in desk.card_text())

    # One card, updated in place; every step also has its line in the card's thread.
    (card,) = desk.slack.messages("C0INTAKE")
    assert card.edits >= 10
    thread = desk.slack.wait_for(
        lambda: (
            (lines := [m.text for m in desk.slack.replies("C0INTAKE", card.ts)])
            and lines[-1].startswith("Follow-up")
            and lines
        )
    )
    assert any("returned it" in line for line in thread) and thread[-1].startswith("Follow-up: 4/5")
    assert desk.slack.errors == []

    with running.db.reading() as session:
        steps = [
            (e.actor, e.action)
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action.like("case.%")).order_by(AuditEntry.id)
            )
        ]
    assert steps == [
        (CLERK, "case.returned"),
        (CLERK, "case.supplemented"),
        (CLERK, "case.registered"),
        (CLERK, "case.assigned"),
        (HANDLER, "case.assigned"),
        (HANDLER, "case.accepted"),
        (HANDLER, "case.progress"),
        (HANDLER, "case.submitted"),
        (LEADER, "case.review_returned"),
        (HANDLER, "case.submitted"),
        (LEADER, "case.review_passed"),
        (DEPUTY, "case.review_passed"),
        (HANDLER, "case.informed"),
        (CLERK, "case.closed"),
    ]
    with running.db.reading() as session:
        case = session.scalars(select(Case)).one()
    assert (case.state, case.review_returns, case.satisfaction) == ("closed", 1, 4)

    # A click on a screen that still shows an old card acts on a closed case: refused, naming its state.
    stale = accepted.payload | {
        "trigger_id": "stale.9",
        "actions": [accepted.payload["actions"][0] | {"action_ts": "9.9"}],
    }
    desk.slack.send_interaction(stale)
    desk.told(HANDLER, "You can't accept CASE-2026-000001: it is closed.")


def test_my_work_lists_the_cases_waiting_for_me(desk, running):
    desk.slack.command(CLERK, "/case", "new Printer at the counter is jammed")
    desk.settle()
    with running.db.reading() as session:
        assignee = session.scalars(select(Case.assignee)).one()
    desk.slack.event({"type": "app_home_opened", "user": assignee, "channel": "D0H", "tab": "home"})
    home = desk.slack.wait_for(lambda: desk.slack.home(assignee))
    shown = json.dumps(home.blocks, ensure_ascii=False)
    assert "My cases* (1 waiting for you)" in shown and "CASE-2026-000001" in shown
    desk.slack.event({"type": "app_home_opened", "user": LEADER, "channel": "D0H2", "tab": "home"})
    leader_home = desk.slack.wait_for(lambda: desk.slack.home(LEADER))
    assert "Nothing is waiting for you" in json.dumps(leader_home.blocks, ensure_ascii=False)


def test_a_supplement_in_parts(desk, running):
    form = desk.intake_form(CLERK, "refund")
    desk.slack.submit(
        CLERK,
        form,
        {
            "customer": "Zhao Lei",
            "contact": "zhao@example.com",
            "channel": "online",
            "summary": "Refund for double payment",
        },
    )
    (prompt,) = desk.told(CLERK, "returned for supplement")
    assert "Application form, ID proof, Payment receipt" in prompt.text
    desk.fill(CLERK, "case.supplement", {"items": ["ID proof"]}, where=prompt)
    desk.told(CLERK, "still waits for: Application form, Payment receipt")
    assert desk.slack.messages("C0INTAKE") == []
    desk.fill(CLERK, "case.supplement", {"items": ["Application form", "Payment receipt"]}, where=prompt)
    desk.settle()
    assert "CASE-2026-000001" in desk.card_text()
