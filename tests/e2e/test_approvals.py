"""Approvals through the fake Slack: a chain walked step by step, the three cards, refusals, redelivery."""

import json
import threading

import pytest
from sqlalchemy import func, select

from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.audit import AuditEntry

SPECIALIST = "U0ZHENGHAO"
OTHER = "U0FENGYU"


def text_of(message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def chain(running, number):
    with running.db.reading() as session:
        request = session.scalars(select(ApprovalRequest).where(ApprovalRequest.number == number)).one()
        steps = session.scalars(
            select(ApprovalStep).where(ApprovalStep.request_id == request.id).order_by(ApprovalStep.position)
        ).all()
        return request, steps


def approver_card(running, user, number):
    return running.slack.wait_for(
        lambda: [m for m in running.slack.dm(user) if number in m.text and "approval.approve" in text_of(m)]
    )[0]


def ask_expense(running, amount="48000", purpose="Training course fees for the intake group"):
    reply = running.slack.command(SPECIALIST, "/approval", f"request expense {amount} {purpose}")
    assert reply.status == 200, reply.body
    assert reply.json["text"].startswith("Asked for APR-2026-"), reply.json["text"]
    return reply.json["text"].split()[2].rstrip(";")


def test_an_expense_of_48000_approved_then_denied(running):
    number = ask_expense(running)
    request, steps = chain(running, number)
    assert len(steps) >= 3
    first, second = steps[0].approver, steps[1].approver
    card = approver_card(running, first, number)
    assert running.slack.click(first, card, "approval.approve").status == 200
    second_card = approver_card(running, second, number)
    running.slack.click(second, second_card, "approval.deny")
    (form,) = running.slack.wait_for(lambda: running.slack.open_views(second))
    running.slack.submit(second, form, {"reason": "Over this quarter's training budget."})
    told = running.slack.wait_for(lambda: [m for m in running.slack.dm(SPECIALIST) if "was denied" in m.text])
    assert "Over this quarter's training budget." in told[0].text

    def final(messages):
        return [m for m in messages if number in m.text and "denied" in m.text]

    requester = running.slack.wait_for(lambda: final(running.slack.dm(SPECIALIST)))
    channel = running.slack.wait_for(lambda: final(running.slack.messages("C0APPROVALS")))
    deciders = running.slack.wait_for(lambda: final(running.slack.dm(second)))
    for shown in (requester[0], channel[0], deciders[0]):
        assert "Over this quarter" in text_of(shown) and "approval.approve" not in text_of(shown)
    assert len(running.slack.messages("C0APPROVALS")) == 1  # one card, updated in place
    request, steps = chain(running, number)
    assert (request.state, [s.state for s in steps][:2]) == ("denied", ["approved", "denied"])
    assert all(s.state == "cancelled" for s in steps[2:])


def test_the_requester_and_a_third_person_are_refused(running):
    number = ask_expense(running)
    _, steps = chain(running, number)
    card = approver_card(running, steps[0].approver, number)
    before = running.row_counts()
    payload = running.slack.click(steps[0].approver, card, "approval.approve").payload
    running.slack.wait_for(lambda: chain(running, number)[1][0].state == "approved")
    # The same button pressed by the requester and by an outsider: refused, nothing changes.
    for who in (SPECIALIST, "U0ZHULIN"):
        forged = payload | {
            "user": {"id": who, "username": who, "name": who, "team_id": "T0OPS"},
            "trigger_id": f"t.{who}",
            "actions": [payload["actions"][0] | {"action_ts": f"{who}.1"}],
        }
        running.slack.send_interaction(forged)
    assert [s.state for s in chain(running, number)[1]][:2] == ["approved", "pending"]
    running.delivered()
    assert running.row_counts()["approval_steps"] == before["approval_steps"]


def test_a_redelivered_click_decides_once(running):
    number = ask_expense(running)
    _, steps = chain(running, number)
    card = approver_card(running, steps[0].approver, number)
    click = running.slack.click(steps[0].approver, card, "approval.approve")
    running.slack.send_interaction(click.payload)
    running.slack.send_interaction(click.payload)
    running.delivered()
    with running.db.reading() as session:
        decisions = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "approval.approve")
        )
    assert decisions == 1


def test_twenty_clicks_at_once_make_one_decision(running):
    number = ask_expense(running)
    _, steps = chain(running, number)
    approver = steps[0].approver
    card = approver_card(running, approver, number)
    start = threading.Barrier(20)

    def press(n):
        start.wait()
        running.slack.click(approver, card, "approval.approve")

    threads = [threading.Thread(target=press, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with running.db.reading() as session:
        decisions = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "approval.approve")
        )
    assert decisions == 1
    second = steps[1].approver
    running.delivered()
    assert len([m for m in running.slack.dm(second) if number in m.text]) == 1  # notified once
    told = running.slack.wait_for(
        lambda: [m for m in running.slack.ephemerals(approver) if "already" in m.text]
    )
    assert told


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("request expense", "Type `/approval request &lt;kind&gt; &lt;amount&gt; &lt;purpose&gt;`"),
        ("request expense lots Taxi", "`lots` is not an amount"),
        ("request expense -5 Taxi", "is not an amount"),
        ("request nosuchkind 100 Taxi", "nosuchkind"),
        ("show APR-2026-999999", "There is no approval request APR-2026-999999"),
        ("delegate Feng until 2026-12-24", "Mention them with @ (you typed `Feng`)"),
        ("delegate <@U0FENGYU|feng.yu>", "Until when?"),
        ("delegate <@U0FENGYU|feng.yu> until tomorrow", "`tomorrow` is not a date"),
        ("frobnicate now", "I don't know `/approval frobnicate`."),
        ("request leave Family matter", "Leave of absence is asked for with the form"),
        ("request Expense 480 Taxi", "Asked for APR-2026-"),
        ("lsit", "Did you mean `/approval list`?"),
    ],
)
def test_bad_requests_say_what_to_type(running, text, expected):
    reply = running.slack.command(SPECIALIST, "/approval", text)
    assert expected in reply.json["text"]


def test_my_work_has_the_approvals_waiting_with_their_buttons(running):
    number = ask_expense(running, amount="480", purpose="Taxi to the client")
    _, steps = chain(running, number)
    approver = steps[0].approver
    running.slack.event({"type": "app_home_opened", "user": approver, "channel": "D0H", "tab": "home"})
    home = running.slack.wait_for(lambda: running.slack.home(approver))
    assert "Approvals waiting for your decision* (1)" in text_of(home) and number in text_of(home)
    assert "approval.return" in text_of(home)  # an expense may be returned for correction, here too
    running.slack.click(approver, home, "approval.approve")
    running.slack.wait_for(lambda: chain(running, number)[1][0].state == "approved")


def test_the_approver_and_their_delegate_clicking_at_once_make_one_decision(running):
    reply = running.slack.command(
        "U0WUFANG", "/approval", "delegate <@U0CHENJING|chen.jing> until 2099-12-31"
    )
    assert "may decide your approvals" in reply.json["text"]
    number = ask_expense(running)
    _, steps = chain(running, number)
    assert steps[0].approver == "U0WUFANG"
    cards = {user: approver_card(running, user, number) for user in ("U0WUFANG", "U0CHENJING")}
    start = threading.Barrier(20)

    def press(user):
        start.wait()
        running.slack.click(user, cards[user], "approval.approve")

    threads = [threading.Thread(target=press, args=(user,)) for user in ["U0WUFANG", "U0CHENJING"] * 10]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with running.db.reading() as session:
        decisions = session.scalars(select(AuditEntry).where(AuditEntry.action == "approval.approve")).all()
    assert len(decisions) == 1
    second = steps[1].approver
    running.delivered()
    assert len([m for m in running.slack.dm(second) if number in m.text]) == 1  # the next step is told once


def test_a_chain_with_merged_steps_is_stored_and_shown_whole(running):
    """The head of finance's large claim: one person takes four steps, one label of 61 characters."""
    reply = running.slack.command("U0SHIHONG", "/approval", "request expense 60000 Audit software licences")
    assert reply.json["text"].startswith("Asked for APR-2026-"), reply.json["text"]
    number = reply.json["text"].split()[2].rstrip(";")
    _, steps = chain(running, number)
    # Kept as the steps it merges (opsbot's by name, the center's functions as it calls them), shown in words.
    stored = "direct_superior + unit_head + Finance review + Director"
    assert [(s.label, s.approver) for s in steps] == [(stored, "U0ZHAOMIN")]
    card = approver_card(running, "U0ZHAOMIN", number)
    assert "Direct superior + Department head + Finance review + Director" in text_of(card)
