"""Run Alembic from opsbot: `python bot.py migrate` and the tests use the same entry."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from opsbot.center import Center
from opsbot.db import Database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade_to_head(db: Database, center: Center | None = None) -> None:
    """`center`: the center file, for migrations that carry data by its rules (the deadlines of work in
    flight are timed on its calendar and ladders)."""
    config = alembic_config(db)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        config.attributes["center"] = center
        command.upgrade(config, "head")


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()
