"""A case prompt stores what it says as a notice (a code and its parameters, worded when it is delivered)
rather than as an English sentence; a quick case's customer and contact, still to be completed, are empty
rather than the words "(to be completed)"

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The notice a sentence stored before this revision becomes: the sentence itself, shown as it was written.
LEGACY = "case.legacy_text"
TO_COMPLETE = "(to be completed)"

prompts = sa.table(
    "case_prompts",
    sa.column("id", sa.BigInteger()),
    sa.column("text", sa.Text()),
    sa.column("notice", sa.JSON()),
)
cases = sa.table("cases", sa.column("customer", sa.String()), sa.column("contact", sa.String()))


def upgrade() -> None:
    with op.batch_alter_table("case_prompts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notice", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(prompts.c.id, prompts.c.text)).all()
    if rows:
        connection.execute(
            prompts.update()
            .where(prompts.c.id == sa.bindparam("prompt_id"))
            .values(notice=sa.bindparam("said")),
            [{"prompt_id": id_, "said": {"code": LEGACY, "params": {"text": text}}} for id_, text in rows],
        )
    with op.batch_alter_table("case_prompts", schema=None) as batch_op:
        batch_op.alter_column("notice", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("text")
    for column in ("customer", "contact"):
        op.execute(cases.update().where(cases.c[column] == TO_COMPLETE).values({column: ""}))


def downgrade() -> None:
    for column in ("customer", "contact"):
        op.execute(cases.update().where(cases.c[column] == "").values({column: TO_COMPLETE}))
    with op.batch_alter_table("case_prompts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(prompts.c.id, prompts.c.notice)).all()
    if rows:
        # A notice has no sentence of its own once worded elsewhere: a prompt keeps the one it came from, or
        # its code.
        connection.execute(
            prompts.update()
            .where(prompts.c.id == sa.bindparam("prompt_id"))
            .values(text=sa.bindparam("said")),
            [{"prompt_id": id_, "said": _sentence(notice)} for id_, notice in rows],
        )
    with op.batch_alter_table("case_prompts", schema=None) as batch_op:
        batch_op.alter_column("text", existing_type=sa.Text(), nullable=False)
        batch_op.drop_column("notice")


def _sentence(notice: dict) -> str:
    if notice.get("code") == LEGACY:
        return str(notice["params"]["text"])
    return str(notice.get("code", ""))
