"""One table of deadlines for every workflow; cases' and approval steps' own due columns and reminder flags
carried into it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 09:00:00.000000

The clocks of work in flight become timers, each with the plan of the center's ladder for it and the steps
already done marked fired (a reminder sent, an overdue mark made, an escalation), so nothing in flight loses
a reminder or gets one twice. Timing needs the center file's calendar and ladders: `python bot.py migrate`
passes them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from opsbot.deadlines import Deadline, next_action, plan_of

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# The case states of this revision: open ones, and those in which the resolution clock runs.
OPEN = (
    "registered",
    "returned",
    "assigned",
    "joint_review",
    "in_progress",
    "first_review",
    "second_review",
    "feedback",
    "follow_up",
)
UNRESOLVED = ("registered", "assigned", "joint_review", "in_progress")


def upgrade() -> None:
    op.create_table(
        "deadlines",
        sa.Column("id", Id, nullable=False),
        sa.Column("subject_kind", sa.String(length=24), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("clock", sa.String(length=24), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=32), nullable=True),
        sa.Column("owner", sa.String(length=32), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("steps_fired", sa.Integer(), nullable=False),
        sa.Column("repeats_fired", sa.Integer(), nullable=False),
        sa.Column("next_action_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_to", sa.String(length=32), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("topped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_how", sa.String(length=12), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
        sa.UniqueConstraint(
            "subject_kind",
            "subject_id",
            "clock",
            "cycle",
            name=op.f("uq_deadlines_subject_kind_subject_id_clock_cycle"),
        ),
    )
    op.create_index(op.f("ix_deadlines_next_action_at"), "deadlines", ["next_action_at"], unique=False)
    op.create_table(
        "deadline_notices",
        sa.Column("id", Id, nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column("notice", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_notices")),
    )
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("promised_reply_at", sa.DateTime(timezone=True), nullable=True))
    _carry_case_clocks()
    _carry_waiting_steps()
    with op.batch_alter_table("cases") as batch:
        for column in (
            "reply_due_at",
            "resolve_due_at",
            "reply_reminded",
            "resolve_reminded",
            "reply_overdue",
            "resolve_overdue",
            "follow_up_due_at",
            "follow_up_prompted",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("approval_steps") as batch:
        batch.drop_column("reminded")


def _center() -> Any:
    center = context.config.attributes.get("center")
    if center is None:
        raise RuntimeError(
            "carrying the deadlines of open work needs the center file: run `python bot.py migrate`"
        )
    return center


def _utc(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands plain SQL its text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _timer(
    center: Any,
    now: datetime,
    *,
    kind: str,
    subject_id: int,
    clock: str,
    owner: str | None,
    started: datetime,
    due: datetime | None,
    done: set[str],
    part: str | None = None,
    escalated_to: str | None = None,
    paused: bool = False,
) -> dict[str, Any]:
    """A running timer for a clock carried over, its steps of the kinds in `done` (remind, overdue, escalate)
    marked fired."""
    ladder = center.ladder(kind, clock)
    plan = plan_of(ladder, started, due or started, center.calendar)
    if due is None:
        due = max((datetime.fromisoformat(entry["at"]) for entry in plan), default=started)
    fired = max((i + 1 for i, entry in enumerate(plan) if entry["step"]["do"] in done), default=0)
    timer = Deadline(
        subject_kind=kind,
        subject_id=subject_id,
        clock=clock,
        cycle=1,
        part=part,
        owner=owner,
        started_at=started,
        due_at=due,
        plan=plan,
        steps_fired=fired,
        repeats_fired=0,
        escalated_to=escalated_to,
        paused_at=now if paused else None,
    )
    return {
        column: getattr(timer, column)
        for column in (
            "subject_kind",
            "subject_id",
            "clock",
            "cycle",
            "part",
            "owner",
            "started_at",
            "due_at",
            "plan",
            "steps_fired",
            "repeats_fired",
            "escalated_to",
            "paused_at",
        )
    } | {"next_action_at": next_action(timer)}


def _fired(**flags: Any) -> set[str]:
    """The kinds of step already done, from the flags that said so."""
    return {action for action, flag in flags.items() if flag}


def _insert(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = sa.table(
        "deadlines", *(sa.column(name, sa.JSON() if name == "plan" else None) for name in rows[0])
    )
    # Instants as the column stores them: SQLite keeps naive UTC.
    sqlite = op.get_bind().dialect.name == "sqlite"
    for row in rows:
        for key, value in row.items():
            if isinstance(value, datetime) and sqlite:
                row[key] = value.astimezone(UTC).replace(tzinfo=None)
    op.get_bind().execute(sa.insert(table), rows)


def _carry_case_clocks() -> None:
    bind = op.get_bind()
    cases = (
        bind.execute(
            sa.text(
                "SELECT id, number, state, assignee, registered_by, follow_up_owner, received_at, "
                "registered_at, reply_due_at, resolve_due_at, replied_at, resolved_at, reply_reminded, "
                "resolve_reminded, "
                "reply_overdue, resolve_overdue, follow_up_due_at, follow_up_prompted FROM cases"
            )
        )
        .mappings()
        .all()
    )
    # An unregistered case's reply time was the promise made at intake; it stays the case's.
    bind.execute(sa.text("UPDATE cases SET promised_reply_at = reply_due_at WHERE number IS NULL"))
    open_cases = [case for case in cases if case["state"] in OPEN and case["number"] is not None]
    if not open_cases:
        return
    center, now = _center(), datetime.now(UTC)
    rows = []
    for case in open_cases:
        started = _utc(case["registered_at"]) or _utc(case["received_at"])
        assert started is not None
        if case["reply_due_at"] is not None and case["replied_at"] is None:
            done = _fired(remind=case["reply_reminded"], overdue=case["reply_overdue"])
            rows.append(
                _timer(
                    center,
                    now,
                    kind="case",
                    subject_id=case["id"],
                    clock="reply",
                    owner=case["assignee"],
                    started=started,
                    due=_utc(case["reply_due_at"]),
                    done=done,
                    paused=case["state"] == "returned",
                )
            )
        if case["resolve_due_at"] is not None:
            done = _fired(remind=case["resolve_reminded"], overdue=case["resolve_overdue"])
            rows.append(
                _timer(
                    center,
                    now,
                    kind="case",
                    subject_id=case["id"],
                    clock="resolution",
                    owner=case["assignee"],
                    started=started,
                    due=_utc(case["resolve_due_at"]),
                    done=done,
                    paused=case["state"] not in UNRESOLVED,
                )
            )
        if case["state"] == "follow_up" and case["follow_up_due_at"] is not None:
            rows.append(
                _timer(
                    center,
                    now,
                    kind="case",
                    subject_id=case["id"],
                    clock="follow_up",
                    owner=case["follow_up_owner"] or case["registered_by"],
                    started=started,
                    due=_utc(case["follow_up_due_at"]),
                    done={"remind"} if case["follow_up_prompted"] else set(),
                )
            )
    _insert(rows)


def _carry_waiting_steps() -> None:
    steps = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT request_id, round, position, approver, waiting_since, reminded, escalated_to "
                "FROM approval_steps WHERE state = 'pending'"
            )
        )
        .mappings()
        .all()
    )
    if not steps:
        return
    center, now = _center(), datetime.now(UTC)
    rows = []
    for step in steps:
        started = _utc(step["waiting_since"]) or now
        done = _fired(remind=step["reminded"], escalate=step["escalated_to"])
        rows.append(
            _timer(
                center,
                now,
                kind="approval",
                subject_id=step["request_id"],
                clock="step",
                part=f"{step['round']}.{step['position']}",
                owner=step["approver"],
                started=started,
                due=None,
                done=done,
                escalated_to=step["escalated_to"],
            )
        )
    _insert(rows)


def downgrade() -> None:
    with op.batch_alter_table("approval_steps") as batch:
        batch.add_column(sa.Column("reminded", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("reply_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolve_due_at", sa.DateTime(timezone=True), nullable=True))
        for flag in ("reply_reminded", "resolve_reminded", "reply_overdue", "resolve_overdue"):
            batch.add_column(sa.Column(flag, sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("follow_up_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("follow_up_prompted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.drop_column("promised_reply_at")
    op.drop_table("deadline_notices")
    op.drop_index(op.f("ix_deadlines_next_action_at"), table_name="deadlines")
    op.drop_table("deadlines")
