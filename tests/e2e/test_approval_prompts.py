"""Approval messages that ask someone to act, end to end: Resubmit… with a form filled in from the request,
dates that must lie ahead, the decision buttons on reminders, escalations and a delegate's handover (withdrawn
once the step is decided or the request moves on), and cards and `/approval show` saying who a step waits for,
for whom a delegate decided, and the history in one vocabulary."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from opsbot.audit import AuditEntry
from tests.e2e.test_approval_flows import (
    CHANNEL,
    QINBO,
    SHIHONG,
    SPECIALIST,
    SUNLI,
    WUFANG,
    ZHAOMIN,
    ZHOUJIE,
    approve,
    ask,
    chain,
    quick,
    say,
    settled,
    stale_click,
)
from tests.e2e.test_approval_safeguards import PAST_ESCALATION, wait_ticks
from tests.e2e.test_approvals import approver_card, text_of

FENGYU, CHENJING, TANGXIN = "U0FENGYU", "U0CHENJING", "U0TANGXIN"


def buttons(message):
    return {e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]}


def current(running, user, message):
    """The message as it is now in the person's direct messages (updated in place since it was read)."""
    return next(m for m in running.slack.dm(user) if m.ts == message.ts)


def dm_with(running, user, words):
    return running.slack.wait_for(lambda: [m for m in running.slack.dm(user) if words in m.text])


def returned_by(running, user, number, reason):
    card = approver_card(running, user, number)
    running.slack.click(user, card, "approval.return")
    (form,) = running.slack.wait_for(lambda: running.slack.open_views(user))
    running.slack.submit(user, form, {"reason": reason})
    settled(running, number, "returned")


def requester_card(running, number):
    return running.slack.wait_for(
        lambda: [m for m in running.slack.dm(SPECIALIST) if m.text.startswith(f"{number} · ")]
    )[0]


def resubmit_form(running, user=SPECIALIST):
    (form,) = running.slack.wait_for(
        lambda: [v for v in running.slack.open_views(user) if v.callback_id == "approval.resubmit.form"]
    )
    return form


def inputs(view):
    return {b["block_id"]: b["element"] for b in view.blocks if b["type"] == "input"}


def fill(running, kind, purpose, user=SPECIALIST, **fields):
    """The /approval form for `kind`, submitted: the open form and the answer (which may hold errors)."""
    slack = running.slack
    slack.command(user, "/approval")
    (form,) = slack.wait_for(lambda: slack.open_views(user))
    slack.click(user, form, "kind", selected_option=kind)
    (form,) = slack.wait_for(
        lambda: [
            v for v in slack.open_views(user) if v.blocks[0]["element"]["initial_option"]["value"] == kind
        ]
    )
    return form, slack.submit(user, form, {"kind": kind, "purpose": purpose, **fields})


# ---- 12. Resubmit… -------------------------------------------------------------------------------------


def test_resubmit_opens_a_form_filled_in_from_the_request_and_resubmits_its_corrections(running):
    number = ask(
        running,
        "project_initiation",
        "Queue display screens",
        amount="80000",
        deadline="2026-12-15",
        details="Two screens per counter",
    )
    assert [s.approver for s in chain(running, number)[1]] == [SUNLI, QINBO, ZHAOMIN]
    returned_by(running, SUNLI, number, "Quote the third screen too.")
    # The direct message that returns it names the command and carries the button; so does the card.
    (told,) = dm_with(running, SPECIALIST, "was returned for correction by Sun Li")
    assert f"/approval resubmit {number} [amount=…] [new purpose]" in text_of(told)
    assert "Quote the third screen too." in told.text
    assert buttons(told) == {"approval.resubmit"}
    running.slack.wait_for(lambda: "approval.resubmit" in buttons(requester_card(running, number)))
    # Whoever may not resubmit is told at once, before any form opens.
    stale_click(running, WUFANG, told, "approval.resubmit")
    refusal = running.slack.wait_for(lambda: running.slack.ephemerals(WUFANG))
    assert refusal[0].text.startswith(f"Only <@{SPECIALIST}> (who asked for it) can resubmit {number};")
    assert running.slack.open_views(WUFANG) == []
    running.slack.click(SPECIALIST, told, "approval.resubmit")
    form = resubmit_form(running)
    assert "returned for correction by Sun Li: “Quote the third screen too.”" in text_of(form)
    filled = inputs(form)
    assert filled["purpose"]["initial_value"] == "Queue display screens"
    assert filled["amount"]["initial_value"] == "80000.00"
    assert filled["deadline"]["initial_date"] == "2026-12-15"
    assert filled["details"]["initial_value"] == "Two screens per counter"
    # A purpose that starts with a number stays a purpose; the amount is its own field.
    reply = running.slack.submit(
        SPECIALIST,
        form,
        {"purpose": "2026 screens, three per counter", "amount": "120000", "deadline": "2026-12-20"},
    )
    assert reply.status == 200 and "errors" not in (reply.json or {}), reply.body
    request, steps = settled(running, number, "pending")
    assert (request.purpose, request.amount) == ("2026 screens, three per counter", Decimal("120000"))
    assert request.fields == {"deadline": "2026-12-20", "details": "Two screens per counter"}
    assert [(s.round, s.approver) for s in steps] == [(2, SUNLI), (2, QINBO), (2, SHIHONG), (2, ZHAOMIN)]
    with running.db.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject == number, AuditEntry.action == "approval.resubmitted"
            )
        ).one()
    assert (entry.before["deadline"], entry.after["deadline"]) == ("2026-12-15", "2026-12-20")
    # Both buttons are withdrawn in place; the message says what became of it.
    running.slack.wait_for(lambda: "approval.resubmit" not in buttons(current(running, SPECIALIST, told)))
    assert "You resubmitted" in text_of(current(running, SPECIALIST, told))
    running.slack.wait_for(lambda: not buttons(requester_card(running, number)))
    # A screen not yet refreshed: refused before the form opens.
    stale_click(running, SPECIALIST, told, "approval.resubmit")
    refusal = running.slack.wait_for(lambda: running.slack.ephemerals(SPECIALIST))
    assert "only a request returned for correction is resubmitted" in refusal[-1].text
    assert not [v for v in running.slack.open_views(SPECIALIST) if v.callback_id == "approval.resubmit.form"]
    assert running.slack.errors == []


# ---- 13. dates that must lie ahead -------------------------------------------------------------------


def test_dates_already_past_in_the_center_are_refused_on_the_form(running_frozen, clock):
    running = running_frozen
    clock.advance(timedelta(hours=18))  # Monday 20:00 UTC, Tuesday 2026-11-24 04:00 in Shanghai
    before = running.row_counts()
    form, reply = fill(running, "leave", "Family visit", start_date="2026-11-23", end_date="2026-11-25")
    assert reply.json["errors"] == {
        "start_date": "The first day (2026-11-23) is already past; choose today (2026-11-24) or a later day."
    }
    again = {"kind": "leave", "purpose": "Family visit", "start_date": "2026-11-26", "end_date": "2026-11-25"}
    reply = running.slack.submit(SPECIALIST, form, again)
    assert reply.json["errors"] == {"end_date": "The last day comes before the first."}
    running.slack.close(SPECIALIST, form)
    form, reply = fill(
        running,
        "collaboration",
        "Help with the forms",
        user=FENGYU,
        target_unit="tech",
        deadline="2026-11-23",
    )
    assert reply.json["errors"] == {
        "deadline": "The deadline (2026-11-23) is already past; choose today (2026-11-24) or a later day."
    }
    running.delivered()
    assert running.row_counts() == before
    # The center's today is ahead enough.
    number = ask(running, "leave", "Family visit", start_date="2026-11-24", end_date="2026-11-25")
    assert chain(running, number)[0].fields == {"start_date": "2026-11-24", "end_date": "2026-11-25"}


def test_a_resubmission_is_refused_a_deadline_that_has_passed_since(running_frozen, clock):
    running = running_frozen
    number = ask(running, "project_change", "Move the go-live", deadline="2026-11-25")
    returned_by(running, SUNLI, number, "Which week?")
    clock.advance(timedelta(days=3))  # Thursday 2026-11-26 in Shanghai
    reply = say(running, SPECIALIST, f"resubmit {number} Move the go-live to December")
    assert reply.startswith("The deadline (2026-11-25) is already past; choose today (2026-11-26) or a later")
    assert "*Resubmit…*" in reply
    assert chain(running, number)[0].state == "returned"
    running.delivered()
    running.slack.click(SPECIALIST, requester_card(running, number), "approval.resubmit")
    form = resubmit_form(running)
    assert inputs(form)["deadline"]["initial_date"] == "2026-11-25"
    reply = running.slack.submit(SPECIALIST, form, {})
    assert reply.json["errors"] == {
        "deadline": "The deadline (2026-11-25) is already past; choose today (2026-11-26) or a later day."
    }
    assert chain(running, number)[0].state == "returned"
    reply = running.slack.submit(SPECIALIST, form, {"deadline": "2026-12-10"})
    assert "errors" not in (reply.json or {}), reply.body
    request, _ = settled(running, number, "pending")
    assert request.fields == {"deadline": "2026-12-10"} and request.purpose == "Move the go-live"


# ---- 14. messages that ask someone to act carry the buttons, withdrawn once done ------------------------


def test_a_reminder_carries_the_buttons_until_the_step_is_decided(running_frozen, clock):
    running = running_frozen
    say(running, WUFANG, "delegate <@U0CHENJING|chen.jing> until 2099-12-31")
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)
    wait_ticks(running, clock, [timedelta(hours=4, minutes=5)])
    (reminder,) = dm_with(running, WUFANG, "⏰")
    (stand_in,) = dm_with(running, CHENJING, "⏰")
    for message in (reminder, stand_in):
        assert number in message.text and "Taxi to the client" in message.text
        assert buttons(message) == {"approval.approve", "approval.deny", "approval.return"}
    running.slack.click(WUFANG, reminder, "approval.approve")
    running.slack.wait_for(lambda: chain(running, number)[1][0].decided_by == WUFANG)
    for user, message in ((WUFANG, reminder), (CHENJING, stand_in)):
        running.slack.wait_for(lambda u=user, m=message: not buttons(current(running, u, m)))
        assert "Step 1 was approved by Wu Fang." in text_of(current(running, user, message))
    running.delivered()
    assert not [m for m in running.slack.dm(CHENJING) if buttons(m)]  # nor on Chen Jing's card
    assert running.slack.errors == []


def test_the_superior_a_step_is_escalated_to_is_asked_with_the_buttons(running_frozen, clock):
    running = running_frozen
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)
    wait_ticks(running, clock, PAST_ESCALATION)
    (asked,) = dm_with(running, ZHOUJIE, "⚠️")
    assert number in asked.text and "As their superior you may decide it." in asked.text
    assert "approval.approve" in buttons(asked)
    running.delivered()
    assert len(running.slack.dm(ZHOUJIE)) == 1  # one message: why, the request, and the buttons
    approve(running, WUFANG, number)  # the approver decides after all
    running.slack.wait_for(lambda: not buttons(current(running, ZHOUJIE, asked)))
    assert "Step 1 was approved by Wu Fang." in text_of(current(running, ZHOUJIE, asked))
    assert running.slack.errors == []


def test_a_replaced_or_ended_delegation_withdraws_the_delegates_buttons(running):
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)
    say(running, WUFANG, "delegate <@U0FENGYU|feng.yu> until 2099-12-31")
    handed = approver_card(running, FENGYU, number)
    assert f"Wu Fang is away: you may decide step 1 of {number} (Direct superior) for them." in handed.text
    say(running, WUFANG, "delegate <@U0CHENJING|chen.jing> until 2099-12-31")
    second = approver_card(running, CHENJING, number)
    running.slack.wait_for(lambda: not buttons(current(running, FENGYU, handed)))
    assert "Step 1 no longer waits for you." in text_of(current(running, FENGYU, handed))
    line = "1. Direct superior: Wu Fang — now waits for Chen Jing (standing in) or Wu Fang"
    running.slack.wait_for(lambda: [m for m in running.slack.messages(CHANNEL) if line in text_of(m)])
    say(running, WUFANG, "delegate off")
    running.slack.wait_for(lambda: not buttons(current(running, CHENJING, second)))
    running.delivered()
    (card,) = running.slack.messages(CHANNEL)
    assert "standing in" not in text_of(card)
    assert "approval.approve" in buttons(approver_card(running, WUFANG, number))
    assert running.slack.errors == []


# ---- 18. who a step waits for, for whom a delegate decided, one vocabulary ------------------------------


def test_an_escalated_step_says_whom_it_waits_for_now(running_frozen, clock):
    running = running_frozen
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)
    wait_ticks(running, clock, PAST_ESCALATION)
    line = "1. Direct superior: Wu Fang — now waits for Zhou Jie (escalated) or Wu Fang"
    running.slack.wait_for(lambda: line in text_of(running.slack.messages(CHANNEL)[0]))
    running.slack.wait_for(lambda: line in text_of(requester_card(running, number)))
    assert line in say(running, SPECIALIST, f"show {number}")
    approve(running, ZHOUJIE, number)
    decided = "1. Direct superior: Wu Fang — approved by Zhou Jie as Wu Fang's superior"
    running.slack.wait_for(lambda: decided in text_of(running.slack.messages(CHANNEL)[0]))
    shown = say(running, SPECIALIST, f"show {number}")
    assert decided in shown
    assert "opsbot · escalated step 1 from Wu Fang to Zhou Jie" in shown
    assert "Zhou Jie · approved at step 1 as Wu Fang's superior" in shown


def test_a_delegates_decision_says_for_whom(running):
    say(running, SHIHONG, "delegate <@U0TANGXIN|tang.xin> until 2099-12-31")
    number = quick(running, "expense 480 Taxi to the client")
    approve(running, WUFANG, number)
    approve(running, TANGXIN, number)
    settled(running, number, "approved")
    decided = "2. Finance review: Shi Hong — approved by Tang Xin for Shi Hong"
    running.slack.wait_for(lambda: decided in text_of(running.slack.messages(CHANNEL)[0]))
    shown = say(running, SPECIALIST, f"show {number}")
    assert decided in shown
    assert "Shi Hong · delegated step 2 to Tang Xin" in shown
    assert "Tang Xin · approved at step 2 for Shi Hong" in shown
    assert dm_with(running, SPECIALIST, f"Your request {number} was approved by Tang Xin for Shi Hong.")


VOCABULARY = (
    "requested",
    "approved",
    "denied",
    "returned for correction",
    "resubmitted",
    "withdrawn",
    "escalated",
    "delegated",
    "reminded",
)


def history(shown):
    lines = shown.split("*History*\n")[1].splitlines()
    return [line.split(" · ", 2)[2] for line in lines]


def test_the_history_speaks_one_vocabulary(running):
    number = quick(running, "expense 480 Taxi to the client")
    returned_by(running, WUFANG, number, "Attach the receipt.")
    say(running, SPECIALIST, f"resubmit {number} Taxi to the client, receipt attached")
    running.delivered()  # Wu Fang's card of the first round has lost its buttons
    approve(running, WUFANG, number)
    card = approver_card(running, SHIHONG, number)
    running.slack.click(SHIHONG, card, "approval.deny")
    (form,) = running.slack.wait_for(lambda: running.slack.open_views(SHIHONG))
    running.slack.submit(SHIHONG, form, {"reason": "Over budget."})
    settled(running, number, "denied")
    assert history(say(running, SPECIALIST, f"show {number}")) == [
        "requested",
        "returned for correction at step 1 — “Attach the receipt.”",
        "resubmitted",
        "approved at step 1",
        "denied at step 2 — “Over budget.”",
    ]
    withdrawn = quick(running, "expense 300 Printer paper")
    say(running, SPECIALIST, f"withdraw {withdrawn}")
    shown = say(running, SPECIALIST, f"show {withdrawn}")
    assert history(shown) == ["requested", "withdrawn"] and "— *withdrawn*" in shown
    for words in history(say(running, SPECIALIST, f"show {number}")):
        assert words.startswith(VOCABULARY), words


def test_show_without_a_number_asks_which(running):
    assert say(running, SPECIALIST, "show") == "Which request? Type `/approval show APR-2026-000045`."
