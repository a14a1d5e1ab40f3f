"""Each person's language: the center file's for them, the one they chose with `/ops language`, and the one
Slack gives for them (empty once asked and Slack had none); and each unit's name in every language the center
file gives it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-11 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("chosen_locale", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("slack_locale", sa.String(length=16), nullable=True))
    # Not in a batch: SQLite would copy the table, which the people's foreign keys to it forbid.
    op.add_column("units", sa.Column("names", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("units", "names")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("slack_locale")
        batch_op.drop_column("chosen_locale")
        batch_op.drop_column("locale")
