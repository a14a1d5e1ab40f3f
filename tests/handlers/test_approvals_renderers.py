"""The approval cards and prompts rendered from what the core queued — a request, a delegate's copy,
reminders, an escalation, a return, a resubmission and a denial — with people's words (the purpose, the
details, the approvers' reasons) that try to ping, link or format; and the payloads queued before notices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

import bot
from handlers.app import renderers, wording
from handlers.wording import Wording
from opsbot.approvals import delegation, service
from opsbot.approvals.cards import CARD, PROMPT
from opsbot.approvals.deciding import decide
from opsbot.approvals.lifecycle import Decision
from opsbot.center import Center
from opsbot.clock import FrozenClock
from opsbot.context import Context
from opsbot.db import Database
from opsbot.directory import load_directory
from opsbot.outbox import Notification
from opsbot.sweeps import run_due_sweeps
from tests.hostile import HOSTILE, assert_shows_hostile, message_texts

SPECIALIST, WUFANG, CHENJING = "U0ZHENGHAO", "U0WUFANG", "U0CHENJING"
NOTICE = "approval.notice"
# A reminder quotes the purpose's first 80 characters: the typed entity and the marks come first, so that
# they are among them.
PURPOSE = f"&lt; *b* _i_ ~s~ {HOSTILE}"


def queued(db: Database, kind: str) -> list[dict[str, Any]]:
    with db.reading() as session:
        return list(
            session.scalars(
                select(Notification.payload).where(Notification.kind == kind).order_by(Notification.id)
            )
        )


def _as(db: Database, center: Center, clock: FrozenClock, actor: str, work: Any) -> Any:
    with db.transaction() as session:
        return work(session, Context(center, load_directory(session), clock.now(), actor))


def hostile_payloads(db: Database, center: Center, clock: FrozenClock) -> dict[str, list[dict[str, Any]]]:
    """An expense whose purpose and details hold the hostile text: Wu Fang away (Chen Jing stands in),
    reminded, escalated to Zhou Jie, returned with a hostile reason, resubmitted, then denied with one. Its
    cards and prompts as queued; and for `approval.notice`, which nothing queues any more, a payload as it
    was queued before prompts replaced it."""

    def decided(number: str, round_: int, decision: Decision) -> Any:
        return lambda s, c: decide(s, c, number, round_=round_, position=1, decision=decision, reason=HOSTILE)

    _as(db, center, clock, WUFANG, lambda s, c: delegation.delegate(s, c, to=CHENJING, until="2099-12-31"))
    asked = _as(
        db,
        center,
        clock,
        SPECIALIST,
        lambda s, c: service.request_approval(
            s, c, kind_key="expense", purpose=PURPOSE, amount="480", fields={"details": HOSTILE}
        ),
    )
    number = asked.number
    sweeps = bot.sweeps_for(center)
    for advance in (timedelta(hours=4, minutes=5), timedelta(hours=4)):  # reminded, then escalated
        clock.advance(advance)
        run_due_sweeps(db, sweeps, clock)
    _as(db, center, clock, WUFANG, decided(number, 1, Decision.RETURN))
    _as(db, center, clock, SPECIALIST, lambda s, c: service.resubmit(s, c, number, purpose=f"{PURPOSE} 2"))
    _as(db, center, clock, WUFANG, decided(number, 2, Decision.DENY))
    legacy = {"number": number, "text": f"{number} was denied: {HOSTILE}", "quote": HOSTILE}
    return {CARD: queued(db, CARD), PROMPT: queued(db, PROMPT), NOTICE: [legacy]}


def texts_of(say: Wording, kind: str, payloads: list[dict[str, Any]]) -> list[list[str]]:
    render = renderers(say)[kind]
    return [message_texts(render(payload)) for payload in payloads]


def test_every_card_and_prompt_shows_peoples_words_as_typed(loaded, center, clock):
    say = wording(center.calendar.zone)
    found = hostile_payloads(loaded, center, clock)
    assert len(found[CARD]) > 10 and len(found[PROMPT]) >= 4
    for kind, payloads in found.items():
        for texts in texts_of(say, kind, payloads):
            assert_shows_hostile(texts)


def test_the_prompts_say_what_happened_and_name_people_as_they_read(loaded, center, clock):
    say = wording(center.calendar.zone)
    prompts = [
        "\n".join(texts) for texts in texts_of(say, PROMPT, hostile_payloads(loaded, center, clock)[PROMPT])
    ]
    reminders = [text for text in prompts if "⏰" in text]
    assert any("waits for your decision: &amp;lt;" in text for text in reminders)
    assert any(
        "waits for a decision from Wu Fang, or from you while you stand in" in text for text in reminders
    )
    returned = next(text for text in prompts if "was returned for correction by Wu Fang. Reason: “" in text)
    assert "Reason: “&lt;!channel&gt; &lt;!here&gt;" in returned  # the reason, escaped
    assert any("was denied by Wu Fang" in text for text in prompts)


def test_the_cards_say_who_a_step_waits_for_and_why_a_copy_came(loaded, center, clock):
    say = wording(center.calendar.zone)
    cards = ["\n".join(texts) for texts in texts_of(say, CARD, hostile_payloads(loaded, center, clock)[CARD])]
    assert any("Wu Fang is away: you may decide step 1 of APR-" in text for text in cards)
    assert any("(step 1, Direct superior) since <!date^" in text for text in cards)  # the escalated copy
    assert any(
        "now waits for Zhou Jie (escalated), Chen Jing (standing in) or Wu Fang" in text for text in cards
    )
    assert any("— denied by Wu Fang" in text for text in cards)
    assert any("*Details*\n&lt;!channel&gt;" in text for text in cards)


def test_a_card_queued_before_notices_is_shown_from_its_sentences(loaded, center, clock):
    """Its banner and quote were opsbot's sentence and people's words; its labels and deciders text."""
    say = wording(center.calendar.zone)
    *_, card = [p for p in hostile_payloads(loaded, center, clock)[CARD] if p["audience"] == "step:2:1"]
    steps = [
        step | {"label": "Direct superior", "decider": "Wu Fang", "waits_for": None} for step in card["steps"]
    ]
    old = {key: value for key, value in card.items() if key != "notice"} | {
        "steps": steps,
        "banner": f"⏰ {card['number']} waits:",
        "quote": HOSTILE,
        "facts": [["From", "x"]],
    }
    texts = message_texts(renderers(say)[CARD](old))
    assert_shows_hostile(texts)
    assert "Direct superior: Wu Fang — denied by Wu Fang" in "\n".join(texts)
