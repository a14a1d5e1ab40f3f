"""Migration 0012: a prompt stored with opsbot's sentence keeps saying it, as a notice, when it is sent again;
a quick case's customer still to be completed is empty, and shows as it did."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from alembic import command
from sqlalchemy import select, text

from handlers.app import renderers, wording
from opsbot import outbox
from opsbot.cases import handling
from opsbot.cases.models import TO_COMPLETE, Case, Prompt
from opsbot.context import Context
from opsbot.directory import load_directory
from opsbot.migrate import alembic_config, upgrade_to_head
from tests.hostile import HOSTILE, assert_shows_hostile, message_texts

HANDLER, CLERK = "U0FENGYU", "U0CHENJING"
# How revision 0011 stored a quick case's customer and contact, still to be completed.
OLD_PLACEHOLDER = "(to be completed)"
SENTENCE = (
    f"CASE-2026-000001 ({HOSTILE}) is yours: accept it, reject it with a reason, or ask for a joint review."
)


def at_0011_with_a_prompt(db, clock) -> None:
    """A quick case as revision 0011 stored it, assigned, with the prompt that asks its handler to decide."""
    with db.engine.begin() as connection:
        config = alembic_config(db)
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
        connection.execute(
            text(
                "INSERT INTO cases (id, number, type_key, complaint, state, version, customer, contact, "
                "channel, summary, details, missing_items, unit_key, registered_by, assignee, assigned_how, "
                "received_at, registered_at, review_returns) VALUES (1, 'CASE-2026-000001', 'enquiry', "
                "false, 'assigned', 2, :placeholder, :placeholder, 'phone', :summary, '', '[]', 'intake', "
                ":clerk, :handler, 'auto', :now, :now, 0)"
            ),
            {
                "placeholder": OLD_PLACEHOLDER,
                "summary": HOSTILE,
                "clerk": CLERK,
                "handler": HANDLER,
                "now": clock.now(),
            },
        )
        connection.execute(
            text(
                "INSERT INTO case_prompts (id, case_id, person, why, act, text, open, sends) "
                "VALUES (1, 1, :handler, 'assigned', 'decide', :sentence, true, 1)"
            ),
            {"handler": HANDLER, "sentence": SENTENCE},
        )


def test_a_stored_sentence_becomes_a_notice_that_says_it(loaded, center, clock):
    db = loaded
    at_0011_with_a_prompt(db, clock)
    upgrade_to_head(db, center)
    with db.reading() as session:
        case = session.get(Case, 1)
        assert (case.customer, case.contact) == (TO_COMPLETE, TO_COMPLETE)
        (prompt,) = session.scalars(select(Prompt))
        assert prompt.notice == {"code": "case.legacy_text", "params": {"text": SENTENCE}}

    # Accepting the case settles the prompt: it is sent again, its stored sentence as it was, escaped.
    with db.transaction() as session:
        handling.accept(
            session, Context(center, load_directory(session), clock.now(), HANDLER), "CASE-2026-000001"
        )
    with db.reading() as session:
        sent = session.scalars(
            select(outbox.Notification.payload).where(outbox.Notification.kind == "case.prompt")
        ).one()
    message = renderers(wording(ZoneInfo("Asia/Shanghai")))["case.prompt"](sent)
    assert_shows_hostile(message_texts(message))
    assert message.text.startswith("CASE-2026-000001 (") and "✓ Accepted by Feng Yu" in message.text
    card = renderers(wording(ZoneInfo("Asia/Shanghai")))["case.card"](_card(db))
    assert "(to be completed) · (to be completed) · Phone" in json.dumps(card.blocks, ensure_ascii=False)


def _card(db):
    with db.reading() as session:
        return session.scalars(
            select(outbox.Notification.payload)
            .where(outbox.Notification.kind == "case.card")
            .order_by(outbox.Notification.id.desc())
        ).first()


def test_downgrading_keeps_the_sentence(loaded, center, clock):
    db = loaded
    at_0011_with_a_prompt(db, clock)
    upgrade_to_head(db, center)
    with db.engine.begin() as connection:
        config = alembic_config(db)
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
        assert connection.execute(text("SELECT text FROM case_prompts")).scalar_one() == SENTENCE
        assert connection.execute(text("SELECT customer FROM cases")).scalar_one() == OLD_PLACEHOLDER
    upgrade_to_head(db, center)
