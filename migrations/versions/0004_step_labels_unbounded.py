"""Approval step labels as text: merged labels ("Direct superior + Department head + …") have no bound

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 03:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("approval_steps") as batch:
        batch.alter_column(
            "label", existing_type=sa.String(length=60), type_=sa.Text(), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("approval_steps") as batch:
        batch.alter_column(
            "label", existing_type=sa.Text(), type_=sa.String(length=60), existing_nullable=False
        )
