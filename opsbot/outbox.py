"""The outbox: notifications recorded in the same transaction as the change that caused them.

A delivery worker (on the Slack side) claims rows, sends them and marks them (`opsbot.deliveries`). Rows to
one channel (or one person) go out in the order they were recorded, one at a time, so a card is posted before
it is updated and before replies go into its thread. A claim is a lease: a worker that dies mid-send leaves
the row to be claimed again once the lease runs out, and the next worker first checks whether the message
already reached Slack before sending it again.

A person's App Home is kept up to date through the outbox too. A change that alters what someone has to do
calls `republish_homes` with the people concerned, in its own transaction: one statement that queues a Home
for each of them who has opened theirs (`HomeViewer`), unless one is already waiting. So there is at most one
pending Home row per person, and it carries no view: the view is composed once the row is claimed (after the
claim commits, so no change waits on it), from the database as it is then, so however many changes came in
meanwhile, one `views.publish` shows the latest.

Each claim carries a token of its own. The worker renews its lease under that token before every call it
makes for the row, and marks the row under it, so a worker whose lease ran out (and whose row another worker
claimed) can neither send nor mark: it finds the token changed and leaves the row to the other.
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from opsbot.db import Base, BigId, UTCDateTime, insert_ignoring_conflict

log = logging.getLogger(__name__)


class Status(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Method(enum.StrEnum):
    MESSAGE = "message"  # post, or update the message kept under message_key
    HOME = "home"  # publish a person's App Home view


class Notification(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_channel", "status", "channel", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A channel id (C…, G…) or a person's Slack id (U…), whose direct messages it then goes to.
    channel: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(16), default=Method.MESSAGE)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    # A living message: the first delivery posts it, later ones with the same key update it in place.
    message_key: Mapped[str | None] = mapped_column(String(120))
    # Post into the thread of the living message with this key.
    thread_key: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default=Status.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who holds the lease: the token of the claim that set it.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    slack_ts: Mapped[str | None] = mapped_column(String(32))


class PostedMessage(Base):
    """Where a living message ended up, so later notifications can update it or reply in its thread."""

    __tablename__ = "posted_messages"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    ts: Mapped[str] = mapped_column(String(32))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))


class HomeViewer(Base):
    """Someone who has opened their App Home. Only they are republished when their work changes: Slack would
    publish a Home to anyone, but a tab no one looks at is not worth a Web API call at every change, and
    whoever opens theirs for the first time is published a fresh one then."""

    __tablename__ = "home_viewers"

    slack_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # What of the center file the tab is composed with, as of their latest opening: the process that
    # composes it on delivery has the database, not the center file (see `opsbot.home.HomeSettings`).
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)


HOME_KIND = "home"


def home_opened(session: Session, slack_id: str, *, now: datetime, settings: dict[str, Any] | None) -> None:
    """The person opened their Home: publish it, and (`settings` given: they are in the directory) keep it up
    to date from now on."""
    if settings is not None:
        values = {"slack_id": slack_id, "opened_at": now, "settings": settings}
        session.execute(
            _insert(_dialect(session), HomeViewer)
            .values(values)
            .on_conflict_do_update(index_elements=[HomeViewer.slack_id], set_=values)
        )
    _run(session, _queue_statement(_dialect(session), "one"), {"now": now, "person": slack_id})


def republish_homes(
    session: Session,
    people: Collection[str] | None,
    *,
    now: datetime,
    including: Select[Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Queue a fresh Home for each of `people` (and those `including` selects; None: everyone) who has opened
    theirs, unless one is already waiting: one statement, in the caller's transaction. `including` is a
    statement built once (its statement here is built once for it) whose bound values come in `params`."""
    dialect = _dialect(session)
    bound = {"now": now, "people": sorted(set(people or ())), **(params or {})}
    if including is not None:
        _run(session, _queue_including(dialect, including), bound)
        return
    _run(session, _queue_statement(dialect, "everyone" if people is None else "these"), bound)


@functools.cache
def _queue_statement(dialect: str, shape: str) -> Any:
    """The statement for the common shapes, built once: building it costs more than running it."""
    viewers = HomeViewer.slack_id
    if shape == "one":
        return _queue_homes(dialect, bindparam("person", type_=String(32)), true())
    wanted = true() if shape == "everyone" else viewers.in_(bindparam("people", expanding=True))
    return _queue_homes(dialect, viewers, wanted)


@functools.cache
def _queue_including(dialect: str, including: Select[Any]) -> Any:
    """The statement for `people` and those `including` selects, built once for each such statement."""
    viewers = HomeViewer.slack_id
    people = viewers.in_(bindparam("people", expanding=True))
    return _queue_homes(dialect, viewers, or_(people, viewers.in_(including)))


def _queue_homes(dialect: str, person: Any, wanted: Any) -> Any:
    """INSERT … SELECT a pending Home row for each person selected, under the key of the one pending Home a
    person may have (a claim renames it). A pending row already there is left as it is but locked, so that
    no worker claims it before this change commits (it would miss the change, and nothing would queue
    another); a row being claimed right now makes this wait for the claim (milliseconds: the Home is composed
    after the claim commits), then queue a new one. `now` is bound when it
    runs."""
    now = bindparam("now", type_=UTCDateTime())
    rows = select(
        now,
        person,
        literal(Method.HOME.value),
        literal(HOME_KIND),
        literal({}, JSON),
        literal(f"{HOME_KIND}:") + person + literal(":pending"),
        literal(Status.PENDING.value),
        literal(0),
        now,
    ).where(wanted)  # SQLite needs a WHERE in an INSERT … SELECT … ON CONFLICT, if only `WHERE true`
    columns = [
        "created_at",
        "channel",
        "method",
        "kind",
        "payload",
        "idempotency_key",
        "status",
        "attempts",
        "next_attempt_at",
    ]
    insert = _insert(dialect, Notification).from_select(columns, rows)
    return insert.on_conflict_do_update(
        index_elements=[Notification.idempotency_key],
        set_={"next_attempt_at": insert.excluded.next_attempt_at},
    )


def _run(session: Session, statement: Any, params: dict[str, Any]) -> None:
    """A statement built once runs on the session's connection as Core (the ORM's bulk insert path would
    rebuild it), after what the session holds is flushed."""
    session.flush()
    session.connection().execute(statement, params)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _insert(dialect: str, model: type[Base]) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


@dataclass(frozen=True)
class Note:
    """A notification for `notify_all`: whom it goes to, its kind and payload, its keys (as `notify` has)."""

    to: str
    kind: str
    payload: dict[str, Any]
    key: str
    message_key: str | None = None
    thread_key: str | None = None
    method: Method = Method.MESSAGE


def notify(
    session: Session,
    *,
    now: datetime,
    to: str,
    kind: str,
    payload: dict[str, Any],
    key: str,
    message_key: str | None = None,
    thread_key: str | None = None,
    method: Method = Method.MESSAGE,
) -> bool:
    """Record a notification in the caller's transaction; False if one with this idempotency key exists."""
    note = Note(to, kind, payload, key, message_key, thread_key, method)
    return insert_ignoring_conflict(session, Notification, **_row(note, now))


def notify_all(session: Session, notes: Collection[Note], *, now: datetime) -> None:
    """Record notifications in the caller's transaction, in their order, each unless one with its key exists:
    one statement for them all (on PostgreSQL, one round trip rather than one each)."""
    if notes:
        session.connection().execute(_insert_all(_dialect(session)), [_row(note, now) for note in notes])


def _row(note: Note, now: datetime) -> dict[str, Any]:
    return {
        "created_at": now,
        "channel": note.to,
        "method": note.method,
        "kind": note.kind,
        "payload": note.payload,
        "idempotency_key": note.key,
        "message_key": note.message_key,
        "thread_key": note.thread_key,
        "status": Status.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
    }


@functools.cache
def _insert_all(dialect: str) -> Any:
    return _insert(dialect, Notification).on_conflict_do_nothing()
