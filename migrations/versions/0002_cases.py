"""Cases: intake, handling, reviews, feedback and joint reviews

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 07:37:04.111690
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("type_key", sa.String(length=40), nullable=False),
        sa.Column("complaint", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("customer", sa.String(length=80), nullable=False),
        sa.Column("contact", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=150), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("missing_items", sa.JSON(), nullable=False),
        sa.Column("unit_key", sa.String(length=40), nullable=False),
        sa.Column("registered_by", sa.String(length=32), nullable=False),
        sa.Column("assignee", sa.String(length=32), nullable=True),
        sa.Column("assigned_how", sa.String(length=8), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolve_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply_reminded", sa.Boolean(), nullable=False),
        sa.Column("resolve_reminded", sa.Boolean(), nullable=False),
        sa.Column("reply_overdue", sa.Boolean(), nullable=False),
        sa.Column("resolve_overdue", sa.Boolean(), nullable=False),
        sa.Column("first_reviewer", sa.String(length=32), nullable=True),
        sa.Column("second_reviewer", sa.String(length=32), nullable=True),
        sa.Column("review_returns", sa.Integer(), nullable=False),
        sa.Column("rejected_reason", sa.Text(), nullable=True),
        sa.Column("informed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("informed_how", sa.String(length=200), nullable=True),
        sa.Column("follow_up_owner", sa.String(length=32), nullable=True),
        sa.Column("follow_up_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("follow_up_prompted", sa.Boolean(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("satisfaction_comment", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_cases_number")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_assignee_state", ["assignee", "state"], unique=False)
        batch_op.create_index("ix_cases_registered_at", ["registered_at"], unique=False)
        batch_op.create_index("ix_cases_state_unit", ["state", "unit_key"], unique=False)

    op.create_table(
        "case_joint_reviews",
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=32), nullable=False),
        sa.Column("agreed", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_joint_reviews_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", "round", "reviewer", name=op.f("pk_case_joint_reviews")),
    )


def downgrade() -> None:
    op.drop_table("case_joint_reviews")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_state_unit")
        batch_op.drop_index("ix_cases_registered_at")
        batch_op.drop_index("ix_cases_assignee_state")

    op.drop_table("cases")
