"""Completing a quick case: its type is corrected there (with what the new type needs, where it is handled and
when it is due), and a contact is a phone number or an e-mail address on every form that takes one."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from opsbot.audit import AuditEntry
from opsbot.cases.clocks import REPLY, RESOLUTION
from opsbot.cases.models import Case
from tests.e2e.clocks import due
from tests.e2e.test_case_lifecycle import CLERK, LEADER, Desk
from tests.e2e.test_case_prompts import asking, buttons, form_of, quick_case

TECH = "U0XUKAI"  # the technical support department's only specialist
SERVICE_CLERK = "U0ZHULIN"
CUSTOMER = {"customer": "Zhao Lei", "contact": "zhao@example.com", "channel": "online"}


def details_form(desk, user, type_key=None):
    """Complete details… from the card, with `type_key` chosen in it."""
    desk.press(user, "case.complete")
    form = form_of(desk, user, "case.complete")
    return choose_type(desk, user, form, type_key) if type_key else form


def choose_type(desk, user, form, type_key):
    """Choosing a case type redraws the form, as Slack would."""
    desk.slack.click(user, form, "type_key", selected_option=type_key)
    (form,) = desk.slack.wait_for(
        lambda: [v for v in desk.slack.open_views(user) if v.id == form.id and v.hash != form.hash]
    )
    return form


def block(form, block_id):
    return next((b for b in form.blocks if b.get("block_id") == block_id), None)


def the_case(desk):
    with desk.running.db.reading() as session:
        return session.scalars(select(Case)).one()


def retyped(desk):
    with desk.running.db.reading() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == "case.retyped")).one()


def thread(desk):
    return [m.text for m in desk.slack.replies("C0INTAKE", desk.card().ts)]


def test_a_quick_case_becomes_the_type_it_is_and_waits_for_what_that_type_needs(running_frozen, clock):
    desk = Desk(running_frozen)
    first = quick_case(desk, "Refund for a double payment")  # Monday 10:00 in Shanghai, a general enquiry
    form = details_form(desk, CLERK)
    assert block(form, "type_key")["element"]["initial_option"]["value"] == "enquiry"
    assert block(form, "provided_items") is None
    form = choose_type(desk, CLERK, form, "refund")
    assert "Items received (Refund request needs them all)" in json.dumps(form.blocks)
    desk.slack.submit(CLERK, form, CUSTOMER | {"provided_items": ["Application form", "ID proof"]})

    desk.slack.wait_for(lambda: "Returned for supplement" in desk.card_text())
    assert "Refund request" in desk.card_text() and buttons(desk.card()) == ["case.supplement"]
    ask = asking(desk, CLERK, "is returned for supplement")
    assert "Ask Zhao Lei for: Payment receipt" in ask.text and buttons(ask) == ["case.supplement"]
    told = asking(desk, first.assignee, "is no longer yours")
    assert "Type changed from General enquiry to Refund request; returned for supplement" in told.text
    case = the_case(desk)
    assert (case.type_key, case.state, case.assignee, case.missing_items) == (
        "refund",
        "returned",
        None,
        ["Payment receipt"],
    )
    # A refund is due a reply after 8 business hours and a result after 40, from its registration.
    assert due(desk.running.db, REPLY) == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday 18:00
    entry = retyped(desk)
    assert (entry.before["type"], entry.after["type"]) == ("enquiry", "refund")
    assert (entry.before["assignee"], entry.after["assignee"]) == (first.assignee, None)
    assert (entry.before["state"], entry.after["state"]) == ("assigned", "returned")

    clock.advance(timedelta(hours=1))  # Monday 11:00: the receipt comes in
    desk.fill(CLERK, "case.supplement", {"items": ["Payment receipt"]}, where=ask)
    desk.slack.wait_for(lambda: "Assigned, waiting for the handler" in desk.card_text())
    case = the_case(desk)
    assert (case.number, case.state, case.missing_items) == ("CASE-2026-000001", "assigned", [])
    assert due(desk.running.db, REPLY) == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # the reply target holds
    # 40 hours from now: Friday 15:00
    assert due(desk.running.db, RESOLUTION) == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    desk.slack.wait_for(lambda: "Complete again; registered by Chen Jing." in thread(desk))
    assert len(desk.slack.messages("C0INTAKE")) == 1  # still the one card


def test_a_quick_case_retyped_as_a_complaint_is_forwarded(running):
    desk = Desk(running)
    first = quick_case(desk, "The portal keeps logging me out")
    form = details_form(desk, CLERK, "complaint")
    forward = block(form, "responsible_unit")
    assert forward["optional"] and forward["element"]["initial_option"]["value"] == "service"
    desk.slack.submit(CLERK, form, CUSTOMER | {"responsible_unit": "tech"})
    desk.slack.wait_for(lambda: f"<@{TECH}>" in desk.card_text())
    assert "(complaint)" in desk.card_text()
    assert buttons(asking(desk, TECH, "is yours: accept it")) == ["case.accept", "case.reject", "case.joint"]
    assert "forwarded to Technical Support" in asking(desk, first.assignee, "is no longer yours").text
    case = the_case(desk)
    assert (case.type_key, case.complaint, case.unit_key, case.assignee, case.state) == (
        "complaint",
        True,
        "tech",
        TECH,
        "assigned",
    )


def test_a_type_change_within_the_unit_keeps_the_handler_and_moves_the_deadline(running_frozen, clock):
    desk = Desk(running_frozen)
    first = quick_case(desk, "Change the account holder")
    desk.press(first.assignee, "case.accept")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    form = details_form(desk, CLERK, "account_change")
    desk.slack.submit(CLERK, form, CUSTOMER | {"provided_items": ["Application form", "ID proof"]})
    desk.slack.wait_for(lambda: "Account change" in desk.card_text())
    case = the_case(desk)
    assert (case.type_key, case.state, case.assignee) == ("account_change", "in_progress", first.assignee)
    # 24 hours: Wednesday 16:00
    assert due(desk.running.db, RESOLUTION) == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    desk.slack.wait_for(lambda: "Type changed from General enquiry to Account change." in thread(desk))


def test_the_type_can_no_longer_change_once_the_result_is_in(running):
    desk = Desk(running)
    first = quick_case(desk)
    # The group leader (above the handler, so allowed to complete it) opens the form while it is assigned.
    stale = details_form(desk, LEADER, "refund")
    desk.press(first.assignee, "case.accept")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    desk.fill(first.assignee, "case.submit", {"result": "Refunded."})
    desk.slack.wait_for(lambda: "first-level review" in desk.card_text())
    desk.delivered()
    before = running.row_counts()
    desk.slack.submit(LEADER, stale, CUSTOMER | {"provided_items": ["Application form"]})
    (shown,) = desk.slack.open_views(LEADER)
    assert "waiting for the first-level review; its type can no longer change" in shown.errors["type_key"]
    assert running.row_counts() == before
    desk.slack.close(LEADER, shown)

    form = details_form(desk, LEADER)
    assert block(form, "type_key") is None
    assert "Case type: General enquiry (it can no longer change)." in json.dumps(form.blocks)
    desk.slack.submit(LEADER, form, CUSTOMER)
    desk.slack.wait_for(lambda: "Zhao Lei · z***@example.com · Online" in desk.card_text())
    case = the_case(desk)
    assert (case.type_key, case.state, case.first_reviewer) == ("enquiry", "first_review", LEADER)


def test_a_contact_is_a_phone_number_or_an_email_address_on_every_form(running):
    desk = Desk(running)
    form = desk.intake_form(CLERK)
    before = running.row_counts()
    values = {"customer": "Li Na", "contact": "not a phone", "summary": "Address change"}
    desk.slack.submit(CLERK, form, values)
    (shown,) = desk.slack.open_views(CLERK)
    assert "must be a phone number" in shown.errors["contact"] and "e-mail address" in shown.errors["contact"]
    assert running.row_counts() == before
    desk.slack.close(CLERK, shown)

    quick_case(desk)
    form = details_form(desk, CLERK)
    desk.slack.submit(CLERK, form, CUSTOMER | {"contact": "call the front desk"})
    (shown,) = desk.slack.open_views(CLERK)
    assert "must be a phone number" in shown.errors["contact"]
    desk.slack.submit(CLERK, shown, CUSTOMER | {"contact": "+86 139 1234 5678"})
    desk.slack.wait_for(lambda: "Zhao Lei · 861****5678" in desk.card_text())


def test_forward_to_is_optional_and_defaults_to_the_complaint_types_unit(running):
    desk = Desk(running)
    form = desk.intake_form(SERVICE_CLERK, "complaint")
    forward = block(form, "responsible_unit")
    assert forward["optional"] is True and forward["label"]["text"] == "Forward to"
    assert "left empty, Customer Service" in forward["hint"]["text"]
    values = {"customer": "Wang Fei", "contact": "wang.fei@example.com", "summary": "Rude at the counter"}
    desk.slack.submit(SERVICE_CLERK, form, values | {"responsible_unit": None})
    desk.settle()
    assert the_case(desk).unit_key == "service"
