"""One change recorded the one way: audit rows, each audience's card, thread lines, the Homes it touches."""

from __future__ import annotations

from sqlalchemy import select

from opsbot.audit import AuditEntry
from opsbot.changes import Card, Change, Step, card_key, record_change
from opsbot.context import Context
from opsbot.directory import load_directory
from opsbot.notices import Notice, Quote
from opsbot.outbox import Notification

LEADER = "U0WUFANG"


def test_a_change_of_two_steps_writes_each_row_once_and_threads_its_lines(loaded, center, clock):
    steps = [
        Step("registered", Notice.of("test.registered", summary=Quote("<!here>")), after={"a": 1}),
        Step("assigned", Notice.of("test.assigned"), before={"a": 1}, after={"a": 2}),
        Step("quiet"),
    ]
    cards = [Card("C0INTAKE", "test.card", {"v": 3}), Card(LEADER, "test.card", {"v": 3}, audience="leader")]
    with loaded.transaction() as session:
        ctx = Context(center, load_directory(session), clock.now(), LEADER)
        record_change(session, ctx, Change("test", "TST-2026-000001", 3, steps=steps, cards=cards))
    with loaded.reading() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.subject == "TST-2026-000001")).all()
        rows = session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(a.action, a.actor, a.before, a.after) for a in audit] == [
        ("test.registered", LEADER, None, {"a": 1}),
        ("test.assigned", LEADER, {"a": 1}, {"a": 2}),
        ("test.quiet", LEADER, None, None),
    ]
    main = card_key("test", "TST-2026-000001")
    assert [(r.channel, r.kind, r.idempotency_key, r.message_key, r.thread_key) for r in rows] == [
        ("C0INTAKE", "test.card", f"{main}:v3", main, None),
        (LEADER, "test.card", f"{main}:leader:v3", f"{main}:leader", None),
        ("C0INTAKE", "test.line", f"{main}:line:1", None, main),
        ("C0INTAKE", "test.line", f"{main}:line:2", None, main),
    ]
    assert Notice.load(rows[2].payload["notice"]) == steps[0].line


def test_a_subject_not_yet_registered_is_audited_but_has_no_card(loaded, center, clock):
    with loaded.transaction() as session:
        ctx = Context(center, load_directory(session), clock.now(), LEADER)
        change = Change("test", None, 1, steps=[Step("drafted")], cards=[Card("C0INTAKE", "test.card", {})])
        record_change(session, ctx, change)
    with loaded.reading() as session:
        assert session.scalars(select(Notification)).all() == []
        assert [
            a.subject for a in session.scalars(select(AuditEntry).where(AuditEntry.action == "test.drafted"))
        ] == ["test:unregistered"]
