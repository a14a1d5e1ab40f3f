"""Shared fixtures: a migrated database (SQLite file, or PostgreSQL when OPSBOT_TEST_DATABASE_URL is set),
the example center, and a running opsbot wired to a fake Slack over real sockets."""

from __future__ import annotations

import compileall
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from opsbot.center import Center
from opsbot.clock import FrozenClock
from opsbot.db import Database
from opsbot.directory import sync_directory
from opsbot.migrate import upgrade_to_head
from opsbot.registry import load_center
from opsbot.schema import metadata
from opsbot.settings import EXAMPLE_CENTER

ROOT = Path(__file__).resolve().parents[1]
# The tests' databases need not survive a power cut: NORMAL spares SQLite a sync at every commit.
TEST_SQLITE_SYNCHRONOUS = "NORMAL"


def worker_database_url(url: str | None) -> str | None:
    """Each pytest-xdist worker empties and fills a database of its own, named after the one given
    (`test` -> `test_gw0`, `test_gw1`, …); without workers, the one given."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    given = make_url(url)
    return given.set(database=f"{given.database}_{worker}").render_as_string(hide_password=False)


PG_URL = worker_database_url(os.environ.get("OPSBOT_TEST_DATABASE_URL"))
ON_POSTGRES = bool(PG_URL)


def create_postgres_database(url: str) -> None:
    """Create the database if it is missing, from the server's `postgres` maintenance database."""
    wanted = make_url(url)
    server = Database(wanted.set(database="postgres").render_as_string(hide_password=False))
    with server.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        found = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": wanted.database}
        )
        if not found:
            connection.execute(text(f'CREATE DATABASE "{wanted.database}"'))
    server.dispose()


def reset_postgres(url: str) -> None:
    db = Database(url)
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_to_head(db)
    db.dispose()


# Children before their parents, then every sequence back to its start: what TRUNCATE … RESTART IDENTITY
# does, at a tenth of its cost (TRUNCATE gives each table and index new files). The audit log refuses
# DELETE (its rows are append-only), so it alone is truncated, and only when a test wrote to it.
EMPTY_POSTGRES = "".join(
    f'DELETE FROM "{table.name}";' for table in reversed(metadata.sorted_tables) if table.name != "audit_log"
) + (
    "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), start_value, false)"
    " FROM pg_sequences WHERE schemaname = current_schema();"
)


def empty_postgres(connection: Connection) -> None:
    connection.exec_driver_sql(EMPTY_POSTGRES)
    if connection.scalar(text("SELECT EXISTS (SELECT FROM audit_log)")):
        connection.execute(text("TRUNCATE audit_log"))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run: a template SQLite file to copy, or the PostgreSQL test database."""
    if PG_URL:
        create_postgres_database(PG_URL)
        reset_postgres(PG_URL)
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "opsbot.db"
    db = Database(f"sqlite:///{path}")
    upgrade_to_head(db)
    db.dispose()
    return str(path)


@pytest.fixture(scope="session")
def postgres_resetter(migrated_template: str) -> Iterator[Database | None]:
    """One connection for the whole run to empty the PostgreSQL database with, before each test."""
    if not PG_URL:
        yield None
        return
    db = Database(PG_URL, pool_size=1)
    yield db
    db.dispose()


@pytest.fixture
def database_url(migrated_template: str, postgres_resetter: Database | None, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty database for one test."""
    if postgres_resetter is not None:
        with postgres_resetter.engine.begin() as connection:
            empty_postgres(connection)
        yield migrated_template
        return
    path = tmp_path / "opsbot.db"
    shutil.copy(migrated_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url, sqlite_synchronous=TEST_SQLITE_SYNCHRONOUS, pool_size=30)
    yield database
    database.dispose()


@pytest.fixture(scope="session", autouse=True)
def compiled_once() -> None:
    """PYTHONDONTWRITEBYTECODE may be set, and then every `python bot.py` a test starts would compile
    opsbot afresh: compile it once, into the usual __pycache__ folders, which they read."""
    for package in ("opsbot", "handlers", "console", "fakeslack", "migrations", "bench"):
        compileall.compile_dir(ROOT / package, quiet=1)
    compileall.compile_file(ROOT / "bot.py", quiet=1)


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
