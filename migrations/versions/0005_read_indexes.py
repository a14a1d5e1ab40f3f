"""Indexes for the busiest reads: a unit's open cases per handler from the index alone, the steps escalated
to someone, and a person's latest requests

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
    op.create_index("ix_approval_steps_escalated_to_state", "approval_steps", ["escalated_to", "state"])
    op.create_index("ix_approval_requests_requester_id", "approval_requests", ["requester", "id"])
    op.drop_index("ix_approval_requests_requester_state", table_name="approval_requests")


def downgrade() -> None:
    op.create_index("ix_approval_requests_requester_state", "approval_requests", ["requester", "state"])
    op.drop_index("ix_approval_requests_requester_id", table_name="approval_requests")
    op.drop_index("ix_approval_steps_escalated_to_state", table_name="approval_steps")
    op.create_index("ix_cases_state_unit", "cases", ["state", "unit_key"])
    op.drop_index("ix_cases_state_unit_assignee", table_name="cases")
