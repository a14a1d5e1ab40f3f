"""The outbox row's lease token: which claim holds the lease, so a worker whose lease ran out and whose row
another worker claimed can neither send nor mark it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:40:13.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_token", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("lease_token")
