"""Every direct message that asks someone to act on a case carries the card's buttons for that act, and once
the act is done, by them or anyone else, or the case has moved on, the same message is updated: its buttons
gone, a line saying what happened. A form that asks again for something already given starts from it."""

from datetime import timedelta

from sqlalchemy import select

import bot
from opsbot.cases.models import Case
from opsbot.sweeps import run_due_sweeps
from tests.e2e.test_case_lifecycle import CLERK, DEPUTY, LEADER, Desk

QC = "U0LUYAN"
HANDLERS = {"U0ZHENGHAO": "Zheng Hao", "U0FENGYU": "Feng Yu", "U0CHENJING": "Chen Jing"}


def quick_case(desk, summary="Change the account holder's address"):
    desk.slack.command(CLERK, "/case", f"new {summary}")
    desk.settle()
    with desk.running.db.reading() as session:
        return session.scalars(select(Case)).one()


def asking(desk, user, words):
    """The one direct message to `user` that holds `words`."""
    (found,) = desk.slack.wait_for(lambda: [m for m in desk.slack.dm(user) if words in m.text])
    return found


def as_now(desk, user, message):
    """The message as it stands now: updated in place, it keeps its ts."""
    (found,) = [m for m in desk.slack.dm(user) if m.ts == message.ts]
    return found


def buttons(message):
    return [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def settled(desk, user, message, outcome):
    """The prompt once its act is done: the same message, no buttons, the line that says what happened."""
    found = desk.slack.wait_for(lambda: (now := as_now(desk, user, message)).edits and now)
    assert buttons(found) == [] and f"✓ {outcome}" in found.text, (found.text, buttons(found))
    return found


def form_of(desk, user, action_id):
    (form,) = desk.slack.wait_for(
        lambda: [v for v in desk.slack.open_views(user) if v.callback_id == f"{action_id}.form"]
    )
    return form


def initial(form, block_id):
    (block,) = [b for b in form.blocks if b.get("block_id") == block_id]
    element = block["element"]
    return element.get("initial_value") or element.get("initial_users")


def test_review_prompts_carry_pass_and_return_and_the_resubmission_starts_from_the_last_result(running):
    desk = Desk(running)
    handler = quick_case(desk).assignee
    assigned = asking(desk, handler, "is yours: accept it")
    assert buttons(assigned) == ["case.accept", "case.reject", "case.joint"]
    desk.press(handler, "case.accept", where=assigned)  # from the message, not the card
    settled(desk, handler, assigned, "Accepted by")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())

    desk.fill(handler, "case.submit", {"result": "Address changed in the system."})
    first = asking(desk, LEADER, "waits for your review (first level)")
    assert buttons(first) == ["case.review.pass", "case.review.return"]
    desk.press(LEADER, "case.review.pass", where=first)
    settled(desk, LEADER, first, "Wu Fang passed the first-level review.")

    second = asking(desk, DEPUTY, "waits for your review (second level)")
    assert buttons(second) == ["case.review.pass", "case.review.return"]
    desk.fill(DEPUTY, "case.review.return", {"reason": "Attach the signed form."}, where=second)
    settled(desk, DEPUTY, second, "Zhou Jie returned it (second review): Attach the signed form.")

    returned = asking(desk, handler, "Attach the signed form.")
    assert buttons(returned) == ["case.progress", "case.submit"]
    desk.press(handler, "case.submit", where=returned)
    form = form_of(desk, handler, "case.submit")
    assert initial(form, "result") == "Address changed in the system."  # the last result, to correct
    desk.slack.submit(handler, form, {"result": "Address changed; signed form attached."})
    settled(desk, handler, returned, "Submitted for review: Address changed; signed form attached.")

    again = desk.slack.wait_for(
        lambda: [m for m in desk.slack.dm(LEADER) if "first level" in m.text and m.ts != first.ts]
    )
    assert len(again) == 1 and buttons(again[0]) == ["case.review.pass", "case.review.return"]
    desk.delivered()
    # Each prompt is one message: the old ones settled, none posted twice.
    assert [buttons(m) for m in desk.slack.dm(LEADER)] == [[], buttons(again[0])]
    assert sum("waits for your review" in m.text for m in desk.slack.dm(DEPUTY)) == 1
    assert desk.slack.errors == []


def test_a_prompt_is_settled_when_someone_else_acts_or_the_case_moves_on(running):
    desk = Desk(running)
    case = quick_case(desk, "Complex request")
    desk.fill(case.assignee, "case.joint", {"reviewers": [QC, LEADER]})
    to_qc, to_leader = asking(desk, QC, "jointly"), asking(desk, LEADER, "jointly")
    assert buttons(to_qc) == buttons(to_leader) == ["case.joint.agree", "case.joint.disagree"]
    desk.press(QC, "case.joint.agree", where=to_qc)
    settled(desk, QC, to_qc, "Lu Yan agreed; waiting for Wu Fang.")
    assert buttons(as_now(desk, LEADER, to_leader)) == ["case.joint.agree", "case.joint.disagree"]
    desk.fill(LEADER, "case.joint.disagree", {"reason": "Ask finance first."}, where=to_leader)
    settled(desk, LEADER, to_leader, "Wu Fang disagreed: Ask finance first.")

    again = asking(desk, case.assignee, "Accept or reject it again")
    assert buttons(again) == ["case.accept", "case.reject", "case.joint"]
    desk.press(case.assignee, "case.joint", where=again)
    form = form_of(desk, case.assignee, "case.joint")
    assert initial(form, "reviewers") == [QC, LEADER]  # a new round starts from those asked last
    desk.slack.close(case.assignee, form)

    # Another handler takes the case: what asked the first one to decide is settled, saying so.
    other, name = next(h for h in HANDLERS.items() if h[0] != case.assignee)
    desk.slack.wait_for(lambda: "Assigned, waiting for the handler" in desk.card_text())
    desk.press(other, "case.take")
    settled(desk, case.assignee, again, f"{name} took it.")
    assert buttons(asking(desk, other, "is yours: accept it")) == ["case.accept", "case.reject", "case.joint"]
    desk.delivered()
    assert [buttons(m) for m in desk.slack.dm(case.assignee) if "is yours" in m.text] == [[]]


def test_the_customer_is_told_and_followed_up_from_the_messages_that_ask(running_frozen, clock):
    desk = Desk(running_frozen)
    case = quick_case(desk)
    desk.press(case.assignee, "case.accept")
    desk.slack.wait_for(lambda: "Being handled" in desk.card_text())
    desk.fill(case.assignee, "case.submit", {"result": "Address changed."})
    desk.press(LEADER, "case.review.pass", where=asking(desk, LEADER, "first level"))
    desk.press(DEPUTY, "case.review.pass", where=asking(desk, DEPUTY, "second level"))

    tell = asking(desk, case.assignee, "passed both reviews")
    assert buttons(tell) == ["case.informed"]
    desk.fill(case.assignee, "case.informed", {"how": "Phone call at 15:10"}, where=tell)
    settled(desk, case.assignee, tell, "Customer informed: Phone call at 15:10.")

    clock.advance(timedelta(days=5))
    run_due_sweeps(running_frozen.db, bot.sweeps_for(running_frozen.bot.center), clock)
    follow_up = asking(desk, CLERK, "Time to follow up")
    assert buttons(follow_up) == ["case.satisfaction"]
    desk.fill(CLERK, "case.satisfaction", {"score": "5"}, where=follow_up)
    settled(desk, CLERK, follow_up, "Follow-up: 5/5. Closed.")


def test_a_rejection_and_a_reminder_carry_their_buttons(running_frozen, clock):
    desk = Desk(running_frozen)
    case = quick_case(desk, "Where is my parcel?")
    clock.advance(timedelta(hours=3, minutes=10))  # within two business hours of the 4-hour reply target
    run_due_sweeps(running_frozen.db, bot.sweeps_for(running_frozen.bot.center), clock)
    reminder = asking(desk, case.assignee, "the reply is due")
    assert buttons(reminder) == ["case.replied"]
    desk.fill(case.assignee, "case.replied", {"how": "Called back"}, where=reminder)
    settled(desk, case.assignee, reminder, "Replied to the customer: Called back.")

    desk.fill(case.assignee, "case.reject", {"reason": "Not a service we offer."})
    rejected = asking(desk, case.assignee, "is rejected")
    assert buttons(rejected) == ["case.informed"]
    desk.fill(case.assignee, "case.informed", {"how": "Phone call"}, where=rejected)
    settled(desk, case.assignee, rejected, "Customer told of the rejection: Phone call.")
