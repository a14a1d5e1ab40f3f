"""Migration 0009: a database at the previous head with open cases and waiting approval steps, upgraded,
keeps every due instant, and each reminder still pending is sent once (and none already sent again)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import func, select, text

import bot
from opsbot.audit import AuditEntry
from opsbot.deadline_sweep import sweep_deadlines
from opsbot.deadlines import Deadline
from opsbot.migrate import alembic_config, upgrade_to_head

START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
HANDLER, LEADER, CLERK = "U0FENGYU", "U0WUFANG", "U0CHENJING"


def at(db, moment: datetime):
    """An instant as the column stores it (SQLite keeps naive UTC)."""
    return moment.replace(tzinfo=None) if db.is_sqlite else moment


def seed_at_0008(db) -> None:
    with db.engine.begin() as connection:
        config = alembic_config(db)
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        connection.execute(
            text(
                "INSERT INTO cases (id, number, type_key, complaint, state, version, customer, contact, "
                "channel, summary, details, missing_items, unit_key, registered_by, assignee, received_at, "
                "registered_at, reply_due_at, resolve_due_at, reply_reminded, resolve_reminded, "
                "reply_overdue, resolve_overdue, review_returns, follow_up_prompted) VALUES (1, "
                "'CASE-2026-000001', 'enquiry', false, 'in_progress', 3, 'Li Na', '13812345678', 'phone', "
                "'Where is my parcel?', '', '[]', 'intake', :clerk, :handler, :registered, :registered, "
                ":reply_due, :resolve_due, false, true, false, false, 0, false)"
            ),
            {
                "clerk": CLERK,
                "handler": HANDLER,
                "registered": at(db, START - timedelta(hours=1)),
                "reply_due": at(db, START + timedelta(hours=3)),  # 13:00: its reminder (11:00) is to come
                "resolve_due": at(db, START + timedelta(hours=1)),  # 11:00: reminded already, not yet overdue
            },
        )
        connection.execute(
            text(
                "INSERT INTO approval_requests (id, number, kind_key, requester, purpose, fields, state, "
                "current_step, version, created_at) VALUES (1, 'APR-2026-000001', 'leave', :clerk, "
                "'Two days off', '{}', 'pending', 1, 1, :since)"
            ),
            {"clerk": CLERK, "since": at(db, START - timedelta(days=3))},
        )
        connection.execute(
            text(
                "INSERT INTO approval_steps (request_id, round, position, label, approver, state, "
                "waiting_since, reminded) "
                "VALUES (1, 1, 1, 'Direct superior', :leader, 'pending', :since, true)"
            ),
            # Friday 10:00: reminded on Friday at 14:00; due to go up since Friday 18:00.
            {"leader": LEADER, "since": at(db, START - timedelta(days=3))},
        )


def actions(db, action: str) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_upgrading_keeps_each_due_instant_and_sends_each_pending_reminder_once(loaded, center):
    db = loaded
    seed_at_0008(db)
    upgrade_to_head(db, center)
    with db.reading() as session:
        timers = {(t.subject_kind, t.clock): t for t in session.scalars(select(Deadline))}
        assert timers[("case", "reply")].due_at == START + timedelta(hours=3)
        assert timers[("case", "resolution")].due_at == START + timedelta(hours=1)
        assert timers[("case", "resolution")].steps_fired == 1  # its reminder was sent before the upgrade
        assert timers[("approval", "step")].steps_fired == 1
        assert timers[("approval", "step")].part == "1.1"
    hooks = bot.WORKFLOWS.deadlines
    assert sweep_deadlines(db, START, center, hooks) == 1  # the escalation, due since Friday: late, once
    assert actions(db, "approval.escalated") == 1
    assert actions(db, "approval.reminded") == 0  # sent before the upgrade, not again
    assert sweep_deadlines(db, START + timedelta(hours=1), center, hooks) == 2  # reply reminder, overdue
    assert sweep_deadlines(db, START + timedelta(hours=2), center, hooks) == 0
    assert actions(db, "case.resolution_overdue") == 1
    with db.reading() as session:
        prompts = session.execute(text("SELECT why FROM case_prompts")).scalars().all()
    assert prompts == ["reply_reminder"]
