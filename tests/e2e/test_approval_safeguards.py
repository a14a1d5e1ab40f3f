"""Approval safeguards end to end: segregation of duties under escalation, amounts the database can hold,
what `/approval show` and `/approval list` give the people who decide, delegation (bad input, steps already
waiting, reminders), correcting the amount on resubmission, stale clicks, people's text kept inert, and the
lock order of the escalation sweep."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from opsbot.approvals.models import ApprovalStep
from opsbot.approvals.records import SUBJECT, steps_of
from opsbot.audit import AuditEntry
from tests.e2e.test_approval_flows import (
    CHANNEL,
    HEPING,
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
    tick,
)
from tests.e2e.test_approvals import approver_card, text_of

QIANLEI, CHENJING, FENGYU, ZHULIN = "U0QIANLEI", "U0CHENJING", "U0FENGYU", "U0ZHULIN"
HANMEI, YANGTAO = "U0HANMEI", "U0YANGTAO"
# Three ticks of 3h05 from Monday 10:00 pass the eight business hours after which a step is escalated.
PAST_ESCALATION = [timedelta(hours=3, minutes=5)] * 3
# From an evening: the whole next working day.
NEXT_DAY_PAST_ESCALATION = [timedelta(hours=3, minutes=5)] * 12


def wait_ticks(running, clock, advances):
    for advance in advances:
        tick(running, clock, advance)


def ephemeral_with(running, user, words):
    return running.slack.wait_for(lambda: [m.text for m in running.slack.ephemerals(user) if words in m.text])


def notes(running, user, mark):
    return [m.text for m in running.slack.dm(user) if mark in m.text]


# ---- 1. segregation of duties under escalation ----------------------------------------------------------


def step_two_decided_by_qianlei(running, clock):
    """A process change whose step 2 (Qin Bo) waited too long, was escalated to Qian Lei, and she approved
    it as Qin Bo's superior."""
    number = ask(running, "process_change", "Scan ID documents at the counter")
    approve(running, WUFANG, number)
    running.slack.wait_for(lambda: chain(running, number)[1][1].state == "pending")
    wait_ticks(running, clock, PAST_ESCALATION)
    running.slack.wait_for(lambda: chain(running, number)[1][1].escalated_to == QIANLEI)
    approve(running, QIANLEI, number)
    return number


def test_a_superior_who_decided_one_step_is_not_escalated_another(running_frozen, clock):
    """The reviewer's walk-through: a process change whose step 2 (Qin Bo) is escalated to Qian Lei, who
    approves it. Step 3 (He Ping) would go to He Ping's superior, Qian Lei again, then Zhao Min, who approves
    step 4: no one is free, so step 3 stays with He Ping (reminded), and Qian Lei never gets its buttons."""
    running = running_frozen
    number = step_two_decided_by_qianlei(running, clock)
    running.slack.wait_for(lambda: chain(running, number)[1][2].state == "pending")
    wait_ticks(running, clock, NEXT_DAY_PAST_ESCALATION)
    _, steps = chain(running, number)
    assert [(s.approver, s.decided_by, s.escalated_to) for s in steps[1:3]] == [
        (QINBO, QIANLEI, QIANLEI),
        (HEPING, None, None),
    ]
    assert running.slack.wait_for(lambda: [t for t in notes(running, HEPING, "⏰") if number in t])
    running.delivered()
    assert not [m for m in running.slack.dm(QIANLEI) if f"{number}:1:3" in text_of(m)]
    assert running.slack.errors == []


def test_an_escalated_superior_cannot_decide_a_second_step(running_frozen, clock):
    """A step escalated before the rule held (or by hand) to someone who decided another step: decide refuses
    them; only the step's own approver is exempt from the check."""
    running = running_frozen
    number = step_two_decided_by_qianlei(running, clock)
    card = approver_card(running, HEPING, number)
    with running.db.transaction() as session:
        request = SUBJECT.load(session, number)
        steps_of(session, request)[2].escalated_to = QIANLEI  # what the old sweep did
    stale_click(running, QIANLEI, card, "approval.approve")  # a card that is not theirs
    assert "another of its steps" in ephemeral_with(running, QIANLEI, number)[0]
    assert chain(running, number)[1][2].state == "pending"
    approve(running, HEPING, number)  # He Ping, the step's own approver, still decides it
    running.slack.wait_for(lambda: chain(running, number)[1][2].decided_by == HEPING)


def test_escalation_goes_further_up_past_whoever_decided_another_step(running_frozen, clock):
    """Zhu Lin's 48,000 expense: Yang Tao → Han Mei → Shi Hong. Step 1 goes up past Han Mei (step 2's
    approver) to Qian Lei, who approves it; step 2 then goes up past Qian Lei (who decided step 1) to Zhao
    Min."""
    running = running_frozen
    number = quick(running, "expense 48000 Service desk chairs", user=ZHULIN)
    assert [s.approver for s in chain(running, number)[1]] == [YANGTAO, HANMEI, SHIHONG]
    wait_ticks(running, clock, PAST_ESCALATION)
    running.slack.wait_for(lambda: chain(running, number)[1][0].escalated_to == QIANLEI)
    approve(running, QIANLEI, number)
    running.slack.wait_for(lambda: chain(running, number)[1][1].state == "pending")
    wait_ticks(running, clock, NEXT_DAY_PAST_ESCALATION)
    running.slack.wait_for(lambda: chain(running, number)[1][1].escalated_to == ZHAOMIN)
    approve(running, ZHAOMIN, number)
    _, steps = running.slack.wait_for(
        lambda: chain(running, number)[1][1].decided_by and chain(running, number)
    )
    deciders = [s.decided_by for s in steps if s.decided_by]
    assert deciders == [QIANLEI, ZHAOMIN] and len(set(deciders)) == len(deciders)


# ---- 2. amounts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["1000000000000", "99999999999999.99", "1,000,000,000,000"])
def test_an_amount_too_large_for_the_database_is_refused_clearly(running, amount):
    before = running.row_counts()
    reply = say(running, SPECIALIST, f"request expense {amount} Taxi")
    assert "is more than opsbot can record: amounts go up to 999,999,999,999.99" in reply, reply
    assert running.row_counts() == before


@pytest.mark.parametrize(
    "amount", ["1e15", "1e10", "1E3", "1_000", "1,2,3", "48,00", "NaN", "Infinity", "4.8万万"]
)
def test_odd_amount_notations_are_refused(running, amount):
    reply = say(running, SPECIALIST, f"request expense {amount} Taxi")
    assert f"`{amount}` is not an amount; write digits with at most two decimals" in reply, reply


def test_a_third_decimal_is_refused_for_what_it_is(running):
    reply = say(running, SPECIALIST, "request expense 0.001 Taxi")
    assert "`0.001` is not an amount; give at most two decimals (in CNY)." in reply, reply


@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        ("48000", "48000"),
        ("48,000", "48000"),
        ("48000.50", "48000.50"),
        ("999999999999.99", "999999999999.99"),
        ("4.8万", "48000"),
        ("４８０００", "48000"),
        ("４８，０００", "48000"),
        ("¥48,000.00", "48000"),
    ],
)
def test_amounts_as_people_write_them(running, amount, stored):
    number = quick(running, f"expense {amount} Training course fees")
    assert chain(running, number)[0].amount == Decimal(stored)


def test_the_form_caps_the_amount_and_refuses_a_larger_one(running):
    slack = running.slack
    slack.command(SPECIALIST, "/approval")
    (form,) = slack.wait_for(lambda: slack.open_views(SPECIALIST))
    (amount,) = [b for b in form.blocks if b["block_id"] == "amount"]
    assert amount["element"]["max_value"] == "999999999999.99"
    # A client that sends more anyway (the element's limits are the Slack client's to keep): the core's rule
    # refuses it on the field, and nothing is asked.
    before = running.row_counts()
    state = {
        "kind": {"kind": {"type": "static_select", "selected_option": {"value": "expense"}}},
        "purpose": {"purpose": {"type": "plain_text_input", "value": "Taxi"}},
        "amount": {"amount": {"type": "number_input", "value": "1000000000000"}},
    }
    view = form.raw | {"state": {"values": state}}
    forged = slack.payloads.interaction("view_submission", SPECIALIST, view=view, trigger_id="forged.1")
    reply = slack.send_interaction(forged)
    assert "more than opsbot can record" in reply.json["errors"]["amount"], reply.body
    running.delivered()
    assert running.row_counts() == before


# ---- 3. /approval show has the request's fields ------------------------------------------------------------


def test_show_has_the_fields_with_their_labels(running):
    number = ask(
        running,
        "leave",
        "Family visit",
        start_date="2026-12-01",
        end_date="2026-12-03",
        details="Back on the 4th; <!channel> knows",
    )
    shown = say(running, SPECIALIST, f"show {number}")
    assert (
        "*From*: 2026-12-01\n*To (last day)*: 2026-12-03\n*Details*: Back on the 4th; &lt;!channel&gt;"
        in shown
    )
    collaboration = ask(
        running,
        "collaboration",
        "Help migrating the intake forms",
        user=FENGYU,
        target_unit="tech",
        deadline="2026-12-15",
    )
    shown = say(running, FENGYU, f"show {collaboration}")
    assert "*Receiving unit*: Technical Support Department\n*Deadline*: 2026-12-15" in shown, shown
    card = approver_card(running, QINBO, collaboration)
    assert "Technical Support Department" in text_of(card)


# ---- 4. the superior a step was escalated to, and a delegate, see and list it ------------------------------


def test_the_escalated_superior_shows_and_lists_the_step(running_frozen, clock):
    running = running_frozen
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)
    wait_ticks(running, clock, PAST_ESCALATION)
    running.slack.wait_for(lambda: [t for t in notes(running, ZHOUJIE, "⚠️") if number in t])
    assert say(running, ZHOUJIE, f"show {number}").startswith(f"*{number}* Expense reimbursement")
    waiting = say(running, ZHOUJIE, "list").split("*Your requests*")[0]
    assert number in waiting and "step 1 (Direct superior)" in waiting


def test_a_delegate_shows_and_lists_a_step_waiting_for_whom_they_stand_in(running):
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)
    assert f"can see {number}; you are a" in say(running, CHENJING, f"show {number}")
    say(running, WUFANG, "delegate <@U0CHENJING|chen.jing> until 2099-12-31")
    assert say(running, CHENJING, f"show {number}").startswith(f"*{number}* Expense reimbursement")
    assert number in say(running, CHENJING, "list").split("*Your requests*")[0]


def test_a_delegate_with_another_step_of_the_chain_does_not_list_it(running):
    say(running, WUFANG, "delegate <@U0SUNLI|sun.li> until 2099-12-31")
    number = ask(running, "leave", "Two days off", start_date="2026-12-10", end_date="2026-12-11")
    approver_card(running, WUFANG, number)
    assert number not in say(running, SUNLI, "list").split("*Your requests*")[0]  # Sun Li approves step 2


# ---- 5. delegation input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("delegate <@U0FENGYU|f> until 2026-13-45", "`2026-13-45` is not a date; give the last day"),
        ("delegate <@U0FENGYU|f> until 2026-02-30", "`2026-02-30` is not a date; give the last day"),
        ("delegate <@U0FENGYU|f> until 2020-01-01", "2020-01-01 is already past"),
        ("delegate <@U0ZHENGHAO|me> until 2099-12-24", "Choose someone else"),
        ("delegate <@U0STRANGER|x> until 2099-12-24", "is not in the center's directory"),
    ],
)
def test_bad_delegations_are_refused_clearly(running, text, expected):
    before = running.row_counts()
    reply = say(running, SPECIALIST, text)
    assert expected in reply and "Something went wrong" not in reply, reply
    assert running.row_counts() == before


# ---- 6. resubmission corrects the amount -------------------------------------------------------------------


def returned(running, number, reason="Receipt says 48,000, not 4,800."):
    card = approver_card(running, WUFANG, number)
    running.slack.click(WUFANG, card, "approval.return")
    (form,) = running.slack.wait_for(lambda: running.slack.open_views(WUFANG))
    running.slack.submit(WUFANG, form, {"reason": reason})
    settled(running, number, "returned")
    return card


def test_resubmit_corrects_the_amount_and_the_chain_follows_its_tier(running):
    number = quick(running, "expense 4800 Taxi receipts")
    assert [s.approver for s in chain(running, number)[1]] == [WUFANG, SHIHONG]
    returned(running, number)
    assert running.slack.wait_for(
        lambda: [
            m
            for m in running.slack.dm(SPECIALIST)
            if f"/approval resubmit {number} [amount=…] [new purpose]" in text_of(m)
        ]
    )
    for bad, why in (
        ("1e5 Corrected", "`1e5` is not an amount"),
        ("1000000000000 Corrected", "more than opsbot can record"),
        ("0 Corrected", "`0` is not an amount"),
    ):
        assert why in say(running, SPECIALIST, f"resubmit {number} amount={bad}")
    assert chain(running, number)[0].state == "returned"
    reply = say(running, SPECIALIST, f"resubmit {number} amount=48,000 Corrected taxi receipts")
    assert reply == f"{number} is resubmitted with the amount CN¥48,000.00; the chain starts again."
    request, steps = settled(running, number, "pending")
    assert (request.amount, request.purpose) == (Decimal("48000"), "Corrected taxi receipts")
    assert [(s.round, s.approver) for s in steps] == [(2, WUFANG), (2, SUNLI), (2, SHIHONG)]  # the next tier
    with running.db.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject == number, AuditEntry.action == "approval.resubmitted"
            )
        ).one()
        rounds = session.scalars(
            select(ApprovalStep.round).where(ApprovalStep.request_id == request.id)
        ).all()
    assert entry.before == {"purpose": "Taxi receipts", "amount": "4800.00"}
    assert entry.after["amount"] == "48000.00" and set(rounds) == {1, 2}  # round 1 kept as history
    assert running.slack.wait_for(
        lambda: [m for m in running.slack.messages(CHANNEL) if "CN¥48,000.00" in text_of(m)]
    )


def test_resubmit_with_only_an_amount_keeps_the_purpose(running):
    number = quick(running, "expense 4800 Taxi receipts")
    returned(running, number)
    assert "with the amount CN¥480.00" in say(running, SPECIALIST, f"resubmit {number} amount=480")
    request, _ = settled(running, number, "pending")
    assert (request.amount, request.purpose) == (Decimal("480"), "Taxi receipts")


def test_a_leading_number_is_the_purpose_of_a_kind_without_amount(running):
    number = ask(running, "process_change", "Scan IDs at the counter")
    card = approver_card(running, WUFANG, number)
    running.slack.click(WUFANG, card, "approval.return")
    (form,) = running.slack.wait_for(lambda: running.slack.open_views(WUFANG))
    running.slack.submit(WUFANG, form, {"reason": "Which counters?"})
    settled(running, number, "returned")
    assert say(running, SPECIALIST, f"resubmit {number} 2 counters first") == (
        f"{number} is resubmitted; the chain starts again."
    )
    assert chain(running, number)[0].purpose == "2 counters first"


# ---- 7. a stale click from before the resubmission ---------------------------------------------------------


def test_a_stale_click_from_an_earlier_round_says_who_decided_it(running):
    number = quick(running, "expense 480 Taxi")
    card = returned(running, number, reason="Attach the receipt.")
    say(running, SPECIALIST, f"resubmit {number} Taxi, receipt attached")
    settled(running, number, "pending")
    stale_click(running, WUFANG, card, "approval.approve")
    (told,) = ephemeral_with(running, WUFANG, "already")
    # When: Slack's date token, each reader's clock, with the center's in its fallback.
    assert told.startswith(f"Step 1 of {number} was already returned for correction by Wu Fang at <!date^")
    assert "|2026-" in told
    assert told.endswith("was resubmitted since; open its latest card.")
    assert chain(running, number)[1][0].state == "pending"  # round 2 untouched


# ---- 8. people's text stays inert --------------------------------------------------------------------------


def test_mentions_and_links_people_type_never_reach_slack_live(running_frozen, clock):
    running = running_frozen
    purpose = "<!channel> pay <https://evil.example|the invoice> & more"
    number = quick(running, f"expense 480 {purpose}")
    card = running.slack.wait_for(lambda: [m for m in running.slack.messages(CHANNEL) if number in m.text])[0]
    wait_ticks(running, clock, [timedelta(hours=4, minutes=5)])  # the reminder quotes the purpose
    reminder = running.slack.wait_for(lambda: [m for m in running.slack.dm(WUFANG) if "⏰" in m.text])[0]
    deny = approver_card(running, WUFANG, number)
    running.slack.click(WUFANG, deny, "approval.deny")
    (form,) = running.slack.wait_for(lambda: running.slack.open_views(WUFANG))
    running.slack.submit(WUFANG, form, {"reason": "Ask <!here> first, see <https://x.example|this>"})
    outcome = running.slack.wait_for(
        lambda: [m for m in running.slack.dm(SPECIALIST) if "was denied" in m.text]
    )[0]
    shown = say(running, SPECIALIST, f"show {number}")
    everything = [
        card.text,
        text_of(card),
        reminder.text,
        text_of(reminder),
        outcome.text,
        text_of(outcome),
        shown,
    ]
    for text in everything:
        for raw in ("<!channel>", "<!here>", "<https://"):
            assert raw not in text, text
    assert "@\u200bchannel pay the invoice (https://evil.example) &amp; more" in card.text
    assert "Reason: “Ask &lt;!here&gt; first" in outcome.text
    assert running.slack.errors == []


# ---- 9. the escalation sweep locks the request first -------------------------------------------------------


def test_the_sweep_and_a_decision_in_flight_do_not_deadlock(running_frozen, clock):
    """A decision holds the request's lock and is about to change the step; the sweep, due to escalate that
    step, passes it by (SKIP LOCKED on the request, taken first as the decision takes it) instead of locking
    the step and waiting for the request — which on PostgreSQL was a deadlock. It escalates on a later
    tick."""
    running = running_frozen
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)
    wait_ticks(running, clock, PAST_ESCALATION[:2])
    holding, swept, done, failures = threading.Event(), threading.Event(), threading.Event(), []

    def sweep_ran_or_waits():
        # On PostgreSQL the sweep passes the locked request by and finishes; on SQLite it queues for the one
        # writer (the database's in-turn lock) behind the decision.
        return swept.is_set() or (running.db.is_sqlite and running.db._writers._queue)

    def decision_in_flight():
        try:
            with running.db.transaction() as session:
                request = SUBJECT.load(session, number)  # the request first, as decide does
                holding.set()
                running.slack.wait_for(sweep_ran_or_waits, timeout=10)  # meanwhile the sweep runs
                steps_of(session, request)[0].reason = "touched while the sweep ran"
                session.flush()
        except Exception as error:  # the test reports it
            failures.append(error)
        finally:
            holding.set()
            done.set()

    thread = threading.Thread(target=decision_in_flight)
    thread.start()
    holding.wait(5)
    results = {}

    def sweep_meanwhile():
        try:
            results.update(tick(running, clock, PAST_ESCALATION[2]))
        except Exception as error:  # a deadlock shows here, or in the decision
            failures.append(error)
        finally:
            swept.set()

    sweep = threading.Thread(target=sweep_meanwhile)
    sweep.start()
    sweep.join(15)
    thread.join(15)
    assert failures == [] and not sweep.is_alive() and done.is_set()
    if running.db.is_sqlite:
        # One writer at a time: the sweep waited for the decision, then escalated.
        assert chain(running, number)[1][0].escalated_to == ZHOUJIE
        return
    assert results["deadlines"] == 0 and chain(running, number)[1][0].escalated_to is None
    tick(running, clock, timedelta(minutes=5))
    assert chain(running, number)[1][0].escalated_to == ZHOUJIE


# ---- 10. delegation hands over what already waits; reminders reach the delegate ----------------------------


def test_a_new_delegate_gets_the_cards_already_waiting_and_decides(running):
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)
    say(running, WUFANG, "delegate <@U0FENGYU|feng.yu> until 2099-12-31")
    approver_card(running, FENGYU, number)
    # A second delegation replaces the first: the new delegate gets a card of their own.
    say(running, WUFANG, "delegate <@U0CHENJING|chen.jing> until 2099-12-31")
    card = approver_card(running, CHENJING, number)
    running.slack.click(CHENJING, card, "approval.approve")
    _, steps = running.slack.wait_for(
        lambda: chain(running, number)[1][0].decided_by and chain(running, number)
    )
    assert (steps[0].decided_by, steps[1].state) == (CHENJING, "pending")
    assert running.slack.errors == []


def test_no_card_is_handed_to_a_delegate_on_their_own_request_or_with_another_step(running):
    own = quick(running, "expense 300 Team lunch", user=FENGYU)
    leave = ask(running, "leave", "Two days off", start_date="2026-12-10", end_date="2026-12-11")
    approver_card(running, WUFANG, own)
    approver_card(running, WUFANG, leave)
    say(running, WUFANG, "delegate <@U0FENGYU|feng.yu> until 2099-12-31")
    running.delivered()
    assert not [m for m in running.slack.dm(FENGYU) if own in m.text and "approval.approve" in text_of(m)]
    assert [m for m in running.slack.dm(FENGYU) if leave in m.text and "approval.approve" in text_of(m)]


def test_a_reminder_reaches_the_approver_and_their_delegate(running_frozen, clock):
    running = running_frozen
    say(running, WUFANG, "delegate <@U0CHENJING|chen.jing> until 2099-12-31")
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)
    wait_ticks(running, clock, [timedelta(hours=4, minutes=5)])
    assert number in running.slack.wait_for(lambda: notes(running, WUFANG, "⏰"))[0]
    (reminder,) = running.slack.wait_for(lambda: notes(running, CHENJING, "⏰"))
    assert number in reminder and "while you stand in for them" in reminder and "Wu Fang" in reminder
    wait_ticks(running, clock, [timedelta(minutes=30)])
    running.delivered()
    assert len(notes(running, WUFANG, "⏰")) == 1 and len(notes(running, CHENJING, "⏰")) == 1
