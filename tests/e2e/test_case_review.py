"""The handler's review: reject with a reason the customer is told; a joint review in which all must agree."""

from sqlalchemy import select

from opsbot.audit import AuditEntry
from opsbot.cases.models import Case
from tests.e2e.test_case_lifecycle import CLERK, LEADER, Desk

QC = "U0LUYAN"
MANAGER = "U0SUNLI"


def registered(running):
    desk = Desk(running)
    desk.slack.command(CLERK, "/case", "new Wants a refund for a cancelled appointment")
    desk.settle()
    with running.db.reading() as session:
        return desk, session.scalars(select(Case.assignee)).one()


def test_a_rejection_carries_its_reason_to_the_customer(running):
    desk, handler = registered(running)
    desk.fill(handler, "case.reject", {"reason": "   "})  # a blank reason is refused on the form
    (form,) = desk.slack.open_views(handler)
    assert "A reason for the rejection is required" in form.errors["reason"]
    desk.slack.submit(
        handler, form, {"reason": "The appointment was cancelled by the customer after the deadline."}
    )
    prompt = desk.told(handler, "is rejected. Tell")
    assert "after the deadline" in prompt[0].text
    desk.slack.wait_for(lambda: "Rejected" in desk.card_text())
    desk.fill(handler, "case.informed", {"how": "Phone, 11:00"})
    desk.slack.wait_for(
        lambda: "Customer informed" not in desk.card_text() and "replied ✓" in desk.card_text()
    )
    with running.db.reading() as session:
        case = session.scalars(select(Case)).one()
    assert (case.state, case.rejected_reason is not None, case.informed_how) == (
        "rejected",
        True,
        "Phone, 11:00",
    )


def test_a_joint_review_needs_every_reviewer(running):
    desk, handler = registered(running)
    desk.fill(handler, "case.joint", {"reviewers": [QC, LEADER]})
    desk.told(QC, "asks you to review")
    desk.slack.wait_for(lambda: "In joint review" in desk.card_text())
    desk.press(MANAGER, "case.joint.agree")  # not one of the reviewers
    desk.told(MANAGER, "Only the reviewers asked for its joint review")
    desk.press(QC, "case.joint.agree")
    desk.slack.wait_for(
        lambda: (
            "waiting for Wu Fang" in " ".join(m.text for m in desk.slack.replies("C0INTAKE", desk.card().ts))
        )
    )
    assert "In joint review" in desk.card_text()
    desk.press(QC, "case.joint.agree")
    desk.told(QC, "You already agreed")
    desk.fill(LEADER, "case.joint.disagree", {"reason": "Needs the finance department's opinion first."})
    desk.told(handler, "Needs the finance department's opinion first.")
    desk.slack.wait_for(lambda: "Assigned, waiting for the handler to accept it" in desk.card_text())

    desk.fill(handler, "case.joint", {"reviewers": [QC, LEADER]})  # a second round
    desk.slack.wait_for(lambda: "In joint review" in desk.card_text())
    desk.press(QC, "case.joint.agree")
    desk.press(LEADER, "case.joint.agree")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    with running.db.reading() as session:
        actions = [
            e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.action.like("case.joint%")))
        ]
    assert actions == [
        "case.joint_review",
        "case.joint_agreed",
        "case.joint_declined",
        "case.joint_review",
        "case.joint_agreed",
        "case.joint_agreed",
    ]
