"""Case steps off the main road: completing a quick case, promises kept across a supplement, buttons pressed
by the wrong person or too late, marks that clear, people's text kept as text, and who finds what on the
"My work" tab."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

import bot
from opsbot.cases.clocks import REPLY, RESOLUTION
from opsbot.cases.models import Case
from opsbot.sweeps import run_due_sweeps
from tests.e2e.clocks import due, overdue
from tests.e2e.test_case_lifecycle import CLERK, DEPUTY, LEADER, OUTSIDER, Desk

QC = "U0LUYAN"  # QC inspector: sees every case, acts on none
SERVICE_CLERK = "U0ZHULIN"  # customer service
TECH = "U0XUKAI"  # technical support specialist
BASE = {"customer": "Li Na", "contact": "13812345678", "channel": "phone", "summary": "Address change"}


@pytest.fixture
def desk(running):
    return Desk(running)


def quick_case(desk, summary="Printer at the counter is jammed"):
    desk.slack.command(CLERK, "/case", f"new {summary}")
    desk.settle()
    with desk.running.db.reading() as session:
        return session.scalars(select(Case)).one()


def returned_case(desk, **extra):
    form = desk.intake_form(CLERK, "account_change")
    desk.slack.submit(CLERK, form, BASE | {"provided_items": ["Application form"]} | extra)
    (prompt,) = desk.told(CLERK, "returned for supplement")
    return prompt


def home_text(desk, user):
    """Open the App Home and wait for the tab opsbot publishes in answer (through the outbox)."""
    before = desk.slack.home(user)
    desk.slack.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    home = desk.slack.wait_for(
        lambda: (shown := desk.slack.home(user)) and (before is None or shown.hash != before.hash) and shown
    )
    return json.dumps(home.blocks, ensure_ascii=False)


def test_a_quick_case_is_completed_on_its_card(desk):
    quick_case(desk)
    assert "(to be completed) · Phone" in desk.card_text()  # the placeholder is not masked as a contact
    desk.fill(
        CLERK,
        "case.complete",
        {"customer": "Zhao Lei", "contact": "13912345678", "channel": "walk_in", "details": "Counter 3"},
    )
    desk.slack.wait_for(lambda: "Zhao Lei · 139****5678 · Walk-in" in desk.card_text())
    assert "case.complete" not in desk.card_text()  # nothing left to complete
    with desk.running.db.reading() as session:
        case = session.scalars(select(Case)).one()
    assert (case.customer, case.contact, case.channel, case.details) == (
        "Zhao Lei",
        "13912345678",
        "walk_in",
        "Counter 3",
    )
    assert len(desk.slack.messages("C0INTAKE")) == 1


def test_a_promise_made_at_intake_holds_across_the_supplement(desk):
    promised = desk.running.bot.clock.now().replace(second=0, microsecond=0) + timedelta(days=20)
    prompt = returned_case(desk, promised_reply_at=int(promised.timestamp()))
    desk.fill(CLERK, "case.supplement", {"items": ["ID proof"]}, where=prompt)
    desk.settle()
    with desk.running.db.reading() as session:
        assert session.scalars(select(Case.promised_reply_at)).one() == promised
    assert due(desk.running.db, REPLY) == promised


def test_a_past_promise_is_refused_even_when_items_are_missing(desk):
    form = desk.intake_form(CLERK, "account_change")
    before = desk.running.row_counts()
    past = int((desk.running.bot.clock.now() - timedelta(days=3)).timestamp())
    desk.slack.submit(CLERK, form, BASE | {"provided_items": ["Application form"], "promised_reply_at": past})
    (shown,) = desk.slack.open_views(CLERK)
    assert "already past" in shown.errors["promised_reply_at"]
    assert desk.running.row_counts() == before


def test_only_the_clerk_and_their_superiors_record_a_supplement(desk):
    prompt = returned_case(desk)
    desk.delivered()
    before = desk.running.row_counts()
    desk.press(QC, "case.supplement", where=prompt)  # QC sees every case but does not act on them
    assert "Only <@U0CHENJING> (who took it in) or their superiors" in desk.told(QC, "Only")[0].text
    assert desk.slack.open_views(QC) == [] and desk.running.row_counts() == before
    desk.fill(LEADER, "case.supplement", {"items": ["ID proof"]}, where=prompt)  # the clerk's group leader
    desk.settle()


def test_the_supplement_button_is_withdrawn_once_the_supplement_is_in(desk):
    prompt = returned_case(desk)
    click = desk.press(CLERK, "case.supplement", where=prompt)
    (form,) = desk.slack.wait_for(
        lambda: [v for v in desk.slack.open_views(CLERK) if v.callback_id == "case.supplement.form"]
    )
    desk.slack.submit(CLERK, form, {"items": ["ID proof"]})
    desk.settle()
    desk.delivered()
    (dm,) = [m for m in desk.slack.dm(CLERK) if m.ts == prompt.ts]  # the same message, updated in place
    assert "case.supplement" not in json.dumps(dm.blocks) and "✓ Supplement received." in dm.text
    # A press from a screen that still shows the button says why nothing opens.
    assert desk.slack.send_interaction(stale(click)).status == 200
    told = desk.told(CLERK, "You can't")[0].text
    assert "CASE-2026-000001: it is assigned" in told  # the intake reference still finds the case
    assert desk.slack.open_views(CLERK) == []


def test_the_wrong_person_is_told_before_a_form_opens(desk):
    case = quick_case(desk)
    before = desk.running.row_counts()
    desk.press(OUTSIDER, "case.reject")
    told = desk.told(OUTSIDER, f"can reject {case.number}")[0].text
    assert f"Only <@{case.assignee}> or their superiors" in told
    assert desk.slack.open_views(OUTSIDER) == [] and desk.running.row_counts() == before


def stale(click, **fields):
    """The same button pressed again from a screen that still shows the card as it was."""
    return click.payload | {
        "trigger_id": f"stale.{click.payload['trigger_id']}",
        "actions": [click.payload["actions"][0] | {"action_ts": "1.5"}],
        **fields,
    }


def test_a_form_button_on_a_case_that_moved_on_names_its_state(desk):
    case = quick_case(desk)
    first = desk.press(case.assignee, "case.reject")
    (form,) = desk.slack.wait_for(lambda: desk.slack.open_views(case.assignee))
    desk.slack.close(case.assignee, form)
    desk.press(case.assignee, "case.accept")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    assert desk.slack.send_interaction(stale(first)).status == 200
    told = desk.told(case.assignee, "can't")[0].text
    assert f"You can't reject {case.number}: it is being handled." in told
    assert desk.slack.open_views(case.assignee) == []


def test_take_on_a_closed_case_names_its_state(desk):
    case = quick_case(desk)
    first = desk.press(case.assignee, "case.take")
    desk.fill(case.assignee, "case.reject", {"reason": "Not a service we offer."})
    desk.slack.wait_for(lambda: "Rejected" in desk.card_text())
    assert desk.slack.send_interaction(stale(first)).status == 200
    assert "can no longer be taken: it is rejected" in desk.told(case.assignee, "no longer")[0].text


def test_the_overdue_mark_clears_once_the_customer_has_a_reply(running_frozen, clock):
    desk = Desk(running_frozen)
    case = quick_case(desk, "Where is my parcel?")
    clock.advance(timedelta(hours=5))
    run_due_sweeps(running_frozen.db, bot.sweeps_for(running_frozen.bot.center), clock)
    desk.slack.wait_for(lambda: "OVERDUE" in desk.card_text())
    desk.fill(case.assignee, "case.replied", {"how": "Called back"})
    desk.slack.wait_for(lambda: "replied ✓" in desk.card_text() and "OVERDUE" not in desk.card_text())
    listed = desk.slack.command(LEADER, "/case", "list overdue").json["text"]
    assert case.number not in listed


def test_peoples_text_stays_text_in_prompts(desk):
    case = quick_case(desk, "<!channel> please call <https://evil.example|here> & now")
    prompt = desk.slack.wait_for(lambda: [m for m in desk.slack.dm(case.assignee) if "yours" in m.text])
    shown = json.dumps(prompt[0].blocks)
    assert "<!channel>" not in shown and "<https://evil" not in shown
    # Slack's tokens in a command are shown as the words they stand for, and can't ping or link.
    assert "@\\u200bchannel please call here (https://evil.example) &amp; now" in shown


def test_a_joint_reviewer_has_the_case_on_my_work_until_they_decide(desk):
    case = quick_case(desk, "Complex request")
    desk.fill(case.assignee, "case.joint", {"reviewers": [QC]})
    desk.slack.wait_for(lambda: "In joint review" in desk.card_text())
    assert case.number in home_text(desk, QC)
    desk.press(QC, "case.joint.agree")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    assert case.number not in home_text(desk, QC)


def test_a_complaint_result_waits_on_customer_services_tab(desk):
    form = desk.intake_form(SERVICE_CLERK, "complaint")
    desk.slack.submit(
        SERVICE_CLERK,
        form,
        BASE | {"summary": "Portal logs me out", "responsible_unit": "tech", "contact": "w@example.com"},
    )
    desk.settle()
    desk.press(TECH, "case.accept")
    desk.slack.wait_for(lambda: "Return result" in desk.card_text())
    desk.fill(TECH, "case.submit", {"result": "Fixed the timeout."})
    desk.slack.wait_for(lambda: "To be told to the customer" in desk.card_text())
    assert "CASE-2026-000001" in home_text(desk, SERVICE_CLERK)
    assert "CASE-2026-000001" not in home_text(desk, TECH)


def test_a_rejected_case_leaves_my_work_once_the_customer_is_told(desk):
    case = quick_case(desk)
    desk.fill(case.assignee, "case.reject", {"reason": "Not a service we offer."})
    desk.slack.wait_for(lambda: "Rejected" in desk.card_text())
    assert case.number in home_text(desk, case.assignee)
    desk.fill(case.assignee, "case.informed", {"how": "Phone call"})
    desk.slack.wait_for(lambda: "case.informed" not in desk.card_text())
    assert case.number not in home_text(desk, case.assignee)


def test_whoever_had_the_case_is_told_when_someone_else_takes_it(desk):
    case = quick_case(desk)
    other = next(h for h in ("U0ZHENGHAO", "U0FENGYU", "U0CHENJING") if h != case.assignee)
    desk.press(other, "case.take")
    told = desk.told(case.assignee, "is no longer yours")[0].text
    assert f"{case.number}" in told and "took it" in told


def test_a_quick_case_rejected_before_its_details_are_in_can_still_be_completed(desk):
    case = quick_case(desk)
    desk.fill(case.assignee, "case.reject", {"reason": "Not a service we offer."})
    told = desk.told(case.assignee, "is rejected")[0].text
    assert "Tell the customer why" in told
    desk.slack.wait_for(lambda: "Rejected" in desk.card_text() and "case.complete" in desk.card_text())
    desk.fill(CLERK, "case.complete", {"customer": "Zhao Lei", "contact": "13912345678"})
    desk.slack.wait_for(lambda: "Zhao Lei · 139****5678" in desk.card_text())
    desk.fill(case.assignee, "case.informed", {"how": "Phone call"})
    desk.slack.wait_for(lambda: "case.complete" not in desk.card_text())


def test_a_reopened_case_gets_a_new_deadline_rather_than_an_overdue_mark(running_frozen, clock):
    desk = Desk(running_frozen)
    case = quick_case(desk, "Change my address")
    desk.press(case.assignee, "case.accept")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    desk.fill(case.assignee, "case.submit", {"result": "Address changed."})
    desk.slack.wait_for(lambda: "first-level review" in desk.card_text())
    desk.press(LEADER, "case.review.pass")
    desk.slack.wait_for(lambda: "second-level review" in desk.card_text())
    desk.press(DEPUTY, "case.review.pass")
    desk.slack.wait_for(lambda: "To be told to the customer" in desk.card_text())
    desk.fill(case.assignee, "case.informed", {"how": "Phone call"})
    desk.slack.wait_for(lambda: "satisfaction follow-up" in desk.card_text())
    clock.advance(timedelta(days=4))  # well past the first resolution deadline, which was met
    run_due_sweeps(running_frozen.db, bot.sweeps_for(running_frozen.bot.center), clock)
    desk.fill(CLERK, "case.satisfaction", {"score": "2", "comment": "Wrong floor."})
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    clock.advance(timedelta(minutes=30))
    run_due_sweeps(running_frozen.db, bot.sweeps_for(running_frozen.bot.center), clock)
    running_frozen.delivered()  # whatever the sweep queued is sent now, in this thread
    assert "OVERDUE" not in desk.card_text()
    resolve_due = due(running_frozen.db, RESOLUTION)
    assert resolve_due is not None and resolve_due > clock.now()
    assert not overdue(running_frozen.db, clock.now())


def test_the_promised_reply_is_recorded_during_a_joint_review(desk):
    case = quick_case(desk, "Complex request")
    desk.fill(case.assignee, "case.joint", {"reviewers": [QC]})
    desk.slack.wait_for(lambda: "In joint review" in desk.card_text())
    desk.fill(case.assignee, "case.replied", {"how": "Called back, 10:20"})
    desk.slack.wait_for(lambda: "replied ✓" in desk.card_text())
    listed = desk.slack.command(QC, "/case", "list").json["text"]
    assert case.number in listed  # the joint reviewer's list holds what their tab holds
