"""Shared fixtures: a migrated database (SQLite file, or PostgreSQL when OPSBOT_TEST_DATABASE_URL is set),
the example center, and a running opsbot wired to a fake Slack over real sockets."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from opsbot.center import Center
from opsbot.clock import FrozenClock
from opsbot.db import Database
from opsbot.directory import sync_directory
from opsbot.migrate import upgrade_to_head
from opsbot.registry import load_center
from opsbot.schema import metadata
from opsbot.settings import EXAMPLE_CENTER

PG_URL = os.environ.get("OPSBOT_TEST_DATABASE_URL")
ON_POSTGRES = bool(PG_URL)


def reset_postgres(url: str) -> None:
    db = Database(url)
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_to_head(db)
    db.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run: a template SQLite file to copy, or the PostgreSQL test database."""
    if PG_URL:
        reset_postgres(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "opsbot.db"
    db = Database(f"sqlite:///{path}")
    upgrade_to_head(db)
    db.dispose()
    return str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty database for one test."""
    if PG_URL:
        db = Database(PG_URL)
        tables = ", ".join(f'"{name}"' for name in metadata.tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.dispose()
        yield PG_URL
        return
    path = tmp_path / "opsbot.db"
    shutil.copy(migrated_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url, pool_size=30)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def center() -> Center:
    return load_center(EXAMPLE_CENTER)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # Monday 10:00 in Shanghai


@pytest.fixture
def loaded(db: Database, center: Center, clock: FrozenClock) -> Database:
    """The database with the example center's directory in it."""
    with db.transaction() as session:
        sync_directory(session, center, now=clock.now())
    return db
