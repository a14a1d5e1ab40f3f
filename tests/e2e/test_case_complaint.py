"""A complaint: recorded by customer service, forwarded to the unit it is about, investigated there, the
result returned to customer service, who replies and follows up satisfaction (regulation 004)."""

from sqlalchemy import select

from opsbot.cases.models import Case
from tests.e2e.test_case_lifecycle import Desk

SERVICE_CLERK = "U0ZHULIN"  # customer service specialist
TECH = "U0XUKAI"  # the technical support department's specialist


def test_a_complaint_goes_round_through_the_responsible_unit(running):
    desk = Desk(running)
    form = desk.intake_form(SERVICE_CLERK, "complaint")
    desk.slack.submit(
        SERVICE_CLERK,
        form,
        {
            "customer": "Wang Fei",
            "contact": "wang.fei@example.com",
            "channel": "email",
            "summary": "Online portal kept logging me out",
            "responsible_unit": "tech",
        },
    )
    desk.settle()
    desk.slack.wait_for(lambda: f"<@{TECH}>" in desk.card_text())  # forwarded: the tech specialist has it
    assert "w***@example.com" in desk.card_text() and "complaint" in desk.card_text()

    desk.press(TECH, "case.accept")
    desk.slack.wait_for(lambda: "Return result" in desk.card_text())
    desk.fill(TECH, "case.submit", {"result": "Session timeout was misconfigured; fixed on 23 Nov."})
    told = desk.told(SERVICE_CLERK, "investigation of complaint")
    assert "Session timeout was misconfigured" in told[0].text
    desk.slack.wait_for(lambda: "To be told to the customer" in desk.card_text())  # no two-level review

    # The investigator does not reply to the customer: customer service does. They are told so when they
    # press the button, before any form opens.
    desk.press(TECH, "case.informed")
    desk.told(TECH, f"Only <@{SERVICE_CLERK}> (who tells the customer) or their superiors")
    assert desk.slack.open_views(TECH) == []
    desk.fill(SERVICE_CLERK, "case.informed", {"how": "E-mail with apology, 10:30"})
    desk.slack.wait_for(lambda: "satisfaction follow-up" in desk.card_text())
    desk.fill(SERVICE_CLERK, "case.satisfaction", {"score": "2", "comment": "Still happens on mobile."})
    desk.told(TECH, "reopened after the follow-up")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    with running.db.reading() as session:
        case = session.scalars(select(Case)).one()
    assert (case.unit_key, case.assignee, case.complaint, case.satisfaction) == ("tech", TECH, True, 2)
