"""The App Home kept up to date: republished when a person's work changes, once for many changes, only for
people who use it; with their delegation, and for leaders their unit's overdue and unaccepted cases."""

import json
from datetime import timedelta

from sqlalchemy import func, select

from opsbot import outbox
from opsbot.cases.models import Case
from tests.e2e.test_approvals import ask_expense, chain
from tests.e2e.test_case_deadlines import tick
from tests.e2e.test_case_lifecycle import CLERK, HANDLER, LEADER, Desk

SPECIALIST = "U0ZHENGHAO"  # asks for the expenses; reports to Wu Fang


def open_home(running, user):
    running.slack.event({"type": "app_home_opened", "user": user, "channel": f"D0{user}", "tab": "home"})
    return running.slack.wait_for(lambda: running.slack.home(user))


def shown(view) -> str:
    return json.dumps(view.blocks, ensure_ascii=False)


def home_showing(running, user, predicate):
    """The person's Home once it satisfies `predicate` (a republished Home arrives after the change)."""
    return running.slack.wait_for(
        lambda: (home := running.slack.home(user)) is not None and predicate(shown(home)) and home
    )


def publishes(running, user):
    return [c for c in running.slack.calls_to("views.publish") if c.args.get("user_id") == user]


def pending_homes(running):
    with running.db.reading() as session:
        return dict(
            session.execute(
                select(outbox.Notification.channel, func.count())
                .where(outbox.Notification.method == outbox.Method.HOME)
                .where(outbox.Notification.status == outbox.Status.PENDING)
                .group_by(outbox.Notification.channel)
            ).all()
        )


def test_deciding_from_the_home_republishes_it_without_that_approval(running):
    number = ask_expense(running, amount="480", purpose="Taxi to the client")
    approver = chain(running, number)[1][0].approver
    home = open_home(running, approver)
    assert number in shown(home)
    running.slack.click(approver, home, "approval.approve")
    after = home_showing(running, approver, lambda text: number not in text)
    assert "Nothing waits for your decision" in shown(after) and "approval.approve" not in shown(after)


def test_ten_changes_in_a_row_make_one_publish_with_the_latest_state(running):
    open_home(running, LEADER)
    running.bot.delivery.stop()  # from here on, delivery runs in this thread only
    before = len(publishes(running, LEADER))
    numbers = [ask_expense(running, amount=str(100 + n), purpose=f"Courier {n}") for n in range(6)]
    for n in range(4):
        reply = running.slack.command("U0SUNLI", "/ops", f"announce intake Notice {n}")
        assert "ANN-2026-" in reply.json["text"], reply.json["text"]
    assert pending_homes(running) == {LEADER: 1}  # one row waits for Wu Fang, none for who never opened it
    running.bot.deliverer.drain()
    assert len(publishes(running, LEADER)) == before + 1
    assert [c.args["user_id"] for c in running.slack.calls_to("views.publish")] == [LEADER] * (before + 1)
    latest = shown(running.slack.home(LEADER))
    assert "Approvals waiting for your decision* (6)" in latest and all(n in latest for n in numbers)
    assert "Notice 3" in latest and "ANN-2026-000004" in latest
    # A change after that publish is one more publish.
    running.slack.click(
        LEADER, running.slack.home(LEADER), "approval.approve", block_id=f"home:{numbers[0]}:1:1"
    )
    running.bot.deliverer.drain()
    assert len(publishes(running, LEADER)) == before + 2
    assert numbers[0] not in shown(running.slack.home(LEADER))


def test_a_case_moves_between_the_homes_of_the_people_it_waits_for(running):
    desk = Desk(running)
    for user in (HANDLER, LEADER):
        open_home(running, user)
    desk.slack.command(CLERK, "/case", "new Printer at the counter is jammed")
    desk.settle()
    with running.db.reading() as session:
        first = session.scalars(select(Case.assignee)).one()
    assert first != HANDLER
    open_home(running, first)
    home_showing(running, first, lambda text: "CASE-2026-000001" in text)

    desk.press(HANDLER, "case.take")  # taken: it leaves the first handler's Home for the taker's
    home_showing(running, HANDLER, lambda text: "My cases* (1 waiting for you)" in text)
    home_showing(running, first, lambda text: "CASE-2026-000001" not in text)
    desk.press(HANDLER, "case.accept")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    desk.fill(HANDLER, "case.submit", {"result": "Cleared the paper path."})  # to the leader's review
    home_showing(running, LEADER, lambda text: "My cases* (1 waiting for you)" in text)
    home_showing(running, HANDLER, lambda text: "My cases*\\nNothing is waiting for you" in text)
    desk.slack.wait_for(lambda: "first-level review" in desk.card_text())
    desk.fill(LEADER, "case.review.return", {"reason": "Say which tray it was."})  # back to the handler
    home_showing(running, HANDLER, lambda text: "My cases* (1 waiting for you)" in text)
    home_showing(running, LEADER, lambda text: "My cases*\\nNothing is waiting for you" in text)


def test_a_delegation_shows_on_both_homes_until_it_ends(running):
    delegator, delegate = "U0SHIHONG", "U0TANGXIN"
    for user in (delegator, delegate):
        assert "Delegation" not in shown(open_home(running, user))
    reply = running.slack.command(delegator, "/approval", "delegate <@U0TANGXIN|tang.xin> until 2099-12-31")
    assert "may decide your approvals" in reply.json["text"]
    mine = home_showing(running, delegator, lambda text: "Delegation" in text)
    assert "*Tang Xin* decides your approvals until 2099-12-31" in shown(mine)
    assert "`/approval delegate off` ends it now" in shown(mine)
    theirs = home_showing(running, delegate, lambda text: "Delegation" in text)
    assert "You decide *Shi Hong*'s approvals until 2099-12-31." in shown(theirs)

    running.slack.command(delegator, "/approval", "delegate off")
    home_showing(running, delegator, lambda text: "Delegation" not in text)
    home_showing(running, delegate, lambda text: "Delegation" not in text)


def test_a_group_leader_sees_the_groups_overdue_and_unaccepted_cases(running_frozen, clock):
    running = running_frozen
    for summary in ("Where is my parcel?", "Card reader broken"):
        running.slack.command(CLERK, "/case", f"new {summary}")
    running.slack.wait_for(lambda: len(running.slack.messages("C0INTAKE")) == 2)
    with running.db.reading() as session:
        first, second = session.scalars(select(Case).order_by(Case.id)).all()
    card = running.slack.wait_for(
        lambda: [m for m in running.slack.messages("C0INTAKE") if first.number in m.text]
    )[0]
    running.slack.click(first.assignee, card, "case.accept")
    running.slack.wait_for(
        lambda: [m for m in running.slack.messages("C0INTAKE") if "Being handled" in shown(m)]
    )

    home = open_home(running, LEADER)
    # Nothing waits for Wu Fang himself, but his group's case that no one has accepted is on his Home.
    assert "My cases*\\nNothing is waiting for you" in shown(home)
    assert "Intake and Handling Group: overdue or not yet accepted* (1)" in shown(home)
    assert second.number in shown(home) and first.number not in shown(home)
    assert f"with {name_of(running, second.assignee)}" in shown(home)
    handler_home = open_home(running, first.assignee)
    assert "overdue or not yet accepted" not in shown(handler_home)  # a specialist has no such section
    elsewhere = open_home(running, "U0YANGTAO")  # customer service's supervisor: not his unit's cases
    assert "Customer Service Department*\\nNo case is overdue or waiting to be accepted" in shown(elsewhere)

    tick(running, clock, timedelta(hours=5))  # past the reply due at 14:00: both fall overdue
    home = home_showing(running, LEADER, lambda text: "(2)" in text and first.number in text)
    lines = shown(home)
    for case in (first, second):
        line = next(part for part in lines.split("\\n") if case.number in part)
        assert "⚠️ overdue" in line
        assert f"with {name_of(running, case.assignee)}" in line
    assert "Customer Service Department*\\nNo case is overdue" in shown(running.slack.home("U0YANGTAO"))


def name_of(running, slack_id):
    return next(person.name for person in running.bot.center.people if person.slack_id == slack_id)
