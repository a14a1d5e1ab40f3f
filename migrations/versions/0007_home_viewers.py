"""The people who have opened their App Home, whose Home is republished when their work changes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:05:41.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "home_viewers",
        sa.Column("slack_id", sa.String(length=32), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("slack_id", name=op.f("pk_home_viewers")),
    )


def downgrade() -> None:
    op.drop_table("home_viewers")
