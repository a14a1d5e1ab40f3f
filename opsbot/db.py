"""The database: one engine per process, SQLite (WAL, foreign keys, busy timeout) or PostgreSQL (psycopg 3),
and one transaction per unit of work, opened by the caller at the edge."""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Engine, Integer, MetaData, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# A 64-bit row id; on SQLite it must be spelled INTEGER to be the auto-incrementing rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use the clock's UTC instants")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def insert_ignoring_conflict(session: Session, model: type[Base], **values: Any) -> bool:
    """INSERT … ON CONFLICT DO NOTHING in the caller's transaction; True if the row was inserted.
    On PostgreSQL a concurrent insert of the same key waits for the other transaction, then does nothing."""
    dialect = session.get_bind().dialect.name
    statement = _insert_ignoring.get((model, dialect))
    if statement is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        key = model.__table__.primary_key.columns.values()[0]  # type: ignore[attr-defined]
        # A Core statement on the table, built once: the ORM's bulk-insert path costs a millisecond a call.
        # RETURNING, not rowcount: psycopg reports no rowcount for it.
        statement = insert(model.__table__).on_conflict_do_nothing().returning(key)  # type: ignore[arg-type]
        _insert_ignoring[(model, dialect)] = statement
    return session.connection().execute(statement, values).first() is not None


_insert_ignoring: dict[tuple[type[Base], str], Any] = {}


class InTurn:
    """A lock taken in the order it was asked for. A plain lock lets the thread that just released it take
    it again before a waiter wakes, so a sweep going from batch to batch would keep a request waiting for the
    whole run; in turn, the request goes between two batches."""

    def __init__(self) -> None:
        self._turns = threading.Condition()
        self._queue: deque[object] = deque()
        self._held = False

    def __enter__(self) -> None:
        me = object()
        with self._turns:
            self._queue.append(me)
            while self._held or self._queue[0] is not me:
                self._turns.wait()
            self._queue.popleft()
            self._held = True

    def __exit__(self, *_: object) -> None:
        with self._turns:
            self._held = False
            self._turns.notify_all()


class Database:
    """The engine and the two kinds of unit of work: `transaction()` for changes, `reading()` for queries."""

    def __init__(self, url: str, *, sqlite_synchronous: str = "FULL", pool_size: int = 10) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        options: dict[str, Any] = {"pool_pre_ping": not self.is_sqlite}
        if self.is_sqlite:
            options["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            options.update(pool_size=pool_size, max_overflow=pool_size * 2)
        self.engine: Engine = create_engine(self.url, **options)
        if self.is_sqlite:
            _tune_sqlite(self.engine, sqlite_synchronous)
        # SQLite takes one writer at a time; queuing this process's writers in the order they came keeps the
        # wait fair (SQLite's busy handler wakes waiters by polling, so some wait seconds while others pass).
        self._writers: contextlib.AbstractContextManager[Any] = (
            InTurn() if self.is_sqlite else contextlib.nullcontext()
        )
        self._changes = sessionmaker(self.engine, expire_on_commit=False)
        self._reads = sessionmaker(
            self.engine.execution_options(opsbot_read_only=True), expire_on_commit=False
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any exception."""
        with self._writers, self._changes.begin() as session:
            yield session

    @contextmanager
    def trial(self) -> Iterator[Session]:
        """A unit of work that is always rolled back: to learn whether a change would be refused."""
        with self._writers, self._changes() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work; on SQLite it takes no write lock."""
        with self._reads.begin() as session:
            yield session

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def _tune_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN, so a change can take the write lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another
        # process wrote in between; IMMEDIATE waits its turn (busy_timeout) instead.
        read_only = connection.get_execution_options().get("opsbot_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
