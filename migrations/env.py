"""Alembic environment: metadata and URL come from opsbot, never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from opsbot.db import UTCDateTime
from opsbot.schema import metadata

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _render_item(kind: str, item: object, autogen_context: object) -> str | bool:
    # Migrations stand on their own: opsbot's column types are written as the plain types they store.
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
