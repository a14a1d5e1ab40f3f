"""Each handler's open cases per unit, kept as a count for least-loaded assignment, filled from the open
cases there are

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The open states as this revision knows them (closed and rejected are the others).
OPEN_STATES = (
    "returned",
    "registered",
    "assigned",
    "joint_review",
    "in_progress",
    "first_review",
    "second_review",
    "feedback",
    "follow_up",
)


def upgrade() -> None:
    open_work = op.create_table(
        "open_work",
        sa.Column("unit_key", sa.String(length=40), nullable=False),
        sa.Column("person", sa.String(length=32), nullable=False),
        sa.Column("open_cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_key", "person", name=op.f("pk_open_work")),
    )
    cases = sa.table("cases", sa.column("unit_key"), sa.column("assignee"), sa.column("state"))
    op.execute(
        sa.insert(open_work).from_select(
            ["unit_key", "person", "open_cases"],
            sa.select(cases.c.unit_key, cases.c.assignee, sa.func.count())
            .where(cases.c.assignee.is_not(None), cases.c.state.in_(OPEN_STATES))
            .group_by(cases.c.unit_key, cases.c.assignee),
        )
    )


def downgrade() -> None:
    op.drop_table("open_work")
