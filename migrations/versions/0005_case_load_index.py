"""Cases: the (state, unit) index also holds the assignee, so counting a unit's open cases per handler reads
only the index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 03:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_state_unit_assignee", "cases", ["state", "unit_key", "assignee"])
    op.drop_index("ix_cases_state_unit", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_state_unit", "cases", ["state", "unit_key"])
    op.drop_index("ix_cases_state_unit_assignee", table_name="cases")
