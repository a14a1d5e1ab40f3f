"""The prompts a case sends people (each open until the act it asks for is done), and the result a case was
last submitted with

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_prompts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person", sa.String(length=32), nullable=False),
        sa.Column("why", sa.String(length=40), nullable=False),
        sa.Column("act", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("sends", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_prompts_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_prompts")),
    )
    op.create_index("ix_case_prompts_case_id_open", "case_prompts", ["case_id", "open"])
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("result")
    op.drop_index("ix_case_prompts_case_id_open", table_name="case_prompts")
    op.drop_table("case_prompts")
