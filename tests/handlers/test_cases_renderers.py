"""The case renderers (the card, its thread lines, the prompts and tells), fed what the real core queued:
cases driven through the services on a test database with hostile text in every field people type, read
back from the outbox. Each message shows that text as typed and inert; the people opsbot names on the card are
mentioned; a line or a prompt queued before notices still shows its sentence, escaped."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

import bot
from handlers.app import renderers, wording
from handlers.cases.card import RENDERERS
from opsbot import outbox
from opsbot.cases import assignment, details, feedback, handling, intake
from opsbot.cases.inputs import IntakeForm
from opsbot.cases.records import load, reference
from opsbot.center import Center
from opsbot.clock import Clock
from opsbot.context import Context
from opsbot.db import Database
from opsbot.deadline_sweep import sweep_deadlines
from opsbot.directory import load_directory, sync_directory
from opsbot.inputs import parse
from tests.hostile import HOSTILE, assert_shows_hostile, message_texts

CLERK, OTHER = "U0CHENJING", "U0FENGYU"  # intake specialists
LEADER, DEPUTY, QC = "U0WUFANG", "U0ZHOUJIE", "U0LUYAN"
SERVICE, TECH = "U0ZHULIN", "U0XUKAI"  # customer service; technical support
CONTACT = "13812345678"
# A customer's name holds 80 characters: the hostile text's tokens that fit.
CUSTOMER = "<!here> <@U0X> <#C0X> <https://x.example|y> &lt; *b* _i_ ~s~"


class Desk:
    """Steps through the services, each in its own transaction, as people at `now` (or later)."""

    def __init__(self, db: Database, center: Center, clock: Clock) -> None:
        self.db, self.center, self.now = db, center, clock.now()

    def act(self, actor: str, work: Callable[[Any, Context], Any]) -> Any:
        with self.db.transaction() as session:
            return work(session, Context(self.center, load_directory(session), self.now, actor))

    def new(self, actor: str, **values: Any) -> str:
        given = {"customer": None, "contact": None, "type_key": "enquiry", "summary": HOSTILE} | values
        form = parse(IntakeForm, given)
        return self.act(actor, lambda s, c: reference(intake.receive(s, c, form)))

    def assignee(self, ref: str) -> str:
        return self.act(CLERK, lambda s, _c: load(s, ref, for_change=False).assignee)

    def sweep(self, later: timedelta) -> None:
        sweep_deadlines(self.db, self.now + later, self.center, bot.WORKFLOWS.deadlines)


def _reviewed_to_the_customer(desk: Desk, ref: str, handler: str) -> None:
    desk.act(handler, lambda s, c: handling.accept(s, c, ref))
    desk.act(handler, lambda s, c: handling.add_progress(s, c, ref, HOSTILE))
    desk.act(handler, lambda s, c: handling.submit(s, c, ref, HOSTILE))
    desk.act(LEADER, lambda s, c: handling.review(s, c, ref, passed=False, reason=HOSTILE))
    desk.act(handler, lambda s, c: handling.submit(s, c, ref, HOSTILE))
    desk.act(LEADER, lambda s, c: handling.review(s, c, ref, passed=True))
    desk.act(DEPUTY, lambda s, c: handling.review(s, c, ref, passed=True))


def _a_full_case(desk: Desk) -> None:
    """Taken in with an item missing, supplemented, jointly reviewed and declined, handled, returned by the
    first review, passed by both, told, and reopened by an objection: hostile text at every step."""
    ref = desk.new(
        CLERK,
        customer=CUSTOMER,
        contact=CONTACT,
        type_key="account_change",
        details=HOSTILE,
        provided_items=["Application form"],
    )
    desk.act(CLERK, lambda s, c: intake.supplement(s, c, ref, ["ID proof"]))
    handler = desk.assignee(ref)
    desk.act(handler, lambda s, c: handling.ask_joint_review(s, c, ref, [QC]))
    desk.act(QC, lambda s, c: handling.joint_decide(s, c, ref, agree=False, reason=HOSTILE))
    _reviewed_to_the_customer(desk, ref, handler)
    desk.act(handler, lambda s, c: feedback.record_informed(s, c, ref, HOSTILE))
    desk.act(
        CLERK, lambda s, c: feedback.record_satisfaction(s, c, ref, score=4, comment=HOSTILE, objection=True)
    )


def _rejected_after_a_take(desk: Desk) -> None:
    ref = desk.new(CLERK)
    taker = OTHER if desk.assignee(ref) != OTHER else CLERK
    desk.act(taker, lambda s, c: assignment.take(s, c, ref))  # the one it left is told
    desk.act(taker, lambda s, c: handling.reject(s, c, ref, HOSTILE))
    desk.act(taker, lambda s, c: feedback.record_informed(s, c, ref, HOSTILE))


def _a_complaint(desk: Desk) -> None:
    ref = desk.new(
        SERVICE, customer=CUSTOMER, contact="w@example.com", type_key="complaint", responsible_unit="tech"
    )
    desk.act(TECH, lambda s, c: handling.accept(s, c, ref))
    desk.act(TECH, lambda s, c: feedback.record_contact(s, c, ref, HOSTILE))
    desk.act(TECH, lambda s, c: handling.submit(s, c, ref, HOSTILE))


def _retyped_and_followed_up(desk: Desk) -> None:
    """A quick case completed as a refund short of an item; another told the customer, then followed up
    when due, with a reminder before its reply fell due."""
    retyped = desk.new(CLERK)
    given = {"customer": CUSTOMER, "contact": CONTACT, "channel": "phone", "details": HOSTILE}
    given |= {"type_key": "refund", "provided_items": ["Application form"]}
    desk.act(CLERK, lambda s, c: details.complete_details(s, c, retyped, given))
    told = desk.new(CLERK)
    handler = desk.assignee(told)
    _reviewed_to_the_customer(desk, told, handler)
    desk.act(handler, lambda s, c: feedback.record_informed(s, c, told, HOSTILE))
    desk.new(CLERK)  # its reply falls due: a reminder first
    desk.sweep(timedelta(hours=3, minutes=10))
    desk.sweep(timedelta(days=5))


def hostile_payloads(db: Database, center: Center, clock: Clock) -> dict[str, list[dict[str, Any]]]:
    """Each case renderer's kind, and the payloads the core queued for it that hold the hostile text: the
    card, thread lines and prompts of cases driven through every step people type into."""
    with db.transaction() as session:
        sync_directory(session, center, now=clock.now())
    desk = Desk(db, center, clock)
    for drive in (_a_full_case, _rejected_after_a_take, _a_complaint, _retyped_and_followed_up):
        drive(desk)
    with db.reading() as session:
        rows = session.execute(
            select(outbox.Notification.kind, outbox.Notification.payload)
            .where(outbox.Notification.kind.in_(RENDERERS))
            .order_by(outbox.Notification.id)
        ).all()
    found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in RENDERERS}
    for kind, payload in rows:
        if HOSTILE in json.dumps(payload):
            found[kind].append(payload)
    return found


@pytest.fixture
def payloads(db, center, clock):
    return hostile_payloads(db, center, clock)


@pytest.fixture
def render(center):
    return renderers(wording(center.calendar.zone))


def codes(payloads: list[dict[str, Any]], key: str = "notice") -> set[str]:
    return {payload[key]["code"] for payload in payloads if isinstance(payload.get(key), dict)}


def test_every_case_message_shows_hostile_text_as_typed(payloads, render):
    assert all(payloads.values()), {kind: len(found) for kind, found in payloads.items()}
    for kind, found in payloads.items():
        for payload in found:
            assert_shows_hostile(message_texts(render[kind](payload)))


def test_the_payloads_hold_every_step_people_type_into(payloads):
    lines = codes(payloads["case.line"])
    assert {
        "case.line.joint_declined",
        "case.line.progress",
        "case.line.submitted",
        "case.line.review_returned",
        "case.line.informed",
        "case.line.reopened_commented",
        "case.line.rejected",
        "case.line.rejection_informed",
        "case.line.replied",
        "case.line.result_returned",
    } <= lines
    prompts = codes(payloads["case.prompt"]) | codes(payloads["case.prompt"], "outcome")
    assert {
        "case.prompt.supplement",
        "case.prompt.assigned_to_decide",
        "case.prompt.joint",
        "case.prompt.joint_declined",
        "case.prompt.review_first",
        "case.prompt.review_returned",
        "case.prompt.feedback",
        "case.prompt.reopened_objection_commented",
        "case.prompt.rejected",
        "case.prompt.complaint_result",
        "case.prompt.follow_up",
        "case.prompt.reminder",
        "case.tell.unassigned",
    } <= prompts
    # The card's hostile fields are data: a summary, a customer.
    assert all(payload["summary"] == HOSTILE for payload in payloads["case.card"])


def test_the_card_mentions_the_people_opsbot_names(payloads, render):
    reviewing = [p for p in payloads["case.card"] if p["reviewer"]]
    assert reviewing
    for payload in reviewing:
        shown = json.dumps(render["case.card"](payload).blocks)
        assert f"<@{payload['assignee']}>" in shown and f"<@{payload['reviewer']}>" in shown


def test_a_line_or_a_prompt_queued_before_notices_shows_its_sentence_escaped(render):
    line = render["case.line"]({"text": f"Rejected by Wu Fang: {HOSTILE}", "actor": LEADER})
    assert_shows_hostile(message_texts(line))
    prompt = render["case.prompt"](
        {
            "reference": "CASE-2026-000001",
            "text": f"CASE-2026-000001 ({HOSTILE}) is yours.",
            "state": "in_progress",
            "act": None,
            "outcome": f"Zhou Jie returned it: {HOSTILE}",
            "complaint": False,
            "replied": False,
            "informed": False,
        }
    )
    assert_shows_hostile(message_texts(prompt))
    assert "✓ Zhou Jie returned it" in prompt.text
