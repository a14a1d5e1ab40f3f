"""Approval flows end to end: the request form, the chains of the example center, return and resubmission,
withdrawal, delegation, reminders and escalation, and who may list and look."""

import time
import uuid
from datetime import timedelta

from sqlalchemy import select

import bot
from opsbot.approvals.models import ApprovalRequest
from opsbot.approvals.records import steps_of
from opsbot.audit import AuditEntry
from opsbot.sweeps import run_due_sweeps
from tests.e2e.test_approvals import approver_card, text_of

SPECIALIST = "U0ZHENGHAO"  # reports to Wu Fang, in intake (business department, head Sun Li)
WUFANG, ZHOUJIE, SUNLI, FENGYU = "U0WUFANG", "U0ZHOUJIE", "U0SUNLI", "U0FENGYU"
QINBO, HEPING, ZHAOMIN, SHIHONG = "U0QINBO", "U0HEPING", "U0ZHAOMIN", "U0SHIHONG"
CHANNEL = "C0APPROVALS"


def ask(running, kind, purpose, user=SPECIALIST, **fields):
    """Fill the /approval form: choose the kind (the form redraws with its fields), then submit."""
    slack = running.slack
    assert slack.command(user, "/approval").status == 200
    (form,) = slack.wait_for(lambda: slack.open_views(user))
    assert slack.click(user, form, "kind", selected_option=kind).status == 200
    (form,) = slack.wait_for(
        lambda: [
            v
            for v in slack.open_views(user)
            if (v.blocks[0].get("element") or {}).get("initial_option", {}).get("value") == kind
        ]
    )
    reply = slack.submit(user, form, {"kind": kind, "purpose": purpose, **fields})
    assert reply.status == 200 and "errors" not in (reply.json or {}), reply.body
    with running.db.reading() as session:
        return session.scalars(
            select(ApprovalRequest.number)
            .where(ApprovalRequest.requester == user)
            .order_by(ApprovalRequest.id.desc())
        ).first()


def chain(running, number):
    """The request and the steps of its latest round."""
    with running.db.reading() as session:
        request = session.scalars(select(ApprovalRequest).where(ApprovalRequest.number == number)).one()
        return request, steps_of(session, request)


def quick(running, text, user=SPECIALIST):
    reply = running.slack.command(user, "/approval", f"request {text}")
    assert reply.json["text"].startswith("Asked for APR-2026-"), reply.json["text"]
    return reply.json["text"].split()[2].rstrip(";")


def say(running, user, text):
    return running.slack.command(user, "/approval", text).json["text"]


def approve(running, user, number):
    card = approver_card(running, user, number)
    assert running.slack.click(user, card, "approval.approve").status == 200


def settled(running, number, state):
    return running.slack.wait_for(lambda: chain(running, number)[0].state == state and chain(running, number))


def walk(running, number, approvers):
    _, steps = chain(running, number)
    assert [s.approver for s in steps] == approvers
    for user in approvers:
        approve(running, user, number)
    return settled(running, number, "approved")


def told(running, user, words):
    return running.slack.wait_for(lambda: [m.text for m in running.slack.dm(user) if words in m.text])


def cards(running, where, number):
    return [m for m in running.slack.messages(where) if number in m.text]


def test_leave_through_the_form_walks_its_chain(running):
    number = ask(running, "leave", "Family visit", start_date="2026-12-01", end_date="2026-12-03")
    request, steps = walk(running, number, [WUFANG, SUNLI])
    assert request.fields == {"start_date": "2026-12-01", "end_date": "2026-12-03"}
    assert [(s.state, s.decided_by) for s in steps] == [("approved", WUFANG), ("approved", SUNLI)]
    assert f"Your request {number} was approved by Sun Li." in told(running, SPECIALIST, "approved by")[0]
    card = running.slack.wait_for(
        lambda: [m for m in cards(running, CHANNEL, number) if "— approved" in m.text]
    )
    assert len(running.slack.messages(CHANNEL)) == 1
    shown = text_of(card[0])
    assert "✓ 1. Direct superior: Wu Fang" in shown and "✓ 2. Department head: Sun Li" in shown
    assert "2026-12-01" in shown and "approval.approve" not in shown
    assert running.slack.errors == []


def test_collaboration_goes_to_the_receiving_unit_head(running):
    number = ask(
        running, "collaboration", "Help migrating the intake forms", target_unit="tech", deadline="2026-12-15"
    )
    request, _ = walk(running, number, [QINBO])
    assert request.fields["target_unit"] == "tech"
    assert running.slack.errors == []


def test_process_change_business_technical_qc_management(running):
    number = ask(running, "process_change", "Scan ID documents at the counter")
    _, steps = walk(running, number, [WUFANG, QINBO, HEPING, ZHAOMIN])
    assert [s.label for s in steps] == [
        "direct_superior",
        "Technical assessment",
        "QC risk assessment",
        "Director",
    ]
    assert running.slack.errors == []


def test_returned_for_correction_then_resubmitted(running):
    number = quick(running, "expense 480 Taxi to the client")
    card = approver_card(running, WUFANG, number)
    assert "approval.return" in text_of(card)
    running.slack.click(WUFANG, card, "approval.return")
    (form,) = running.slack.wait_for(lambda: running.slack.open_views(WUFANG))
    running.slack.submit(WUFANG, form, {"reason": "Attach the taxi receipt."})
    request, steps = settled(running, number, "returned")
    assert [s.state for s in steps] == ["returned", "cancelled"]
    assert "Attach the taxi receipt." in told(running, SPECIALIST, "was returned for correction")[0]
    assert "resubmit" in say(running, WUFANG, f"resubmit {number}")  # only the requester
    assert say(running, SPECIALIST, f"resubmit {number} Taxi to the client, receipt attached").startswith(
        f"{number} is resubmitted"
    )
    request, steps = settled(running, number, "pending")
    assert request.purpose.endswith("receipt attached") and {s.round for s in steps} == {2}
    approve(running, WUFANG, number)
    approve(running, SHIHONG, number)
    settled(running, number, "approved")
    shown = say(running, SPECIALIST, f"show {number}")
    assert "Wu Fang · returned for correction at step 1 — “Attach the taxi receipt.”" in shown
    assert "Zheng Hao · resubmitted" in shown
    assert shown.count("· approved at step") == 2  # round 2: Wu Fang, then Shi Hong
    leave = ask(running, "leave", "A day off", start_date="2026-12-07", end_date="2026-12-07")
    assert "approval.return" not in text_of(approver_card(running, WUFANG, leave))
    assert running.slack.errors == []


def stale_click(running, user, card, action_id):
    """A click on a copy of a card as it was (one the user still sees, or one that is not theirs): what
    Slack would send, whatever the card shows now."""
    slack = running.slack
    (block,) = [b for b in card.blocks if b["type"] == "actions"]
    (button,) = [e for e in block["elements"] if e["action_id"] == action_id]
    action = {
        "type": "button",
        "action_id": action_id,
        "block_id": block["block_id"],
        "value": button["value"],
    }
    payload = slack.payloads.interaction(
        "block_actions",
        user,
        container={
            "type": "message",
            "message_ts": card.ts,
            "channel_id": card.channel,
            "is_ephemeral": False,
        },
        channel={"id": card.channel, "name": "directmessage"},
        response_url=slack.store.mint_response_url(slack.base_url, user, card.channel, card.ts),
        trigger_id=f"stale.{uuid.uuid4().hex}",  # a new user action each time, never a redelivery
        actions=[action | {"action_ts": f"{time.time():.6f}"}],
    )
    return slack.send_interaction(payload)


def test_withdraw_before_the_final_decision(running):
    number = quick(running, "expense 480 Printer paper")
    card = approver_card(running, WUFANG, number)
    assert "only" in say(running, FENGYU, f"withdraw {number}").lower()
    assert say(running, SPECIALIST, f"withdraw {number}") == f"{number} is withdrawn."
    assert "already withdrawn" in say(running, SPECIALIST, f"withdraw {number}")
    running.slack.wait_for(
        lambda: [
            m
            for m in running.slack.dm(WUFANG)
            if "withdrawn" in m.text and "approval.approve" not in text_of(m)
        ]
    )
    assert not [m for m in running.slack.dm(WUFANG) if "approval.approve" in text_of(m)]
    stale_click(running, WUFANG, card, "approval.approve")  # a screen not yet refreshed
    refusal = running.slack.wait_for(lambda: running.slack.ephemerals(WUFANG))
    assert f"{number} is withdrawn" in refusal[0].text
    request, steps = chain(running, number)
    assert request.state == "withdrawn" and [s.state for s in steps] == ["cancelled", "cancelled"]
    assert running.slack.errors == []


def test_a_delegate_decides_for_the_approver(running):
    reply = say(running, WUFANG, "delegate <@U0FENGYU|feng.yu> until 2026-12-24")
    assert reply == (
        "Until 2026-12-24, <@U0FENGYU> may decide your approvals. `/approval delegate off` ends it sooner."
    )
    number = quick(running, "expense 480 Taxi to the airport")
    approver_card(running, WUFANG, number)
    card = approver_card(running, FENGYU, number)
    assert number in say(running, FENGYU, "list").split("*Your requests*")[0]
    running.slack.click(FENGYU, card, "approval.approve")
    _, steps = running.slack.wait_for(
        lambda: chain(running, number)[1][0].decided_by and chain(running, number)
    )
    assert (steps[0].state, steps[0].decided_by, steps[1].state) == ("approved", FENGYU, "pending")
    with running.db.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.subject == number, AuditEntry.action == "approval.approve")
        ).one()
    assert (entry.actor, entry.after["acting_for"]) == (FENGYU, WUFANG)
    running.slack.wait_for(
        lambda: (
            not [m for m in running.slack.dm(FENGYU) if number in m.text and "approval.approve" in text_of(m)]
        )
    )
    # Feng Yu's own request: Wu Fang decides it, and Feng Yu gets no buttons and is refused.
    own = quick(running, "expense 300 Team lunch", user=FENGYU)
    own_card = approver_card(running, WUFANG, own)
    assert not [m for m in running.slack.dm(FENGYU) if "approval.approve" in text_of(m)]
    assert own not in say(running, FENGYU, "list").split("*Your requests*")[0]
    running.slack.click(FENGYU, own_card, "approval.approve")
    running.slack.wait_for(
        lambda: [
            m for m in running.slack.ephemerals(FENGYU) if "Only someone other than its requester" in m.text
        ]
    )
    assert chain(running, own)[1][0].state == "pending"
    assert running.slack.errors == []


def tick(running, clock, advance):
    clock.advance(advance)
    return run_due_sweeps(running.db, bot.sweeps_for(running.bot.center), clock)


def test_a_step_waiting_too_long_is_reminded_then_escalated(running_frozen, clock):
    running = running_frozen  # Monday 10:00 in Shanghai; business hours 9–18
    number = quick(running, "expense 480 Taxi to the client")
    approver_card(running, WUFANG, number)

    def notes(user, mark):
        return [m.text for m in running.slack.dm(user) if mark in m.text]

    tick(running, clock, timedelta(hours=3, minutes=55))
    assert not notes(WUFANG, "⏰")
    tick(running, clock, timedelta(minutes=10))  # 14:05: four business hours
    running.slack.wait_for(lambda: notes(WUFANG, "⏰"))
    tick(running, clock, timedelta(minutes=30))
    assert len(notes(WUFANG, "⏰")) == 1 and not notes(ZHOUJIE, "⚠️")
    tick(running, clock, timedelta(hours=3, minutes=30))  # 18:05: eight business hours
    assert number in running.slack.wait_for(lambda: notes(ZHOUJIE, "⚠️"))[0]
    card = approver_card(running, ZHOUJIE, number)
    for _ in range(3):
        tick(running, clock, timedelta(hours=2))
    assert len(notes(ZHOUJIE, "⚠️")) == 1 and len(notes(WUFANG, "⏰")) == 1
    running.slack.click(ZHOUJIE, card, "approval.approve")
    _, steps = running.slack.wait_for(
        lambda: chain(running, number)[1][0].decided_by and chain(running, number)
    )
    assert (steps[0].decided_by, steps[0].escalated_to, steps[1].state) == (ZHOUJIE, ZHOUJIE, "pending")
    assert running.slack.errors == []


def test_list_and_who_may_look(running):
    number = quick(running, "expense 480 Taxi to the client")
    waiting, mine = say(running, WUFANG, "list").split("*Your requests*")
    assert number in waiting and number not in mine
    waiting, mine = say(running, SPECIALIST, "list").split("*Your requests*")
    assert number not in waiting and number in mine and "pending" in mine
    assert f"can see {number}; you are a" in say(running, "U0ZHULIN", f"show {number}")
    for user in (SPECIALIST, WUFANG, "U0LUYAN", "U0HANMEI"):  # requester, approver, QC, a manager
        assert say(running, user, f"show {number}").startswith(f"*{number}* Expense reimbursement")
    assert running.slack.errors == []


def test_a_delegate_who_approves_another_step_keeps_to_their_own(running):
    say(running, WUFANG, "delegate <@U0SUNLI|sun.li> until 2026-12-24")
    number = ask(running, "leave", "Two days off", start_date="2026-12-10", end_date="2026-12-11")
    card = approver_card(running, WUFANG, number)
    running.delivered()  # the delegate's copy would follow the approver's
    assert not [m for m in running.slack.dm(SUNLI) if number in m.text]  # no copy with Wu Fang's buttons
    stale_click(running, SUNLI, card, "approval.approve")
    running.slack.wait_for(
        lambda: [m for m in running.slack.ephemerals(SUNLI) if "another of its steps" in m.text]
    )
    assert chain(running, number)[1][0].state == "pending"
    walk(running, number, [WUFANG, SUNLI])
    assert running.slack.errors == []


def test_a_step_with_no_one_free_above_tells_leadership_once(running_frozen, clock):
    """The deputy director's expense goes to the director, who has no one above: when the step has waited
    eight business hours, the leadership channel is told, once, and the ladder stops there."""
    running = running_frozen
    number = quick(running, "expense 480 Taxi to the ministry", user="U0QIANLEI")
    approver_card(running, ZHAOMIN, number)
    tick(running, clock, timedelta(hours=8, minutes=5))  # 18:05: eight business hours
    told = running.slack.wait_for(
        lambda: [m.text for m in running.slack.messages("C0LEADERS") if number in m.text]
    )
    assert "as far up as it can" in told[0]
    tick(running, clock, timedelta(days=2))
    running.delivered()
    assert len([m for m in running.slack.messages("C0LEADERS") if number in m.text]) == 1
    assert (
        chain(running, number)[1][0].escalated_to is None and chain(running, number)[1][0].state == "pending"
    )
    assert running.slack.errors == []
