import ast
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from opsbot import audit
from opsbot.db import Database
from opsbot.migrate import current_revision, head_revision, upgrade_to_head
from opsbot.schema import metadata
from tests.conftest import PG_URL, reset_postgres

ROOT = Path(__file__).resolve().parents[2]


def test_models_and_migrations_agree(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_migrate_builds_an_empty_database_to_head(tmp_path):
    if PG_URL:
        reset_postgres(PG_URL)  # drops everything, then upgrades from nothing
        database = Database(PG_URL)
    else:
        database = Database(f"sqlite:///{tmp_path}/empty.db")
        upgrade_to_head(database)
    assert current_revision(database) == head_revision()
    upgrade_to_head(database)  # a second run is a no-op
    database.dispose()


def test_the_audit_log_refuses_changes(db, clock):
    with db.transaction() as session:
        audit.record(session, at=clock.now(), actor="U0SUNLI", action="test.done", subject="X-1")
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), db.transaction() as session:
            session.execute(text(statement))
    with db.reading() as session:
        assert [entry.actor for entry in audit.history(session, "X-1")] == ["U0SUNLI"]


def test_the_core_never_imports_slack():
    offenders = []
    for path in (ROOT / "opsbot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            offenders += [
                f"{path.name}: {name}" for name in names if name.startswith(("slack_bolt", "slack_sdk"))
            ]
    assert offenders == []
